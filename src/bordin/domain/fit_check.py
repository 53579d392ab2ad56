"""The fit check: after the first few sessions, is this therapist right for the client?

After the third attended session (configurable: ``BORDIN_FIT_CHECK_AFTER_SESSION``) the client
is asked once, privately, on their feedback form and on their own page. Re-matching is normal:
about one client in five drops out of therapy (Swift & Greenberg 2012), and accommodating
preferences reduces dropout (Swift et al. 2018), so a change of therapist early is better than
a silent ending.

Who is told what:

- ``right`` or ``not_sure``: the therapist sees the answer only if the client agrees;
- ``talk``: the client wants to talk about how it is going *with the therapist*, so the therapist
  is told that (and nothing more, unless the client also agrees to share their note);
- ``change``: the request goes to the **clinical lead only**, never to the therapist, and is
  handled without blame. The client goes back to matching with this therapist excluded. The
  therapist is told only what the client agrees to (by default, nothing).

The Cultural Responsiveness Check is asked on the same form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from bordin.domain.errors import FieldError, InvalidInput

DEFAULT_AFTER_SESSION = 3
NOTE_MAX = 2000

#: The answers, in the client's words, in the order the form shows them.
ANSWERS: Mapping[str, str] = MappingProxyType(
    {
        "right": "Yes, this therapist feels right for me",
        "not_sure": "I'm not sure yet",
        "talk": "I'd like to talk with my therapist about how it's going",
        "change": "I'd like the practice to find me a different therapist",
    }
)

#: What the client is told will happen after each answer.
WHAT_HAPPENS: Mapping[str, str] = MappingProxyType(
    {
        "right": "Thank you. Nothing else happens; you can ask this again at any time.",
        "not_sure": "Thank you. That's normal early on. You can change your answer later.",
        "talk": "We'll let your therapist know you'd like to talk about how it's going.",
        "change": "The practice's clinical lead will be in touch about finding you a different "
        "therapist. Your therapist is not told unless you agreed above. Changing is "
        "normal and nobody is blamed.",
    }
)


@dataclass(frozen=True)
class FitAnswer:
    answer: str
    note: str = ""
    share_with_therapist: bool = False


@dataclass(frozen=True)
class Routing:
    """Who sees what of one answer."""

    to_lead: bool
    therapist_sees_answer: bool
    therapist_sees_note: bool
    opens_request: bool


def check_answer(answer: FitAnswer) -> None:
    """Refuse an answer that cannot be stored, naming the field."""
    errors: list[FieldError] = []
    if answer.answer not in ANSWERS:
        errors.append(FieldError("fit", "choose one of the answers"))
    if len(answer.note) > NOTE_MAX:
        errors.append(FieldError("fit_note", f"is too long (up to {NOTE_MAX:,} characters)"))
    if errors:
        raise InvalidInput(errors)


def routing(answer: FitAnswer) -> Routing:
    """Who sees what (see the module docs)."""
    shared = answer.share_with_therapist
    if answer.answer == "change":
        return Routing(
            to_lead=True,
            therapist_sees_answer=shared,
            therapist_sees_note=shared,
            opens_request=True,
        )
    if answer.answer == "talk":
        return Routing(
            to_lead=False,
            therapist_sees_answer=True,
            therapist_sees_note=shared,
            opens_request=False,
        )
    return Routing(
        to_lead=False, therapist_sees_answer=shared, therapist_sees_note=shared, opens_request=False
    )


def is_due(attended_sessions: int, *, after_session: int, already_answered: bool) -> bool:
    """Asked once, from the ``after_session``-th attended session on, until answered."""
    return not already_answered and attended_sessions >= after_session
