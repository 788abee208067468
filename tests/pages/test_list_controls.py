"""What a new user notices in the lists and forms: sort options named in their language with
their direction, the active sort shown, one convention for the blank choice of every select,
and filter labels that say what they list."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory

SELECT = re.compile(r'<select name="([\w-]+)"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="([^"]*)"[^>]*>([^<]*)</option>')


def selects(page: str) -> dict[str, list[tuple[str, str]]]:
    return {
        name: [(value, html.unescape(label)) for value, label in OPTION.findall(body)]
        for name, body in SELECT.findall(page)
    }


SORTS = {
    "fr": [
        "Nom (croissant)",
        "Nom (décroissant)",
        "Prénom (croissant)",
        "Prénom (décroissant)",
        "Enregistré·e le (croissant)",
        "Enregistré·e le (décroissant)",
        "Date de naissance (croissant)",
        "Date de naissance (décroissant)",
        "Référence (croissant)",
        "Référence (décroissant)",
    ],
    "en": [
        "Last name (ascending)",
        "Last name (descending)",
        "First name (ascending)",
        "First name (descending)",
        "Registered on (ascending)",
        "Registered on (descending)",
        "Date of birth (ascending)",
        "Date of birth (descending)",
        "Reference (ascending)",
        "Reference (descending)",
    ],
}
ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_sort_options_are_named_in_the_language_with_their_direction(client, alice, language):
    client.force_login(alice)
    people = selects(client.get("/beneficiaires/", HTTP_ACCEPT_LANGUAGE=language).text)
    labels = [label for value, label in people["ordering"] if value]
    assistances = selects(client.get("/assistances/", HTTP_ACCEPT_LANGUAGE=language).text)
    assistance_labels = [label for value, label in assistances["ordering"] if value]
    if language == "ar":
        assert all(ARABIC.search(label) for label in labels + assistance_labels)
        assert len(set(labels)) == len(labels) == 10
    else:
        assert labels == SORTS[language]
    if language == "fr":
        assert assistance_labels == [
            "Date (croissant)",
            "Date (décroissant)",
            "Catégorie (croissant)",
            "Catégorie (décroissant)",
            "Saisie le (croissant)",
            "Saisie le (décroissant)",
        ]


def test_an_ordering_filter_needs_a_label_for_each_field():
    from django.core.exceptions import ImproperlyConfigured

    from core.filters import OrderingFilter

    with pytest.raises(ImproperlyConfigured, match="last_name"):
        OrderingFilter(fields=["last_name"])


def _header(page: str, text: str) -> str:
    return next(th for th in re.findall(r"<th [^>]*>.*?</th>", page, re.S) if text in th)


def test_the_active_sort_shows_its_direction(client, alice, partner_a):
    for day, name in ((1, "Abdou"), (20, "Zeinab")):
        BeneficiaryFactory(
            organisation=partner_a, last_name=name, registered_on=datetime.date(2024, 1, day)
        )
    client.force_login(alice)
    # The list's own order: by name, A to Z.
    page = client.get("/beneficiaires/").text
    name = _header(page, ">Nom")
    assert 'aria-sort="ascending"' in name and "▲" in name
    assert "ordering=-last_name" in name
    registered = _header(page, "Enregistré·e le")
    assert "aria-sort" not in registered and "▲" not in registered and "▼" not in registered
    assert "ordering=-registered_on" in registered  # a date sorts newest first
    # Sorted by registration, newest first: that column says so, and offers the other way.
    page = client.get("/beneficiaires/", {"ordering": "-registered_on"}).text
    registered = _header(page, "Enregistré·e le")
    assert 'aria-sort="descending"' in registered and "▼" in registered
    assert "ordering=registered_on" in registered
    assert "aria-sort" not in _header(page, ">Nom")
    assert page.index("ZEINAB") < page.index("ABDOU")
    assert selects(page)["ordering"][6] == ("-registered_on", "Enregistré·e le (décroissant)")
    assert 'value="-registered_on" selected' in page


def test_the_assistance_list_shows_its_default_order(client, alice, partner_a):
    AssistanceFactory(beneficiary=BeneficiaryFactory(organisation=partner_a))
    client.force_login(alice)
    page = client.get("/assistances/").text
    date = _header(page, ">Date")
    assert 'aria-sort="descending"' in date and "▼" in date
    assert "ordering=delivered_on" in date
    page = client.get("/assistances/", {"ordering": "category"}).text
    assert 'aria-sort="ascending"' in _header(page, ">Assistance")
    assert "aria-sort" not in _header(page, ">Date")


FORM_PAGES = (
    "beneficiaries:create",
    "assistance:activity_create",
    "imports:upload",
    "bilans:list",
    "bilans:periods",
)
FILTER_PAGES = (
    "beneficiaries:list",
    "assistance:list",
    "assistance:referral_list",
    "assistance:return_list",
    "cases:list",
    "reporting:dashboard",
    "reporting:quality",
)
# Fields of a form that pick a scope: blank stands for everything, as in a filter.
SCOPE_FIELDS = {("bilans:list", "organisation")}
BLANK = {
    "fr": ("— Choisir —", "— Tous —"),
    "en": ("— Choose —", "— All —"),
    "ar": ("— اختر —", "— الكل —"),
}


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_every_blank_choice_follows_one_convention(client, officer, partner_a, language):
    """In a form the blank option asks for a choice; in a filter it stands for everything.
    Never Django's '---------', never a label of its own."""
    person = BeneficiaryFactory(organisation=partner_a)
    assistance = AssistanceFactory(beneficiary=person)
    choose, everything = BLANK[language]
    client.force_login(officer)
    scope_fields = {(reverse(url_name), name) for url_name, name in SCOPE_FIELDS}
    form_pages = [reverse(name) for name in FORM_PAGES] + [
        reverse("beneficiaries:detail", args=[person.pk]),  # quick entry
        reverse("beneficiaries:edit", args=[person.pk]),
        reverse("assistance:edit", args=[assistance.pk]),
        reverse("assistance:referral_create", args=[person.pk]),
        reverse("assistance:return_open", args=[person.pk]),
    ]
    seen = {choose: 0, everything: 0}
    for url in form_pages + [reverse(name) for name in FILTER_PAGES]:
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).text
        for name, options in selects(page).items():
            blank = [label for value, label in options if value == ""]
            if not blank or name in ("a-subtype", "subtype") and url in form_pages:
                continue  # no blank; a type before its category says so ("choose it first")
            for_all = (url, name) in scope_fields or (
                url not in form_pages and name not in ("ordering", "language")
            )
            expected = everything if for_all else choose
            assert blank == [expected], (url, name, blank)
            seen[expected] += 1
    assert seen[choose] >= 15 and seen[everything] >= 20, seen


def test_the_nationality_filter_says_what_it_lists(client, alice, partner_a):
    BeneficiaryFactory(organisation=partner_a, last_name="Bah", nationality="GN")
    BeneficiaryFactory(organisation=partner_a, last_name="Sy", nationality="SN")
    client.force_login(alice)
    page = client.get("/beneficiaires/").text
    assert '<label for="id_nationality">Nationalité</label>' in page
    assert "code ISO" not in page
    assert ("GN", "Guinée") in selects(page)["nationality"]
    found = client.get("/beneficiaires/", {"nationality": "GN"}).text
    assert "BAH" in found and "SY</strong>" not in found
