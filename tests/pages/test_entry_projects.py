"""Entry forms preselect a project only when the organisation has exactly one open project
(running today, and implemented by the organisation; any project for IOM): with several, the
quick entry on a person's file and the AVRR case opening leave the project empty and ask,
so that no record lands silently in the first project of the list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assistance.models import Assistance, ReturnCase
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import ProjectFactory

pytestmark = pytest.mark.django_db

ASK = "plusieurs projets en cours"


@pytest.fixture
def person(partner_a):
    return BeneficiaryFactory(organisation=partner_a, first_name="Awa", last_name="Sow")


@pytest.fixture
def not_open_to_a(donor, partner_a, partner_b):
    """Projects that must not count as open for partner A: one ended, one not started, one
    running that only partner B implements."""
    today = timezone.localdate()
    year = datetime.timedelta(days=365)
    return [
        ProjectFactory(
            code="ENDED",
            donor=donor,
            partners=[partner_a],
            start=today - 2 * year,
            end=today - year,
        ),
        ProjectFactory(
            code="LATER",
            donor=donor,
            partners=[partner_a],
            start=today + year,
            end=today + 2 * year,
        ),
        ProjectFactory(code="B-ONLY", donor=donor, partners=[partner_b], start=today - year),
    ]


@pytest.fixture
def second_open_project(donor, partner_a):
    today = timezone.localdate()
    return ProjectFactory(
        code="EU-AVRR",
        donor=donor,
        partners=[partner_a],
        start=today - datetime.timedelta(days=10),
        end=today + datetime.timedelta(days=300),
    )


def quick_form(client, person):
    page = client.get(reverse("beneficiaries:detail", args=[person.pk]))
    return page, page.context["quick_form"]


def return_form(client, person):
    page = client.get(reverse("assistance:return_open", args=[person.pk]))
    return page, page.context["form"]


@pytest.mark.parametrize("open_form", [quick_form, return_form])
def test_the_only_open_project_is_preselected(
    client, alice, person, project, not_open_to_a, open_form
):
    client.force_login(alice)
    page, form = open_form(client, person)
    assert form["project"].value() == project.pk
    assert f'<option value="{project.pk}" selected>' in page.text
    assert ASK not in page.text


@pytest.mark.parametrize("open_form", [quick_form, return_form])
def test_with_two_open_projects_nothing_is_preselected(
    client, alice, person, project, second_open_project, open_form
):
    client.force_login(alice)
    page, form = open_form(client, person)
    assert form["project"].value() is None
    select = page.text.split(f'name="{form["project"].html_name}"', 1)[1].split("</select>")[0]
    assert '<option value="" selected>' in select
    assert select.count(" selected") == 1
    assert ASK in page.text


def test_iom_counts_every_running_project(client, officer, partner_a, person, project, donor):
    """IOM records under any project: a second running project, even one IOM does not
    implement, means IOM must choose."""
    client.force_login(officer)
    _page, form = quick_form(client, person)
    assert form["project"].value() == project.pk
    ProjectFactory(code="OTHER", donor=donor, partners=[partner_a])
    _page, form = quick_form(client, person)
    assert form["project"].value() is None


def test_the_choice_made_is_recorded(client, alice, person, project, second_open_project):
    client.force_login(alice)
    today = timezone.localdate().isoformat()
    client.post(
        reverse("assistance:create", args=[person.pk]),
        {
            "a-category": "food",
            "a-subtype": "food_voucher",
            "a-delivered_on": today,
            "a-project": second_open_project.pk,
            "a-status": "delivered",
            "a-quantity": "1",
        },
    )
    assert Assistance.objects.get().project == second_open_project
    client.post(
        reverse("assistance:return_open", args=[person.pk]),
        {
            "direction": "from_morocco",
            "country": "GN",
            "opened_on": today,
            "project": second_open_project.pk,
        },
    )
    assert ReturnCase.objects.get().project == second_open_project
