"""The sources each rule rests on, as shown behind a signal's "how this was worked out".

Written for a clinician: the study, and in words how sure we are of it ("unconfirmed" where the
figure could not be checked in a source; "a design choice" where the parameter is ours). Each
text names its study in words, never an internal note or a file.
"""

from __future__ import annotations

RUPTURE_SD = (
    "Drop from the client's own average: 1 SD (sensitive) after Strauss et al. 2006, J Consult "
    "Clin Psychol; 2 SD (specific) after Stiles et al. 2004, J Couns Psychol 51(1):81-92; using "
    "both, Gumz et al. 2012, BMC Med Res Methodol 12:10 (their exact formulas are unconfirmed)."
)
RUPTURE_CEILING = (
    "Drop from the top score (a design choice): about half of clients rate every alliance item "
    "at the maximum (psychoutcomes.org, a secondary source), so any clear drop from a perfect "
    "score counts."
)
RUPTURE_ITEM = (
    "Drop in goals, tasks or bond: Bordin 1979's three parts of the working alliance; the "
    "threshold is a design choice."
)
RUPTURE_CUTOFF = (
    "Alliance cut-off: on the Session Rating Scale, below 36 signals dissatisfaction with the "
    "session (OpenFIT knowledge base)."
)
RUPTURE_LOGGED = (
    "Rupture logged by the therapist: withdrawal and confrontation markers after the Rupture "
    "Resolution Rating System (Eubanks, Muran & Safran 2015 manual; the marker names are "
    "unconfirmed)."
)
REPAIR = (
    "Repair means back to the level before the drop; V-shapes and prolonged declines after Gumz "
    "et al. 2012. Repaired ruptures go with better outcomes (Eubanks, Muran & Safran 2018, "
    "r = .29) and unrepaired ones with worse (McLaughlin et al. 2014)."
)
NOT_ON_TRACK = (
    "Expected recovery by starting severity, on the log of the session number, with tolerance "
    "bands: Finch, Lambert & Schaalje 2001, Clin Psychol Psychother 8:231-242; behind and well "
    "behind after the OpenFIT expected-treatment-response alerts."
)
CHANGE = (
    "Reliable change and recovery: Jacobson & Truax 1991; reliable-change values PHQ-9 6 and "
    "GAD-7 4 (NHS Talking Therapies), CORE-10 6 (a secondary source), ORS 5 (unconfirmed)."
)
SPLIT = (
    "Split alliance: Friedlander et al. 2018 (split and outcome, r = .316) and Muñiz de la Peña "
    "et al. 2009. No validated threshold exists, so it is the measure's reliable-change value or "
    "a fixed gap, and at least the partners' usual ups and downs (a design choice)."
)
SPLIT_WIDENING = (
    "Widening gap: how partners' differences change over time predicted ending early, single "
    "sessions did not (Gangamma et al., Syracuse)."
)
DISENGAGEMENT = (
    "Dropout: about 1 client in 5 (Swift & Greenberg 2012); a weaker alliance predicts dropout, "
    "d = .55 (Sharf et al. 2010). Combining missed sessions with a falling alliance is a design "
    "choice."
)
RISK = (
    "Risk questions: any answer above 0 on PHQ-9 question 9 warrants same-day follow-up (Simon "
    "et al. 2013); CORE-10 question 6 is its risk question; crisis feedback comes from the "
    "reading of the client's own words."
)
LOW_ALLIANCE = RUPTURE_CUTOFF
