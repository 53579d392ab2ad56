"""Conduct: a possible breach of professional ethics by the therapist.

Families follow the commitments in the BACP Ethical Framework, the UKCP Code and the APA
Ethics Code (clinical-facts §13.1-13.3): confidentiality, sexual or romantic conduct,
exploitation, money or gifts, discriminatory or demeaning remarks, dual relationships,
impairment at work, dishonesty, and working beyond competence. Text in this class goes to the
clinical lead only, never to the therapist concerned.

Hedges do not cancel these rules ("I'm not saying he was flirting, but..."); plain denials do
("she has never been anything but professional").
"""

from __future__ import annotations

from bordin.domain.triage.patterns import GAP, Rule, any_of, rules

_PEOPLE = any_of(
    "wife",
    "husband",
    "partner",
    "boyfriend",
    "girlfriend",
    "mum",
    "dad",
    "mother",
    "father",
    "parents",
    "sister",
    "brother",
    "boss",
    "manager",
    "employer",
    "friend",
    "friends",
    "family",
    "gp",
    "doctor",
    "colleague",
    "colleagues",
    "ex",
    "son",
    "daughter",
    "teacher",
    "school",
    "church",
    "work",
)
_MY_STUFF = any_of(
    "what i (?:said|told|say|tell)",
    "things i (?:only )?(?:said|told)",
    "what we (?:discuss|discussed|said|talk about)",
    r"(?:my|our) sessions?",
    r"my (?:situation|diagnosis|details|story|case|secrets?|information|business"
    r"|history|problems|notes|affair|drinking|issues|file)",
)
_SOCIAL = any_of(
    "facebook",
    "instagram",
    "insta",
    "linkedin",
    "twitter",
    "tiktok",
    "snapchat",
    "whatsapp",
    "social media",
)
_MENTAL_SLUR = any_of(
    "nutter",
    "loony",
    "looney",
    "psycho",
    "schizo",
    "retard",
    "retarded",
    "spastic",
    "mental case",
    "freak",
    "weirdo",
    "headcase",
    "head case",
)
_INSULT = any_of(
    "fat",
    "lazy",
    "stupid",
    "pathetic",
    "crazy",
    "mental",
    "psycho",
    "hysterical",
    "an idiot",
    "idiot",
    "a drama queen",
    "an attention seeker",
    "a snowflake",
    "thick",
    "ugly",
    "worthless",
    "useless",
    "dramatic",
    "selfish",
    "weak",
    "disgusting",
    "a loser",
    "names",
    "ungrateful",
    "manipulative",
    "attention seeking",
    "a liar",
    "difficult",
    "hopeless",
)
_GROUP = any_of(
    "women",
    "men",
    "girls",
    "gay people",
    "trans people",
    "immigrants",
    "muslims",
    "black people",
    "people like (?:me|us)",
    "disabled people",
    "foreigners",
    "people from \\w+",
    "asians",
    "jews",
    "poor people",
    "fat people",
    "single mums",
    "travellers",
)
_PEJORATIVE = any_of(
    "emotional",
    "lazy",
    "dramatic",
    "weak",
    "stupid",
    "dangerous",
    "violent",
    "the problem",
    "backward",
    "aggressive",
    "sinful",
    "hysterical",
    "scroungers",
    "criminals",
    "dirty",
    "irrational",
)
_PRONOUN = any_of("he", "she", "they", "therapist", "counsellor", "psychologist")

CONFIDENTIALITY_TOLD: tuple[Rule, ...] = rules(
    "conduct",
    "confidentiality",
    (
        "told_others",
        rf"(?:told|tells|telling|mentioned|repeated|shared|passed on|discussed|"
        rf"forwarded|sent|showed|talked about|emailed) {GAP(3)}{_MY_STUFF} {GAP(2)}(?:to|with) "
        rf"(?:my |his |her |their |a |the )?{_PEOPLE}",
        "He discussed my situation with my employer without asking me first.",
    ),
    (
        "told_person_my_stuff",
        rf"(?:told|tells|telling|mentioned|repeated|forwarded|showed) "
        rf"(?:my |our )?(?:\w+'s )?{_PEOPLE} {GAP(1)}(?:{_MY_STUFF}|about (?:my|our|me|us) ?\w*|"
        r"about "
        r"what (?:i|we))|(?:talked|talking|talks|gossip(?:ed|ing|s)?) about (?:me|us) (?:to|with)",
        "My therapist told my wife what I said in my individual session.",
    ),
    not_by_client=True,
)

CONFIDENTIALITY: tuple[Rule, ...] = rules(
    "conduct",
    "confidentiality",
    (
        "breach",
        r"(?:broke|broken|breach(?:ed)?|breaking|breaches) (?:my |of )?confidentiality|"
        r"confidentiality (?:was|has been|got|is) (?:broken|breached)|(?:without|not) (?:my )?"
        r"(?:consent|permission)",
        "Confidentiality was broken.",
    ),
    (
        "other_clients",
        r"(?:mentioned|named|talked about|discussed|talks about|told me about|"
        r"gossip(?:ed|ing)? about) (?:another|other|his other|her other|their other|a different) "
        r"(?:client|patient)s?|other (?:clients|patients)'? (?:problems|stories|details|issues|"
        r"names)",
        "She mentioned another client by name today.",
    ),
    (
        "notes_left",
        r"(?:notes|records|file|files) (?:were |was )?(?:left )?(?:open|out|lying around"
        r"|on the desk|on display)|anyone could (?:read|see|hear)",
        "I saw my notes left open on the desk in reception.",
    ),
    (
        "overheard",
        r"(?:could|can) hear (?:every word|everything|the session|sessions|people|them|"
        rf"the (?:client|person)) {GAP(3)}(?:next door|in the next room|through the (?:wall|door)|"
        r"from the waiting room)",
        "You could hear every word of the session next door through the wall.",
    ),
    (
        "posted",
        rf"(?:posted|posts|blog(?:ged)?) {GAP(7)}about me|{_SOCIAL} {GAP(4)}"
        r"(?:about me|clearly me)",
        "The therapist posted a story on Instagram that was clearly about me.",
    ),
    (
        "others_know",
        r"(?:knows|knew|found out|heard about) (?:details|things|stuff) (?:that )?"
        r"(?:only|i only|i had only|i would only)|must have told (?:him|her|them|my \w+)",
        "My friend knows details only my counsellor knew.",
    ),
    (
        "recorded",
        r"record(?:ed|ing)? (?:the |our |my )?sessions? without",
        "He recorded our sessions without asking.",
    ),
)

SEXUAL_CONDUCT: tuple[Rule, ...] = rules(
    "conduct",
    "sexual_conduct",
    (
        "asked_out",
        r"asked me out|ask(?:ed|ing)? me (?:for|on) a date|made a pass|hit on me|came on to me|"
        r"crush on me|fancies me|fancied me",
        "He asked me out for a drink after the session ended.",
    ),
    (
        "touching",
        rf"{_PRONOUN} (?:(?:just|then|also|actually|literally|gently|suddenly|kept|keeps|"
        r"has|had|would|will|always) ){0,2}touch(?:ed|es|ing)? (?:me|my (?:thigh|leg|knee|breast|"
        r"chest|hair|face|bum|waist|back|neck|body))(?! deeply)|(?:put|puts|placed|had) (?:his|her|"
        r"their) hands? on (?:me|my)",
        "My therapist touched my thigh during the session.",
    ),
    (
        "body_comments",
        r"(?:comment(?:s|ed|ing)?|remarks?|texting me|texts|going on) (?:on|about) my "
        r"(?:body|looks|figure|appearance|breasts|bum|legs|clothes|outfit)|about my looks",
        "She keeps commenting on my body and what I'm wearing.",
    ),
    (
        "kissing",
        rf"kiss(?:ed|es|ing)? (?:me|my)|hug {GAP(4)}(?:too long|uncomfortable|inappropriate)",
        "The hug went on for too long and then he kissed my cheek.",
    ),
    (
        "attractive",
        r"(?:said|says|told me|saying) (?:that )?(?:i (?:am|was|looked|look)) (?:very |"
        r"really |so )?(?:attractive|beautiful|sexy|hot|gorgeous|pretty|handsome|fit)|in another "
        r"life|we would be together",
        "He said I was very attractive.",
    ),
    (
        "harassment",
        r"harass(?:ed|ing|ment)|sexually (?:inappropriate|suggestive|explicit)|(?:heart|"
        r"kiss|love|kissing) (?:emoji|emojis)|kisses at the end",
        "His messages were sexually suggestive.",
    ),
    (
        "sexual",
        r"sexual(?:ly)? (?:joke|jokes|comment|comments|remark|remarks|advance|advances|"
        r"innuendo|touch|contact|relationship|things)|sexuali[sz]ed|(?:questions|asked|"
        r"asking) about "
        r"my sex life|inappropriate(?:ly)? (?:touch|touching|comments?|texts?|messages?)",
        "He made a sexual joke about me and my wife.",
    ),
    (
        "late_messages",
        r"(?:texts?|texted|texting|messages?|messaged|calls?|called|rang) (?:me )?"
        rf"(?:from (?:my |the )?(?:therapist|counsellor) )?{GAP(2)}(?:late at night|at midnight|"
        r"in the"
        r" middle of the night)|(?:saying|said|says|told me) (?:that )?(?:he|she|they) (?:missed|"
        r"misses|loved|loves|fancied|fancies|had feelings for|has feelings for) me",
        "I got texts from my therapist late at night saying he missed me.",
    ),
    (
        "romantic",
        r"romantic (?:interest|feelings|comments?|gestures?|dinner)|seductive",
        "He said he had romantic feelings for me.",
    ),
    (
        "private_place",
        rf"(?:meet|meeting|see me|come (?:round|over)) {GAP(4)}(?:, )?(?:like |at |in |"
        r"to )?(?:his|her|their) "
        r"(?:flat|house|place|home|apartment|hotel)|(?:our|the) relationship (?:is|was) special",
        "He suggested we meet somewhere more relaxed, like his flat.",
    ),
)

FLIRTING: tuple[Rule, ...] = rules(
    "conduct",
    "sexual_conduct",
    ("flirting", r"flirt(?:ing|ed|s|y|atious)?", "I think he's flirting with me."),
    (
        "touched_body",
        r"touch(?:ed|es|ing) my (?:thigh|leg|knee|breast|chest|hair|face|bum|waist|"
        r"neck|body)",
        "She gave me a hug and touched my hair.",
    ),
    not_by_client=True,
)

EXPLOITATION: tuple[Rule, ...] = rules(
    "conduct",
    "exploitation",
    (
        "favours",
        r"(?:asked|asks|asking|wants|wanted|keeps asking|kept asking|expects|expected) me "
        r"to (?:help (?:him|her|them)|babysit|do (?:admin|work|jobs|errands|some work|favours"
        r"|a favour)|work for|write (?:him |her |them )?(?:a )?(?:five star |good |positive )?"
        r"(?:review|testimonial)|recruit|sell|drive (?:him|her)|fix (?:his|her))",
        "He asked me to help him move house.",
    ),
    (
        "unpaid_work",
        r"(?:work|admin|help|jobs?|babysitting) for (?:free|nothing)|favou?rs? (?:for|"
        r"from) (?:him|"
        r"her|them)|(?:using|used|uses|use) me (?:to|for|as)|took advantage|taking advantage|"
        r"exploit(?:ed|ing|ative|s)?",
        "I feel like he's using me to get information about my boss.",
    ),
    (
        "pushing_beliefs",
        r"(?:pushing|pushed|pressur(?:e|ed|ing)|telling|told|wants|urging) me to "
        r"join (?:his |her |their )?(?:church|group|religion|business|network|scheme|cause)",
        "She's been pushing me to join her church.",
    ),
    (
        "selling",
        r"(?:buy|buying|bought|purchase|sign up for|invest in) (?:\w+ ){0,4}from (?:a company|a "
        r"business|his|her|their) (?:\w+ )?(?:they|he|she) (?:run|runs|own|owns)|(?:company|"
        r"business|products?|supplements|courses?) (?:that )?(?:they|he|she) (?:run|runs|own|owns|"
        r"sells?)",
        "My therapist suggested I buy supplements from a company they run.",
    ),
    (
        "role_reversal",
        r"asked (?:me|us) for (?:advice|help|support)(?! (?:with my|about my))|(?:talk"
        r"ing|talked|talks|went on) about (?:his|her|their) (?:own )?(?:divorce|marriage|problems|"
        r"personal life|love life|break up|money troubles|health)",
        "He spent half the session talking about his divorce and asked me for advice.",
    ),
    (
        "needless_sessions",
        r"(?:extra|more) sessions (?:that )?i (?:do not|did not) need|(?:is|it "
        r"is|it's) (?:all )?about the money|keep(?:s|ing)? me (?:in therapy|coming) (?:for|"
        r"because)",
        "He keeps booking extra sessions I don't need.",
    ),
)

MONEY_OR_GIFTS: tuple[Rule, ...] = rules(
    "conduct",
    "money_or_gifts",
    (
        "loan",
        rf"(?:lend|loan|borrow)(?:ed|ing|s)? {GAP(3)}(?:money|£?\d+|cash)|(?:asked|asks|asking"
        r") (?:me )?(?:for|about) (?:a )?(?:loan|money|cash)|(?:lend|loan) (?:him|her|them)",
        "My therapist asked if I could lend her £500.",
    ),
    (
        "cash_direct",
        r"(?:pay|paid|paying) (?:him|her|them) (?:in cash|directly|privately|off the "
        r"books|cash)|in cash directly|(?:instead of|not) through the practice",
        "He said I could pay him in cash directly instead of through the practice.",
    ),
    (
        "gifts",
        r"accept(?:ed|s|ing)? (?:an? |my )?(?:expensive |generous |big )?(?:gift|present|"
        rf"watch|money|jewellery|tip)|accepted {GAP(3)}from me|gifts?(?! (?:for|of))|presents? "
        r"(?:from|for) (?:me|him|her)|(?:gave|give|given|bought) (?:him|her|them) (?:a |"
        r"an )?(?:gift|"
        r"present|bottle|watch|voucher)",
        "She accepted an expensive watch from me.",
    ),
    (
        "paying_for_them",
        r"(?:pay for|paying for|buy|buying|bought|get|getting) (?:her|his|their|him|"
        r"them) (?:a )?(?:parking|coffee|coffees|lunch|petrol|taxi|travel|drinks?|food|shopping|"
        r"holiday|"
        r"dinner|things|stuff|presents?|gifts?)",
        "She asks me to pay for her parking and coffee.",
    ),
    (
        "investment",
        r"invest (?:in|money in) (?:his|her|their)|(?:her|his|their) (?:money|financial)"
        r" (?:troubles|problems|difficulties|issues|worries)",
        "He asked me to invest in his business.",
    ),
)

DISCRIMINATION: tuple[Rule, ...] = rules(
    "conduct",
    "discrimination",
    (
        "prejudice",
        r"racis[tm]|sexis[tm]|homophob(?:ic|ia)|transphob(?:ic|ia)|biphob(?:ic|ia)|"
        r"ableis[tm]|misogyn(?:y|ist|istic)|bigot(?:ed|ry)?|xenophob(?:ic|ia)|islamophob(?:ic|ia)|"
        r"anti ?semitic|fatphob(?:ic|ia)|ageis[tm]|discriminat(?:ed|ing|ion|ory)|slurs?",
        "My husband and I both felt he was homophobic towards us.",
    ),
    (
        "insult",
        rf"(?:called|calls|calling) (?:me|us) {GAP(1)}{_INSULT}|{_MENTAL_SLUR}",
        "My therapist called me fat and lazy.",
    ),
    (
        "humiliation",
        r"(?:shouted|shouting|yelled|yelling|screamed|swore|swearing) at (?:me|us)|(?:told|said) "
        r"(?:me )?(?:that )?i (?:would|will) never (?:get better|change|recover)|with (?:my|your) "
        r"attitude|humiliat(?:ed|"
        r"ing|e|es)|belittl(?:ed|ing|e|es)|demean(?:ed|"
        r"ing|s)?|degrad(?:ed|ing)|insult(?:ed|ing|s)?|ridicul(?:ed|ing|e)|sneer(?:ed|ing|s)?",
        "I felt humiliated by what she said.",
    ),
    (
        "identity_jokes",
        r"(?:joke|jokes|joking|comment|comments|remark|remarks) about my (?:accent|"
        r"race|skin|colour|religion|faith|weight|disability|wheelchair|sexuality|gender|body|age|"
        r"ethnicity|hijab|turban|nationality)|(?:came|come) (?:over )?on (?:a|the) boats?|go back "
        r"(?:to )?(?:where|your (?:own )?country)",
        "He made a joke about my accent.",
    ),
    (
        "group_slur",
        rf"{_GROUP} (?:are|were|being|is) (?:too |so |just |all |always )?{_PEJORATIVE}",
        "He said women are too emotional to run a business.",
    ),
    (
        "sexuality_change",
        r"(?:being )?(?:gay|lesbian|bi|bisexual|trans) is (?:something i could "
        r"change|a phase|a choice|a sin|wrong|unnatural)|(?:change|cure|fix|pray away) (?:my |"
        r"the )?"
        r"(?:gay|sexuality|orientation|gender identity)|conversion therapy",
        "She said being gay is something I could change.",
    ),
    (
        "misgendering",
        r"deadnam(?:e|ed|es|ing)|misgender(?:ed|ing|s)?",
        "She keeps calling me by my deadname.",
    ),
    (
        "belief_attack",
        r"(?:my |our )?(?:religion|faith|culture|beliefs) (?:is|was|are|were) "
        r"(?:backward|primitive|wrong|stupid|silly|nonsense|evil|oppressive|ridiculous)",
        "She told me my religion was backward.",
    ),
)

MOCKING: tuple[Rule, ...] = rules(
    "conduct",
    "discrimination",
    (
        "mocking",
        r"mock(?:ed|s|ing)? (?:me|my|us|our)|made fun of|mak(?:e|es|ing) fun of|laugh(?:ed"
        r"|s|ing)? at (?:me|my|us|our)",
        "He laughed at my wheelchair.",
    ),
    not_by_client=True,
)

DUAL_RELATIONSHIP: tuple[Rule, ...] = rules(
    "conduct",
    "dual_relationship",
    (
        "social_media",
        rf"friend request|(?:added|add|adds|followed|follows|follow|friended|"
        rf"messaged|messaging|messages|texting|texts|texted|dm|dmed) (?:me|us) on {_SOCIAL}|"
        r"friends on "
        rf"{_SOCIAL}|non therapy (?:stuff|things|chat)|(?:likes|liked|liking|comments on|"
        r"commented on) "
        r"my (?:posts|photos|pictures|stories)",
        "My therapist sent me a friend request on Facebook.",
    ),
    (
        "invitations",
        r"invited (?:me|us) to (?:his|her|their|a) (?:party|wedding|house|home|birthday"
        r"|barbecue|bbq|church|event|dinner|drinks)|(?:see|seeing|meet|meeting) (?:me|us|"
        r"up) outside"
        r" (?:of )?(?:sessions|therapy|work|the sessions|session)|(?:some time|sometime|socially|"
        r"privately|as friends), outside (?:of )?(?:sessions|therapy)|be friends(?= ?(?:[.!,]|$|"
        r"outside|with me|with us))",
        "He invited me to his birthday party.",
    ),
    (
        "business",
        r"offered me (?:a )?(?:job|work|position)|(?:work|working) for (?:him|her|them)|"
        r"(?:business|deal) with (?:him|her|them)",
        "He offered me a job at his company.",
    ),
    (
        "also_treating",
        r"(?:also|is also|as well as|now) (?:seeing|treating|sees|working with|"
        r"counselling) my (?:sister|brother|mum|dad|friend|best friend|partner|husband|wife|ex|"
        r"boss|manager|colleague|flatmate|neighbour)|(?:sees|seeing|see) my (?:husband|wife|"
        r"partner) (?:on (?:his|her|their) own|individually|alone|separately)",
        "It turns out she's also seeing my sister.",
    ),
)

DUAL_RELATIONSHIP_ACTOR: tuple[Rule, ...] = rules(
    "conduct",
    "dual_relationship",
    (
        "coffee",
        r"(?:go|going|meet|meeting|went) (?:for|up for|out for) (?:a )?(?:coffee|drink|"
        r"drinks|lunch|dinner|a meal)",
        "Now she wants to go for coffee.",
    ),
    (
        "other_roles",
        r"(?:is|are) (?:also |now )?my (?:\w+ )?(?:landlord|landlady|boss|manager|neighbour|"
        r"colleague|teacher|tutor|lecturer|coach)|(?:is|are) (?:also |now )?my [\w]+'s (?:wife|"
        r"husband|partner|sister|brother|friend|mum|dad|son|daughter)|(?:dating|going out with|"
        r"married to|sleeping with) my (?:manager|boss|friend|sister|brother|ex|colleague|"
        r"neighbour|"
        r"landlord)",
        "She's my landlord's wife.",
    ),
    not_by_client=True,
)

IMPAIRMENT: tuple[Rule, ...] = rules(
    "conduct",
    "impairment",
    (
        "smell",
        r"(?:smelt|smells|smell|smelling|stank|stinks|stinking) (?:of|like) (?:alcohol|booze"
        r"|drink|wine|beer|weed|cannabis|spirits|whisky)",
        "My counsellor smelt of weed.",
    ),
    (
        "intoxicated",
        rf"(?:had been|was|were|is|seemed|seems|looked|looks|appeared) {GAP(1)}"
        r"(?:drunk|tipsy|intoxicated|stoned|hungover|under the influence|out of it|on something)|"
        r"(?:seemed|looked|appeared|was clearly) high|had been drinking|slurr(?:ed|ing)|hungover",
        "I'm fairly sure my therapist had been drinking.",
    ),
    (
        "asleep",
        r"(?:fell|falling|fall|falls) asleep|(?:nodded|nodding|nods|dozed|dozing|dozes) off|"
        r"asleep (?:during|in)",
        "He fell asleep during my session.",
    ),
    (
        "drinking_in_session",
        r"(?:glass|bottle|can) of (?:wine|beer|whisky|gin|vodka|alcohol)|"
        r"(?:drinking|drunk|smoking weed|vaping) (?:during|in) (?:the |our |my )?(?:session|call)",
        "He had a glass of wine during our video session.",
    ),
    not_by_client=True,
)

DISHONESTY_ACTOR: tuple[Rule, ...] = rules(
    "conduct",
    "dishonesty",
    (
        "lying",
        r"lied|lying (?:to me|to us|about)|(?:told|tells|telling) (?:me |us )?lies|liar|"
        r"dishonest(?:y)?|(?:keep|kept) it quiet|cover(?:ed)? (?:it )?up",
        "My therapist lied about the cancellation.",
    ),
    (
        "records_altered",
        r"(?:changed|altered|falsified|backdated|doctored|edited|rewrote) (?:the )?"
        r"(?:dates )?(?:in )?(?:my )?(?:notes|records|invoice)",
        "She changed the dates in my notes after I complained.",
    ),
    not_by_client=True,
)

DISHONESTY: tuple[Rule, ...] = rules(
    "conduct",
    "dishonesty",
    (
        "unregistered",
        r"(?:is|was) not (?:actually |really |even )?(?:registered|qualified|licensed|"
        r"accredited|chartered|a (?:real |proper )?(?:psychologist|therapist|counsellor))|"
        r"(?:claims?|claimed|claiming|pretend(?:s|ed|ing)?) (?:to be )?(?:a |an )?(?:psychologist|"
        r"doctor|psychiatrist|qualified|registered|chartered|accredited|therapist|expert)|"
        r"fake (?:qualifications|degree|credentials|certificate)",
        "He claims to be a psychologist.",
    ),
    (
        "billing_fraud",
        rf"(?:charged|billed|invoiced) (?:me |us )?for {GAP(3)}sessions? (?:that )?"
        r"(?:never|did not) (?:happen|happened|take place|took place)|(?:different|fake|false|"
        r"made up) diagnosis|"
        r"so (?:the|my) insurance (?:would|will) (?:pay|cover)",
        "He charged me for three sessions that never happened.",
    ),
    (
        "records_denied",
        r"(?:not|does not|do not|did not|will not) (?:let|allow) me (?:to )?see my "
        r"(?:records|notes|file)",
        "She told me the practice doesn't let me see my records.",
    ),
    negatable=True,
)

COMPETENCE: tuple[Rule, ...] = rules(
    "conduct",
    "competence",
    (
        "untrained",
        r"(?:never|not) (?:been )?trained (?:in|for|to)|(?:wing|winging) it|out of "
        r"(?:his|her|their) depth|(?:does not|did not) (?:really )?know (?:anything|much|"
        r"what) about",
        "She admitted she's never been trained in trauma work.",
    ),
    negatable=False,
)

GENERAL: tuple[Rule, ...] = rules(
    "conduct",
    "boundaries",
    (
        "inappropriate",
        r"inappropriate(?:ly)?|unprofessional|unethical|crossed (?:a |the )?(?:line|"
        r"boundary|boundaries)|(?:is|if) (?:that|this|it) (?:is )?(?:allowed|appropriate|ok|okay|"
        r"normal) for (?:a )?(?:therapist|counsellor)|(?:do not know|not sure|wonder) if (?:that|"
        r"this)"
        r" is allowed",
        "I don't know if that's allowed.",
    ),
    (
        "retaliation",
        r"if (?:i|we) (?:complain|complained|report|reported|said anything|say anything|"
        rf"told anyone|tell anyone|left|leave|stop|stopped)(?: {GAP(3)})?(?:she|he|they) (?:would|"
        r"will|"
        r"could) (?:tell|report|discharge|charge|stop|ruin)",
        "She said if I complained she'd tell my employer about my drinking.",
    ),
    (
        "secrecy",
        r"(?:told|asked|said|says|tells|wants) me (?:that i )?(?:should not|not to|must not|"
        r"never to|to never) (?:tell|mention|say)",
        "He told me not to tell my husband what we discuss.",
    ),
    (
        "raise_concern",
        r"(?:someone|somebody) other than (?:my|the) (?:therapist|counsellor)|"
        r"(?:report|complain about|complaint about|make a complaint) (?:him|her|them|my therapist|"
        r"the therapist)|professional body|bacp|ukcp|hcpc|licensing board|ethics committee",
        "I'd like to talk to someone other than my therapist about it.",
    ),
    negatable=True,
)

ALL: tuple[Rule, ...] = (
    CONFIDENTIALITY_TOLD
    + CONFIDENTIALITY
    + SEXUAL_CONDUCT
    + FLIRTING
    + EXPLOITATION
    + MONEY_OR_GIFTS
    + DISCRIMINATION
    + MOCKING
    + DUAL_RELATIONSHIP
    + DUAL_RELATIONSHIP_ACTOR
    + IMPAIRMENT
    + DISHONESTY_ACTOR
    + DISHONESTY
    + COMPETENCE
    + GENERAL
)
