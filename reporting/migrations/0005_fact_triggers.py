"""The triggers that keep `reporting_fact` equal to the delivered assistances.

`reporting_fact` is derived data: one row per delivered assistance, joined to the person it
counts for (see `reporting.models.Fact`). It is maintained by the database itself so that no
write path can forget it: the services, the importer's COPY, the admin and any SQL run by hand
all fire the same statement-level triggers, in the same transaction as the write.

- assistance INSERT / UPDATE / DELETE: the facts of the rows touched are deleted and rebuilt
  from the new rows (only `delivered` rows have a fact);
- beneficiary UPDATE of sex, date of birth, birth year, population or `merged_into`: the facts
  of that person's assistances, and of the records merged into it, are rebuilt;
- concurrent writes: the assistance triggers lock the people they read (FOR SHARE), so a
  person's correction and a new assistance for them in two transactions serialise, and the
  later trigger sees the earlier commit.

Statement-level triggers with transition tables do one set-based INSERT per statement, so a
COPY of 100,000 rows costs one INSERT … SELECT, not 100,000 function calls.

The view `reporting_fact_source` states what the table must hold; `manage.py reporting_facts
--check` compares the two and `--rebuild` refills the table from the view.

The migration also fills the table for the rows that already exist and drops migration 0003's
covering index on the assistance table, which the engine no longer reads.
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


# What the fact of an assistance row `a` (of any relation with the assistance columns) is:
# the person it counts for is the record it was merged into, else its own beneficiary.
SELECT = (
    "SELECT a.id, p.id, a.project_id, a.provider_id, a.city_id, " + _ymd("a.delivered_on") + ", "
    "k.id, a.country, p.sex, "
    "CASE WHEN p.date_of_birth IS NOT NULL THEN " + _ymd("p.date_of_birth") + " "
    "WHEN p.birth_year IS NOT NULL THEN p.birth_year * 10000 + 701 END, p.is_migrant "
    "FROM {source} a "
    "JOIN beneficiaries_beneficiary b ON b.id = a.beneficiary_id "
    "JOIN beneficiaries_beneficiary p ON p.id = COALESCE(b.merged_into_id, b.id) "
    # LEFT: a kind missing from reporting_factkind makes the INSERT fail on kind_id NOT NULL
    # (and shows in the check) instead of silently dropping the fact.
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


# Before reading the people of new rows: wait for (and then see) a concurrent change to one of
# them. Without it, a person corrected in one transaction while another records an assistance
# for them would leave that assistance's fact with the old sex or age: each transaction's
# trigger would see only its own writes. FOR SHARE conflicts with the UPDATE of the person.
# One IN over a UNION (a hash semi-join), not two INs joined by OR: that form cannot be a join
# and, past work_mem, rescans the new rows for every person (quadratic on a large COPY).
LOCK_PEOPLE = (
    "PERFORM 1 FROM beneficiaries_beneficiary b WHERE b.id IN (SELECT n.beneficiary_id "
    "FROM new_rows n UNION SELECT d.merged_into_id FROM beneficiaries_beneficiary d "
    "JOIN new_rows n ON n.beneficiary_id = d.id WHERE d.merged_into_id IS NOT NULL) "
    "FOR SHARE;\n"
)


def _insert(source: str, where: str = "") -> str:
    return (
        ADD_KINDS.format(source=source)
        + ";\n"
        + f"INSERT INTO reporting_fact ({COLUMNS}) "
        + SELECT.format(source=source)
        + where
        + ";\n"
    )


FORWARD = f"""
CREATE VIEW reporting_fact_source ({COLUMNS}) AS {SELECT.format(source="assistance_assistance")};

CREATE FUNCTION reporting_fact_assistance_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{LOCK_PEOPLE}{_insert("new_rows")}
  RETURN NULL;
END $$;

CREATE FUNCTION reporting_fact_assistance_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM reporting_fact f USING old_rows o WHERE f.assistance_id = o.id;
{LOCK_PEOPLE}{_insert("new_rows")}
  RETURN NULL;
END $$;

CREATE FUNCTION reporting_fact_assistance_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM reporting_fact f USING old_rows o WHERE f.assistance_id = o.id;
  RETURN NULL;
END $$;

CREATE FUNCTION reporting_fact_beneficiary_updated() RETURNS trigger LANGUAGE plpgsql AS $$
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
  -- The records counted as a changed one: itself and those merged into it.
  affected := changed || ARRAY(
    SELECT id FROM beneficiaries_beneficiary WHERE merged_into_id = ANY(changed)
  );
  DELETE FROM reporting_fact f USING assistance_assistance a
    WHERE f.assistance_id = a.id AND a.beneficiary_id = ANY(affected);
{_insert("assistance_assistance", " AND a.beneficiary_id = ANY(affected)")}
  RETURN NULL;
END $$;

CREATE TRIGGER reporting_fact_assistance_insert AFTER INSERT ON assistance_assistance
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION reporting_fact_assistance_inserted();
CREATE TRIGGER reporting_fact_assistance_update AFTER UPDATE ON assistance_assistance
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION reporting_fact_assistance_updated();
CREATE TRIGGER reporting_fact_assistance_delete AFTER DELETE ON assistance_assistance
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION reporting_fact_assistance_deleted();
CREATE TRIGGER reporting_fact_beneficiary_update AFTER UPDATE ON beneficiaries_beneficiary
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION reporting_fact_beneficiary_updated();

{_insert("assistance_assistance")}
DROP INDEX IF EXISTS reporting_assistance_delivered_cover;
"""  # noqa: S608

BACKWARD = """
DROP TRIGGER IF EXISTS reporting_fact_assistance_insert ON assistance_assistance;
DROP TRIGGER IF EXISTS reporting_fact_assistance_update ON assistance_assistance;
DROP TRIGGER IF EXISTS reporting_fact_assistance_delete ON assistance_assistance;
DROP TRIGGER IF EXISTS reporting_fact_beneficiary_update ON beneficiaries_beneficiary;
DROP FUNCTION IF EXISTS reporting_fact_assistance_inserted();
DROP FUNCTION IF EXISTS reporting_fact_assistance_updated();
DROP FUNCTION IF EXISTS reporting_fact_assistance_deleted();
DROP FUNCTION IF EXISTS reporting_fact_beneficiary_updated();
DROP VIEW IF EXISTS reporting_fact_source;
DELETE FROM reporting_fact;
CREATE INDEX IF NOT EXISTS reporting_assistance_delivered_cover ON assistance_assistance
  (project_id, delivered_on) INCLUDE (id, beneficiary_id, category, subtype, outcome, country,
  provider_id, city_id) WHERE status = 'delivered';
"""


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0004_facts"),
        ("assistance", "0003_import_batch"),
        ("beneficiaries", "0001_initial"),
    ]

    operations = [migrations.RunSQL(sql=FORWARD, reverse_sql=BACKWARD)]
