"""Small-cell protection for donor-facing outputs (DESIGN.md §3 "Small cells").

With a project threshold k ≥ 2, every published count from 1 to k−1 is replaced by the string
`"<k"` (primary suppression). Then, indicator by indicator, more cells are hidden (shown as
`"x"`, complementary suppression) until no hidden cell can be computed exactly from the
published ones through the sums the bilan publishes:

- total = women + girls + men + boys + unknown,
- total = sum of `by_age_band`,
- total = sum of every `by_country` cell, and (for services) total = sum of `by_subtype`,
  and total = sum of `by_closure_reason`, each only when it holds in the figures (so the
  reader could know it).

The `median` of a `days` indicator (case closures) is a value, not a count: it is published
only when it rests on at least k closures (its `total`), else shown as `"x"`, since the
median of one or two closures tells those persons' case durations.

"Computed exactly" is decided by linear algebra over the rationals: a hidden cell is exposed
when its unit vector lies in the row space of those relations restricted to the hidden cells.
Complementary cells are chosen among the smallest non-zero published cells of a relation that
exposes a hidden one. Relations between different indicators or periods are not considered.
"""

from __future__ import annotations

import copy
from fractions import Fraction

SEX_CELLS = ("women", "girls", "men", "boys", "unknown")
COMPLEMENTARY = "x"


def primary_marker(k: int) -> str:
    return f"<{k}"


def _cells_and_relations(entry: dict):
    """Addresses (tuples of keys into `entry`) with their values, and the exact relations
    (lists of (coefficient, address index)) holding between them."""
    cells: list[tuple] = [("total",)]
    cells += [(name,) for name in SEX_CELLS]
    cells += [("by_age_band", band) for band in entry.get("by_age_band", {})]
    for country, by_sex in sorted((entry.get("by_country") or {}).items()):
        cells += [("by_country", country, sex) for sex in by_sex]
    cells += [("by_subtype", subtype) for subtype in sorted(entry.get("by_subtype") or {})]
    cells += [
        ("by_closure_reason", reason) for reason in sorted(entry.get("by_closure_reason") or {})
    ]
    index = {address: i for i, address in enumerate(cells)}
    values = [_get(entry, address) for address in cells]

    relations = []
    for prefix in ("sex", "by_age_band", "by_country", "by_subtype", "by_closure_reason"):
        if prefix == "sex":
            parts = [index[(name,)] for name in SEX_CELLS]
        else:
            parts = [i for address, i in index.items() if address[0] == prefix]
        if parts and sum(values[i] for i in parts) == values[0]:
            relations.append([(1, 0)] + [(-1, i) for i in parts])
    return cells, values, relations


def _get(entry: dict, address: tuple):
    value = entry
    for key in address:
        value = value[key]
    return value


def _set(entry: dict, address: tuple, new) -> None:
    target = entry
    for key in address[:-1]:
        target = target[key]
    target[address[-1]] = new


def exposed_cells(relations, hidden: set[int]) -> set[int]:
    """The hidden cells whose value follows exactly from the relations and the published
    cells: unit vectors in the row space of the relations restricted to `hidden`."""
    columns = sorted(hidden)
    position = {cell: j for j, cell in enumerate(columns)}
    rows = []
    for relation in relations:
        row = [Fraction(0)] * len(columns)
        for coefficient, cell in relation:
            if cell in position:
                row[position[cell]] += coefficient
        if any(row):
            rows.append(row)
    # Reduced row echelon form.
    pivots: list[int] = []
    rank = 0
    for col in range(len(columns)):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        lead = rows[rank][col]
        rows[rank] = [value / lead for value in rows[rank]]
        for r in range(len(rows)):
            if r != rank and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        pivots.append(col)
        rank += 1
    free = [col for col in range(len(columns)) if col not in pivots]
    exposed = set()
    for r, col in enumerate(pivots):
        if all(rows[r][f] == 0 for f in free):
            exposed.add(columns[col])
    return exposed


def suppress_entry(entry: dict, k: int) -> dict:
    """A copy of one indicator's JSON entry with small cells hidden (see module docstring)."""
    entry = copy.deepcopy(entry)
    if k < 2:
        return entry
    cells, values, relations = _cells_and_relations(entry)
    primary = {i for i, value in enumerate(values) if 1 <= value < k}
    hidden = set(primary)
    while hidden:
        exposed = exposed_cells(relations, hidden)
        if not exposed:
            break
        target = min(exposed)
        candidates = [
            cell
            for relation in relations
            if any(cell == target for _c, cell in relation)
            for _c, cell in relation
            if cell not in hidden
        ]
        if not candidates:  # exposed only through other hidden cells: widen to any relation
            candidates = [
                cell for relation in relations for _c, cell in relation if cell not in hidden
            ]
        if not candidates:
            break
        # Prefer hiding a non-zero cell: a hidden zero next to a small cell protects nothing.
        hidden.add(min(candidates, key=lambda cell: (values[cell] == 0, values[cell], cell)))
    for i in hidden:
        _set(entry, cells[i], primary_marker(k) if i in primary else COMPLEMENTARY)
    if entry.get("median") is not None and values[0] < k:
        entry["median"] = COMPLEMENTARY
    return entry


def suppress_bilan(data: dict, k: int) -> dict:
    """A copy of a bilan dict (`reporting.engine.bilan`) protected with threshold `k`.

    k of 0 or 1 leaves the figures as they are. When anything is hidden the result carries
    `"small_cell_threshold": k` so the reader knows what `"<k"` and `"x"` mean.
    """
    if k < 2:
        return copy.deepcopy(data)
    protected = {key: value for key, value in data.items() if key != "indicators"}
    protected["indicators"] = {
        code: suppress_entry(entry, k) for code, entry in data["indicators"].items()
    }
    protected["small_cell_threshold"] = k
    return protected
