"""(b) The floor: hand-written SQL for the default catalogue, one pass per unit, computing the
core figures (total, women/girls/men/boys/unknown, age bands) and nothing more."""

from __future__ import annotations

from django.db import connection

from reporting.engine import sex_class
from reporting.models import AGE_SCHEMES, band_of

SERVICES = {
    "assistances_delivered": "TRUE",
    "medical_services": "a.category = 'medical'",
    "psychosocial_services": "a.category = 'psychosocial'",
    "humanitarian_services": "a.category IN ('food', 'non_food')",
}
PERSONS = {
    "beneficiaries_reached": "TRUE",
    "medical_persons": "a.category = 'medical'",
    "psychosocial_persons": "a.category = 'psychosocial'",
    "public_health_referrals_completed_persons": "a.category = 'medical' AND "
    "a.subtype = 'referral_public_health' AND a.outcome = 'service_received'",
    "humanitarian_persons": "a.category IN ('food', 'non_food')",
    "emergency_housing_persons": "a.category = 'emergency_housing'",
    "legal_persons": "a.category = 'legal'",
    "protection_persons": "a.category IN ('legal', 'emergency_housing', 'protection')",
    "awareness_persons": "a.category = 'awareness'",
    "avrr_returns": "a.category = 'avrr' AND a.subtype = 'return_from_morocco'",
    "returnees_to_morocco": "a.category = 'avrr' AND a.subtype = 'return_to_morocco'",
    "reintegration_persons": "a.category = 'reintegration'",
    "employability_persons": "a.category = 'employability'",
    "entrepreneurship_persons": "a.category = 'entrepreneurship'",
}
SCHEMES = {"avrr_returns": "avrr", "returnees_to_morocco": "returnees",
           "reintegration_persons": "returnees"}  # fmt: skip

BORN = (
    "CASE WHEN b.date_of_birth IS NOT NULL THEN (date_part('year', b.date_of_birth) * 10000 "
    "+ date_part('month', b.date_of_birth) * 100 + date_part('day', b.date_of_birth))::int "
    "WHEN b.birth_year IS NOT NULL THEN b.birth_year * 10000 + 701 END"
)


def _age(day, born=BORN):
    ref = (
        f"(date_part('year', {day}) * 10000 + date_part('month', {day}) * 100 "
        f"+ date_part('day', {day}))::int"
    )
    return f"CASE WHEN {ref} >= {born} THEN ({ref} - {born}) / 10000 END"


# The benchmark data has no merged records; the floor still refuses to count one twice by
# reading through a record's merged_into_id (its own sex and age then, which the engine takes
# from the kept record: identical here).
FROM = (
    "FROM assistance_assistance a JOIN beneficiaries_beneficiary b ON b.id = a.beneficiary_id "
    "WHERE a.status = 'delivered' AND a.project_id = %s AND a.delivered_on BETWEEN %s AND %s"
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
    params = [project.pk, period.start, period.end]
    out = {code: _empty(code) for code in [*PERSONS, *SERVICES]}
    with connection.cursor() as cursor:
        counts = ", ".join(f"count(*) FILTER (WHERE {c})" for c in SERVICES.values())
        cursor.execute(
            f"{NO_JIT}SELECT b.sex, {_age('a.delivered_on')} AS age, {counts} {FROM} GROUP BY 1, 2",  # noqa: S608
            params,
        )
        for sex, age, *values in cursor.fetchall():
            for code, count in zip(SERVICES, values, strict=True):
                if count:
                    _fold(out, code, sex, age, count)
        firsts = ", ".join(
            f"min(a.delivered_on) FILTER (WHERE {c}) AS d{i}"
            for i, c in enumerate(PERSONS.values())
        )
        unpivot = ", ".join(f"({i}, f.d{i})" for i in range(len(PERSONS)))
        cursor.execute(
            f"{NO_JIT}WITH f AS (SELECT COALESCE(b.merged_into_id, b.id) AS person, "  # noqa: S608
            f"min(b.sex) AS sex, min({BORN}) AS born, {firsts} {FROM} "
            f"GROUP BY 1) SELECT v.i, f.sex, {_age('v.d', 'f.born')} AS age, count(*) FROM f "
            f"CROSS JOIN LATERAL (VALUES {unpivot}) v(i, d) WHERE v.d IS NOT NULL GROUP BY 1, 2, 3",
            params,
        )
        codes = list(PERSONS)
        for i, sex, age, count in cursor.fetchall():
            _fold(out, codes[i], sex, age, count)
    return out
