"""KPI functions on hand-made sums, with exact values computed by hand (docs/kpis.md); no simulation."""

import dataclasses
import math

import numpy as np
import pytest
from scipy import stats

import ccsim
from ccsim.errors import CcsimError
from ccsim.results import KpiError, KpiRow, SimulationResult, TargetCheck, compare, mean_ci
from ccsim.results.kpis import CHANNEL_KPIS, GROUP_KPIS, channel_kpis, group_kpis, wait_quantile
from ccsim.results.layout import CH_STATS, GROUP_STATS, WAIT_BIN_EDGES

N_BINS = WAIT_BIN_EDGES.size


def ch_sums(**values: float) -> np.ndarray:
    """A channel sums vector in ``CH_STATS`` order (unnamed columns are 0)."""
    unknown = set(values) - set(CH_STATS)
    assert not unknown, f"not in CH_STATS: {unknown}"
    return np.array([float(values.get(name, 0.0)) for name in CH_STATS])


def group_sums(**values: float) -> np.ndarray:
    """An agent-group sums vector in ``GROUP_STATS`` order (unnamed columns are 0)."""
    unknown = set(values) - set(GROUP_STATS)
    assert not unknown, f"not in GROUP_STATS: {unknown}"
    return np.array([float(values.get(name, 0.0)) for name in GROUP_STATS])


def t_half(values) -> float:
    """Student-t 95 % half-width of the mean, computed independently of ccsim."""
    values = np.asarray(values, dtype=float)
    n = values.size
    return stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n)


# --------------------------------------------------------------------------- channel_kpis

# 100 offered = 80 answered + 20 abandoned (nobody left waiting, so every wait is known);
# 100 offered = 85 new issues + 10 repeats + 5 redials. Every ratio differs from the others,
# so reading a wrong column shows.
CHANNEL = {
    "arrivals": 130,
    "self_served": 115,
    "contained": 30,
    "offered": 100,
    "answered": 80,
    "abandoned": 20,
    "answered_within": 62,
    "answered_at_once": 30,
    "wait_answered_s": 1600,
    "wait_abandoned_s": 600,
    "handled": 90,
    "handle_s": 27000,
    "first_handled": 70,
    "first_resolved": 42,
    "escalated": 9,
    "repeats": 10,
    "redials": 5,
    "issues": 85,
    "issues_resolved": 72,
    "queue_s": 3600,
    "backlog_end": 2,
    "waiting_at_end": 0,
    "in_service_at_end": 3,
}
CHANNEL_EXPECTED = {
    "offered": 100.0,
    "answered": 80.0,
    "abandoned": 20.0,
    "answer_rate": 80 / 100,
    "abandon_rate": 20 / 100,
    "p_wait": (100 - 30) / 100,  # 30 of 100 were answered on arrival
    "service_level": 62 / 100,
    "asa_s": 1600 / 80,
    "mean_wait_all_s": (1600 + 600) / 100,
    "aht_s": 27000 / 90,
    "first_contact_resolution": 42 / 70,
    "resolution_rate": 72 / 85,
    "escalation_rate": 9 / 90,
    "recontact_rate": 10 / 85,
    "containment_rate": 30 / (30 + 85),  # 115 new contacts went through self-service
    "mean_queue_len": 3600 / 1800,
    "backlog_end": 2.0,
    "waiting_at_end": 0.0,
    "in_service_at_end": 3.0,
}
RATIOS = (
    "answer_rate",
    "abandon_rate",
    "p_wait",
    "service_level",
    "asa_s",
    "mean_wait_all_s",
    "aht_s",
    "first_contact_resolution",
    "resolution_rate",
    "escalation_rate",
    "recontact_rate",
    "containment_rate",
)


def test_channel_fixture_names_every_column():
    assert set(CHANNEL) == set(CH_STATS)
    assert set(CHANNEL_EXPECTED) | {"wait_p90_s"} == set(CHANNEL_KPIS)


@pytest.mark.parametrize("kpi", sorted(CHANNEL_EXPECTED))
def test_channel_kpis_exact(kpi):
    kpis = channel_kpis(ch_sums(**CHANNEL), None, 1800.0)
    assert float(kpis[kpi]) == CHANNEL_EXPECTED[kpi]


def test_channel_kpis_without_histogram_omit_p90():
    kpis = channel_kpis(ch_sums(**CHANNEL), None, 1800.0)
    assert "wait_p90_s" not in kpis
    assert set(kpis) == set(CHANNEL_KPIS) - {"wait_p90_s"}


def test_channel_kpis_with_histogram_give_p90():
    hist = np.zeros(N_BINS)
    hist[5] = 80  # every answered contact that waited, waited 10-12 s
    kpis = channel_kpis(ch_sums(**CHANNEL), hist, 1800.0)
    assert list(kpis) == list(CHANNEL_KPIS)
    assert float(kpis["wait_p90_s"]) == 12.0  # the upper edge of the bin (30 answered at once < 90 %)


def test_mean_queue_len_uses_the_period_length():
    kpis = channel_kpis(ch_sums(**CHANNEL), None, 3 * 1800.0)
    assert float(kpis["mean_queue_len"]) == 3600 / 5400


def test_p_wait_is_not_one_minus_service_level():
    # answered within the target but after waiting: counts in service_level, and in p_wait
    kpis = channel_kpis(ch_sums(offered=10, answered=10, answered_within=10, answered_at_once=4), None, 1800.0)
    assert float(kpis["service_level"]) == 1.0
    assert float(kpis["p_wait"]) == 0.6


@pytest.mark.filterwarnings("error")
def test_channel_kpis_zero_offered_give_nan_ratios():
    kpis = channel_kpis(np.zeros(len(CH_STATS)), np.zeros(N_BINS), 1800.0)
    for kpi in RATIOS:
        assert np.isnan(kpis[kpi]), kpi
    assert np.isnan(kpis["wait_p90_s"])
    for kpi in ("offered", "answered", "abandoned", "mean_queue_len", "backlog_end"):
        assert float(kpis[kpi]) == 0.0, kpi


def test_channel_kpis_on_leading_shape():
    base = ch_sums(**CHANNEL)
    other = ch_sums(offered=4, answered=3, abandoned=1, answered_within=1, wait_answered_s=90, queue_s=180)
    cells = [[base, np.zeros_like(base), 2 * base], [other, base, np.zeros_like(base)]]
    sums = np.array(cells)
    assert sums.shape == (2, 3, len(CH_STATS))
    hist = np.zeros((2, 3, N_BINS))
    hist[0, 0, 5] = 80
    hist[1, 0, 63] = 3
    kpis = channel_kpis(sums, hist, 1800.0)
    for kpi in CHANNEL_KPIS:
        assert kpis[kpi].shape == (2, 3), kpi
    for i in range(2):
        for j in range(3):
            one = channel_kpis(sums[i, j], hist[i, j], 1800.0)
            for kpi in CHANNEL_KPIS:
                np.testing.assert_array_equal(kpis[kpi][i, j], one[kpi], err_msg=f"{kpi} at {(i, j)}")
    assert kpis["service_level"][0, 0] == 62 / 100
    assert kpis["service_level"][0, 2] == 124 / 200
    assert kpis["service_level"][1, 0] == 1 / 4
    assert kpis["asa_s"][1, 0] == 90 / 3
    assert kpis["mean_queue_len"][1, 0] == 180 / 1800
    assert np.isnan(kpis["service_level"][0, 1]) and np.isnan(kpis["service_level"][1, 2])
    assert np.isnan(kpis["wait_p90_s"][0, 1])


def test_channel_kpis_interval_length_per_cell():
    sums = np.stack([ch_sums(queue_s=3600), ch_sums(queue_s=3600)])
    kpis = channel_kpis(sums, None, np.array([1800.0, 900.0]))
    np.testing.assert_array_equal(kpis["mean_queue_len"], [2.0, 4.0])


# --------------------------------------------------------------------------- group_kpis

# 20 transfers offered = 16 answered + 3 abandoned + 1 still waiting.
GROUP = {
    "handled": 120,
    "handle_s": 30000,
    "busy_s": 43200,
    "present_s": 57600,  # 16 agent hours
    "scheduled_s": 54000,  # 15 agent hours on duty
    "resolved": 96,
    "escalated": 24,
    "transfers_offered": 20,
    "transfers_answered": 16,
    "transfers_within": 12,
    "transfer_wait_s": 480,
    "transfers_abandoned": 3,
    "transfers_waiting_at_end": 1,
    "voice_handle_s": 18000,  # part of handle_s (no group KPI of its own: costs use it)
}
GROUP_EXPECTED = {
    "handled": 120.0,
    "aht_s": 30000 / 120,
    "transfers_offered": 20.0,
    "transfer_service_level": 12 / 20,
    "transfer_asa_s": 480 / 16,
    "transfer_abandon_rate": 3 / 20,
    "occupancy": 43200 / 57600,
    "contacts_per_agent_hour": 120 / 16,
    "agent_hours_on_duty": 15.0,
    "agent_hours_paid": 15 / (1 - 0.25),
    "agent_hours_present": 16.0,
    "resolution_rate": 96 / 120,
    "escalation_rate": 24 / 120,
}


def test_group_fixture_names_every_column():
    assert set(GROUP) == set(GROUP_STATS)
    assert set(GROUP_EXPECTED) == set(GROUP_KPIS)


@pytest.mark.parametrize("kpi", sorted(GROUP_EXPECTED))
def test_group_kpis_exact(kpi):
    kpis = group_kpis(group_sums(**GROUP), 0.25)
    assert list(kpis) == list(GROUP_KPIS)
    assert float(kpis[kpi]) == pytest.approx(GROUP_EXPECTED[kpi], rel=1e-15)


def test_group_paid_hours_broadcast_shrinkage_per_group():
    sums = np.stack([group_sums(scheduled_s=36000)] * 3)  # 10 h on duty each
    kpis = group_kpis(sums, np.array([0.0, 0.2, 0.5]))
    np.testing.assert_allclose(kpis["agent_hours_paid"], [10.0, 12.5, 20.0], rtol=1e-15)
    np.testing.assert_array_equal(kpis["agent_hours_on_duty"], [10.0, 10.0, 10.0])


@pytest.mark.filterwarnings("error")
def test_group_kpis_without_contacts_give_nan_ratios():
    kpis = group_kpis(group_sums(present_s=3600, scheduled_s=3600), 0.0)
    for kpi in ("aht_s", "transfer_service_level", "transfer_asa_s", "transfer_abandon_rate"):
        assert np.isnan(kpis[kpi]), kpi
    for kpi in ("resolution_rate", "escalation_rate"):
        assert np.isnan(kpis[kpi]), kpi
    assert float(kpis["occupancy"]) == 0.0  # agents there, nothing to do
    assert float(kpis["contacts_per_agent_hour"]) == 0.0
    assert float(kpis["transfers_offered"]) == 0.0


# --------------------------------------------------------------------------- wait_quantile


def _bin(lower: float) -> int:
    (idx,) = np.flatnonzero(lower == WAIT_BIN_EDGES)
    return int(idx)


def test_wait_quantile_is_the_upper_edge_of_its_bin():
    # right to the histogram's resolution: the true quantile is in (10, 12], reported as 12
    hist = np.zeros(N_BINS)
    hist[_bin(10.0)] = 10  # bin [10, 12)
    for q in (0.5, 0.9, 1.0):
        assert float(wait_quantile(hist, q)) == 12.0


def test_wait_quantile_in_the_ten_second_bins():
    k = _bin(150.0)
    assert WAIT_BIN_EDGES[k + 1] - WAIT_BIN_EDGES[k] == 10.0
    hist = np.zeros(N_BINS)
    hist[0] = 50  # [0, 2)
    hist[k] = 50  # [150, 160)
    # 90 % of 100 = 90 falls in [150, 160): reported as 160 (resolution 10 s)
    assert float(wait_quantile(hist, 0.9)) == 160.0
    # the median is the top of the first bin, or exactly 0 when those 50 were answered at once
    assert float(wait_quantile(hist, 0.5)) == 2.0
    assert float(wait_quantile(hist, 0.5, at_once=50)) == 0.0
    assert float(wait_quantile(hist, 0.5, at_once=49)) == 2.0


def test_wait_quantile_is_zero_when_nearly_nobody_waits():
    # "1.8 s" was once reported when 95 % were answered at once: interpolation in the 0-2 s bin
    hist = np.zeros(N_BINS)
    hist[0] = 100
    assert float(wait_quantile(hist, 0.9, at_once=95)) == 0.0


def test_wait_quantile_last_bin_and_empty():
    hist = np.zeros((3, N_BINS))
    hist[0, -1] = 7  # beyond a day: reported as a day
    hist[2, _bin(10.0)] = 10
    out = wait_quantile(hist, 0.9)
    assert out.shape == (3,)
    assert out[0] == 86400.0
    assert np.isnan(out[1])
    assert out[2] == 12.0


# --------------------------------------------------------------------------- mean_ci


def test_mean_ci_student_t():
    values = [1.0, 2.0, 4.0, 7.0]
    mean, half = mean_ci(np.array(values))
    assert float(mean) == 3.5
    assert float(half) == pytest.approx(stats.t.ppf(0.975, 3) * np.std(values, ddof=1) / math.sqrt(4), rel=1e-12)


def test_mean_ci_leaves_out_nan():
    mean, half = mean_ci(np.array([1.0, np.nan, 2.0, 4.0, np.nan, 7.0]))
    assert float(mean) == 3.5
    assert float(half) == pytest.approx(t_half([1.0, 2.0, 4.0, 7.0]), rel=1e-12)


def test_mean_ci_single_value_and_all_nan():
    mean, half = mean_ci(np.array([5.0]))
    assert float(mean) == 5.0 and np.isnan(half)
    mean, half = mean_ci(np.array([np.nan, 5.0, np.nan]))
    assert float(mean) == 5.0 and np.isnan(half)
    mean, half = mean_ci(np.array([np.nan, np.nan]))
    assert np.isnan(mean) and np.isnan(half)


def test_mean_ci_over_axis_zero():
    values = np.array([[1.0, 10.0, np.nan], [2.0, 10.0, 3.0], [6.0, 10.0, np.nan]])
    mean, half = mean_ci(values)
    np.testing.assert_allclose(mean, [3.0, 10.0, 3.0], rtol=1e-15)
    assert half[0] == pytest.approx(t_half([1.0, 2.0, 6.0]), rel=1e-12)
    assert half[1] == 0.0
    assert np.isnan(half[2])


# --------------------------------------------------------------------------- SimulationResult

# (offered, answered_within) per replication and interval. Per replication, over both intervals:
# 8/10, 14/20 and 30/40 -> service levels 0.8, 0.7, 0.75 (mean 0.75), while the ratio of the
# summed sums would be 52/70.
PHONE = [[(4, 4), (6, 4)], [(10, 9), (10, 5)], [(20, 18), (20, 12)]]
PHONE_B = [[(4, 4), (6, 5)], [(10, 9), (10, 6)], [(20, 18), (20, 15)]]  # 0.9, 0.75, 0.825
# (busy_s, present_s) per replication and interval; 3600 s on duty per interval.
AGENTS = [[(1800, 3600), (2700, 3600)], [(3000, 3600), (3000, 3600)], [(5400, 7200), (1800, 3600)]]


def make_result(phone=PHONE, *, seed=7, measured=(True, True), targets=None, replication_ids=(0, 1, 2)):
    reps, intervals = len(phone), len(phone[0])
    channel = np.zeros((reps, 1, intervals, len(CH_STATS)))
    group = np.zeros((reps, 1, intervals, len(GROUP_STATS)))
    for r in range(reps):
        for k in range(intervals):
            offered, within = phone[r][k]
            channel[r, 0, k] = ch_sums(
                offered=offered,
                answered=offered,
                answered_within=within,
                answered_at_once=within // 2,
                wait_answered_s=10.0 * offered,
                handled=offered,
                handle_s=300.0 * offered,
                issues=offered,
                queue_s=60.0 * offered,
            )
            busy, present = AGENTS[r][k]
            group[r, 0, k] = group_sums(
                handled=offered, handle_s=300.0 * offered, busy_s=busy, present_s=present, scheduled_s=3600
            )
    return SimulationResult(
        scenario="hand-made",
        variant=None,
        seed=seed,
        replications=reps,
        replications_requested=reps,
        interrupted=False,
        contacts=int(channel[..., CH_STATS.index("offered")].sum()),
        elapsed_s=0.0,
        staffing={"agents": np.array([1, 1])},
        channel_names=["phone"],
        group_names=["agents"],
        interval_labels=["day 1 09:00", "day 1 09:30"],
        interval_starts_s=[32400.0, 34200.0],
        interval_s=1800.0,
        measured=np.array(measured),
        answer_within_s={"phone": 20.0},
        channel_targets={} if targets is None else {"phone": targets},
        channel_kinds={"phone": "voice"},
        not_modelled=(),
        start_weekday="mon",
        weekly=False,
        shrinkage=np.array([0.25]),
        replication_ids=np.array(replication_ids),
        channel_sums=channel,
        group_sums=group,
        wait_hist=np.zeros((reps, 1, N_BINS), dtype=np.int64),
        interval_wait_hist=np.zeros((1, intervals, N_BINS), dtype=np.int64),
    )


SL_REPS = [8 / 10, 14 / 20, 30 / 40]
SL_I0 = [4 / 4, 9 / 10, 18 / 20]
SL_I1 = [4 / 6, 5 / 10, 12 / 20]


def test_result_service_level_is_mean_of_replication_ratios():
    res = make_result()
    row = res.channel("phone")
    assert isinstance(row, KpiRow)
    assert row["service_level"] == pytest.approx(np.mean(SL_REPS), rel=1e-12)
    assert row["service_level"] != pytest.approx(52 / 70, rel=1e-3)  # not the ratio of the summed sums
    assert row["service_level_ci95"] == pytest.approx(t_half(SL_REPS), rel=1e-12)
    assert res.channel("all")["service_level"] == pytest.approx(np.mean(SL_REPS), rel=1e-12)
    assert res.channel()["service_level"] == row["service_level"]


def test_result_replication_values():
    res = make_result()
    np.testing.assert_allclose(res.replication_values("service_level", channel="phone"), SL_REPS, rtol=1e-15)
    np.testing.assert_allclose(res.replication_values("service_level"), SL_REPS, rtol=1e-15)  # channel "all"
    np.testing.assert_allclose(res.replication_values("service_level", channel="phone", interval=0), SL_I0, rtol=1e-15)
    np.testing.assert_allclose(res.replication_values("service_level", channel="phone", interval=1), SL_I1, rtol=1e-15)
    by_label = res.replication_values("service_level", channel="phone", interval="day 1 09:30")
    np.testing.assert_allclose(by_label, SL_I1, rtol=1e-15)
    # the mean queue length over the run divides by the run's length (2 intervals)
    queue = [60.0 * 10 / 3600, 60.0 * 20 / 3600, 60.0 * 40 / 3600]
    np.testing.assert_allclose(res.replication_values("mean_queue_len", channel="phone"), queue, rtol=1e-15)


def test_result_interval_rows_average_replication_ratios():
    res = make_result()
    rows = [r for r in res.intervals if r["channel"] == "phone"]
    assert [r["interval"] for r in rows] == [0, 1]
    assert rows[0]["service_level"] == pytest.approx(np.mean(SL_I0), rel=1e-12)
    assert rows[1]["service_level"] == pytest.approx(np.mean(SL_I1), rel=1e-12)
    assert rows[1]["service_level_ci95"] == pytest.approx(t_half(SL_I1), rel=1e-12)


def test_result_warmup_intervals_are_left_out():
    res = make_result(measured=(False, True))
    assert res.channel("phone")["service_level"] == pytest.approx(np.mean(SL_I1), rel=1e-12)
    queue = [60.0 * 6 / 1800, 60.0 * 10 / 1800, 60.0 * 20 / 1800]
    np.testing.assert_allclose(res.replication_values("mean_queue_len", channel="phone"), queue, rtol=1e-15)


def test_result_group_kpis_are_means_of_replication_ratios():
    res = make_result()
    occupancy = [4500 / 7200, 6000 / 7200, 7200 / 10800]
    np.testing.assert_allclose(res.replication_values("occupancy", group="agents"), occupancy, rtol=1e-15)
    assert res.group("agents")["occupancy"] == pytest.approx(np.mean(occupancy), rel=1e-12)
    assert res.group("agents")["agent_hours_on_duty"] == pytest.approx(2.0, rel=1e-15)
    assert res.group("agents")["agent_hours_paid"] == pytest.approx(2.0 / 0.75, rel=1e-15)
    assert res.group("all")["agent_hours_paid"] == pytest.approx(2.0 / 0.75, rel=1e-15)
    cph = [10 / 2, 20 / 2, 40 / 3]  # handled / agent hours present
    np.testing.assert_allclose(res.replication_values("contacts_per_agent_hour", group="agents"), cph, rtol=1e-15)


def test_result_misspelt_kpi_lists_valid_names():
    res = make_result()
    with pytest.raises(KpiError) as err:
        res.channel("phone")["sevice_level"]
    msg = str(err.value)
    assert "did you mean 'service_level'" in msg
    for name in ("service_level", "abandon_rate", "asa_s", "p_wait"):
        assert name in msg
    assert isinstance(err.value, CcsimError) and isinstance(err.value, KeyError)
    with pytest.raises(KpiError, match="service_level"):
        res.replication_values("sevice_level", channel="phone")


def test_result_unknown_channel_group_or_interval():
    res = make_result()
    with pytest.raises(KpiError, match="phone"):
        res.channel("phnoe")
    with pytest.raises(KpiError, match="phone"):
        res.replication_values("service_level", channel="email")
    with pytest.raises(KpiError, match="agents"):
        res.group("agnets")
    with pytest.raises(KpiError):
        res.replication_values("service_level", channel="phone", interval=2)
    with pytest.raises(KpiError, match="day 1 09:30"):
        res.replication_values("service_level", channel="phone", interval="day 1 9:30")


# service level: mean 0.75, 95 % CI 0.75 +- 4.30 * 0.05 / sqrt(3) = [0.626, 0.874];
# per interval (means over replications) 0.933 and 0.589.
@pytest.mark.parametrize(
    ("target", "status", "intervals_met"),
    [
        (0.5, "met", 1.0),
        (0.6, "met", 0.5),
        (0.75, "uncertain", 0.5),
        (0.8, "uncertain", 0.5),
        (0.9, "MISSED", 0.5),
        (0.95, "MISSED", 0.0),
    ],
)
def test_result_service_level_target(target, status, intervals_met):
    lo, hi = 0.75 - t_half(SL_REPS), 0.75 + t_half(SL_REPS)
    assert (target < lo) == (status == "met") and (target > hi) == (status == "MISSED")
    res = make_result(targets={"min_service_level": target})
    (check,) = res.targets
    assert isinstance(check, TargetCheck)
    assert (check.channel, check.target_name, check.kpi, check.target) == (
        "phone",
        "min_service_level",
        "service_level",
        target,
    )
    assert check.value == pytest.approx(0.75, rel=1e-12)
    assert check.ci95 == pytest.approx(t_half(SL_REPS), rel=1e-12)
    assert check.status == status
    assert check.met == (status == "met")
    assert check.intervals_met == intervals_met


def test_result_intervals_met_counts_measured_intervals_only():
    # only the second interval (mean 0.589) is measured
    (check,) = make_result(targets={"min_service_level": 0.6}, measured=(False, True)).targets
    assert check.intervals_met == 0.0
    (check,) = make_result(targets={"min_service_level": 0.55}, measured=(False, True)).targets
    assert check.intervals_met == 1.0


def test_result_targets_by_replacing_channel_targets():
    res = dataclasses.replace(make_result(), channel_targets={"phone": {"min_service_level": 0.6}})
    assert [c.status for c in res.targets] == ["met"]


# --------------------------------------------------------------------------- compare


def test_compare_paired_differences():
    a, b = make_result(), make_result(PHONE_B)
    sl_b = [9 / 10, 15 / 20, 33 / 40]
    diffs = np.array(sl_b) - np.array(SL_REPS)
    cmp = compare(a, b)
    assert cmp.replications == 3
    row = cmp.diff("service_level", channel="phone")
    assert row["mean_a"] == pytest.approx(np.mean(SL_REPS), rel=1e-12)
    assert row["mean_b"] == pytest.approx(np.mean(sl_b), rel=1e-12)
    assert row["diff"] == pytest.approx(diffs.mean(), rel=1e-12)
    assert row["diff"] != pytest.approx(57 / 70 - 52 / 70, rel=1e-3)  # not from the summed sums
    assert row["diff_ci95"] == pytest.approx(t_half(diffs), rel=1e-12)
    assert row["pairs"] == 3
    # the paired half-width is far narrower than that of two independent runs
    assert row["diff_ci95"] < row["unpaired_ci95"]
    assert cmp.diff("service_level")["diff"] == pytest.approx(diffs.mean(), rel=1e-12)  # channel "all"


def test_compare_identical_results():
    a = make_result()
    row = compare(a, a).diff("service_level", channel="phone")
    assert row["diff"] == 0.0 and row["diff_ci95"] == 0.0


def test_compare_pairs_by_replication_number():
    a = make_result()
    b = make_result(PHONE_B, replication_ids=(1, 2, 3))
    cmp = compare(a, b)
    assert cmp.replications == 2
    # replications 1 and 2 of a against the first two of b
    diffs = np.array([9 / 10, 15 / 20]) - np.array([14 / 20, 30 / 40])
    row = cmp.diff("service_level", channel="phone")
    assert row["pairs"] == 2
    assert row["diff"] == pytest.approx(diffs.mean(), rel=1e-12)
    assert row["diff_ci95"] == pytest.approx(t_half(diffs), rel=1e-12)


def test_compare_rejects_different_seeds():
    with pytest.raises(ccsim.CcsimError, match="seed"):
        compare(make_result(seed=1), make_result(PHONE_B, seed=2))
