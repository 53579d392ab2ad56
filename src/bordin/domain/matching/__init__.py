"""Matching clients on the waiting list with therapists, explained.

Pure rules, no database::

    from bordin.domain.matching import client, therapist, propose
    result = propose(client("c1", languages=["Polish"], needs=["anxiety"]), therapists)
    result.proposals[0].therapist_id, result.proposals[0].reasons, result.unmatched_reason

``model.py`` holds the data (therapists, clients, track records, proposals);
``constraints.py`` the hard constraints that are never broken; ``track_record.py`` the case-mix
adjusted, shrunk reliable-improvement rate; ``ranking.py`` the score and its reasons;
``reading.py`` the file format of ``bordin match --from-json``; ``vocabulary.py`` how words
are compared and shown. A person always decides: these are proposals.
"""

from __future__ import annotations

from bordin.domain.matching.constraints import CONSTRAINTS, admissible, failures
from bordin.domain.matching.model import (
    Client,
    GenderPreference,
    Id,
    MatchResult,
    Proposal,
    Therapist,
    TrackRecord,
    client,
    therapist,
)
from bordin.domain.matching.ranking import WEIGHTS, propose, propose_all
from bordin.domain.matching.reading import read_file
from bordin.domain.matching.track_record import Prior, TrackRecords, fit_prior, shrink

__all__ = [
    "CONSTRAINTS",
    "WEIGHTS",
    "Client",
    "GenderPreference",
    "Id",
    "MatchResult",
    "Prior",
    "Proposal",
    "Therapist",
    "TrackRecord",
    "TrackRecords",
    "admissible",
    "client",
    "failures",
    "fit_prior",
    "propose",
    "propose_all",
    "read_file",
    "shrink",
    "therapist",
]
