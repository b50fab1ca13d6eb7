"""medevac: 10-1-2 casualty evacuation response-time analysis for UN peacekeeping missions."""

from medevac.check import CheckResult, check
from medevac.errors import MedevacError, RoadDataError, ScenarioError
from medevac.scenario import dump_scenario, load_scenario, parse_scenario, write_scenario

__all__ = [
    "CheckResult",
    "MedevacError",
    "RoadDataError",
    "ScenarioError",
    "check",
    "dump_scenario",
    "load_scenario",
    "parse_scenario",
    "write_scenario",
]
__version__ = "0.1.0"
