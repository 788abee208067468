def test_health_endpoint(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_audit_snapshot_is_json_ready_for_every_field_kind():
    import datetime
    import decimal
    import json
    import uuid

    from django.db.models.fields.files import FieldFile

    from core.audit import plain

    values = [uuid.uuid4(), datetime.date(2023, 1, 1), decimal.Decimal("1.50"), ["a", 1]]
    json.dumps([plain(v) for v in values])
    empty_file = FieldFile(None, type("F", (), {"storage": None, "name": "f"})(), None)
    assert plain(empty_file) is None
