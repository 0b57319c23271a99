"""Disclosure control for breakdowns of the survey (applied inside the package, not by chapters).

The rule (stated in the statistical-methods appendix):

1. **Small base**: no percentage (nor interval) is shown for a base below ``MIN_BASE`` respondents;
   the share is replaced by ``NOT_SHOWN`` (GSS shorthand ``[x]``, not available).
2. **Primary suppression**: a count from ``LOW_COUNT_MIN`` to ``LOW_COUNT_MAX`` (1 to 4) is replaced by
   ``CONFIDENTIAL`` (GSS shorthand ``[c]``), and so is its percentage. Zero counts are shown.
3. **Secondary suppression**: wherever a published total (a row total such as a role's base, or a
   column total such as a whole-wave count) would otherwise let a reader recover a single suppressed
   cell by subtraction, one more cell on that line is suppressed: the smallest positive unsuppressed
   count (first in display order on ties; a zero only if nothing else is left). Repeated until every
   line with a published total has no suppressed cell or at least two.

``suppression_reasons(counts, row_totals=..., column_totals=...)`` returns, for each cell, ``""``,
``"primary"`` or ``"secondary"``; ``share_hidden(n)`` says whether a base is too small for a share.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

MIN_BASE = 10
LOW_COUNT_MIN = 1
LOW_COUNT_MAX = 4
CONFIDENTIAL = "[c]"
NOT_SHOWN = "[x]"
PRIMARY = "primary"
SECONDARY = "secondary"


def is_low_count(count: int) -> bool:
    """Return True for a count that must be suppressed on its own (1 to 4)."""
    return LOW_COUNT_MIN <= int(count) <= LOW_COUNT_MAX


def share_hidden(n: int) -> bool:
    """Return True when a base of ``n`` respondents is too small to show a percentage."""
    return int(n) < MIN_BASE


def suppression_reasons(counts: pd.DataFrame, *, row_totals: bool, column_totals: bool) -> pd.DataFrame:
    """Return a frame shaped like ``counts`` holding ``""``, ``"primary"`` or ``"secondary"`` per cell.

    ``row_totals``/``column_totals`` say whether totals along rows/columns are published next to the
    table (and so could be used to recover a lone suppressed cell).
    """
    values = counts.to_numpy(copy=True)
    status = suppression_status(values, row_totals=row_totals, column_totals=column_totals)
    return pd.DataFrame(status, index=counts.index, columns=counts.columns, dtype=object)


def suppression_status(
    values: Sequence[Sequence[int]], *, row_totals: bool, column_totals: bool
) -> np.ndarray:
    """:func:`suppression_reasons` for a plain grid of counts (rows x columns): an object array of reasons."""
    values = np.asarray(values)
    if values.size == 0:  # no lines at all
        values = values.reshape(len(values), 0)
    status = np.empty(values.shape, dtype=object)
    for cell, count in np.ndenumerate(values):
        status[cell] = PRIMARY if is_low_count(count) else ""
    lines: list[list[tuple[int, int]]] = []
    if row_totals:
        lines += [[(i, j) for j in range(values.shape[1])] for i in range(values.shape[0])]
    if column_totals:
        lines += [[(i, j) for i in range(values.shape[0])] for j in range(values.shape[1])]
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [cell for cell in line if status[cell]]
            open_cells = [cell for cell in line if not status[cell]]
            if len(hidden) != 1 or not open_cells:
                continue
            positive = [cell for cell in open_cells if values[cell] > 0]
            pool = positive or open_cells
            status[min(pool, key=lambda cell: (values[cell], line.index(cell)))] = SECONDARY
            changed = True
    return status
