"""The scenario: one contact-center desk, described once, validated completely (see :mod:`.model`)."""

from ccsim.scenario.model import *  # noqa: F403
from ccsim.scenario.model import MAX_AMOUNT, REALTIME_KINDS, ChannelKind, minutes_of_day  # noqa: F401
from ccsim.scenario.model import __all__ as __all__
