"""The sources each rule rests on, as shown in a signal's explanation.

Tags follow clinical-facts.md: [V] confirmed in a source, [S] secondary, [M] unconfirmed,
(design note) our own synthesis. A rule whose parameters are our choice says so.
"""

from __future__ import annotations

RUPTURE_SD = (
    "Baseline-relative drop: 1 SD (sensitive) after Strauss et al. 2006, J Consult Clin Psychol; "
    "2 SD (specific) after Stiles et al. 2004, J Couns Psychol 51(1):81-92; use of both, "
    "Gumz et al. 2012, BMC Med Res Methodol 12:10 [V, exact formulas M]."
)
RUPTURE_CEILING = (
    "Ceiling-aware rule (design note, clinical-facts §6.2): about half of clients rate every "
    "alliance item at the maximum (psychoutcomes.org [S]), so any drop from a perfect score counts."
)
RUPTURE_ITEM = (
    "Item-level drop on goals, tasks or bond: Bordin 1979's three alliance components; threshold "
    "is a design choice (clinical-facts §6.2 design note)."
)
RUPTURE_CUTOFF = (
    "Alliance cut-off: SRS below 36 signals dissatisfaction with the session (OpenFIT KB; "
    "clinical-facts §2.2 [V]/[S])."
)
RUPTURE_LOGGED = (
    "Rupture logged by the therapist (3RS withdrawal/confrontation markers; Eubanks, Muran & "
    "Safran 2015 manual; marker names [M])."
)
REPAIR = (
    "Repair = back to the pre-drop level; V-shapes vs prolonged declines after Gumz et al. 2012; "
    "repaired vs unrepaired ruptures and outcome: Eubanks, Muran & Safran 2018 (r = .29) and "
    "McLaughlin et al. 2014 (unrepaired ruptures predicted worse outcome) [V]."
)
NOT_ON_TRACK = (
    "Expected recovery curve by intake severity on log(session) with tolerance bands: Finch, "
    "Lambert & Schaalje 2001, Clin Psychol Psychother 8:231-242 [V]; green/amber/red after the "
    "OpenFIT ETR alert rules [V]."
)
CHANGE = (
    "Reliable change and recovery: Jacobson & Truax 1991; thresholds from the instrument registry "
    "(e.g. PHQ-9 6, GAD-7 4: NHS Talking Therapies [V]; CORE-10 6 [S]; ORS 5 [M])."
)
SPLIT = (
    "Split alliance: Friedlander et al. 2018 (split-outcome r = .316) and Muñiz de la Peña et al. "
    "2009 [V]; no validated threshold exists, so it is the measure's reliable-change value or a "
    "fixed gap, and at least 1 within-couple SD (design note, clinical-facts §8.3)."
)
SPLIT_WIDENING = (
    "Widening gap: how partners' discrepancies change over time predicted termination, single "
    "time points did not (Gangamma et al., Syracuse [V]; clinical-facts §8.3)."
)
DISENGAGEMENT = (
    "Dropout: about 1 client in 5 (Swift & Greenberg 2012 [V]); weaker alliance predicts dropout, "
    "d = .55 (Sharf et al. 2010 [V]). Combining missed sessions with a falling alliance is a "
    "design note."
)
RISK = (
    "Risk items: PHQ-9 item 9 > 0 warrants same-day follow-up (Simon et al. 2013 [V]; "
    "clinical-facts §5.1); CORE-10 item 6 is the risk item [V]; crisis feedback from triage."
)
LOW_ALLIANCE = RUPTURE_CUTOFF
