"""What the API accepts and returns (Pydantic). Never imported by ``domain`` or ``services``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bordin.domain.text import MAX_RECORD_ID

Scope = Literal["read", "write", "admin"]


class Strict(BaseModel):
    """Request bodies refuse fields they do not know, so a typo is an error, not a no-op."""

    model_config = ConfigDict(extra="forbid")


class ErrorField(BaseModel):
    field: str
    message: str


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, for programs: not_found, invalid_input, conflict...")
    message: str = Field(description="A sentence for people.")
    fields: list[ErrorField] = Field(description="Each field that was wrong; may be empty.")


class ErrorOut(BaseModel):
    error: ErrorDetail


class ClientOut(BaseModel):
    id: int
    pseudonym: str
    display_name: str
    email: str | None
    phone: str | None
    preferred_language: str
    episode_ids: list[int]


class ClientPage(BaseModel):
    items: list[ClientOut]
    next: str | None = Field(description="The next page's address, or null on the last page.")


class EpisodeOut(BaseModel):
    id: int
    therapist_id: int
    kind: str
    status: str
    started_on: date
    ended_on: date | None
    client_ids: list[int]


class NewClientIn(Strict):
    display_name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)


class EnrolmentIn(Strict):
    """A client (two for a couple) and their episode with a therapist, as the enrol page makes."""

    therapist_id: int = Field(ge=1, le=MAX_RECORD_ID)
    kind: Literal["individual", "couple"] = "individual"
    clients: list[NewClientIn] = Field(min_length=1, max_length=2)
    started_on: date
    problem_area: str | None = Field(None, max_length=80)


class EpisodePage(BaseModel):
    items: list[EpisodeOut]
    next: str | None


class AppointmentOut(BaseModel):
    id: int
    episode_id: int
    number: int
    starts_at: datetime
    duration_minutes: int
    status: str
    mode: str


class AppointmentPage(BaseModel):
    items: list[AppointmentOut]
    next: str | None


class AppointmentBooking(Strict):
    """One session, or a weekly or fortnightly series, at the practice's local date and time."""

    date: str = Field(max_length=10, description="Local date, YYYY-MM-DD.", examples=["2027-01-04"])
    time: str = Field(max_length=5, description="Local time, HH:MM.", examples=["14:00"])
    frequency: Literal["once", "weekly", "fortnightly"] = "once"
    count: int = Field(1, ge=1, le=52, description="Sessions in a series (2 or more).")
    duration_minutes: int | None = Field(None, ge=10, le=240)
    mode: Literal["in_person", "remote"] = "in_person"
    room: str = Field("", max_length=80)
    video_link: str = Field("", max_length=500)


class AppointmentChange(Strict):
    status: Literal["scheduled", "attended", "no_show"] = Field(
        description="Cancelling goes through the diary, which applies the notice rules."
    )


class AdministrationIn(Strict):
    """Answers to one instrument, keyed by item link id (as in the instrument's docs)."""

    client_id: int = Field(ge=1, le=MAX_RECORD_ID)
    episode_id: int = Field(ge=1, le=MAX_RECORD_ID)
    instrument_id: str = Field(max_length=40, examples=["phq9"])
    answers: dict[str, float | None] = Field(max_length=200)
    appointment_id: int | None = Field(None, ge=1, le=MAX_RECORD_ID)
    answered_at: datetime | None = Field(None, description="When answered (with a time zone).")


class AdministrationOut(BaseModel):
    id: int
    client_id: int
    episode_id: int
    appointment_id: int | None
    instrument_id: str
    instrument_version: str
    answered_at: datetime
    answers: dict[str, float | None]
    total: float | None
    subscales: dict[str, float | None]
    band: str | None
    cutoff_exceeded: bool
    risk_items: list[str]
    prorated: bool
    source: str


class AdministrationPage(BaseModel):
    items: list[AdministrationOut]
    next: str | None


class SignalOut(BaseModel):
    id: int
    episode_id: int
    client_id: int | None
    session_number: int | None
    type: str
    severity: str
    status: str
    rule: str
    summary: str
    computed_at: datetime
    acknowledged_at: datetime | None


class SignalPage(BaseModel):
    items: list[SignalOut]
    next: str | None


class TokenOut(BaseModel):
    id: int
    user_id: int
    owner: str
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenList(BaseModel):
    items: list[TokenOut]
    next: str | None = None
