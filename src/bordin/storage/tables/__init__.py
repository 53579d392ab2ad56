"""All of Bordin's tables. Importing this module registers them on ``Base.metadata``."""

from bordin.storage.tables.api import ApiTokenRow, IdempotencyKeyRow
from bordin.storage.tables.care import AppointmentRow, EpisodeRow, ParticipantRow
from bordin.storage.tables.feedback import ConcernRow, FeedbackLinkRow, SubmissionRow
from bordin.storage.tables.intake import ClientPreferenceRow, IntakeRow
from bordin.storage.tables.jobs import CalendarFeedRow, ContactOptOutRow, DeliveryRow, JobRow
from bordin.storage.tables.matching import ExclusionRow, FitCheckRow, MatchRow
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
from bordin.storage.tables.reports import PreparedReportRow
from bordin.storage.tables.research import ResearchProjectRow
from bordin.storage.tables.rights import ErasureRequestRow, RetentionSettingsRow
from bordin.storage.tables.scheduling import (
    AppointmentSeriesRow,
    MeasurementScheduleRow,
    RiskScreenRow,
    ScheduleExceptionRow,
    SchedulingSettingsRow,
    WorkingHoursRow,
)
from bordin.storage.tables.security import (
    AuditEventRow,
    AuthSessionRow,
    LoginAttemptRow,
    MagicLinkRow,
)
from bordin.storage.tables.signals import AlertRow, RuptureLogRow, SignalRow
from bordin.storage.tables.triage import TriageCorrectionRow, TriageModelRow

__all__ = [
    "AdministrationRow",
    "AlertRow",
    "ApiTokenRow",
    "AppointmentRow",
    "AppointmentSeriesRow",
    "AuditEventRow",
    "AuthSessionRow",
    "CalendarFeedRow",
    "ClientPreferenceRow",
    "ClientRow",
    "ConcernRow",
    "ConsentRow",
    "ContactOptOutRow",
    "CustomInstrumentRow",
    "DeliveryRow",
    "EpisodeRow",
    "ErasureRequestRow",
    "ExclusionRow",
    "FeedbackLinkRow",
    "FitCheckRow",
    "IdempotencyKeyRow",
    "ImportedWordingRow",
    "IntakeRow",
    "JobRow",
    "LoginAttemptRow",
    "MagicLinkRow",
    "MatchRow",
    "MeasurementScheduleRow",
    "ParticipantRow",
    "PracticeRow",
    "PreparedReportRow",
    "ResearchProjectRow",
    "RetentionSettingsRow",
    "RiskScreenRow",
    "RuptureLogRow",
    "ScheduleExceptionRow",
    "SchedulingSettingsRow",
    "SignalRow",
    "SubmissionRow",
    "TherapistProfileRow",
    "TriageCorrectionRow",
    "TriageModelRow",
    "UserRow",
    "WorkingHoursRow",
]
