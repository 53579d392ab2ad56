"""Free-text feedback in the clients' own voice, written for Bordin's demo.

After a session a client may answer "anything you'd like your therapist to know?". These lists
are every text the demo can produce, grouped by the category triage should find. None of them
borrows wording from any questionnaire. The category travels with each text as ground truth.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

POSITIVE = "positive"
OTHER = "other"
MISALIGNMENT = "misalignment"
CONDUCT_CONCERN = "conduct_concern"
CRISIS = "crisis"

POSITIVE_TEXTS: tuple[str, ...] = (
    "Thank you, today really helped me see things differently.",
    "I felt properly listened to this week.",
    "Good session. I'm going to try the breathing thing before work.",
    "I was nervous about bringing up the stuff with my sister but I'm glad I did.",
    "It helped to write the plan down together.",
    "I left feeling lighter than when I came in.",
    "Thanks for being patient with me today, I know I went round in circles.",
    "I've been sleeping a bit better since last time, wanted you to know.",
    "Really useful. The worksheet made more sense once we went through it.",
    "I appreciated you checking how I was finding the sessions.",
    "It felt like we got somewhere with the work stuff today.",
    "Thank you for remembering the details about my dad. It meant a lot.",
    "Good to end on something practical.",
    "I think I'm finally starting to trust this process.",
    "I managed the supermarket trip we planned. Small win!",
    "Felt a bit raw afterwards but in a good way.",
    "Thanks. Looking forward to next week.",
    "Noticing my thoughts on paper like that was a real eye-opener.",
    "I liked that we went at my pace today.",
    "I told a friend about what we discussed and it started a good conversation.",
)

COUPLE_POSITIVE_TEXTS: tuple[str, ...] = (
    "We actually talked on the drive home instead of arguing. That's new.",
    "Thank you for keeping things fair between us today.",
    "It helped to hear my partner say that out loud in the room.",
    "We tried the ten-minute check-in every evening this week and it mostly worked.",
)

OTHER_TEXTS: tuple[str, ...] = (
    "Could we move next week's session a bit later? Work is busy.",
    "I might be five minutes late next time because of the school run.",
    "Is there a book or podcast you'd recommend on this?",
    "Nothing in particular, just tired today.",
    "My GP changed my medication last week, I forgot to mention it.",
    "Can I get a receipt for my insurance?",
    "Not sure yet how I feel about today, still thinking about it.",
    "I'll be away the week after next, just so you know.",
    "The room was quite cold today.",
    "Is it OK to bring notes to the next session?",
)

MISALIGNMENT_TEXTS: tuple[str, ...] = (
    "We spent the whole hour on my mum again, I wanted to work on sleep.",
    "I'm not sure the homework is for me. It feels like being back at school.",
    "I came in wanting to talk about the panic attacks and we never got there.",
    "It felt rushed at the end, like we ran out of time for what mattered.",
    "I don't really see how going over my childhood helps with my job situation.",
    "I think we want different things from these sessions. I'd like practical tools.",
    "Felt like I was being told what I feel rather than asked.",
    "We keep going back to the breakup when I've said I'm over it.",
    "I wanted more direction today, it felt like I was just talking at you.",
    "The exposure exercises feel like too much too soon.",
    "I'm not sure we agree on what we're aiming for any more.",
    "Today went over the same ground as last week and I didn't get much from it.",
)

COUPLE_MISALIGNMENT_TEXTS: tuple[str, ...] = (
    "It felt like you were on his side for most of today.",
    "I didn't get a chance to say my bit, the whole session was about her job.",
    "I'm not sure couples work is what I need right now.",
    "We came to talk about the kids and ended up on the same old argument.",
)

CONDUCT_CONCERN_TEXTS: tuple[str, ...] = (
    "My therapist asked if we could meet for a drink some time, outside of sessions. "
    "It made me uncomfortable.",
    "They talked about another client by name today. It makes me worry about what gets said "
    "about me.",
    "I was told I'd never get better with my attitude and then the session was cut short. "
    "That didn't feel right.",
    "My therapist suggested I buy supplements from a company they run. I felt pressured.",
)

CRISIS_TEXTS: tuple[str, ...] = (
    "I didn't say it in the room but I've been thinking about ending my life and I'm scared "
    "I might act on it.",
    "I've been saving up tablets. I don't think I can keep going much longer.",
)

TEXTS_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    POSITIVE: POSITIVE_TEXTS + COUPLE_POSITIVE_TEXTS,
    OTHER: OTHER_TEXTS,
    MISALIGNMENT: MISALIGNMENT_TEXTS + COUPLE_MISALIGNMENT_TEXTS,
    CONDUCT_CONCERN: CONDUCT_CONCERN_TEXTS,
    CRISIS: CRISIS_TEXTS,
}

ALL_TEXTS: frozenset[str] = frozenset(t for texts in TEXTS_BY_CATEGORY.values() for t in texts)


class TextPicker:
    """Chooses texts so that no client receives the same text twice while others remain."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._given: dict[str, set[str]] = {}

    def pick(self, client_id: str, texts: Sequence[str]) -> str:
        given = self._given.setdefault(client_id, set())
        fresh = [t for t in texts if t not in given] or list(texts)
        text = self._rng.choice(fresh)
        given.add(text)
        return text

    def everyday(self, client_id: str, *, couple: bool, low_alliance: bool) -> tuple[str, str]:
        """(category, text) for an ordinary comment: mostly positive, sometimes practical;
        never a glowing comment in a session where the alliance is low."""
        if low_alliance or self._rng.random() < 0.3:
            return OTHER, self.pick(client_id, OTHER_TEXTS)
        pool = POSITIVE_TEXTS + (COUPLE_POSITIVE_TEXTS if couple else ())
        return POSITIVE, self.pick(client_id, pool)

    def misalignment(self, client_id: str, *, couple: bool) -> str:
        return self.pick(client_id, COUPLE_MISALIGNMENT_TEXTS if couple else MISALIGNMENT_TEXTS)
