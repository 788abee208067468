"""The fact of a pseudonymised person's assistance counts the age frozen on the row.

When a person's record is pseudonymised (DESIGN.md §8), their exact date of birth becomes its
year. Ages computed from the year alone (1 July) would move people across an age band or the
adult line near their birthday (a 17-year-old counted as 18), and the published figures would
change. So the age each delivered assistance was counted with is stored on the row first
(`assistance_assistance.frozen_age`, by the engine's rule), and the fact's birth key becomes

    born_key = day_key - frozen_age * 10000      (NULL when frozen_age is the -1 "unknown")

so that the engine's `(day_key - born_key) / 10000` gives back exactly `frozen_age`, on that
row's own day, and the fact table no longer holds the date of birth. Rows without a frozen
age keep migration 0005's rule: the date of birth as yyyymmdd, else 1 July of the birth year.

This replaces the view `reporting_fact_source` and the SELECT of the four trigger functions
together (the same text built once, as in 0005), so `manage.py reporting_facts` keeps
comparing the table with what the triggers write; then it rebuilds the facts of the rows that
already carry a frozen age (none, unless the migration is re-applied).
"""

from django.db import migrations

COLUMNS = (
    "assistance_id, person_id, project_id, provider_id, city_id, day_key, kind_id, country, "
    "sex, born_key, is_migrant"
)


def _ymd(expr: str) -> str:
    return (
        f"(date_part('year', {expr}) * 10000 + date_part('month', {expr}) * 100"
        f" + date_part('day', {expr}))::int"
    )


BORN_0005 = (
    "CASE WHEN p.date_of_birth IS NOT NULL THEN " + _ymd("p.date_of_birth") + " "
    "WHEN p.birth_year IS NOT NULL THEN p.birth_year * 10000 + 701 END"
)
BORN_FROZEN = (
    "CASE WHEN a.frozen_age IS NOT NULL THEN CASE WHEN a.frozen_age >= 0 THEN "
    + _ymd("a.delivered_on")
    + " - a.frozen_age * 10000 END "
    "WHEN p.date_of_birth IS NOT NULL THEN " + _ymd("p.date_of_birth") + " "
    "WHEN p.birth_year IS NOT NULL THEN p.birth_year * 10000 + 701 END"
)


def _select(born: str) -> str:
    """Migration 0005's SELECT, with the birth key `born`."""
    return (
        "SELECT a.id, p.id, a.project_id, a.provider_id, a.city_id, "
        + _ymd("a.delivered_on")
        + ", k.id, a.country, p.sex, "
        + born
        + ", p.is_migrant "
        "FROM {source} a "
        "JOIN beneficiaries_beneficiary b ON b.id = a.beneficiary_id "
        "JOIN beneficiaries_beneficiary p ON p.id = COALESCE(b.merged_into_id, b.id) "
        "LEFT JOIN reporting_factkind k ON k.category = a.category AND k.subtype = a.subtype "
        "AND k.outcome = a.outcome "
        "WHERE a.status = 'delivered'"
    )


ADD_KINDS = (
    "INSERT INTO reporting_factkind (category, subtype, outcome) "
    "SELECT DISTINCT a.category, a.subtype, a.outcome FROM {source} a "
    "WHERE a.status = 'delivered' AND NOT EXISTS (SELECT 1 FROM reporting_factkind k "
    "WHERE k.category = a.category AND k.subtype = a.subtype AND k.outcome = a.outcome) "
    "ON CONFLICT DO NOTHING"
)

LOCK_PEOPLE = (
    "PERFORM 1 FROM beneficiaries_beneficiary b WHERE b.id IN (SELECT n.beneficiary_id "
    "FROM new_rows n UNION SELECT d.merged_into_id FROM beneficiaries_beneficiary d "
    "JOIN new_rows n ON n.beneficiary_id = d.id WHERE d.merged_into_id IS NOT NULL) "
    "FOR SHARE;\n"
)


def _definitions(born: str) -> str:
    """The view and the four trigger functions of migration 0005, with the birth key `born`
    (the triggers themselves, which name the functions, stay as they are)."""
    select = _select(born)

    def insert(source: str, where: str = "") -> str:
        return (
            ADD_KINDS.format(source=source)
            + ";\n"
            + f"INSERT INTO reporting_fact ({COLUMNS}) "
            + select.format(source=source)
            + where
            + ";\n"
        )

    return f"""
CREATE OR REPLACE VIEW reporting_fact_source ({COLUMNS}) AS
  {select.format(source="assistance_assistance")};

CREATE OR REPLACE FUNCTION reporting_fact_assistance_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
{LOCK_PEOPLE}{insert("new_rows")}
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION reporting_fact_assistance_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM reporting_fact f USING old_rows o WHERE f.assistance_id = o.id;
{LOCK_PEOPLE}{insert("new_rows")}
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION reporting_fact_beneficiary_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  changed bigint[];
  affected bigint[];
BEGIN
  changed := ARRAY(
    SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE (n.sex, n.date_of_birth, n.birth_year, n.is_migrant, n.merged_into_id)
          IS DISTINCT FROM (o.sex, o.date_of_birth, o.birth_year, o.is_migrant, o.merged_into_id)
  );
  IF cardinality(changed) = 0 THEN
    RETURN NULL;
  END IF;
  affected := changed || ARRAY(
    SELECT id FROM beneficiaries_beneficiary WHERE merged_into_id = ANY(changed)
  );
  DELETE FROM reporting_fact f USING assistance_assistance a
    WHERE f.assistance_id = a.id AND a.beneficiary_id = ANY(affected);
{insert("assistance_assistance", " AND a.beneficiary_id = ANY(affected)")}
  RETURN NULL;
END $$;
"""  # noqa: S608 (constants of this migration, no value from outside)


def _refill_frozen(born: str) -> str:
    """Rebuild the facts of the rows that carry a frozen age (their birth key changes)."""
    select = _select(born).format(source="assistance_assistance")
    return (
        "DELETE FROM reporting_fact f USING assistance_assistance a "  # noqa: S608 (constants)
        "WHERE f.assistance_id = a.id AND a.frozen_age IS NOT NULL;\n"
        f"INSERT INTO reporting_fact ({COLUMNS}) {select} AND a.frozen_age IS NOT NULL;\n"
    )


FORWARD = _definitions(BORN_FROZEN) + _refill_frozen(BORN_FROZEN)
BACKWARD = _definitions(BORN_0005) + _refill_frozen(BORN_0005)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0006_clean_user_text"),
        ("assistance", "0009_assistance_frozen_age"),
        ("beneficiaries", "0003_legal_hold_and_pseudonymisation"),
    ]

    operations = [migrations.RunSQL(sql=FORWARD, reverse_sql=BACKWARD)]
