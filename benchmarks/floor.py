"""(b) The floor: hand-written SQL for the default catalogue, one pass per unit, computing the
core figures (total, women/girls/men/boys/unknown, age bands) and nothing more.

It reads the same fact table as the engine (`reporting_fact`, joined to its kinds for the
category codes): what a careful person would write by hand for this one catalogue, with one
conditional aggregate per indicator."""

from __future__ import annotations

from django.db import connection

from beneficiaries.classify import sex_class
from reporting.engine import day_key
from reporting.models import AGE_SCHEMES, band_of

SERVICES = {
    "assistances_delivered": "TRUE",
    "medical_services": "k.category = 'medical'",
    "psychosocial_services": "k.category = 'psychosocial'",
    "humanitarian_services": "k.category IN ('food', 'non_food')",
}
PERSONS = {
    "beneficiaries_reached": "TRUE",
    "medical_persons": "k.category = 'medical'",
    "psychosocial_persons": "k.category = 'psychosocial'",
    "public_health_referrals_completed_persons": "k.category = 'medical' AND "
    "k.subtype = 'referral_public_health' AND k.outcome = 'service_received'",
    "humanitarian_persons": "k.category IN ('food', 'non_food')",
    "emergency_housing_persons": "k.category = 'emergency_housing'",
    "legal_persons": "k.category = 'legal'",
    "protection_persons": "k.category IN ('legal', 'emergency_housing', 'protection')",
    "awareness_persons": "k.category = 'awareness'",
    "avrr_returns": "k.category = 'avrr' AND k.subtype = 'return_from_morocco'",
    "returnees_to_morocco": "k.category = 'avrr' AND k.subtype = 'return_to_morocco'",
    "reintegration_persons": "k.category = 'reintegration'",
    "employability_persons": "k.category = 'employability'",
    "entrepreneurship_persons": "k.category = 'entrepreneurship'",
}
SCHEMES = {"avrr_returns": "avrr", "returnees_to_morocco": "returnees",
           "reintegration_persons": "returnees"}  # fmt: skip


def _age(day: str, born: str = "f.born_key") -> str:
    return f"CASE WHEN {day} >= {born} THEN ({day} - {born}) / 10000 END"


FROM = (
    "FROM reporting_fact f JOIN reporting_factkind k ON k.id = f.kind_id "
    "WHERE f.project_id = %s AND f.day_key BETWEEN %s AND %s"
)
NO_JIT = "SET LOCAL jit = off; SET LOCAL work_mem = '64MB'; "


def _empty(code):
    bands = [
        f"{lo}+" if hi is None else f"{lo}-{hi}"
        for lo, hi in AGE_SCHEMES[SCHEMES.get(code, "standard")]
    ]
    entry = dict.fromkeys(("total", "women", "girls", "men", "boys", "unknown"), 0)
    entry["by_age_band"] = dict.fromkeys([*bands, "unknown"], 0)
    return entry


def _fold(out, code, sex, age, count):
    entry = out[code]
    entry["total"] += count
    entry[sex_class(sex, age)] += count
    entry["by_age_band"][band_of(age, SCHEMES.get(code, "standard"))] += count


def bilan_floor(project, period) -> dict:
    params = [project.pk, day_key(period.start), day_key(period.end)]
    out = {code: _empty(code) for code in [*PERSONS, *SERVICES]}
    with connection.cursor() as cursor:
        counts = ", ".join(f"count(*) FILTER (WHERE {c})" for c in SERVICES.values())
        cursor.execute(
            f"{NO_JIT}SELECT f.sex, {_age('f.day_key')} AS age, {counts} {FROM} GROUP BY 1, 2",  # noqa: S608
            params,
        )
        for sex, age, *values in cursor.fetchall():
            for code, count in zip(SERVICES, values, strict=True):
                if count:
                    _fold(out, code, sex, age, count)
        firsts = ", ".join(
            f"min(f.day_key) FILTER (WHERE {c}) AS d{i}" for i, c in enumerate(PERSONS.values())
        )
        unpivot = ", ".join(f"({i}, p.d{i})" for i in range(len(PERSONS)))
        cursor.execute(
            f"{NO_JIT}WITH p AS (SELECT f.person_id AS person, "  # noqa: S608
            f"min(f.sex) AS sex, min(f.born_key) AS born, {firsts} {FROM} "
            f"GROUP BY 1) SELECT v.i, p.sex, {_age('v.d', 'p.born')} AS age, count(*) FROM p "
            f"CROSS JOIN LATERAL (VALUES {unpivot}) v(i, d) WHERE v.d IS NOT NULL GROUP BY 1, 2, 3",
            params,
        )
        codes = list(PERSONS)
        for i, sex, age, count in cursor.fetchall():
            _fold(out, codes[i], sex, age, count)
    return out
