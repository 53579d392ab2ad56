"""Who sees what, how urgent it is, and what the client is told.

=============  ==========  ==============================  =================================
category       severity    route                           the client is told
=============  ==========  ==============================  =================================
crisis         urgent      therapist and clinical lead      crisis help first; both alerted
conduct        high        clinical lead only               how the concern is handled, and
                                                            the professional body's route
misalignment   routine     therapist, with repair prompts   the therapist will see it
positive       routine     therapist                        thank you
other          routine     therapist                        thank you
=============  ==========  ==============================  =================================

A text that signals crisis *and* a possible conduct concern goes to the clinical lead only,
who runs the crisis pathway: conduct text never reaches the therapist concerned.

A text flagged for **risk review** (the model thinks it may be a crisis, below the crisis
threshold) keeps its class but also goes to the clinical lead, as "possible risk: please read
today", and the client is shown the crisis numbers first. A conduct text still never reaches the
therapist.
"""

from __future__ import annotations

from typing import Literal

from bordin.domain.triage.patterns import Category

Severity = Literal["urgent", "high", "routine"]
Role = Literal["therapist", "clinical_lead"]

THERAPIST: Role = "therapist"
CLINICAL_LEAD: Role = "clinical_lead"

SEVERITY: dict[Category, Severity] = {
    "crisis": "urgent",
    "conduct": "high",
    "misalignment": "routine",
    "positive": "routine",
    "other": "routine",
}

#: The complaint routes a client is given (clinical-facts §13.4).
PROFESSIONAL_BODY_ROUTE = (
    "You can also take a concern straight to your therapist's professional body at any time, "
    "without going through the practice: in the UK, the BACP Professional Conduct Procedure "
    "or the UKCP Complaints and Conduct Process; in the US, your state licensing board (or the "
    "APA Ethics Committee if your therapist is an APA member). The practice will tell you which "
    "body your therapist belongs to."
)

CLIENT_MESSAGES: dict[Category, str] = {
    "crisis": (
        "Thank you for telling us. If you are in danger now, please use the crisis numbers "
        "shown first on this page: this form is not watched all the time. Your therapist and "
        "the practice's clinical lead have been alerted and will contact you."
    ),
    "conduct": (
        "Thank you for raising this. Your concern goes to the practice's clinical lead, not to "
        "your therapist, and is handled in confidence. The clinical lead will look into it, may "
        "ask you for more detail, and will tell you what happens next. " + PROFESSIONAL_BODY_ROUTE
    ),
    "misalignment": (
        "Thank you. Your therapist will read this before your next session, so you can talk "
        "about it together. If you would rather raise it with the practice than with your "
        "therapist, use \u201craise a concern with the practice\u201d."
    ),
    "positive": "Thank you. Your therapist will read this before your next session.",
    "other": "Thank you. Your therapist will read this before your next session.",
}

CRISIS_WITH_CONDUCT_MESSAGE = (
    "Thank you for telling us. If you are in danger now, please use the crisis numbers shown "
    "first on this page: this form is not watched all the time. The practice's clinical lead "
    "has been alerted and will contact you; what you wrote about your therapist goes to the "
    "clinical lead only. " + PROFESSIONAL_BODY_ROUTE
)

#: A crisis text that the model alone leans towards reading as a conduct concern (the rules
#: find none, and the model gives conduct less than its support): it still goes to the clinical
#: lead only, in case it is about the therapist, but the client, who raised no concern about
#: them that anyone could point to, is not told of one.
CRISIS_TO_LEAD_MESSAGE = (
    "Thank you for telling us. If you are in danger now, please use the crisis numbers shown "
    "first on this page: this form is not watched all the time. The practice's clinical lead "
    "has been alerted and will contact you."
)

#: Put before the class's own message when a text is flagged for risk review.
RISK_REVIEW_PREFIX = (
    "Thank you for telling us. If you are in danger now, please use the crisis numbers shown "
    "first on this page: this form is not watched all the time. Someone at the practice will "
    "read what you wrote today."
)


def route_for(
    category: Category, *, also: tuple[Category, ...] = (), risk_review: bool = False
) -> tuple[Role, ...]:
    """The roles that receive a text of ``category`` (``also``: other categories it matched)."""
    if category == "conduct" or (category == "crisis" and "conduct" in also):
        return (CLINICAL_LEAD,)
    if category == "crisis" or risk_review:
        return (THERAPIST, CLINICAL_LEAD)
    return (THERAPIST,)


def client_message_for(
    category: Category,
    *,
    also: tuple[Category, ...] = (),
    risk_review: bool = False,
    conduct_raised: bool = True,
) -> str:
    """What the client is told after writing a text of ``category``; ``conduct_raised`` is
    false when a conduct reading in ``also`` is only the model's lean, not a concern found."""
    if category == "crisis" and "conduct" in also:
        return CRISIS_WITH_CONDUCT_MESSAGE if conduct_raised else CRISIS_TO_LEAD_MESSAGE
    if risk_review and category != "crisis":
        rest = (
            CLIENT_MESSAGES[category]
            .removeprefix("Thank you.")
            .removeprefix("Thank you for raising this.")
        )
        return f"{RISK_REVIEW_PREFIX}{rest}"
    return CLIENT_MESSAGES[category]
