"""Warning signs of suicide: a same-day read, not a crisis on their own.

The signs come from published public-health lists, not from the labelled texts: the 988
Suicide & Crisis Lifeline's "Know the signs", the American Foundation for Suicide Prevention's
warning signs, the American Association of Suicidology's "IS PATH WARM?" mnemonic and the
NHS's "Help for suicidal thoughts" (what to look out for). Those lists name, among others:
talking about being a burden or having no reason to live; feeling trapped or in unbearable
pain; saying goodbye; giving away prized possessions; making a will or putting affairs in
order unexpectedly; acquiring or saving up the means (pills, a rope, a weapon); researching a
method; a sudden calm after distress, as if a decision had been made; a specific time or date.
Signs those lists give that cannot be read from one message without many false alarms
(withdrawing, sleeping or drinking more, mood swings, recklessness) are left out.

Each sign is written as a family of first-person patterns (any form of the verb, common
synonyms, the subject "I" often dropped as clients do), never as a copy of a labelled text.
A match counts as ``crisis``/``warning_sign`` but does not make a text a crisis: the
classifier sets :attr:`~bordin.domain.triage.classifier.Triage.risk_review` instead, so the
text goes to the clinical lead today and the client sees the crisis numbers. The classifier's
guards apply as to every crisis rule (a plain denial cancels it), and three more apply to these
signs only (:mod:`~bordin.domain.triage.classifier`): a sign told of someone else (the nearest
person before it is not the client), a past sign ("used to", "years ago") and a hypothetical
one ("if", "whether", "what if") do not count.
"""

from __future__ import annotations

from bordin.domain.triage.patterns import END, Rule, any_of, rules

#: The subcategory every warning sign counts as (the classifier keys on it).
WARNING_SIGN = "warning_sign"

_I = r"(?:i (?:have |had |have just |just |finally |already |now |also |went and )?)?"
_GIVE = any_of("gave", "give", "giving", "given", "handed", "handing", "passed", "passing")
_VALUED = any_of(
    "things",
    "stuff",
    "belongings",
    "possessions",
    "jewellery",
    "ring",
    "rings",
    "watch",
    "necklace",
    "guitar",
    "piano",
    "books",
    "clothes",
    "records",
    "vinyl",
    "collection",
    "savings",
    "car",
    "bike",
    "laptop",
    "console",
    "camera",
    "art",
    "paintings",
    "pet",
    "dog",
    "cat",
    "plants",
    "treasures",
    "favourite things",
    "most precious things",
    "prized possessions",
)
_MEANS = any_of(
    "rope",
    "ropes",
    "noose",
    "ligature",
    "pills",
    "tablets",
    "paracetamol",
    "painkillers",
    "sleeping pills",
    "sleeping tablets",
    "meds",
    "medication",
    "razor blades?",
    "blades?",
    "razors?",
    "a gun",
    "a rifle",
    "a shotgun",
    "bullets",
    "ammunition",
    "charcoal",
    "a hose",
    "a hosepipe",
    "poison",
    "weed killer",
    "helium",
)
_HOLD = any_of(
    "bought",
    "buying",
    "buy",
    "got",
    "getting",
    "ordered",
    "ordering",
    "picked up",
    "collected",
    "collecting",
    "saved",
    "saving",
    "stockpiled",
    "stockpiling",
    "hoarded",
    "hoarding",
    "stashed",
    "stashing",
    "hid",
    "hidden",
    "hiding",
    "kept",
    "keeping",
    "put aside",
    "putting aside",
    "set aside",
)
_AMOUNT = (
    r"(?:(?:a |some |enough |more |a lot of |loads of |all (?:of )?my |my |a stash of |a box of "
    r"|extra |spare |a few |a length of |a packet of |packets of |boxes of )?)"
)

WARNING_SIGNS: tuple[Rule, ...] = rules(
    "crisis",
    WARNING_SIGN,
    (
        "sign_burden",
        r"(?:i am|i feel|feel|feeling|felt like) (?:just |only |such |nothing but )?(?:a |an )?"
        r"(?:burden|drain|dead weight|waste of space|waste of oxygen|waste of everyone's time)"
        r"|(?:make|making|made) (?:everything|things|life|everyone's life|their lives) "
        r"(?:worse|harder) for (?:everyone|them|my \w+|the people around me)"
        r"|(?:they|everyone|my \w+) (?:would|will) (?:be |cope )?(?:fine|better|easier|happier)"
        r" without me",
        "I'm just a drain on everyone.",
    ),
    (
        "sign_no_reason_to_live",
        r"(?:nothing|no one|nobody|no reason) (?:left )?(?:to live for|to stay for|to keep going "
        r"for|to get up for)|no (?:reason|reasons) (?:left )?to (?:live|stay|keep going|"
        r"carry on|be here|get up)|(?:can not|do not) see (?:a|any) future(?: for me)?"
        r"|(?:there is|i have) no future(?: for me)?",
        "There's nothing left to live for.",
    ),
    (
        "sign_trapped",
        r"(?:i am|i feel|feel|feeling|felt) (?:so |completely |totally |utterly |just )?"
        r"(?:trapped(?! (?:in|at|by) (?:my|this|a|the) (?:job|work|office|flat|lift|traffic))|"
        r"like a trapped animal|stuck with no way out)"
        r"|(?:the )?pain is (?:just |so |completely )?unbearable|can not (?:bear|stand) "
        r"(?:it|this|the pain|being me|myself) (?:any more|any longer|much longer)",
        "I feel completely trapped.",
    ),
    (
        "sign_goodbye",
        rf"{_I}(?:say|said|saying|started saying|been saying) (?:my )?goodbyes"
        r"(?! (?:to (?:the |our |that |my )?(?:old )?(?:house|flat|home|job|office|team|city|town|"
        r"school)"
        r"|(?:to|at) (?:work|the office|colleagues|my colleagues|the team|the airport|the station)"
        r"|at the (?:office|airport|station)|to everyone at (?:work|the office)))"
        r"|(?:say|said|saying) goodbye (?:to (?:everyone|people|you all|all of you|the people i "
        r"love)|properly|for good|for the last time)|this is (?:my |a )?goodbye{END}"
        r"|(?:you will|you are going to) (?:never )?(?:not )?"
        r"(?:see|hear from) me again|(?:last|final) (?:time|message) you (?:will|are going to) "
        r"(?:get|see|hear) from me|(?:will not|might not|may not) be (?:here|around) "
        r"(?:much longer|for (?:much )?longer|for long|any longer)",
        "I've been saying my goodbyes to people.",
    ),
    (
        "sign_giving_away",
        rf"{_I}{_GIVE} (?:away |her |him |them |my \w+ )?(?:(?:all|most|some|each|one|a few) of )?"
        rf"my (?:\w+ )?{_VALUED}(?: \w+)?"
        r"(?: to \w+)?(?= ?(?:away|to|[.!?,;:]|$| and| because| so))"
        r"|(?:decided|decide|deciding|sorted|sorting|sorted out|worked out|told (?:her|him|"
        r"them|everyone)) who (?:gets|should get|will get|can have|should have) (?:my|what)",
        "I've given away my guitar and most of my books.",
    ),
    (
        "sign_will_and_affairs",
        rf"{_I}(?:wrote|written|write|writing|made|make|making|updated|updating|redone|"
        r"redid|finished|finishing|drew up|drawn up|drawing up|sorted|sorting) (?:out )?(?:my|a)"
        r" (?:new )?will(?= ?(?:[.!?,;:]|$| and| today| yesterday| this| last| now| finally| at"
        r" last| out))"
        r"|(?:put|putting|get|getting|got|sort|sorting|sorted) (?:all )?(?:my )?(?:affairs|"
        r"paperwork|finances|papers) in order|(?:tie|tying|tied) up (?:all )?(?:my )?"
        r"(?:loose ends|affairs)|(?:plan|planned|planning|chose|chosen|picked) (?:my own |my )"
        r"funeral|(?:wrote|written|writing|write|left|leaving) (?:goodbye )?(?:letters|notes|"
        r"a (?:letter|note) to each of) (?:for|to) (?:everyone|each of|all (?:of )?my|people|"
        r"my \w+|the kids|the children)"
        r"|(?:wrote|written|writing|finished) (?:my|the|a) (?:goodbye )?note(?! (?:for|"
        r"to) (?:school|work|the (?:teacher|school|doctor|gp)))|(?:my |the )note is (?:written|"
        r"done|ready|finished)",
        "I've been putting my affairs in order.",
    ),
    (
        "sign_means",
        rf"{_I}(?:have been |been |am )?{_HOLD} (?:up )?{_AMOUNT}{_MEANS}"
        r"(?! (?:for (?:my|the) (?:back|headache|migraine|period|pain)|from the (?:chemist|"
        r"pharmacy|doctor|gp)|prescription|prescribed))"
        r"(?= ?(?:[.!?,;:]|$| and| in| under| just| away| so| now| at))"
        rf"|(?:keep|kept|been) (?:looking at|staring at|holding|counting) (?:the|my) {_MEANS}"
        r"|(?:have|got) enough (?:pills|tablets|paracetamol|painkillers|meds)(?! (?:for|to last))",
        "I've bought a rope and hidden it.",
    ),
    (
        "sign_researching",
        r"(?:painless|quickest|easiest|surest|least painful|best) (?:way|ways|method|methods)"
        r" (?:to (?:go|die|do it|end it|end things)|of (?:dying|ending it|doing it))"
        r"|(?:lethal|fatal|deadly) (?:dose|amount|height)|how (?:much|many) (?:\w+ ){0,3}"
        r"(?:it would take|would it take|does it take|to take) to (?:die|not wake up|be fatal|"
        r"kill)|(?:looked|looking|look|searched|searching|researched|researching|googled|"
        r"googling|read|reading) (?:up )?(?:online )?(?:about )?(?:how|ways) to (?:die|end it|do it"
        r" properly|not wake up|kill)",
        "I keep reading about the most painless way to go.",
    ),
    (
        "sign_sudden_calm",
        r"(?:feel|feeling|felt|am|i am) (?:so |very |really |strangely |weirdly |oddly |"
        r"finally |actually )?(?:calm|at peace|peaceful|settled|relieved|sure) "
        r"(?:now )?(?:since|that|because|now that|about|with) (?:i have |i )?(?:decided(?! to)|"
        r"made (?:a|my|the) decision(?! to| about)|made up my mind(?! to| about)|"
        r"know what i (?:am going to|will|need to) do|"
        r"my decision)|(?:it|this|everything|all of this|it all) will (?:all )?be over soon"
        r"|(?:will not|do not) have to (?:deal with|worry about|put up with|feel) "
        r"(?:it|this|any of (?:it|this)|anything) (?:for )?much longer|(?:have|made) (?:made )?"
        rf"(?:my|the) (?:final )?decision{END}(?! ?[,;:]? (?:about|to|on|regarding))",
        "I feel strangely calm now that I've decided.",
    ),
    (
        "sign_time_or_date",
        r"(?:picked|pick|picking|chose|chosen|choose|choosing|set|setting|decided on|settled on|"
        r"fixed) (?:a |the |my )?(?:date|day|time|night)(?! (?:for|of|to|that|when|with|off|"
        r"out|and time (?:for|of)))(?= ?(?:[.!?,;:]|$| and| now| already| finally))"
        r"|(?:by|after|before|on) (?:my birthday|christmas|new year|the end of the (?:week|month|"
        r"year)|the anniversary) (?:i will|it will|i am going to) (?:be gone|be over|not be here|"
        r"have done it|do it)",
        "I've picked a date.",
    ),
)

ALL: tuple[Rule, ...] = WARNING_SIGNS
