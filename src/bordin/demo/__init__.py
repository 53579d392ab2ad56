"""Bordin's synthetic demo practice: the public entry point.

``generate_demo_practice(seed=7, today=...)`` returns a :class:`DemoPractice` of frozen
dataclasses (staff, clients, episodes, sessions, item-level answers, free-text feedback) plus the
ground truth of every pattern it planted. It never touches a database; the loader in
``bordin.services`` stores it through the ordinary use cases. Every person in it is synthetic.
See docs/demo-practice.md.
"""

from __future__ import annotations

from bordin.demo.generator import (
    PRACTICE_LOCALE,
    PRACTICE_TIMEZONE,
    generate_demo_practice,
)
from bordin.demo.ground_truth import PATTERN_KINDS
from bordin.demo.model import (
    Availability,
    DemoAdministration,
    DemoClient,
    DemoEpisode,
    DemoFeedback,
    DemoPractice,
    DemoSession,
    DemoStaff,
    PlantedPattern,
    TherapistProfile,
)
from bordin.demo.params import DemoParams

__all__ = [
    "PATTERN_KINDS",
    "PRACTICE_LOCALE",
    "PRACTICE_TIMEZONE",
    "Availability",
    "DemoAdministration",
    "DemoClient",
    "DemoEpisode",
    "DemoFeedback",
    "DemoParams",
    "DemoPractice",
    "DemoSession",
    "DemoStaff",
    "PlantedPattern",
    "TherapistProfile",
    "generate_demo_practice",
]
