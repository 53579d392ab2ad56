"""Watching the relationship: alliance ruptures and repair, not-on-track, split alliance.

Pure domain code (stdlib and ``bordin.domain`` only). The entry point is
:func:`evaluate_episode`: one episode's history and ``now`` in, a list of :class:`Signal` out,
each explaining itself. Every threshold is in :class:`SignalConfig`. See docs/signals.md for the
rules, their sources and how well they find planted patterns.
"""

from bordin.domain.alliance.config import SignalConfig
from bordin.domain.alliance.evaluate import EpisodeAnalysis, analyse_episode, evaluate_episode
from bordin.domain.alliance.history import (
    Attendance,
    EpisodeHistory,
    Rating,
    RiskFlag,
    TherapistRupture,
)
from bordin.domain.alliance.recovery import (
    DEFAULT_RECOVERY_MODELS,
    Band,
    ExpectedRecoveryModel,
)
from bordin.domain.alliance.repair import (
    MARKERS,
    STRATEGIES,
    Marker,
    RuptureLink,
    Strategy,
    log_problems,
)
from bordin.domain.alliance.scale import ScaleFacts, facts_from_instrument, registry_scale
from bordin.domain.alliance.signal import (
    SEVERITIES,
    SIGNAL_TYPES,
    Explanation,
    Severity,
    Signal,
    SignalType,
    by_urgency,
)

__all__ = [
    "DEFAULT_RECOVERY_MODELS",
    "MARKERS",
    "SEVERITIES",
    "SIGNAL_TYPES",
    "STRATEGIES",
    "Attendance",
    "Band",
    "EpisodeAnalysis",
    "EpisodeHistory",
    "ExpectedRecoveryModel",
    "Explanation",
    "Marker",
    "Rating",
    "RiskFlag",
    "RuptureLink",
    "ScaleFacts",
    "Severity",
    "Signal",
    "SignalConfig",
    "SignalType",
    "Strategy",
    "TherapistRupture",
    "analyse_episode",
    "by_urgency",
    "evaluate_episode",
    "facts_from_instrument",
    "log_problems",
    "registry_scale",
]
