"""Misalignment: strain in the working alliance that the therapist can repair.

Bordin's alliance has three parts: agreement on goals, agreement on tasks, and the bond
(clinical-facts §6.1). The families below follow the complaints the 3RS manual lists as
confrontation markers (about the therapist, the activities, the parameters, the progress of
therapy) and the quieter withdrawal ones, plus the couple-specific strain of a therapist who
seems to take sides (§8.3) and cultural misattunement (§9). Text in this class goes to the
therapist with repair prompts.

A negated match is reassurance, not a complaint: "I never felt judged", "I didn't feel rushed".
Several complaints are written as a positive rule that is negated ("didn't feel listened
to"): see :mod:`bordin.domain.triage.lexicon.positive`.
"""

from __future__ import annotations

from bordin.domain.triage.patterns import END, GAP, Category, Rule, any_of, rules

REASSURANCE: tuple[Category, str] = ("positive", "reassurance")

_TASK = any_of(
    "homework",
    "worksheets?",
    r"(?:thought|mood|sleep|food) (?:records?|diar(?:y|ies))",
    "diary",
    "diaries",
    "journalling",
    "journal",
    r"breathing(?: exercises?)?",
    "exercises?",
    "role ?plays?",
    "empty chair",
    "mindfulness",
    "meditation",
    "visualis(?:ation|ations|ing)",
    r"exposures?(?: tasks?| work)?",
    "tapping",
    "emdr",
    "cbt",
    "dbt",
    "tasks?",
    "techniques?",
    "handouts?",
    "workbook",
    "grounding",
    "relaxation",
    "homework sheets",
)
_NEGATIVE = any_of(
    "pointless",
    "useless",
    "silly",
    "stupid",
    "awkward",
    "weird",
    "strange",
    "cringe",
    "cringey",
    "childish",
    "boring",
    "tedious",
    r"(?:way |far |a bit |much )?too (?:much|hard|"
    r"difficult|intense|long|basic)",
    r"not (?:for me|working|realistic|doing anything)",
    r"not really (?:for me|working)",
    r"(?:made|makes|make|making) (?:me|things|it) (?:feel )?"
    r"(?:more |even )?(?:anxious|worse|awful|uncomfortable)",
    "busywork",
    "like school",
    "unrealistic",
    "exposed",
    "does not (?:work|help|do anything)",
    "did not (?:work|help)",
    "a waste of time",
    "killing me",
)
_DISLIKE = any_of(
    r"(?:do not|did not) (?:get|see) the point of",
    "not a fan of",
    "hate",
    "hated",
    "dislike",
    "(?:fewer|less|no more|stop doing|instead of|rather than|rather not do)",
    r"(?:do not|did not) (?:find|like|enjoy)",
    "not sure (?:the|that|about)",
)

GOALS: tuple[Rule, ...] = rules(
    "misalignment",
    "goals",
    (
        "circles",
        rf"(?:going|go|went|round|around) (?:round |around )?in circles|(?:we|it|therapy|"
        rf"sessions?|things|this) {GAP(2)}(?:stuck|stalled|plateaued)|drifting|aimless|"
        r"directionless|"
        r"no direction|going nowhere|not getting anywhere|treading water|starting (?:from scratch|"
        r"over)|rehash(?:ing|ed)?|same (?:old )?(?:stuff|things|ground|conversation) (?:again|"
        r"over)",
        "It feels like we're going round in circles.",
    ),
    (
        "not_why_here",
        r"not (?:why|what) (?:i am|we are|i came|we came|i come|i am here|i came "
        r"here) (?:here )?(?:for)?|not what i (?:wanted|want|need|needed) (?:from|to)",
        "She wants me to leave my job but that's not why I'm here.",
    ),
    (
        "unmet_focus",
        r"(?:i|we) (?:came in |came |had )?(?:wanted|want|wanting|hoped|hoping|meant) to (?:work "
        r"on|talk about|focus on|get to|look at) (?:\w+ ){0,5}(?:and|but) (?:we )?(?:never|did not|"
        r"ended up|spent|instead)|never got (?:there|to it|round to it)|the whole (?:hour|session) "
        r"(?:was )?(?:on|about)|(?:keep|keeps|kept) going back to|(?:do not|did not|"
        r"can not) (?:really "
        r")?see how|same (?:old )?(?:ground|argument|arguments|conversation)",
        "I came in wanting to talk about the panic attacks and we never got there.",
    ),
    (
        "wrong_focus",
        rf"(?:keep|keeps|kept) (?:talking about|going back to|bringing up|coming back "
        rf"to|focusing on) (?:my )?{GAP(1)}(?:childhood|past|mum|mother|dad|father|parents|family|"
        r"drinking|weight)|only wants? to (?:talk|focus) (?:about|on)|(?:did not|never|"
        r"do not) (?:get|"
        r"have) (?:time|a chance|the chance|round) to (?:talk|get) (?:about|to|on to)|"
        r"the whole point|"
        r"(?:was hoping|i hoped|had hoped|expected) (?:for|to|we would|that|more)|(?:where|"
        r"that is where) it "
        r"keeps going|never (?:got|get|get round) to (?:the thing|what) i",
        "I came to work on my anxiety but we keep talking about my childhood.",
    ),
    (
        "unclear_goals",
        r"(?:clearer|different|unclear|new) goals?|what the goal is|(?:no|without) "
        r"(?:clear )?goals?|set (?:some )?(?:clearer |clear |new )?goals|what we are (?:working "
        r"(?:on|towards|toward)|aiming for|doing here)",
        "I'd like us to set some clearer goals.",
    ),
    (
        "pointless_sessions",
        r"(?:sessions?|therapy|counselling|it|this|today) (?:feel|feels|felt|seems?"
        r"|is|are|was) (?:a bit |quite |so |really |kind of )?(?:useless|aimless)|pointless|"
        r"(?:a )?waste"
        r" of (?:time|money)|(?:feel|felt|feeling) worse (?:after|since|than)",
        "The sessions feel pointless.",
    ),
    ("progress_doubt", r"(?:no|little|zero|lack of) progress", "There's been no progress."),
    when_negated=REASSURANCE,
)

TASKS: tuple[Rule, ...] = rules(
    "misalignment",
    "tasks",
    (
        "task_then_negative",
        rf"{_TASK} {GAP(6)}{_NEGATIVE}",
        "The breathing exercises just make me more anxious.",
    ),
    ("dislike_task", rf"{_DISLIKE} {GAP(2)}{_TASK}", "I'm not a fan of the homework sheets."),
    ("task_again", rf"{_TASK} again{END}", "Worksheets again."),
    when_negated=REASSURANCE,
)

PACE: tuple[Rule, ...] = rules(
    "misalignment",
    "pace",
    (
        "rushed",
        r"rush(?:ed|ing|es)?|hurried|too (?:fast|quick|quickly|soon|slow|slowly)|too much "
        r"too soon|(?:going|moving|went|moves|move) (?:really |very |so |a bit )?slow(?:ly)?|"
        r"(?:feel|feels|felt) slow|dragging|drags",
        "Felt rushed at the end again.",
    ),
    (
        "not_ready",
        r"before i (?:was|am|felt|feel) ready|not ready (?:to|for)|not there yet",
        "We moved on to my trauma before I was ready.",
    ),
    (
        "pushed",
        r"(?:push|pushed|pushing|pushes|pressure|pressured|pressuring|pressurised) (?:me )?"
        r"(?:to|into|too)|(?:feel|felt|feeling) (?:pushed|pressured|pressurised|hurried)",
        "She keeps pushing me to forgive my mum.",
    ),
    (
        "cut_short",
        r"ended (?:abruptly|suddenly|early)|abrupt(?:ly)?|cut (?:me |it |the session )?"
        r"short|moves? on before|moved on before",
        "The session ended abruptly right when I opened up.",
    ),
    when_negated=REASSURANCE,
)

APPROACH: tuple[Rule, ...] = rules(
    "misalignment",
    "approach",
    (
        "unhelpful",
        r"unhelpful|not (?:very |that |particularly )?helpful|(?:a lot of|too much|lots "
        r"of|so much) (?:advice|theory|talking)|too much about",
        "It was a bit unhelpful this time.",
    ),
    (
        "wants_more",
        rf"(?:more|less) (?:feedback|structure|direction|input|guidance|challenge|"
        r"practical|advice|tools|strategies|techniques|skills)|(?:not enough|"
        r"never) about my (?:actual|real) life|(?:wish|prefer|rather"
        rf"|would like) (?:we|you|it|if we|if you) {GAP(2)}(?:more|less)|(?:practical|concrete) "
        r"(?:things|stuff|tools|strategies|advice|help)|(?:too|a bit|quite|very|so) (?:directive|"
        r"passive|clinical|cold|formal|vague|robotic|scripted|blunt)",
        "I'd like more feedback from her.",
    ),
    (
        "therapist_style",
        r"talks? (?:about (?:herself|himself|themselves)|too much)|(?:very|too|so|"
        r"really) quiet|(?:just|mostly|only) nods|filling the silence|(?:awkward|long) silences?|"
        r"(?:felt|feels|feel|was|it was) (?:a bit |quite |really |very )?(?:awkward|tense|strained|"
        r"uncomfortable)",
        "It felt a bit awkward today.",
    ),
    (
        "fit",
        r"(?:change|switch|swap) (?:my |our )?(?:therapist|counsellor)|(?:try|want|need|like|"
        r"prefer|ask for|asking for|see|get) (?:a )?(?:different|new|another) (?:therapist|"
        r"counsellor|"
        r"approach|way of working|type of therapy|kind of therapy|method)|(?:can|could|"
        r"would) you (?:please )?(?:send|"
        r"email|give|write|share|explain|slow|be|try|stop)|(?:stop|end|"
        r"quit|pause|take a break from|give up) (?:therapy|counselling|the sessions|coming)",
        "I'm thinking of asking for a different therapist.",
    ),
    when_negated=REASSURANCE,
)

UNHEARD_ACTOR: tuple[Rule, ...] = rules(
    "misalignment",
    "unheard",
    (
        "forgot",
        r"(?:forgot|forgets|forgotten|forgetting) (?:my|me|what i|about my|the)|(?:got|gets"
        r"|mixed|mixes) (?:my \w+ |me )?mixed up|mixed (?:me|my \w+) up",
        "He forgot my daughter's name again.",
    ),
    (
        "distracted",
        r"(?:checking|checked|checks|on|looking at) (?:his|her|their) (?:phone|watch|"
        r"emails?|computer|screen|laptop)|typing|(?:writing|taking) notes (?:the whole time|"
        r"all the "
        r"time|constantly)|(?:looking|looked|looks|glancing) at the clock|(?:looked|seemed|"
        r"seems|looks) (?:bored|distracted|elsewhere)|distracted",
        "He was checking his phone during the session.",
    ),
    when_negated=REASSURANCE,
    not_by_client=True,
)

UNHEARD: tuple[Rule, ...] = rules(
    "misalignment",
    "unheard",
    (
        "interrupted",
        r"(?:did not|never) (?:get|have) (?:a chance|the chance|time|space) to (?:say|speak|talk|"
        r"finish)|(?:being )?told what i (?:feel|think|should feel)|rather than (?:being )?asked|"
        r"interrupt(?:ed|ing|s)?|talk(?:ed|s|ing)? (?:over|at) me|cut me off|did not "
        r"let me (?:finish|speak|talk)",
        "She kept interrupting me.",
    ),
    (
        "dismissed",
        r"dismiss(?:ed|ive|ing)|brushed (?:it |me |that )?off|ignored|invisible|(?:did"
        r" not|does not|never) take (?:it|me|this|that) seriously|misunderstood|did not land|moved "
        r"on to the next (?:topic|thing)|changed the subject",
        "I felt dismissed when I talked about my pain.",
    ),
    when_negated=REASSURANCE,
)

JUDGED: tuple[Rule, ...] = rules(
    "misalignment",
    "judged",
    (
        "judged",
        r"judg(?:ed|ing|emental|y)(?! myself)|(?:already )?decided what is wrong with me|made "
        r"(?:up )?(?:her|his|their) mind about me|label(?:led|s)? me|put me in a box|lectur(?:ed|"
        r"ing|"
        r"es)|told off|telling me off|"
        r"disapprov(?:ed|al|ing|es)|patronis(?:ing|ed)|condescend(?:ing)?|preachy|moralis(?:ing|ed)"
        r"|looked down on|talk(?:ed|s)? down to",
        "I felt judged when I talked about my drinking.",
    ),
    (
        "criticised",
        r"critical of (?:me|my|how i|the way i|us|our)|criticis(?:ed|ing|es) (?:me|my|"
        r"how i|the way i|us|for)|(?:felt|feel|feeling) criticised|criticism|(?:felt|feel|feeling) "
        r"blamed|blamed (?:me|us|for)|blaming (?:me|us)|made me feel (?:ashamed|small|stupid|"
        r"guilty|"
        r"bad|silly)|shamed|shaming|over ?react(?:ion|ing)|rolled (?:her|his|their) eyes|"
        r"first world|"
        r"(?:face|expression) (?:changed|dropped)",
        "He was quite critical of how I parent.",
    ),
    when_negated=REASSURANCE,
)

TAKING_SIDES: tuple[Rule, ...] = rules(
    "misalignment",
    "taking_sides",
    (
        "sides",
        r"(?:took|takes|taking|take) (?:my \w+'s |his |her |their |one )?sides?|more about "
        r"(?:him|her|them|my \w+) than (?:me|us)|sided with|"
        r"on (?:his|her|their|my \w+'s) side|ganged up|gang up|(?:always|keeps?|only) agree(?:s|"
        r"ing)?"
        r" with my (?:wife|husband|partner|boyfriend|girlfriend)|(?:not|is not) neutral|biased|"
        r"(?:more|less) time to (?:talk|speak)|turns? it (?:back )?on me|the bad guy|the villain|"
        r"scapegoat(?:ed)?",
        "My partner and I both felt the therapist sided with him.",
    ),
    when_negated=REASSURANCE,
)

ASSUMED: tuple[Rule, ...] = rules(
    "misalignment",
    "cultural",
    (
        "assumed",
        r"assum(?:ed|es|ing|ption|ptions)|stereotyp(?:e|ed|es|ing|ical)",
        "She assumed my partner was a man.",
    ),
    when_negated=REASSURANCE,
    not_by_client=True,
)

CULTURAL: tuple[Rule, ...] = rules(
    "misalignment",
    "cultural",
    (
        "explaining",
        r"(?:explain|explaining) (?:my|our) (?:culture|religion|faith|background|"
        rf"community|family|identity|sexuality|race)|(?:how|what) {GAP(3)}(?:works|means|"
        r"is like) in "
        r"my (?:community|culture|religion|country|family)|not how (?:it|things) works? in my",
        "I felt I had to explain my religion a lot.",
    ),
    (
        "identity",
        r"(?:as a|being (?:a|the only)) (?:muslim|jew|jewish|hindu|sikh|christian|black|"
        r"brown|asian|gay|lesbian|trans|queer|bisexual|disabled|immigrant|refugee|"
        r"person of colour)|"
        r"mixed (?:faith|race|heritage)|(?:my|our) (?:faith|religion|culture|beliefs?) (?:was|is|"
        r"were) just|white (?:therapist|perspective)|(?:culturally|cultural) (?:insensitive|"
        r"unaware|blind)",
        "That isn't part of my life as a Muslim.",
    ),
    negatable=False,
)

NAME: tuple[Rule, ...] = rules(
    "misalignment",
    "cultural",
    (
        "name_wrong",
        r"my name wrong|mispronounc(?:ed|es|ing)|(?:spelt|spelled|spelling) my name",
        "He kept pronouncing my name wrong.",
    ),
    when_negated=REASSURANCE,
)

LOGISTICS: tuple[Rule, ...] = rules(
    "misalignment",
    "logistics",
    (
        "late",
        r"(?:started|starts|start|was|were|running|ran|arrived|came|is|always) (?:\d+ minutes"
        r" |quite |a bit |very |so )?late|late (?:start|again)|(?:early|late) (?:start|starts|slot|"
        r"appointment|finish|sessions?)",
        "The session started 15 minutes late again.",
    ),
    (
        "cancelled",
        r"cancel(?:led|ling|lation|lations|s)?|reschedul(?:e|ed|ing|es)|(?:nearly |almost"
        r" )?missed (?:it|the session|my session|the appointment)",
        "My session got cancelled at the last minute.",
    ),
    (
        "times",
        r"(?:can|could) we (?:do|move|have|switch|swap|look at|change|try)|(?:other|another|"
        r"different|better) (?:times?|days?|slots?)|(?:evenings?|mornings?|weekends?|afternoons?) "
        r"(?:are|is) (?:really )?(?:hard|difficult|impossible|tricky)|off work|(?:do|"
        r"have) (?:video|"
        r"online|phone|in person) instead|instead of in person",
        "Can we move to evenings?",
    ),
    (
        "technology",
        rf"(?:video|link|connection|audio|sound|call|zoom|teams|wifi|internet|camera|mic"
        rf"|app|website|portal|system) {GAP(3)}(?:dropping|dropped|drops|froze|freezing|freezes|"
        r"cutting out|cut out|terrible|awful|bad|poor|broke|broken|did not work|not working|"
        r"will not"
        r" let me|would not let me|lagg(?:ed|ing)|glitch(?:y|ing|ed)?|crashed|keeps crashing)",
        "The video link kept dropping out.",
    ),
    (
        "room",
        r"waiting room|parking|car park|(?:the )?room (?:is|was) (?:very |so |too |really )?"
        r"(?:noisy|loud|cold|hot|stuffy|small|dark)|noisy|(?:is|was|so|too) (?:freezing|stuffy)|"
        r"smel(?:t|ls|led|l|ly) (?:of|like) (?:damp|smoke|mould|cigarettes)|damp|mouldy",
        "The waiting room is freezing.",
    ),
    (
        "money",
        r"charged (?:me |us )?twice|overcharged|invoices?|receipts?|billing|bill|fees?|price|"
        r"prices|costs?|copay|co pay|afford|payments?|refund",
        "The fee increase is going to make it hard for me.",
    ),
    (
        "reminders",
        r"(?:reminder|confirmation) (?:emails?|texts?|messages?)|booking (?:app|system|"
        r"website|portal)",
        "I didn't get the reminder email.",
    ),
    when_negated=REASSURANCE,
)

ALL: tuple[Rule, ...] = (
    GOALS
    + TASKS
    + PACE
    + APPROACH
    + UNHEARD_ACTOR
    + UNHEARD
    + JUDGED
    + TAKING_SIDES
    + ASSUMED
    + CULTURAL
    + NAME
    + LOGISTICS
)
