"""core.audit.redact_personal: the one rewrite of the audit trail (DESIGN.md §8)."""

import pytest
from django.db import connection, transaction

from core.audit import REDACTED, redact_personal
from core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _entry(object_id, changes, model="beneficiaries.beneficiary"):
    return AuditEntry.objects.create(
        action=AuditEntry.Action.UPDATE, model=model, object_id=str(object_id), changes=changes
    )


def test_only_the_named_fields_of_the_named_objects_are_redacted():
    created = _entry(1, {"first_name": "Awa", "sex": "F", "date_of_birth": "2001-02-03"})
    changed = _entry(1, {"first_name": ["Awa", "Awah"], "last_name": [None, "Sow"]})
    cleared = _entry(1, {"first_name": ["Awa", ""], "vulnerabilities": [["uasc"], []]})
    other_person = _entry(2, {"first_name": "Binta"})
    other_model = _entry(1, {"first_name": "Binta"}, model="assistance.assistance")
    merge = _entry(1, {"merged_into": 7, "moved": {"assistances": 2}})

    count = redact_personal(
        model_label="beneficiaries.Beneficiary",
        object_ids=[1],
        fields=["first_name", "last_name", "date_of_birth"],
    )

    assert count == 3
    for entry in (created, changed, cleared, other_person, other_model, merge):
        entry.refresh_from_db()
    assert created.changes == {"first_name": REDACTED, "sex": "F", "date_of_birth": REDACTED}
    assert changed.changes == {
        "first_name": [REDACTED, REDACTED],
        "last_name": [None, REDACTED],  # an empty side stays empty: a creation reads as one
    }
    assert cleared.changes == {"first_name": [REDACTED, ""], "vulnerabilities": [["uasc"], []]}
    assert other_person.changes == {"first_name": "Binta"}
    assert other_model.changes == {"first_name": "Binta"}
    assert merge.changes == {"merged_into": 7, "moved": {"assistances": 2}}


def test_the_door_closes_again_after_the_redaction():
    _entry(1, {"first_name": "Awa"})
    with transaction.atomic():
        redact_personal(model_label="beneficiaries.beneficiary", object_ids=[1], fields=["x"])
        redact_personal(
            model_label="beneficiaries.beneficiary", object_ids=[1], fields=["first_name"]
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('iom_cases.audit_redaction', true)")
            assert cursor.fetchone()[0] == "off"


def test_nothing_to_redact_writes_nothing():
    redacted = redact_personal(model_label="beneficiaries.beneficiary", object_ids=[], fields=["a"])
    assert redacted == 0


def test_it_passes_an_append_only_trigger_that_waits_for_the_setting():
    """As the append-only trigger of the audit table will: an UPDATE is refused unless the
    transaction set `iom_cases.audit_redaction` on. (Created here, rolled back with the test.)"""
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION test_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'UPDATE'
                 AND current_setting('iom_cases.audit_redaction', true) = 'on' THEN
                RETURN NEW;
              END IF;
              RAISE EXCEPTION 'append-only';
            END $$;
            """
        )
        cursor.execute(
            f"CREATE TRIGGER test_audit_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION test_audit_append_only()"
        )
    entry = _entry(1, {"first_name": "Awa"})
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(changes={})
    redact_personal(model_label="beneficiaries.beneficiary", object_ids=[1], fields=["first_name"])
    entry.refresh_from_db()
    assert entry.changes == {"first_name": REDACTED}
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(changes={})
