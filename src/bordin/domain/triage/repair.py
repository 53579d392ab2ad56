"""Repair prompts for the therapist, drawn from rupture-resolution strategies.

The strategies come from the Rupture Resolution Rating System (3RS; Eubanks, Muran & Safran
2015; clinical-facts §6.4). Two families are confirmed: **immediate** strategies work on the
task or goal directly (give the rationale, change the task or goal, clarify a
misunderstanding); **exploratory** strategies talk about the rupture itself (invite the client
to say how the therapy feels, empathise, stay non-defensive, acknowledge your own part). The
individual strategy names are recalled from the manual and not yet verified (§14.14), so the
prompts name the family and describe the move in our own words.

A prompt is a suggestion to a professional, never an instruction: the therapist decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Family = Literal["immediate", "exploratory"]


@dataclass(frozen=True)
class RepairPrompt:
    """One suggested move: its strategy family, a short name and what to try."""

    family: Family
    strategy: str
    text: str

    def __str__(self) -> str:
        return f"{self.strategy} ({self.family}): {self.text}"


def _p(family: Family, strategy: str, text: str) -> RepairPrompt:
    return RepairPrompt(family, strategy, text)


PROMPTS: dict[str, tuple[RepairPrompt, ...]] = {
    "goals": (
        _p(
            "immediate",
            "Revisit the goals",
            "Ask what the client most wants from the work now, and agree together whether to "
            "change the focus.",
        ),
        _p(
            "exploratory",
            "Invite the client's view",
            "Say you have heard the sessions may not be going where they want, and ask what that "
            "has been like for them.",
        ),
    ),
    "tasks": (
        _p(
            "immediate",
            "Give the rationale",
            "Explain briefly why you suggested this activity and how it links to what the client "
            "wants.",
        ),
        _p(
            "immediate",
            "Change the task",
            "Offer to adapt the activity or set it aside, and agree on something that fits better.",
        ),
    ),
    "pace": (
        _p(
            "immediate",
            "Agree the pace",
            "Ask whether to slow down or go further, and let the client set how far to go in the "
            "next session.",
        ),
        _p(
            "exploratory",
            "Acknowledge your part",
            "If you moved on too quickly or pushed, say so plainly and without defending it.",
        ),
    ),
    "approach": (
        _p(
            "immediate",
            "Ask what would help",
            "Ask what the client would like more of, or less of, from you in the sessions.",
        ),
        _p(
            "exploratory",
            "Invite feedback on the therapy",
            "Ask how the way you work together feels to them, and welcome criticism as useful.",
        ),
    ),
    "unheard": (
        _p(
            "immediate",
            "Clarify the misunderstanding",
            "Say back what you now understand the client meant and check that you have it right.",
        ),
        _p(
            "exploratory",
            "Empathise and acknowledge your part",
            "Recognise how it felt not to be heard, and name what you missed, without "
            "explaining it away.",
        ),
    ),
    "judged": (
        _p(
            "exploratory",
            "Stay non-defensive",
            "Acknowledge that the client felt judged, and stay with how it felt for them rather "
            "than explaining what you meant.",
        ),
        _p(
            "exploratory",
            "Acknowledge your part",
            "Name what you said or did that may have landed as judgement, and that you regret "
            "its effect.",
        ),
    ),
    "taking_sides": (
        _p(
            "exploratory",
            "Talk about the balance openly",
            "With both partners present, name that one of them felt you took sides, and ask each "
            "how the sessions feel to them.",
        ),
        _p(
            "immediate",
            "Rebalance the task",
            "Agree with both partners how time and attention will be shared in the session.",
        ),
    ),
    "cultural": (
        _p(
            "exploratory",
            "Invite correction with humility",
            "Ask what you missed about the client's culture, faith or identity, without asking "
            "them to educate you at length.",
        ),
        _p(
            "exploratory",
            "Acknowledge your part",
            "Name the assumption you made and its effect on the client.",
        ),
    ),
    "logistics": (
        _p(
            "immediate",
            "Fix the practical problem",
            "The client raised a problem with times, place, cost or technology: agree a fix, or "
            "say who at the practice will deal with it.",
        ),
        _p(
            "exploratory",
            "Check what it means",
            "Ask whether the practical problem is affecting how they feel about coming.",
        ),
    ),
}


def prompts_for(subcategories: tuple[str, ...], *, limit: int = 4) -> tuple[RepairPrompt, ...]:
    """The prompts for the given misalignment subcategories, most important first."""
    chosen: list[RepairPrompt] = []
    for subcategory in subcategories:
        for prompt in PROMPTS.get(subcategory, ()):
            if prompt not in chosen:
                chosen.append(prompt)
    return tuple(chosen[:limit])
