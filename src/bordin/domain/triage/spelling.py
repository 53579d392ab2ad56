"""Word-level repairs: US to UK spelling, contractions, text-speak and common typos.

Bordin's rules are written once, in UK spelling, against lower-case words with contractions
spelt out ("do not", "i am"). This module turns each word a client typed into that form, so
"I didnt feel listend to" and "I did not feel listened to" meet the same rule, and
"judgmental", "criticized" and "counselor" meet the UK forms.

Nothing here guesses meaning. Typos are repaired only towards a short list of distinctive
words the rules rely on (``FUZZY_TARGETS``), and only when the typed word is one edit away
(two for long words with the same first two letters), so ordinary words are left alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Contractions written without an apostrophe, as people type them on phones.
BARE_CONTRACTIONS: dict[str, str] = {
    "dont": "do not",
    "didnt": "did not",
    "doesnt": "does not",
    "isnt": "is not",
    "wasnt": "was not",
    "werent": "were not",
    "arent": "are not",
    "cant": "can not",
    "cannot": "can not",
    "wont": "will not",
    "couldnt": "could not",
    "wouldnt": "would not",
    "shouldnt": "should not",
    "havent": "have not",
    "hasnt": "has not",
    "hadnt": "had not",
    "aint": "is not",
    "im": "i am",
    "ive": "i have",
    "youre": "you are",
    "youve": "you have",
    "theyre": "they are",
    "theyve": "they have",
    "weve": "we have",
    "thats": "that is",
    "theres": "there is",
    "whats": "what is",
    "hes": "he is",
    "shes": "she is",
}

#: Text-speak and informal spellings.
SLANG: dict[str, str] = {
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
    "u": "you",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "thanx": "thanks",
    "ty": "thank you",
    "thankyou": "thank you",
    "cuz": "because",
    "coz": "because",
    "cos": "because",
    "bc": "because",
    "abt": "about",
    "rly": "really",
    "ppl": "people",
    "b4": "before",
    "anymore": "any more",
    "kms": "kill myself",
    "selfharm": "self harm",
    "selfharming": "self harming",
    "selfharmed": "self harmed",
    "selfharms": "self harms",
    "onto": "on to",
    "alot": "a lot",
    "tho": "though",
    "mom": "mum",
    "moms": "mums",
    "mommy": "mummy",
    "momma": "mum",
}

#: Spellings that differ between US and UK English, mapped to the UK form. Verbs in
#: -ize/-yze are handled by a rule (:func:`uk_spelling`), not listed.
US_TO_UK: dict[str, str] = {
    "judgment": "judgement",
    "judgmental": "judgemental",
    "judgments": "judgements",
    "color": "colour",
    "colors": "colours",
    "behavior": "behaviour",
    "behaviors": "behaviours",
    "behavioral": "behavioural",
    "favor": "favour",
    "favors": "favours",
    "neighbor": "neighbour",
    "neighbors": "neighbours",
    "honor": "honour",
    "honored": "honoured",
    "honoring": "honouring",
    "humor": "humour",
    "rumor": "rumour",
    "center": "centre",
    "theater": "theatre",
    "counselor": "counsellor",
    "counselors": "counsellors",
    "counseling": "counselling",
    "counseled": "counselled",
    "canceled": "cancelled",
    "canceling": "cancelling",
    "cancelation": "cancellation",
    "traveled": "travelled",
    "traveling": "travelling",
    "labeled": "labelled",
    "labeling": "labelling",
    "offense": "offence",
    "defense": "defence",
    "defensive": "defensive",
    "license": "licence",
    "skeptical": "sceptical",
    "aging": "ageing",
    "gray": "grey",
    "journaling": "journalling",
    "fulfill": "fulfil",
    "enroll": "enrol",
    "dialog": "dialogue",
    "catalog": "catalogue",
    "program": "programme",
    "smelled": "smelt",
    "burned": "burnt",
    "learned": "learnt",
    "spelled": "spelt",
}

#: Words ending in -ize that are not US spellings of an -ise word.
_IZE_KEEP = frozenset(
    {
        "size",
        "sizes",
        "sized",
        "seize",
        "seized",
        "seizes",
        "prize",
        "prizes",
        "capsize",
        "downsize",
        "downsized",
        "maize",
        "baize",
        "citizen",
    }
)
_IZE = re.compile(r"^(\w{3,})(?:iz|yz)(e|es|ed|ing|ation|ations|er|ers)$")

#: Frequent misspellings, mapped to the word meant.
TYPOS: dict[str, str] = {
    "sucidal": "suicidal",
    "suicidle": "suicidal",
    "suicial": "suicidal",
    "suisidal": "suicidal",
    "sucicidal": "suicidal",
    "sucide": "suicide",
    "suicde": "suicide",
    "suiside": "suicide",
    "therpist": "therapist",
    "theripist": "therapist",
    "therapsit": "therapist",
    "thearpist": "therapist",
    "therapis": "therapist",
    "councillor": "counsellor",
    "councelor": "counsellor",
    "councellor": "counsellor",
    "listend": "listened",
    "lisened": "listened",
    "listning": "listening",
    "lisening": "listening",
    "apreciate": "appreciate",
    "appriciate": "appreciate",
    "definately": "definitely",
    "seperate": "separate",
    "judgey": "judgy",
    "rushd": "rushed",
    "myslef": "myself",
    "mysef": "myself",
    "somone": "someone",
    "sombody": "somebody",
    "realy": "really",
    "wierd": "weird",
    "embarassed": "embarrassed",
}

#: Informal "-in'" endings ("cuttin", "feelin") that lose their final g.
_G_DROPPED = frozenset(
    {
        "cuttin",
        "hurtin",
        "harmin",
        "killin",
        "dyin",
        "livin",
        "feelin",
        "goin",
        "nothin",
        "somethin",
        "talkin",
        "thinkin",
        "doin",
        "tryin",
        "sayin",
        "gettin",
        "lookin",
        "wantin",
        "comin",
        "havin",
        "makin",
        "startin",
        "keepin",
        "tellin",
        "rushin",
        "pushin",
        "listenin",
        "judgin",
        "laughin",
        "drinkin",
        "flirtin",
        "interruptin",
        "helpin",
        "strugglin",
    }
)

#: Distinctive words the rules depend on; a typed word one edit away (two for words of
#: eleven letters or more that start with the same two letters, so "comfortable" never
#: becomes "uncomfortable") is read as the word meant.
FUZZY_TARGETS: tuple[str, ...] = (
    "suicidal",
    "suicide",
    "therapist",
    "counsellor",
    "confidential",
    "confidentiality",
    "judgemental",
    "judgement",
    "listening",
    "listened",
    "interrupted",
    "interrupting",
    "dismissive",
    "dismissed",
    "patronising",
    "condescending",
    "inappropriate",
    "uncomfortable",
    "appointment",
    "cancelled",
    "rescheduled",
    "homework",
    "worksheets",
    "mindfulness",
    "misunderstood",
    "appreciate",
    "appreciated",
    "helpful",
    "frightened",
    "threatened",
    "overdose",
    "myself",
    "session",
    "sessions",
    "relationship",
    "strangled",
    "breathing",
    "exercises",
    "understood",
    "supportive",
    "embarrassed",
    "humiliated",
    "inappropriately",
    "unprofessional",
    "discriminated",
    "homophobic",
    "transphobic",
)

#: Real words near a fuzzy target that must not be "corrected".
_NOT_TYPOS = frozenset(
    {
        "overdone",
        "overdoes",
        "glistening",
        "glistened",
        "judgements",
        "sessional",
        "exercised",
        "exercise",
        "helpfully",
        "suicides",
        "therapists",
        "counsellors",
        "worksheet",
        "appointments",
        "appreciates",
        "understand",
        "understudy",
        "mindless",
        "ourself",
        "comfortable",
        "appropriate",
        "appropriately",
        "professional",
        "discriminate",
        "himself",
        "herself",
        "itself",
        "thyself",
        "yourself",
        "misunderstand",
    }
)


def uk_spelling(word: str) -> str:
    """The UK spelling of a lower-case ``word`` (unchanged when it has none)."""
    if word in US_TO_UK:
        return US_TO_UK[word]
    if word in _IZE_KEEP:
        return word
    match = _IZE.match(word)
    if match:
        stem, ending = match.groups()
        middle = "ys" if word[len(stem) : len(stem) + 2] == "yz" else "is"
        return stem + middle + ending
    return word


def _within(a: str, b: str, limit: int) -> bool:
    """Whether ``a`` and ``b`` are at most ``limit`` edits apart (adjacent swaps count once)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[-1] <= limit


@lru_cache(maxsize=4096)
def repair_typo(word: str) -> str:
    """``word`` with a known or near-miss typo repaired (see the module docstring)."""
    if word in TYPOS:
        return TYPOS[word]
    if word in _G_DROPPED:
        return word + "g"
    if len(word) < 6 or word in _NOT_TYPOS or word in FUZZY_TARGETS or not word.isalpha():
        return word
    candidates = [
        target
        for target in FUZZY_TARGETS
        if _within(word, target, 1)
        or (len(target) >= 11 and word[:2] == target[:2] and _within(word, target, 2))
    ]
    return candidates[0] if len(candidates) == 1 else word


def expand(word: str) -> list[str]:
    """The canonical words for one typed word: typo repaired, contraction spelt out, UK spelling.

    >>> expand("didnt")
    ['did', 'not']
    >>> expand("I'm".lower())
    ['i', 'am']
    >>> expand("criticized")
    ['criticised']
    """
    word = repair_typo(word)
    if word in SLANG:
        return [uk_spelling(w) for w in SLANG[word].split()]
    if word in BARE_CONTRACTIONS:
        return BARE_CONTRACTIONS[word].split()
    if "'" in word:
        return [uk_spelling(w) for w in _split_apostrophe(word)]
    return [uk_spelling(word)]


_PRONOUN_IS = frozenset(
    {"he", "she", "it", "that", "there", "what", "who", "here", "where", "how", "this"}
)
_IRREGULAR_NOT = {
    "can't": ["can", "not"],
    "won't": ["will", "not"],
    "shan't": ["shall", "not"],
    "ain't": ["is", "not"],
}
_SUFFIXES = {"'m": "am", "'re": "are", "'ve": "have", "'ll": "will", "'d": "would"}


def _split_apostrophe(word: str) -> list[str]:
    if word in _IRREGULAR_NOT:
        return list(_IRREGULAR_NOT[word])
    if word.endswith("n't"):
        return [word[:-3], "not"]
    for suffix, full in _SUFFIXES.items():
        if word.endswith(suffix):
            return [word[: -len(suffix)], full]
    if word == "let's":
        return ["let", "us"]
    if word.endswith("'s") and word[:-2] in _PRONOUN_IS:
        return [word[:-2], "is"]
    return [word]
