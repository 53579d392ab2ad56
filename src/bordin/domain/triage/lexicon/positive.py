"""Positive: thanks, help and feeling understood.

Each rule says what it means when it is negated or doubted. "Helpful" negated ("wasn't very
helpful", "not sure it's helping") is a complaint about the approach; "listened to" negated
("didn't feel listened to") is feeling unheard. So a positive word can be the evidence for a
misalignment.
"""

from __future__ import annotations

from bordin.domain.triage.patterns import END, GAP, Rule, rules

THANKS: tuple[Rule, ...] = rules(
    "positive",
    "appreciation",
    (
        "thanks",
        r"thank(?:s| you| u)?|cheers|grateful|appreciat(?:e|ed|ing|ion)|(?:really |truly )?"
        r"value (?:these|the|our|this|your)",
        "Really helpful session, thank you.",
    ),
    (
        "praise",
        r"(?:brilliant|great|good|fab|fabulous|amazing|wonderful|excellent|lovely|fantastic|"
        r"superb|nice|insightful|thoughtful|kind(?! of)|so patient|very patient|patient with me|"
        r"supportive|warm|fair to (?:both|each|us|me))(?! (?:at|for nothing))",
        "Great session, I left feeling lighter.",
    ),
    (
        "loved",
        r"(?:glad|pleased|happy) (?:we|i|that)|meant a lot|needed (?:that|this)|made a (?:big |"
        r"real |huge )?difference|could not fault|no complaints|made me think|lots to think about|"
        r"space to think|best session|much better|a lot better|better than",
        "I'm glad we talked about it.",
    ),
    (
        "progress",
        r"(?:getting|got) somewhere|progress|breakthrough|(?:more|much) hopeful|(?:a bit|a little|"
        r"much|so much|a lot|bit) better|small win|a win|eye opener|eye opening|(?:that is|which "
        r"is|it is) new|(?:starting|beginning|learning) to (?:trust|feel|believe|enjoy|understand)|"
        r"managed (?:to|the|it)|(?:it )?(?:mostly |actually |really )worked|(?:feel|feeling"
        r"|felt|left) (?:(?:much|so|a lot|really|a bit|a little) ){0,2}(?:lighter|calmer|better|"
        r"hopeful|more hopeful|relieved|"
        r"closer|more connected|stronger|clearer|more confident|less alone)|but it (?:has|did|does)"
        r"(?= ?(?:[.!,]|$))|went (?:really )?well|going (?:really )?well|breathe again|"
        r"(?:like )?myself "
        r"again|"
        r"sleeping better|(?:first time|first place) (?:in|i)|opened up|able to (?:say|talk|cry)",
        "I feel like we're finally getting somewhere.",
    ),
    when_negated=None,
)

HELPFUL: tuple[Rule, ...] = rules(
    "positive",
    "appreciation",
    (
        "helpful",
        rf"helpful|useful|loved|liked|enjoyed|(?:is|it is|this is|that is) working|(?:is|was) "
        rf"(?:just |exactly )?what (?:i|we) (?:need|needed)|"
        rf"(?:works|working) for me|(?:it|this|that|sessions?|therapy|counselling|you|exercises?|"
        rf"homework|which|talking) {GAP(2)}(?:help|helped|helping|helps)|help(?:ed|s)? (?:me|us)|"
        rf"(?:helped|helping|helps){END}|(?:made|makes|make) (?:more |much more )?"
        r"sense|worked for me|(?:getting|get|got|gets) (?:at|to) (?:the )?(?:real|actual|main|"
        r"root) "
        r"(?:problem|issue|cause|thing)",
        "The breathing exercise actually helped this week!",
    ),
    when_negated=("misalignment", "approach"),
)

HEARD: tuple[Rule, ...] = rules(
    "positive",
    "appreciation",
    (
        "heard",
        rf"(?:felt|feel|feeling|feels) {GAP(2)}(?:heard|listened to|understood|seen|respected|"
        rf"valued|accepted)|listen(?:s|ed|ing)?(?= (?:to (?:me|us|what)|well|properly|carefully|"
        rf"closely))|listen(?:s|ed|ing)?{END}|heard (?:me|us)|(?:gets|got|get|understands|"
        r"understood)"
        r" (?:me|it|us)(?! (?:wrong|mixed))|(?:you|she|he|they) remembered|on my side|(?:you|she|"
        r"he|"
        r"they) (?:really )?(?:understand|understands|understood|get|gets|got)(?! (?:wrong|mixed))|"
        r"(?:being|been|was|were|am|is|are) (?:really )?(?:heard|listened to|understood)|"
        r"believ(?:e|"
        r"es|"
        r"ed) (?:me|us)",
        "I felt properly listened to for the first time in ages.",
    ),
    when_negated=("misalignment", "unheard"),
)

CULTURE: tuple[Rule, ...] = rules(
    "positive",
    "appreciation",
    (
        "culture_understood",
        rf"(?:understand|understands|understood|get|gets|got|respect|respects|"
        rf"respected) {GAP(4)}(?:my|our) (?:culture|religion|faith|background|community|heritage|"
        r"identity|beliefs?|sexuality|gender)",
        "She really understands my culture.",
    ),
    when_negated=("misalignment", "cultural"),
)

AGREEMENT: tuple[Rule, ...] = rules(
    "positive",
    "appreciation",
    (
        "agree_goals",
        r"(?:agree|agreed|agreeing|agreement|on the same page) (?:on |about )?(?:the |our |my )?"
        r"(?:goals?|aims?|focus|direction|plan|what we are (?:aiming|working))",
        "We agree on the goals.",
    ),
    when_negated=("misalignment", "goals"),
)

NEUTRAL: tuple[Rule, ...] = rules(
    "positive",
    "appreciation",
    (
        "neutral",
        r"neutral|balanced|even handed|fair to (?:both|each)",
        "The therapist was neutral between us.",
    ),
    when_negated=("misalignment", "taking_sides"),
)

SAFE: tuple[Rule, ...] = rules(
    "positive",
    "appreciation",
    (
        "safe",
        rf"(?:felt|feel|feeling) {GAP(2)}(?:safe|comfortable|at ease|relaxed)|made it easy|"
        r"(?:culture|religion|faith|background|identity) (?:was|were|is|felt) (?:really )?"
        r"(?:respected|understood|honoured)|asked instead of assuming",
        "Felt safe. Thanks.",
    ),
    when_negated=("misalignment", "approach"),
)

ALL: tuple[Rule, ...] = THANKS + HELPFUL + HEARD + CULTURE + AGREEMENT + NEUTRAL + SAFE
