"""The audit trail and the access log are append-only (DESIGN.md section 8): PostgreSQL
refuses any UPDATE or DELETE of their rows, whoever sends it (the application, the admin, a
shell). TRUNCATE is not a row event: the test database's flush still empties them.

One exception, for the erasure of a person on request: an UPDATE of core_auditentry that
changes the `changes` column and nothing else, in a transaction that has set
`iom_cases.audit_redaction` to 'on' (core.audit.redaction() does, with SET LOCAL)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION core_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND TG_TABLE_NAME = 'core_auditentry'
       AND current_setting('iom_cases.audit_redaction', true) = 'on'
       AND (to_jsonb(NEW) - 'changes') = (to_jsonb(OLD) - 'changes') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING HINT = 'Only core.audit.redaction() may rewrite the changes of an audit entry.';
END;
$$;
"""

TABLES = ("core_auditentry", "core_accessentry")

CREATE = [FUNCTION] + [
    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
    f"FOR EACH ROW EXECUTE FUNCTION core_append_only();"
    for table in TABLES
]
DROP = [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};" for table in TABLES] + [
    "DROP FUNCTION IF EXISTS core_append_only();"
]


class Migration(migrations.Migration):
    dependencies = [("core", "0007_access_log")]

    operations = [migrations.RunSQL(sql=CREATE, reverse_sql=DROP)]
