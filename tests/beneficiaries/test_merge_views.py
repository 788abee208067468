"""The merge pages: "Fusionner un doublon" on a person's file (pick the other record, compare,
choose, merge), the merges on the file and the officers' list with the undo; every
state-changing page as the owner's manager, an officer, a caseworker, another partner, a
donor and anonymous."""

import datetime

import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary, BeneficiaryAccess, BeneficiaryMerge
from beneficiaries.services import beneficiary_merge
from core.models import AccessEntry
from partners.services import period_close
from reporting.periods import parse_period
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory

D = datetime.date


@pytest.fixture
def keep(partner_a):
    return BeneficiaryFactory(
        organisation=partner_a,
        beneficiary_ref="OUJ-1",
        first_name="Fatoumata",
        last_name="Diallo",
        sex="U",
        date_of_birth=D(1995, 5, 17),
    )


@pytest.fixture
def duplicate(partner_a):
    return BeneficiaryFactory(
        organisation=partner_a,
        beneficiary_ref="OUJ-2",
        first_name="Fatumata",
        last_name="Diallo",
        sex="F",
        date_of_birth=D(1995, 5, 17),
    )


@pytest.fixture
def b_person(partner_b):
    return BeneficiaryFactory(
        organisation=partner_b, beneficiary_ref="CASA-1", first_name="Fatouma", last_name="Diallo"
    )


def compare_url(person, other, keep=None):
    url = reverse("beneficiaries:merge_compare", args=[person.pk]) + f"?avec={other.pk}"
    return url + (f"&garder={keep.pk}" if keep else "")


def post_merge(client, person, other, **data):
    payload = {"avec": other.pk, "garder": person.pk, "confirm": "on"}
    payload |= data
    return client.post(reverse("beneficiaries:merge_compare", args=[person.pk]), payload)


def merged(record) -> bool:
    return Beneficiary.objects.get(pk=record.pk).merged_into_id is not None


# --- The entry on the file and the first step ---------------------------------------------------


def test_the_file_offers_the_merge_to_managers_and_officers_only(
    client, keep, manager_a, officer, alice
):
    url = reverse("beneficiaries:detail", args=[keep.pk])
    merge_url = reverse("beneficiaries:merge", args=[keep.pk])
    for user, offered in ((manager_a, True), (officer, True), (alice, False)):
        client.force_login(user)
        assert (merge_url in client.get(url).content.decode()) is offered, user


def test_the_first_step_lists_the_possible_duplicates(client, manager_a, keep, duplicate, b_person):
    client.force_login(manager_a)
    response = client.get(reverse("beneficiaries:merge", args=[keep.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert compare_url(keep, duplicate).replace("&", "&amp;") in page or (
        f"?avec={duplicate.pk}" in page
    )
    # Partner B's record is no candidate of a partner manager (not even named).
    assert "CASA-1" not in page
    assert AccessEntry.objects.filter(action="duplicate_search", object_id=str(keep.pk)).exists()


def test_the_search_finds_a_record_by_reference_or_number(client, officer, keep, b_person):
    client.force_login(officer)
    url = reverse("beneficiaries:merge", args=[keep.pk])
    assert f"?avec={b_person.pk}" in client.get(url, {"q": "casa-1"}).content.decode()
    assert f"?avec={b_person.pk}" in client.get(url, {"q": str(b_person.pk)}).content.decode()
    assert "Aucune fiche que vous pouvez" in client.get(url, {"q": "CASA"}).content.decode()


def test_the_comparison_shows_both_records_with_a_choice_where_they_differ(
    client, manager_a, keep, duplicate
):
    client.force_login(manager_a)
    response = client.get(compare_url(keep, duplicate))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Fatoumata" in page and "Fatumata" in page
    # First name and sex differ: a choice each, the kept record's checked.
    assert 'name="take_first_name"' in page and 'name="take_sex"' in page
    assert 'name="take_last_name"' not in page
    assert f'name="take_sex" value="{keep.pk}" id="id_take_sex_0" checked' in page
    assert "style=" not in page and "<script>" not in page
    assert AccessEntry.objects.filter(action="view_person", object_id=str(duplicate.pk)).exists()


# --- The merge POST, as each role -----------------------------------------------------------------


def test_a_manager_merges_with_the_chosen_values(client, manager_a, keep, duplicate):
    client.force_login(manager_a)
    response = post_merge(client, keep, duplicate, take_sex=duplicate.pk, take_first_name=keep.pk)
    assert response.status_code == 302
    assert response.url == reverse("beneficiaries:detail", args=[keep.pk])
    keep.refresh_from_db()
    assert (keep.sex, keep.first_name) == ("F", "Fatoumata")
    assert merged(duplicate)
    # Both files show the merge.
    page = client.get(response.url).content.decode()
    assert 'id="merges"' in page and "OUJ-2" in page


def test_the_other_record_may_be_the_one_kept(client, manager_a, keep, duplicate):
    client.force_login(manager_a)
    response = post_merge(client, keep, duplicate, garder=duplicate.pk, take_sex=duplicate.pk)
    assert response.status_code == 302
    assert merged(keep) and not merged(duplicate)


def test_without_confirmation_nothing_is_merged(client, manager_a, keep, duplicate):
    client.force_login(manager_a)
    response = post_merge(client, keep, duplicate, confirm="")
    assert response.status_code == 400
    assert "Cochez la case" in response.content.decode()
    assert not merged(duplicate)


def test_an_officer_merges_across_partners(client, officer, keep, b_person):
    client.force_login(officer)
    assert post_merge(client, keep, b_person).status_code == 302
    assert merged(b_person)


def test_a_manager_is_refused_across_organisations(client, manager_a, keep, b_person, partner_a):
    BeneficiaryAccess.objects.create(beneficiary=b_person, organisation=partner_a)
    client.force_login(manager_a)
    assert client.get(compare_url(keep, b_person)).status_code == 403
    assert post_merge(client, keep, b_person).status_code == 403
    assert not merged(b_person)


def test_a_caseworker_is_refused(client, alice, keep, duplicate):
    client.force_login(alice)
    assert client.get(reverse("beneficiaries:merge", args=[keep.pk])).status_code == 403
    assert post_merge(client, keep, duplicate).status_code == 403
    assert not merged(duplicate)


@pytest.mark.parametrize("who", ["charlie", "donor_user"])
def test_another_partner_and_a_donor_get_404(request, client, who, keep, duplicate):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("beneficiaries:merge", args=[keep.pk])).status_code == 404
    assert client.get(compare_url(keep, duplicate)).status_code == 404
    assert post_merge(client, keep, duplicate).status_code == 404
    assert not merged(duplicate)


def test_a_record_out_of_scope_is_404_for_the_other_side(client, manager_a, keep, b_person):
    client.force_login(manager_a)
    assert post_merge(client, keep, b_person).status_code == 404
    assert not merged(b_person)


def test_anonymous_is_sent_to_sign_in(client, keep, duplicate):
    response = post_merge(client, keep, duplicate)
    assert response.status_code == 302 and "login" in response.url
    assert not merged(duplicate)


def test_merged_and_pseudonymised_records_are_refused_clearly(
    client, manager_a, keep, duplicate, partner_a
):
    third = BeneficiaryFactory(organisation=partner_a, beneficiary_ref="OUJ-3")
    beneficiary_merge(duplicate=duplicate, keep=third, acting_user=manager_a)
    client.force_login(manager_a)
    response = post_merge(client, keep, duplicate)
    assert response.status_code == 302
    follow = client.get(response.url).content.decode()
    assert "déjà fusionnée" in follow
    assert Beneficiary.objects.get(pk=duplicate.pk).merged_into_id == third.pk


# --- The undo -------------------------------------------------------------------------------------


@pytest.fixture
def merge(manager_a, keep, duplicate, project):
    AssistanceFactory(beneficiary=duplicate, project=project, delivered_on=D(2023, 5, 10))
    beneficiary_merge(
        duplicate=duplicate, keep=keep, acting_user=manager_a, take_from_duplicate=["sex"]
    )
    return BeneficiaryMerge.objects.get()


def undo(client, merge):
    return client.post(reverse("beneficiaries:merge_undo", args=[merge.pk]))


def test_an_officer_sees_the_merges_and_undoes_one(client, officer, merge, keep, duplicate):
    client.force_login(officer)
    listing = client.get(reverse("beneficiaries:merge_list")).content.decode()
    assert reverse("beneficiaries:merge_undo", args=[merge.pk]) in listing
    file_page = client.get(reverse("beneficiaries:detail", args=[keep.pk])).content.decode()
    assert reverse("beneficiaries:merge_undo", args=[merge.pk]) in file_page
    response = undo(client, merge)
    assert response.status_code == 302
    assert not merged(duplicate)
    assert Beneficiary.objects.get(pk=keep.pk).sex == "U"
    assert "annulée" in client.get(response.url).content.decode()


def test_the_undo_is_refused_clearly_in_a_closed_period(client, officer, merge, duplicate, project):
    period_close(project=project, period=parse_period("2023-Q2"), acting_user=officer)
    client.force_login(officer)
    response = undo(client, merge)
    assert response.status_code == 302
    assert "période clôturée" in client.get(response.url).content.decode()
    assert merged(duplicate)


@pytest.mark.parametrize("who", ["manager_a", "alice", "charlie", "donor_user"])
def test_only_officers_reach_the_undo_and_the_list(request, client, who, merge, duplicate):
    client.force_login(request.getfixturevalue(who))
    assert undo(client, merge).status_code == 404
    assert client.get(reverse("beneficiaries:merge_list")).status_code == 404
    assert merged(duplicate)


def test_a_manager_sees_the_merge_on_the_file_without_the_undo(client, manager_a, merge, keep):
    client.force_login(manager_a)
    page = client.get(reverse("beneficiaries:detail", args=[keep.pk])).content.decode()
    assert 'id="merges"' in page
    assert reverse("beneficiaries:merge_undo", args=[merge.pk]) not in page


def test_anonymous_undo_is_sent_to_sign_in(client, merge, duplicate):
    response = undo(client, merge)
    assert response.status_code == 302 and "login" in response.url
    assert merged(duplicate)


def test_the_list_of_merges_reads_in_a_fixed_number_of_queries(
    client, officer, manager_a, partner_a, django_assert_max_num_queries
):
    for n in range(4):
        twins = [
            BeneficiaryFactory(organisation=partner_a, beneficiary_ref=f"T-{n}-{i}") for i in (1, 2)
        ]
        beneficiary_merge(duplicate=twins[1], keep=twins[0], acting_user=manager_a)
    client.force_login(officer)
    client.get(reverse("beneficiaries:merge_list"))  # the session's first-request work
    with django_assert_max_num_queries(12):
        page = client.get(reverse("beneficiaries:merge_list")).content.decode()
    assert page.count("Annuler la fusion") == 4
