"""Phrases that look like a rule's words but mean something else.

Each guard names the categories it protects against and why. A match that lies inside a
guarded phrase does not count. Guards are narrow on purpose: when in doubt, a crisis word
counts.
"""

from __future__ import annotations

from bordin.domain.triage.patterns import Guard

GUARDS: tuple[Guard, ...] = (
    Guard(
        id="someone_elses_suicide",
        categories=("crisis",),
        pattern=r"(?:[\w]+'s|his|her|their|your) suicide|(?:died|death|lost \w+(?: \w+)?) (?:by|to|"
        r"from) suicide|suicide of (?:my|a|his|her)|(?:killed|kill) (?:himself|herself|themselves)",
        reason="about someone else's death (bereavement), not the client's own thoughts",
        example="It was hard talking about my dad's suicide but I'm glad we did.",
    ),
    Guard(
        id="recovery",
        categories=("crisis",),
        pattern=r"since i (?:last )?(?:self harmed|cut|hurt myself|harmed myself)|(?:have not|had "
        r"not|not) (?:self harmed|cut|hurt myself|harmed myself) (?:in|for|since)|(?:weeks|months|"
        r"years) (?:clean|free) (?:of|from) self harm",
        reason="recovery from self-harm, told as good news",
        example="It's been three months since I last self-harmed.",
        counts_as=("positive", "improvement"),
    ),
    Guard(
        id="idioms",
        categories=("crisis",),
        pattern=r"(?:killed|killing) myself (?:laughing|with laughter)|(?:died|dying) (?:of|from) "
        r"(?:embarrassment|laughter|laughing|boredom)|died laughing|dying to|like (?:banging|"
        r"hitting) my "
        r"head",
        reason="figures of speech",
        example="I nearly killed myself laughing at your dog.",
    ),
    Guard(
        id="discussing_prejudice",
        categories=("conduct",),
        pattern=r"(?:talk(?:ed|ing)?|discuss(?:ed|ing)?|explor(?:e|ed|ing)|experienc(?:e|ed|ing)|"
        r"fac(?:e|ed|ing)|deal(?:ing)? with) (?:about )?(?:the |my |some )?(?:racism|sexism|"
        r"homophobia"
        r"|transphobia|discrimination|ableism)",
        reason="the client talking about prejudice in their life, not the therapist's conduct",
        example="We talked about the racism I face at work.",
    ),
    Guard(
        id="low_expectations",
        categories=("positive",),
        pattern=r"(?:did not|never|did not really) (?:think|expect|believe|imagine) (?:\w+ ){0,4}"
        r"(?:would|could|might) (?:help|work)",
        reason="an expectation the client had before, not a verdict on the therapy",
        example="Honestly didn't think therapy would help but it has.",
    ),
    Guard(
        id="first_time_in_ages",
        categories=(),
        pattern=r"(?:for the |the )?first time in (?:ages|years|months|a long time|weeks)",
        reason="a change for the better",
        example="No thoughts of suicide this week, which is the first time in ages.",
        counts_as=("positive", "improvement"),
    ),
)
