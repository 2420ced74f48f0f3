"""Speed of ccsim fit: a year of contacts (500,000 rows) read, cleaned and fitted.

The goal (issue 16): at most 30 s and under 1 GB on these 2-core machines. The reference is
reading the same file with the reader ccsim uses alone (the csv module, every row into a
list), so the ratio shows what parsing, cleaning and fitting add. Each measurement runs in a
fresh process, so that its peak memory (ru_maxrss) is its own.

    python benchmarks/fit_speed.py [--rows 500000] [--file /tmp/fit_speed.csv]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

CSV_ONLY = """
import csv, json, resource, sys, time
t = time.perf_counter()
with open(sys.argv[1], newline="", encoding="utf-8") as fh:
    rows = list(csv.reader(fh))
print(json.dumps({"s": time.perf_counter() - t, "rows": len(rows) - 1,
                  "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

FIT = """
import json, resource, sys, time
t0 = time.perf_counter()
from ccsim.fit import estimate, read_logs, scenario_yaml
from ccsim.outputs.fit_text import report_text
t = time.perf_counter()
log = read_logs(sys.argv[1])
t_read = time.perf_counter() - t
params = estimate(log)
t_fit = time.perf_counter() - t - t_read
scenario_yaml(params), report_text(params)
print(json.dumps({"s": time.perf_counter() - t, "read_s": t_read, "fit_s": t_fit, "rows": log.cleaning.rows_read,
                  "import_s": t - t0, "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


GENERATE = """
import json, sys
from pathlib import Path
from ccsim.fit.synthetic import SyntheticChannel, synthetic_log

# a year (364 days, Sunday closed) of phone and chat contacts, with redials and three holidays
per_day = ROWS / 364 / (sum((1.2, 1.0, 1.0, 1.0, 1.1, 0.5)) / 7) / 1.08
truth = synthetic_log(
    Path(sys.argv[1]),
    days=364,
    channels=(
        SyntheticChannel(name="phone", per_day=0.7 * per_day, agents=40),
        SyntheticChannel(name="chat", kind="chat", per_day=0.3 * per_day, handle_mean_s=480, agents=20),
    ),
    holidays=(0, 120, 240),
    seed=1,
)
print(json.dumps({"rows": truth["rows"]}))
"""


def run(code: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000, help="rows in the synthetic log (about)")
    parser.add_argument("--file", type=Path, default=Path("/tmp/ccsim_fit_speed.csv"), help="where to write it")
    args = parser.parse_args()

    t = time.perf_counter()
    gen = run(GENERATE.replace("ROWS", str(args.rows)), args.file)  # in its own process: the parent stays small
    truth = {"rows": gen["rows"]}
    size = args.file.stat().st_size / 1e6
    print(f"synthetic log: {truth['rows']:,} rows, {size:.0f} MB, written in {time.perf_counter() - t:.1f} s")
    ref = run(CSV_ONLY, args.file)
    fit = run(FIT, args.file)
    print(f"csv.reader alone:      {ref['s']:6.2f} s   peak {ref['mb']:6.0f} MB")
    print(f"ccsim.fit read+clean:  {fit['read_s']:6.2f} s   ({fit['read_s'] / ref['s']:.1f} x the csv module alone)")
    print(f"ccsim.fit estimate:    {fit['fit_s']:6.2f} s")
    print(
        f"ccsim.fit total:       {fit['s']:6.2f} s   peak {fit['mb']:6.0f} MB   "
        f"(goal: <= 30 s, < 1024 MB; {fit['s'] / ref['s']:.1f} x the csv module alone)"
    )


if __name__ == "__main__":
    main()
