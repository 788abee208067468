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
    run("demo")
    assert (Beneficiary.objects.count(), Assistance.objects.count()) == (people, rows)
