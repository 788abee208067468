"""`manage.py demo`: every app's demo data, once."""

from django.contrib.auth import get_user_model
from django.core.management import call_command

from assistance.models import Assistance
from beneficiaries.models import Beneficiary
from bilans.models import BilanSnapshot
from partners.models import Project


def run(*args):
    call_command(*args)


def test_demo_loads_once(db):
    run("demo", "--people", "60", "--assistances", "300")
    people, rows = Beneficiary.objects.count(), Assistance.objects.count()
    assert people >= 55
    assert rows >= 250
    assert Project.objects.count() == 3
    for username in ("caseworker", "manager", "officer", "donor"):
        assert get_user_model().objects.get(username=username).check_password("demo-iom-2026")
    # The donor portal has last quarter's bilan to download.
    published = BilanSnapshot.objects.get(status="published")
    assert published.project.code == "JPN-PROT"
    assert published.figures["indicators"]["beneficiaries_reached"]["total"] not in (0, "0")
    # Like any new project, the demo's hide counts below 5 from their donors, and say so.
    assert set(Project.objects.values_list("small_cell_threshold", flat=True)) == {5}
    assert published.figures["small_cell_threshold"] == 5
    # Its capacity-building section: the quarter's three events of the project (issue 15).
    capacity = published.figures["capacity_building"]
    assert capacity["events"] == 3
    assert capacity["by_kind"] == {"training": 1, "workshop": 1, "coordination": 1}
    assert capacity["participants"]["total"] == 25 + 21 + 15
    # The Oujda caseworker has a caseload: open and closed cases, something due, a note.
    from cases.models import Case, CaseDocument, CaseNote, FollowUp

    caseworker = get_user_model().objects.get(username="caseworker")
    assert Case.objects.filter(assigned_to=caseworker, status="open").exists()
    assert Case.objects.filter(status="closed").exists()
    assert FollowUp.objects.filter(assignee=caseworker, done_on=None).exists()
    assert CaseNote.objects.exists() and CaseDocument.objects.exists()
    run("demo")
    assert (Beneficiary.objects.count(), Assistance.objects.count()) == (people, rows)


# --- The demo users' second factor -------------------------------------------------------------


def _printed_codes(output: str) -> dict[str, list[str]]:
    """The backup codes `manage.py demo` printed, by username."""
    import re

    codes: dict[str, list[str]] = {}
    current = None
    for line in output.split("backup codes", 1)[-1].splitlines()[1:]:
        match = re.match(r"^  (\S*)\s+((?:[a-z2-7]{8} ?)+)$", line)
        if not match:
            break
        current = match.group(1) or current
        codes.setdefault(current, []).extend(match.group(2).split())
    return codes


def test_the_demo_prints_fresh_backup_codes_that_sign_the_officer_and_manager_in(
    db, settings, capsys
):
    from django.test import Client
    from django.urls import reverse
    from django_otp.plugins.otp_static.models import StaticToken

    settings.DEBUG = True
    run("demo", "--people", "60", "--assistances", "300")
    first = _printed_codes(capsys.readouterr().out)
    assert set(first) == {"manager", "officer"}
    assert all(len(codes) == 10 for codes in first.values())
    # Every run makes new ones (the demo data itself loads once); the old ones stop working.
    run("demo")
    second = _printed_codes(capsys.readouterr().out)
    assert set(second) == {"manager", "officer"}
    assert not set(first["officer"]) & set(second["officer"])
    officer = get_user_model().objects.get(username="officer")
    kept = set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    assert kept == set(second["officer"])
    for username in ("officer", "manager"):
        client = Client()
        client.post(reverse("login"), {"username": username, "password": "demo-iom-2026"})
        verify = reverse("partners:second_factor_verify")
        assert client.get(reverse("home"))["Location"].startswith(verify)
        assert client.post(verify, {"code": second[username][0]}).status_code == 302
        assert client.get(reverse("beneficiaries:list")).status_code == 200


def test_the_demo_never_makes_backup_codes_without_debug(db, settings, capsys):
    import pytest
    from django.core.exceptions import ImproperlyConfigured
    from django_otp.plugins.otp_static.models import StaticToken

    from web.demo.second_factor import demo_backup_codes

    settings.DEBUG = False
    run("demo", "--people", "60", "--assistances", "300")
    output = capsys.readouterr().out
    assert "no demo backup codes made (DEBUG is off" in output
    assert _printed_codes(output) == {}
    assert not StaticToken.objects.exists()
    with pytest.raises(ImproperlyConfigured, match="never in production"):
        demo_backup_codes()
    assert not StaticToken.objects.exists()
