"""All of Bordin's tables. Importing this module registers them on ``Base.metadata``."""

from bordin.storage.tables.care import AppointmentRow, EpisodeRow, ParticipantRow
from bordin.storage.tables.feedback import ConcernRow, FeedbackLinkRow, SubmissionRow
from bordin.storage.tables.measures import (
    AdministrationRow,
    CustomInstrumentRow,
    ImportedWordingRow,
)
from bordin.storage.tables.people import (
    ClientRow,
    ConsentRow,
    PracticeRow,
    TherapistProfileRow,
    UserRow,
)
from bordin.storage.tables.security import (
    AuditEventRow,
    AuthSessionRow,
    LoginAttemptRow,
    MagicLinkRow,
)
from bordin.storage.tables.signals import AlertRow, RuptureLogRow, SignalRow

__all__ = [
    "AdministrationRow",
    "AlertRow",
    "AppointmentRow",
    "AuditEventRow",
    "AuthSessionRow",
    "ClientRow",
    "ConcernRow",
    "ConsentRow",
    "CustomInstrumentRow",
    "EpisodeRow",
    "FeedbackLinkRow",
    "ImportedWordingRow",
    "LoginAttemptRow",
    "MagicLinkRow",
    "ParticipantRow",
    "PracticeRow",
    "RuptureLogRow",
    "SignalRow",
    "SubmissionRow",
    "TherapistProfileRow",
    "UserRow",
]
