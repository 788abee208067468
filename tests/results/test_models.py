"""The invariants of a results framework, in the database and in full_clean()."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partners.models import Project
from results.models import ExpectedResult, Target
from tests.partners.factories import city
from tests.results.factories import ExpectedResultFactory, TargetFactory, indicator


def _fails_in_db(**kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetFactory(**kwargs)


def test_a_target_must_be_positive(project):
    result = ExpectedResultFactory(project=project)
    _fails_in_db(result=result, target_total=0)


def test_women_and_men_together_cannot_pass_the_total(project):
    result = ExpectedResultFactory(project=project)
    _fails_in_db(result=result, target_total=10, target_female=6, target_male=5)
    TargetFactory(result=result, target_total=10, target_female=6, target_male=4)


def test_one_target_per_cut_even_without_partner_or_city(project, partner_a):
    result = ExpectedResultFactory(project=project)
    TargetFactory(result=result)
    _fails_in_db(result=result)  # NULL partner and city count as the same cut
    TargetFactory(result=result, organisation=partner_a)
    _fails_in_db(result=result, organisation=partner_a)
    TargetFactory(result=result, organisation=partner_a, city=city("oujda"))


def test_a_statement_in_french_is_required(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        ExpectedResult.objects.create(project=project, statement_fr="")


def test_full_clean_names_the_bad_fields(project, partner_c):
    result = ExpectedResultFactory(project=project)
    project.cities.set([city("oujda")])
    target = Target(
        result=result,
        indicator=indicator("beneficiaries_reached"),
        organisation=partner_c,
        city=city("casablanca"),
        target_total=10,
        target_female=8,
        target_male=8,
    )
    with pytest.raises(ValidationError) as caught:
        target.full_clean()
    assert {"organisation", "city", "target_male"} <= set(caught.value.message_dict)


def test_full_clean_refuses_a_duplicate_cut(project):
    result = ExpectedResultFactory(project=project)
    TargetFactory(result=result)
    duplicate = Target(result=result, indicator=indicator("beneficiaries_reached"), target_total=5)
    with pytest.raises(ValidationError):
        duplicate.full_clean()


@pytest.mark.parametrize(
    ("user", "sees"),
    [
        ("officer", {"JPN-PROT", "OTHER-PRJ"}),
        ("alice", {"JPN-PROT"}),
        ("charlie", {"JPN-PROT"}),
        ("outsider", {"OTHER-PRJ"}),
        ("donor_user", {"JPN-PROT"}),
        ("other_donor_user", set()),
    ],
)
def test_visible_to_by_role(request, project, other_project, user, sees):
    viewer = request.getfixturevalue(user)
    TargetFactory(result=ExpectedResultFactory(project=project))
    TargetFactory(result=ExpectedResultFactory(project=other_project))
    results = ExpectedResult.objects.visible_to(viewer)
    targets = Target.objects.visible_to(viewer)
    assert {r.project.code for r in results} == sees
    assert {t.result.project.code for t in targets} == sees
    assert set(Project.objects.visible_to(viewer).values_list("code", flat=True)) == sees


def test_anonymous_sees_nothing(project):
    from django.contrib.auth.models import AnonymousUser

    TargetFactory(result=ExpectedResultFactory(project=project))
    assert not Target.objects.visible_to(AnonymousUser()).exists()
    assert not ExpectedResult.objects.visible_to(AnonymousUser()).exists()
