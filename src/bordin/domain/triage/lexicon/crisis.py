"""Crisis: suicidal thoughts, self-harm, harm to others, and safeguarding concerns.

These rules are deliberately broad. Indirect phrasings that clinicians recognise as warning
signs (feeling a burden, seeing no way out, giving things away, "nobody would notice if I was
gone") count as suicidal thoughts. A negation only cancels a crisis match when it is a plain
denial ("I'm not suicidal"); hedges ("not sure I want to be alive", "not that I'm suicidal")
leave it standing. See clinical-facts §13.5 (class C).
"""

from __future__ import annotations

from bordin.domain.triage.patterns import END, GAP, Rule, any_of, rules

_LIVE = any_of(
    "be alive",
    r"live(?! (?:with|in|at|near|on|there|together|alone|like that))",
    "living",
    "exist",
    "wake up",
    r"be here(?! (?:for|on|at|in|next|today|this|every|when|with))",
    r"be around(?! (?:for|on|at|when|with))",
    rf"(?:go on|carry on|keep going)(?:{END}| like this| living| any more| with (?:my )?life)",
)
_NOT_THERAPY = r"(?! with (?:therapy|counselling|the sessions|sessions|this|the therapy))"
_FAMILY = any_of(
    "baby",
    "child",
    "children",
    "kids?",
    "son",
    "daughter",
    "partner",
    "wife",
    "husband",
    "boyfriend",
    "girlfriend",
    "ex",
    "mum",
    "dad",
    "stepdad",
    "stepmum",
    "brother",
    "sister",
    "boss",
    "neighbour",
    "colleague",
    "flatmate",
    "mother",
    "father",
)
_TARGET = any_of(
    "someone", "somebody", "people", "others", "anyone", "him", "her", "them", rf"my {_FAMILY}"
)
_HARM_VERB = any_of(
    "hurt",
    "hurting",
    "harm",
    "harming",
    "kill",
    "killing",
    "hit",
    "hitting",
    "stab",
    "stabbing",
    "strangle",
    "strangling",
    "attack",
    "attacking",
    "beat",
    "beating",
    "shoot",
    "shooting",
    "punch",
    "punching",
    "slap",
    "slapping",
    "kick",
    "kicking",
    "strangle",
    "choke",
    "choking",
)
_INTENT = any_of(
    "want to",
    "wanted to",
    "going to",
    "will",
    "would",
    "might",
    "could",
    "thoughts (?:about|of)",
    "thinking (?:about|of)",
    "thought about",
    "imagine",
    "imagining",
    "fantasising about",
    "urge to",
    "urges to",
    "scared i will",
    "afraid i will",
    "frightened i will",
    "worried i will",
    "scared i am going to",
    "afraid i am going to",
    "frightened i am going to",
)
_RELATIVE = any_of(
    rf"my {_FAMILY}",
    "my carer",
    "her carer",
    "his carer",
    "my uncle",
    "my stepfather",
    "my stepmother",
    "my grandad",
    "my step dad",
    "my auntie",
)
_PERPETRATOR = any_of("he", "she", "they", _RELATIVE)
_ADVERBS = (
    r"(?:(?:still|has|had|always|then|just|even|also|sometimes|often|has been|actually|"
    r"literally|once|again|has also) ){0,2}"
)
_ABUSE_VERB = any_of(
    "hit",
    "hits",
    "hitting",
    "hurt",
    "hurts",
    "beat",
    "beats",
    "beating",
    "kicked",
    "kicks",
    "slapped",
    "slaps",
    "punched",
    "punches",
    "pushed",
    "pushes",
    "shoved",
    "strangled",
    "strangles",
    "choked",
    "chokes",
    "grabbed",
    "grabs",
    "threatened",
    "threatens",
    "threatening",
    "raped",
    "abused",
    "abuses",
    "abusing",
    "locked",
)
_CHILD = any_of("kids", "children", "child", "baby", "toddler", "little ones")

SUICIDAL_THOUGHTS: tuple[Rule, ...] = rules(
    "crisis",
    "suicidal_thoughts",
    ("suicidal", r"suicidal|suicidality", "I've been feeling suicidal since Tuesday."),
    ("suicide", r"suicide", "I think about suicide most days now."),
    ("kill_myself", r"kill(?:ing|ed)? myself", "I've been thinking about killing myself."),
    (
        "end_my_life",
        r"end(?:ing)? (?:my|it|me) (?:own )?life|(?:take|taking) my (?:own )?life",
        "I keep having thoughts of ending my life.",
    ),
    (
        "end_it_all",
        r"end(?:ing)? (?:it all|everything|things(?! with))|end it(?= \.|$)",
        "I feel like ending it all.",
    ),
    (
        "want_to_die",
        r"(?:want|wanted|wanting|wish|wished|ready) to die|(?:want|wish) i (?:was|were) dead",
        "i want to die.",
    ),
    (
        "wish_dead",
        r"wish(?:ed|ing)? (?:i )?(?:was|were|could be|would be|had been) "
        r"(?:dead|gone|not (?:alive|here|around|born)|never born)",
        "wish i was dead tbh",
    ),
    (
        "better_off",
        r"better off (?:dead|without me)|(?:happier|better) (?:off )?(?:if i|without me)",
        "Everyone would be better off without me.",
    ),
    (
        "if_gone",
        r"if i (?:was|were) (?:dead|gone|not (?:here|around|alive))|if i (?:just )?(?:did not"
        r"|do not) exist",
        "Nobody would notice if I was gone.",
    ),
    (
        "not_want_live",
        r"(?:do not|does not|not) (?:think i |really |even |actually )?(?:want|wanna)"
        rf" to {_LIVE}{_NOT_THERAPY}|(?:would|had) rather (?:not (?:exist|be alive|be here|live|"
        r"wake "
        r"up)|be dead)|hate (?:being alive|my life|living)",
        "I don't want to be here any more.",
    ),
    (
        "unsure_live",
        rf"(?:not sure|do not know if|do not know whether|unsure if|unsure whether"
        rf"|not certain) (?:i )?(?:want to|can) {_LIVE}{_NOT_THERAPY}",
        "I'm not sure I want to be alive.",
    ),
    (
        "no_point_living",
        r"(?:no|what is the) (?:point|reason) (?:in |of )?(?:living|going on|being "
        r"alive|carrying on|to live|to go on|in life|to be here|life|any of it)",
        "There's no point going on.",
    ),
    (
        "no_point_anything",
        r"(?:not|stopped|no longer|can not) (?:see|seeing) (?:the |any )?point "
        r"(?:(?:of|in|to) (?:it all|anything|living|life|going on|carrying on|being here|"
        r"any of it)|"
        r"any more)",
        "I've stopped seeing the point of it all.",
    ),
    (
        "life_pointless",
        r"(?:life|living|everything|existing) (?:is|feels|seems) (?:so )?"
        r"(?:pointless|meaningless|not worth it|hopeless)|not worth living",
        "Life feels pointless.",
    ),
    (
        "cannot_go_on",
        rf"can not (?:go on|keep going|carry on)(?:{END}| like this| living| any more)"
        r"|can not do (?:this|it|life) any more|can not (?:cope|take (?:it|"
        r"this)) any more(?= ?(?:[.!,]"
        r"|$))",
        "I can't do this any more.",
    ),
    (
        "not_wake_up",
        r"(?:sleep|go to sleep) and (?:not|never) wake up|(?:wish|hope|want) (?:i )?"
        r"(?:would )?(?:not|never) wake up",
        "I wish I could go to sleep and not wake up.",
    ),
    (
        "tired_of_living",
        r"tired of (?:living|being alive|life|existing|being here)",
        "I'm tired of being alive.",
    ),
    (
        "plan",
        r"i (?:have|have got|have made|made|now have) a plan(?= ?(?:\.|!|,|$| now| to (?:end|die|"
        r"kill)))"
        r"|thought about how (?:i would|to) do it|how i would do it",
        "I have a plan now.",
    ),
    (
        "method_pills",
        r"how many (?:pills|tablets|paracetamol)|(?:stockpil|hoard|sav|collect|stash|stock)"
        r"(?:e|ed|es|ing) (?:up )?(?:my |some |all my |a lot of )?(?:pills|tablets|meds|medication|"
        r"paracetamol|painkillers)|overdos(?:e|ed|es|ing)",
        "I've been looking up how many pills it would take.",
    ),
    (
        "method_other",
        r"(?:bridge|train tracks|railway line|cliffs?|roof|rooftop|ledge) (?:[\w']+ )"
        r"{0,3}(?:thinking|think|thought) about (?:it|jumping|doing it)|(?:jump|jumping|"
        r"throw myself) (?:off|from)|(?:step|stepping|walk|walking"
        r"|jump|jumping) (?:out )?in front of (?:a |the )?(?:train|bus|car|lorry|truck|traffic)"
        r"|(?:drive|driving|crash|crashing) (?:my |the )?car (?:off|into)|hang(?:ing)? myself"
        r"|(?:slit|cut|cutting) my wrists",
        "I keep thinking about stepping in front of a train.",
    ),
    ("way_out", r"no way out|(?:can not|do not) see (?:a|any) way out", "I can't see a way out."),
    (
        "goodbye",
        r"(?:goodbye|suicide) (?:letters?|notes?)|(?:written|writing|wrote|left) "
        r"(?:goodbye )?letters to (?:my )?(?:kids|children|family|mum|partner|wife|husband)",
        "I've written letters to my kids.",
    ),
    (
        "giving_away",
        r"giv(?:e|ing|en) (?:away )?(?:all )?(?:my|of my) (?:things|stuff|belongings"
        r"|possessions)(?: away)?",
        "I've been giving my things away.",
    ),
    ("nobody_notice", r"(?:nobody|no one) would (?:notice|care|miss me)", "Nobody would notice."),
    (
        "disappear",
        r"(?:disappear|vanish) (?:for good|forever|permanently)|want to (?:just )?"
        r"(?:disappear|vanish)",
        "I want to disappear for good.",
    ),
    (
        "dark_thoughts",
        r"dark thoughts|about not being (?:around|here|alive)|(?:thinking|thoughts|"
        r"think|thought) (?:a lot )?(?:about|of) (?:death|dying|being dead)|wish i could (?:just )?"
        r"(?:disappear|vanish|not exist)",
        "The dark thoughts are back.",
    ),
    (
        "much_longer",
        r"(?:keep going|hold on|go on|carry on|last|cope) (?:for )?(?:much|any|a lot) longer",
        "I don't think I can keep going much longer.",
    ),
    (
        "keep_safe",
        r"(?:can not|can't|unable to|not sure i can|do not know if i can) keep (?:myself|me)"
        r" safe|not safe (?:from|with) myself|(?:can not|not sure i can|not think i can|"
        r"do not know "
        r"(?:if|how much longer) i can|unable to) hold on",
        "I'm not sure I can keep myself safe this weekend.",
    ),
    (
        "burden",
        r"(?:feel|feeling|felt|am|i am|being) (?:like )?(?:such )?a burden",
        "I've been feeling like a burden to everyone.",
    ),
    (
        "unalive",
        r"unalive|kill me(?= \.|$)|want it (?:all )?to (?:end|be over)",
        "I want to unalive myself.",
    ),
)

SELF_HARM: tuple[Rule, ...] = rules(
    "crisis",
    "self_harm",
    (
        "self_harm",
        r"self (?:harm|harmed|harming|harms|injury|injuring|injure)|sh urges",
        "I relapsed with self harm.",
    ),
    (
        "hurt_myself",
        r"(?:hurt|hurting|hurts|harm|harming|harmed|injure|injuring|injured) myself",
        "Been hurting myself more.",
    ),
    (
        "cutting",
        r"cut(?:s|ting)? (?:myself|my (?:arms?|legs?|wrists?|thighs?|skin|stomach))"
        r"|(?:started|start|been|am|was|back to) cutting(?! (?:down|back|out|off|corners|ties|it|"
        r"my hair|"
        r"the|a|some))|cutting again|(?:i|and) cut (?:again|last night|"
        r"yesterday|today|this week|on \w+day)",
        "I've started cutting again.",
    ),
    (
        "burning",
        r"burn(?:t|ing)? myself|burn(?:ing|t)? my \w+ (?:on purpose|deliberately)",
        "I burned my arm on purpose last night.",
    ),
    (
        "scratching",
        r"scratch(?:ing|ed)? (?:myself|my (?:skin|arms?|legs?))|until (?:it|they|i|my \w+)"
        r" bleeds?|till (?:it|they|i) bleeds?",
        "I scratch myself until it bleeds.",
    ),
    (
        "hitting_self",
        r"(?:hit|hitting|punch|punching|punched|bang|banging) (?:myself|walls?|the wall|"
        r"my head (?:against|on))",
        "I punch walls until my knuckles bleed.",
    ),
    (
        "starving",
        r"starv(?:e|ing|ed) myself|mak(?:e|ing) myself (?:sick|throw up)",
        "I've been starving myself as a punishment.",
    ),
    (
        "took_more",
        r"(?:took|taken|take|taking) (?:more|too many|all) (?:of )?(?:my )?(?:tablets|pills"
        r"|meds|medication)",
        "I took more of my tablets than I should have, on purpose.",
    ),
)

HARM_TO_OTHERS: tuple[Rule, ...] = rules(
    "crisis",
    "harm_to_others",
    (
        "intent_to_harm",
        rf"{_INTENT} {GAP(2)}{_HARM_VERB} {GAP(1)}{_TARGET}(?! (?:feelings|by))",
        "I've had thoughts about hurting my baby.",
    ),
    (
        "will_hurt",
        rf"i (?:will|would|am going to|could) (?:seriously |really )?{_HARM_VERB} "
        rf"{_TARGET}(?! (?:feelings|by))",
        "If he turns up again I will seriously hurt him.",
    ),
    (
        "weapon",
        r"(?:carry|carrying|bought|got|have|keep) (?:a |my )?(?:knife|weapon|gun|blade)",
        "I carry a knife in my bag now.",
    ),
    (
        "threat_to_kill",
        rf"(?:said|says|threatened|threatening|threatens) (?:that )?(?:he|she|they)"
        rf" would (?:kill|hurt|harm) {_TARGET}",
        "He said he'd kill my brother.",
    ),
)

SAFEGUARDING: tuple[Rule, ...] = rules(
    "crisis",
    "safeguarding",
    (
        "someone_hurts",
        rf"{_PERPETRATOR} {_ADVERBS}{_ABUSE_VERB} (?:me|us|my|her|him|them|the "
        rf"(?:kids|children|baby))(?! (?:feelings|out|to|into|on|about|with (?:a|his|her|their) "
        r"(?:question|comment|words)))",
        "My partner hit me after our couples session.",
    ),
    (
        "not_safe_home",
        r"(?:not|never) (?:feel )?safe (?:at home|with (?:him|her|them|my \w+))"
        r"|(?:afraid|scared|frightened|terrified) (?:to go|of going) home",
        "I'm not safe at home.",
    ),
    (
        "afraid_of_partner",
        rf"(?:afraid|scared|frightened|terrified) of (?:him|her|{_RELATIVE})"
        r"(?! (?:reaction|response|judg\w*|opinion|disapprov\w*|finding out|thinking|being))",
        "I'm frightened of him.",
    ),
    (
        "threats",
        r"threaten(?:s|ed|ing)? to (?:hurt|kill|harm|take)|(?:said|says|told me|threatened)"
        rf" {GAP(6)}(?:will|would) regret it",
        "My ex is threatening to take the kids and hurt them.",
    ),
    (
        "financial_abuse",
        rf"(?:{_PERPETRATOR}|carer) {GAP(3)}(?:taking|takes|took|stealing|steals|"
        r"stole|taken) (?:money|her money|his money|their money|my wages|all my money|my benefits|"
        r"my bank card)",
        "Her carer has been taking money out of her account.",
    ),
    (
        "stalking",
        r"(?:making|made|makes|sending|sent|keeps making) threats|threatening me|stalk(?:s|ed|"
        r"ing|er)|(?:keeps|kept) (?:turning|showing) up at my",
        "My ex keeps turning up at my flat and making threats.",
    ),
    (
        "night_visits",
        r"comes? (?:into|in to) (?:her|his|their|my) (?:room|bed|bedroom) at night",
        "Her dad comes into her room at night and she's scared.",
    ),
    (
        "coercive_control",
        r"(?:checks|controls|goes through|monitors|tracks) my (?:phone|messages|"
        r"money|bank|location)|(?:will not|won't|does not) let me (?:see my friends|leave|go out|"
        r"have money)",
        "He checks my phone and takes my wages.",
    ),
    (
        "child_alone",
        rf"{_CHILD} {GAP(2)}(?:are|is|were|was|being|been|get|gets) (?:left )?(?:on (?:their|"
        rf"his|her) own|alone|home alone|unsupervised)|(?:being|been|is|are) neglected|neglecting "
        rf"(?:the|her|his|their|my) {_CHILD}",
        "The kids next door are left on their own all weekend.",
    ),
    (
        "grooming",
        rf"(?:an adult|a grown up|an older (?:man|woman|guy)|a man|a stranger) {GAP(6)}"
        r"(?:sending|sends|sent|messaging|messages|asking|asked) (?:her|him|them)|groom(?:ing|ed)",
        "An adult at her club has been sending her messages.",
    ),
    (
        "being_abused",
        r"(?:being|been|is|am) abused|abusing (?:me|her|him|them|the kids)|abusive "
        r"(?:to me|towards me)|domestic (?:abuse|violence)|(?:is|was|gets|getting|been|becomes) "
        r"(?:violent|aggressive) (?:towards|to|with) (?:me|us|the kids|the children|my \w+)|"
        r"touch(?:ed|"
        r"ing) (?:my|her|his|their) (?:child|daughter|son|kid|grandchild)|touched (?:him|her|them) "
        r"inappropriately",
        "I think my neighbour's child is being abused.",
    ),
)

ALL: tuple[Rule, ...] = SUICIDAL_THOUGHTS + SELF_HARM + HARM_TO_OTHERS + SAFEGUARDING
