"""Whole-practice recompute of the alliance and outcome signals, vectorised with NumPy.

:func:`bulk_signals` takes every rating of a practice as one long table and returns every signal
as one table, with the same rules and the same arithmetic as the pure per-episode code in
:mod:`bordin.domain.alliance` (tests check that both give identical signal sets, and identical
explanations, on random histories). The pure function remains the reference and is what runs
after each submission; this package is for recomputing a whole practice at once.

How it is vectorised. Ratings are grouped into *series* (one client, one measure, one episode)
and laid out as a matrix, one row per series and one column per rating in session order
(:mod:`.layout`). Every rule then runs column by column over all series at once, in the same
order of operations as the pure code, so running sums, means and SDs agree to the last bit.

Modules:

- :mod:`.layout`: the series matrices and shared helpers;
- :mod:`.ruptures`: rupture detection and lifecycle, low alliance;
- :mod:`.outcomes`: not on track and reliable change;
- :mod:`.splits`: split alliance and a widening gap in couples;
- :mod:`.risks`: endorsed risk items;
- :mod:`.engagement`: disengagement (needs attendance; the few candidates go through the pure
  rule);
- :mod:`.frame`: :func:`bulk_signals` itself and :func:`frame_from_histories`;
- :mod:`.explain`: each row's explanation, worded by the shared builders in
  :mod:`bordin.domain.alliance.explanations`;
- :mod:`.evaluation`: precision and recall against planted patterns, and docs/signals.md.

The therapist's rupture log and crisis feedback need data the ratings table does not hold; the
per-episode function handles the (few) episodes that have them.
"""

from bordin.analytics.signals.explain import explain_rows
from bordin.analytics.signals.frame import REQUIRED_COLUMNS, bulk_signals, frame_from_histories
from bordin.analytics.signals.layout import SIGNAL_COLUMNS

__all__ = [
    "REQUIRED_COLUMNS",
    "SIGNAL_COLUMNS",
    "bulk_signals",
    "explain_rows",
    "frame_from_histories",
]
