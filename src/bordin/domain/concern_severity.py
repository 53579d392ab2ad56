"""How soon the clinical lead should read a concern: its severity, from what kind of concern it is.

=========================================================  ===========  ======================
concern                                                    severity     read
=========================================================  ===========  ======================
``crisis``: the client's words suggest they may be unsafe  ``urgent``   now
``conduct``: feedback read as a possible conduct concern   ``high``     today
``concern``: raised by the client on the concern form      ``high``     today
anything else                                              ``routine``  this week
=========================================================  ===========  ======================

The words are the alerts' (``urgent``, ``high``, ``routine``), so a lead reads both the same way.
Pure Python: no I/O.
"""

from __future__ import annotations

SEVERITY_ORDER = ("urgent", "high", "routine")

_BY_CATEGORY = {"crisis": "urgent", "conduct": "high", "concern": "high"}


def concern_severity(category: str) -> str:
    """``urgent``, ``high`` or ``routine`` for a concern of this category."""
    return _BY_CATEGORY.get(category, "routine")


def severity_rank(severity: str) -> int:
    """0 for the most urgent; unknown severities sort last."""
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)
