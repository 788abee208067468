"""Small-cell suppression: no count 1..k-1 is published, and no hidden cell can be computed
exactly from the published ones (checked here by an independent rank test)."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.suppression import suppress_bilan, suppress_entry

SEX = ("women", "girls", "men", "boys", "unknown")
BANDS = ("0-10", "11-18", "19-35", "36-65", "66+", "unknown")


@st.composite
def entries(draw):
    """A consistent indicator entry: sex classes, age bands and countries summing to the total."""
    n = st.integers(0, 12)
    sexes = {k: draw(n) for k in SEX}
    total = sum(sexes.values())
    bands = dict.fromkeys(BANDS, 0)
    countries = {}
    for _ in range(total):
        bands[draw(st.sampled_from(BANDS))] += 1
        cell = countries.setdefault(
            draw(st.sampled_from(["GN", "SN"])), {"F": 0, "M": 0, "unknown": 0}
        )
        cell[draw(st.sampled_from(["F", "M", "unknown"]))] += 1
    return {
        "unit": "persons",
        "total": total,
        **sexes,
        "by_age_band": bands,
        "by_country": countries,
    }


def addresses(entry):
    cells = [("total",)] + [(k,) for k in SEX] + [("by_age_band", b) for b in entry["by_age_band"]]
    for country, by_sex in entry["by_country"].items():
        cells += [("by_country", country, s) for s in by_sex]
    return cells


def value(entry, address):
    for key in address:
        entry = entry[key]
    return entry


def rank(rows):
    rows = [list(map(Fraction, r)) for r in rows]
    r = 0
    for col in range(len(rows[0]) if rows else 0):
        pivot = next((i for i in range(r, len(rows)) if rows[i][col]), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        for i in range(len(rows)):
            if i != r and rows[i][col]:
                f = rows[i][col] / rows[r][col]
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[r], strict=True)]
        r += 1
    return r


def derivable(original, published):
    """Hidden cells whose value the published figures and the published sums pin down."""
    cells = addresses(original)
    hidden = [c for c in cells if isinstance(value(published, c), str)]
    groups = [
        [(k,) for k in SEX],
        [("by_age_band", b) for b in original["by_age_band"]],
        [c for c in cells if c[0] == "by_country"],
    ]
    rows = []
    for group in groups:
        if sum(value(original, c) for c in group) == original["total"]:
            coefficients = {("total",): 1, **{c: -1 for c in group}}
            rows.append([coefficients.get(c, 0) for c in hidden])
    rows = [r for r in rows if any(r)]
    base = rank(rows) if rows else 0
    exposed = []
    for j, cell in enumerate(hidden):
        unit = [1 if i == j else 0 for i in range(len(hidden))]
        if rank(rows + [unit]) == base:
            exposed.append(cell)
    return exposed


@settings(max_examples=200, deadline=None)
@given(entries(), st.integers(2, 6))
def test_no_small_count_is_published_and_no_hidden_cell_can_be_derived(entry, k):
    published = suppress_entry(entry, k)
    for cell in addresses(entry):
        shown, true = value(published, cell), value(entry, cell)
        if isinstance(shown, str):
            assert shown in (f"<{k}", "x")
            assert (shown == f"<{k}") == (1 <= true < k)
        else:
            assert shown == true
            assert not 1 <= true < k
    assert derivable(entry, published) == []


def test_a_lone_small_cell_gets_a_complementary_partner():
    entry = {
        "unit": "persons", "total": 20, "women": 2, "girls": 0, "men": 10, "boys": 8,
        "unknown": 0, "by_age_band": {"0-10": 8, "11-18": 0, "19-35": 12, "36-65": 0,
                                       "66+": 0, "unknown": 0},
        "by_country": {},
    }  # fmt: skip
    published = suppress_entry(entry, 5)
    assert published["women"] == "<5"
    assert published["boys"] == "x"  # the smallest non-zero partner
    assert published["total"] == 20


def test_threshold_off_changes_nothing():
    entry = {"unit": "services", "total": 1, "women": 1, "girls": 0, "men": 0, "boys": 0,
             "unknown": 0, "by_age_band": {"unknown": 1}}  # fmt: skip
    data = {"project": "P", "start": "2023-01-01", "end": "2023-03-31", "indicators": {"a": entry}}
    assert suppress_bilan(data, 0) == data
    protected = suppress_bilan(data, 3)
    assert protected["indicators"]["a"]["total"] == "<3"
    assert protected["small_cell_threshold"] == 3
    assert data["indicators"]["a"]["total"] == 1  # the input is left alone
