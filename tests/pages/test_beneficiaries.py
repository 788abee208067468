"""The beneficiary pages: list, search, filters, register with the duplicate check, the
person's file, and editing with optimistic locking."""

import datetime

import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary
from beneficiaries.services import beneficiary_update
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def _register_data(**overrides):
    data = {
        "first_name": "Aïssatou",
        "last_name": "Barry",
        "sex": "F",
        "date_of_birth": "1992-04-05",
        "nationality": "GN",
        "legal_status": "irregular",
        "is_migrant": "on",
        "beneficiary_ref": "OUJ-2024-001",
        "registered_on": "2024-05-01",
        "consent": "on",
        "vulnerabilities": ["pregnant"],
    }
    data.update(overrides)
    return data


def test_list_shows_only_the_users_people(client, alice, partner_a, partner_b):
    BeneficiaryFactory(organisation=partner_a, first_name="Awa", last_name="Sow")
    BeneficiaryFactory(organisation=partner_b, first_name="Binta", last_name="Kane")
    client.force_login(alice)
    response = client.get(reverse("beneficiaries:list"))
    assert response.status_code == 200
    assert "SOW" in response.text and "Awa" in response.text
    assert "Kane" not in response.text and "KANE" not in response.text


@pytest.mark.parametrize(
    ("registered", "typed"),
    [
        (("Fatoumata", "Diallo"), "Fatumata"),
        (("Mohamed", "Benali"), "Mohammed"),
        (("Mamadou", "Traoré"), "Traore"),
    ],
)
def test_search_tolerates_typos_and_transliterations(client, alice, partner_a, registered, typed):
    first, last = registered
    BeneficiaryFactory(organisation=partner_a, first_name=first, last_name=last)
    BeneficiaryFactory(organisation=partner_a, first_name="Yacouba", last_name="Ouédraogo")
    client.force_login(alice)
    response = client.get(reverse("beneficiaries:list"), {"q": typed})
    names = [p.first_name for p in response.context["page_obj"]]
    assert names[:1] == [first]
    assert "Yacouba" not in names


def test_filters_by_sex_age_group_vulnerability_and_period(client, alice, partner_a):
    woman = BeneficiaryFactory(
        organisation=partner_a, first_name="Adja", sex="F", vulnerabilities=["gbv"]
    )
    girl = BeneficiaryFactory(
        organisation=partner_a, first_name="Kadi", sex="F", date_of_birth=datetime.date(2015, 1, 1)
    )
    man = BeneficiaryFactory(organisation=partner_a, first_name="Issa", sex="M")
    AssistanceFactory(beneficiary=man, delivered_on=datetime.date(2024, 3, 3))
    client.force_login(alice)

    def names(**params):
        response = client.get(reverse("beneficiaries:list"), params)
        assert response.status_code == 200
        return {p.first_name for p in response.context["page_obj"]}

    assert names(sex="F") == {"Adja", "Kadi"}
    assert names(age_group="minor") == {girl.first_name}
    assert names(vulnerability="gbv") == {woman.first_name}
    assert names(assisted_from="2024-03-01", assisted_to="2024-03-31") == {"Issa"}
    assert names(ordering="-last_name")  # sorting is accepted


def _seed(partner, count):
    people = BeneficiaryFactory.create_batch(count, organisation=partner, vulnerabilities=["gbv"])
    for person in people:
        AssistanceFactory(beneficiary=person)
    return people


def test_list_query_count_does_not_grow_with_the_page(
    client, alice, partner_a, django_assert_max_num_queries
):
    _seed(partner_a, 5)
    client.force_login(alice)
    url = reverse("beneficiaries:list")
    with django_assert_max_num_queries(12):
        client.get(url, {"per_page": 100})
    _seed(partner_a, 60)
    with django_assert_max_num_queries(12):
        response = client.get(url, {"per_page": 100, "q": "Diallo"})
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get(url, {"per_page": 100})
    assert len(response.context["page_obj"]) == 65


def test_register_shows_errors_tied_to_their_fields(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("beneficiaries:create"),
        _register_data(first_name="", last_name="", date_of_birth="2999-01-01"),
    )
    assert response.status_code == 200
    assert not Beneficiary.objects.exists()
    html = response.text
    assert 'id="id_last_name_error"' in html
    assert 'aria-describedby="id_last_name_error"' in html
    assert 'aria-invalid="true"' in html
    assert "La date de naissance est dans le futur." in html


def test_register_then_open_the_file(client, alice, partner_a):
    client.force_login(alice)
    response = client.post(reverse("beneficiaries:create"), _register_data())
    person = Beneficiary.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("beneficiaries:detail", args=[person.pk])
    assert person.organisation == partner_a
    assert person.consent_on is not None
    page = client.get(response.url)
    assert "BARRY" in page.text and "Femme enceinte" in page.text


def test_estimated_age_becomes_a_birth_year(client, alice):
    client.force_login(alice)
    client.post(
        reverse("beneficiaries:create"), _register_data(date_of_birth="", age_estimate="30")
    )
    person = Beneficiary.objects.get()
    assert person.date_of_birth is None
    assert person.birth_year == datetime.date.today().year - 30


def test_duplicate_in_own_organisation_is_shown_with_details(client, alice, partner_a):
    existing = BeneficiaryFactory(
        organisation=partner_a,
        first_name="Fatoumata",
        last_name="Diallo",
        beneficiary_ref="OUJ-OLD-7",
        date_of_birth=datetime.date(1992, 1, 1),
    )
    client.force_login(alice)
    response = client.post(
        reverse("beneficiaries:create"),
        _register_data(first_name="Fatumata", last_name="Diallo", date_of_birth="1992-06-01"),
    )
    assert response.status_code == 200
    assert Beneficiary.objects.count() == 1
    assert "OUJ-OLD-7" in response.text
    assert reverse("beneficiaries:detail", args=[existing.pk]) in response.text
    assert "Enregistrer quand même" in response.text

    confirmed = client.post(
        reverse("beneficiaries:create"),
        _register_data(
            first_name="Fatumata",
            last_name="Diallo",
            date_of_birth="1992-06-01",
            confirm_duplicate="1",
        ),
    )
    assert confirmed.status_code == 302
    assert Beneficiary.objects.count() == 2


def test_match_in_another_organisation_is_signalled_without_details(client, alice, partner_b):
    BeneficiaryFactory(
        organisation=partner_b,
        first_name="Mohammed",
        last_name="Benali",
        beneficiary_ref="CASA-SECRET-9",
        date_of_birth=datetime.date(1988, 1, 1),
    )
    client.force_login(alice)
    response = client.post(
        reverse("beneficiaries:create"),
        _register_data(first_name="Mohamed", last_name="Benali", date_of_birth="1988-02-02"),
    )
    assert response.status_code == 200
    assert "Une fiche similaire existe dans une autre organisation." in response.text
    assert "CASA-SECRET-9" not in response.text
    assert "Partenaire B" not in response.text
    assert not Beneficiary.objects.filter(organisation__slug="partner-a").exists()


def test_file_shows_identity_and_timeline(client, alice, partner_a):
    person = BeneficiaryFactory(organisation=partner_a, vulnerabilities=["disability"])
    AssistanceFactory(beneficiary=person, category="food", subtype="food_voucher")
    AssistanceFactory(beneficiary=person, category="medical", subtype="exam", status="cancelled")
    client.force_login(alice)
    response = client.get(reverse("beneficiaries:detail", args=[person.pk]))
    assert response.status_code == 200
    assert "Handicap" in response.text
    assert "Bon alimentaire" in response.text
    assert 'class="cancelled"' in response.text


def test_edit_saves_through_the_service_and_bumps_the_version(client, alice, partner_a):
    person = BeneficiaryFactory(organisation=partner_a, first_name="Awa", last_name="Sow")
    client.force_login(alice)
    url = reverse("beneficiaries:edit", args=[person.pk])
    form = client.get(url).context["form"]
    data = {name: field.value() for name, field in _plain_fields(form)}
    data.update(first_name="Awa Marie", version=person.version)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert person.first_name == "Awa Marie"
    assert person.version == 2


def test_edit_conflict_keeps_the_input_and_shows_the_saved_values(client, alice, bob, partner_a):
    person = BeneficiaryFactory(organisation=partner_a, first_name="Awa", last_name="Sow")
    client.force_login(alice)
    url = reverse("beneficiaries:edit", args=[person.pk])
    form = client.get(url).context["form"]
    data = {name: field.value() for name, field in _plain_fields(form)}
    # Bob saves first.
    beneficiary_update(beneficiary=person, acting_user=bob, last_name="Sow-Diop")
    data.update(first_name="Awa Alice", version=1)
    response = client.post(url, data)
    assert response.status_code == 200
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Awa", "Sow-Diop")  # nothing overwritten
    assert 'value="Awa Alice"' in response.text  # the user's input is kept
    assert "Sow-Diop" in response.text  # the saved value is shown
    assert "a été modifiée par quelqu" in response.text
    # Saving again, now knowingly, goes through.
    data["version"] = response.context["form"]["version"].value()
    again = client.post(url, data)
    assert again.status_code == 302
    person.refresh_from_db()
    assert person.first_name == "Awa Alice"


def test_a_shared_person_is_readable_but_not_editable(client, charlie, alice, partner_a):
    from assistance.referrals.services import referral_create, referral_respond

    person = BeneficiaryFactory(organisation=partner_a)
    referral = referral_create(
        beneficiary=person,
        category="legal",
        consent=True,
        to_organisation=charlie.membership.organisation,
        acting_user=alice,
    )
    referral_respond(referral=referral, accept=True, acting_user=charlie)
    client.force_login(charlie)
    page = client.get(reverse("beneficiaries:detail", args=[person.pk]))
    assert page.status_code == 200
    assert person.first_name in page.text and person.beneficiary_ref in page.text
    assert reverse("beneficiaries:edit", args=[person.pk]) not in page.text  # no edit link
    assert client.get(reverse("beneficiaries:edit", args=[person.pk])).status_code == 404


class _Value:
    def __init__(self, value):
        self._value = value

    def value(self):
        return self._value


def _plain_fields(form):
    """The form's initial values as a browser would post them."""
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        yield name, _Value("on" if value is True else value)


def test_donor_sees_no_person_and_gets_a_plain_home(client, donor_user, partner_a):
    BeneficiaryFactory(organisation=partner_a)
    client.force_login(donor_user)
    assert client.get(reverse("beneficiaries:list")).status_code == 404
    home = client.get(reverse("home"))
    assert "portail bailleur" in home.text
    assert reverse("beneficiaries:list") not in home.text


def test_navigation_depends_on_the_role(client, alice, officer):
    client.force_login(alice)
    page = client.get(reverse("home")).text
    assert reverse("assistance:referral_list") in page
    assert reverse("admin:index") not in page
    client.force_login(officer)
    assert reverse("admin:index") in client.get(reverse("home")).text


def test_arabic_pages_are_right_to_left(client, alice):
    client.force_login(alice)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ar")
    assert 'dir="rtl"' in response.text
    assert 'lang="ar"' in response.text
    french = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="fr")
    assert 'dir="ltr"' in french.text


def test_htmx_comes_from_the_django_htmx_package(client, alice):
    client.force_login(alice)
    html = client.get(reverse("home")).text
    assert "/static/django_htmx/htmx" in html
    assert "https://" not in html.split("<body")[0]
