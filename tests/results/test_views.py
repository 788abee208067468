"""The project pages as an IOM officer, a partner of the project, another partner, the donor,
another donor and an anonymous user; every POST tried by each."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from frameworks.models import Axis, FrameworkObjective
from results.models import ExpectedResult, Target
from tests.results.factories import ExpectedResultFactory, TargetFactory, indicator


@pytest.fixture
def framework(project):
    result = ExpectedResultFactory(
        project=project, statement_fr="Ces bénéficiaires auront accès aux soins"
    )
    target = TargetFactory(result=result, target_total=40, target_female=25, target_male=10)
    return result, target


def url(name, *args):
    return reverse(f"results:{name}", args=args)


def test_officer_sees_the_project_and_its_progress(client, officer, project, framework):
    client.force_login(officer)
    page = client.get(url("project_detail", project.code))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ces bénéficiaires auront accès aux soins" in html
    assert "<progress" in html and "0 / <span" not in html
    assert 'class="target-total">40<' in html
    assert "Femmes et filles" in html
    assert url("target_import", project.code) in html  # officers may edit
    listing = client.get(url("project_list"))
    assert project.code in listing.content.decode()


@pytest.mark.parametrize("who", ["alice", "charlie", "donor_user"])
def test_partners_and_the_donor_read_only(client, request, project, framework, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(url("project_detail", project.code))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ces bénéficiaires auront accès aux soins" in html
    assert url("target_import", project.code) not in html
    assert url("result_add", project.code) not in html
    assert project.code in client.get(url("project_list")).content.decode()


@pytest.mark.parametrize("who", ["outsider", "other_donor_user"])
def test_out_of_scope_project_is_a_404(client, request, project, framework, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("project_detail", project.code)).status_code == 404
    assert project.code not in client.get(url("project_list")).content.decode()


def test_anonymous_is_sent_to_sign_in(client, project, framework):
    for page in (url("project_list"), url("project_detail", project.code)):
        response = client.get(page)
        assert response.status_code == 302 and "login" in response["Location"]


def _posts(project, framework, partner_a):
    result, target = framework
    axis = Axis.objects.first()
    return [
        (url("project_frameworks", project.code), {"axes": [axis.pk]}),
        (url("result_add", project.code), {"statement_fr": "Nouveau résultat"}),
        (url("result_edit", project.code, result.pk), {"statement_fr": "Changé"}),
        (url("result_delete", project.code, result.pk), {}),
        (
            url("target_add", project.code),
            {
                "result": result.pk,
                "indicator": indicator("medical_persons").pk,
                "baseline": 0,
                "target_total": 5,
            },
        ),  # fmt: skip
        (
            url("target_edit", project.code, target.pk),
            {
                "result": result.pk,
                "indicator": target.indicator_id,
                "baseline": 0,
                "target_total": 999,
            },
        ),  # fmt: skip
        (url("target_delete", project.code, target.pk), {}),
    ]


@pytest.mark.parametrize(
    "who", ["alice", "manager_a", "charlie", "donor_user", "outsider", "other_donor_user", None]
)
def test_nobody_but_an_officer_changes_anything(
    client, request, project, framework, partner_a, who
):
    if who:
        client.force_login(request.getfixturevalue(who))
    result, target = framework
    before = (ExpectedResult.objects.count(), Target.objects.count(), AuditEntry.objects.count())
    for address, data in _posts(project, framework, partner_a):
        response = client.post(address, data)
        assert response.status_code in (302, 404), address
        if who is None:
            assert "login" in response["Location"]
        else:
            assert response.status_code == 404, address
    from io import BytesIO

    upload = BytesIO(b"result,indicator,target\nX,beneficiaries_reached,5\n")
    upload.name = "t.csv"
    response = client.post(url("target_import", project.code), {"file": upload})
    assert response.status_code in (302, 404)
    after = (ExpectedResult.objects.count(), Target.objects.count(), AuditEntry.objects.count())
    assert after == before
    target.refresh_from_db()
    assert target.target_total == 40 and not project.axes.exists()
    result.refresh_from_db()
    assert result.statement_fr == "Ces bénéficiaires auront accès aux soins"


def test_officer_enters_a_framework(client, officer, project, partner_a):
    client.force_login(officer)
    axis = Axis.objects.first()
    objective = FrameworkObjective.objects.get(kind="snia", code="OS 5")  # seeded
    response = client.post(
        url("project_frameworks", project.code), {"axes": [axis.pk], "objectives": [objective.pk]}
    )
    assert response.status_code == 302
    assert list(project.axes.all()) == [axis] and list(project.objectives.all()) == [objective]

    response = client.post(
        url("result_add", project.code), {"statement_fr": "Accès aux soins", "statement_en": ""}
    )
    assert response.status_code == 302
    result = ExpectedResult.objects.get(project=project)

    form = client.get(url("target_add", project.code) + f"?result={result.pk}")
    html = form.content.decode()
    for name in ("result", "indicator", "organisation", "city", "baseline", "target_total",
                 "target_female", "target_male"):  # fmt: skip
        assert f'id="id_{name}"' in html and f'name="{name}"' in html

    data = {
        "result": result.pk,
        "indicator": indicator("beneficiaries_reached").pk,
        "organisation": partner_a.pk,
        "baseline": 2,
        "target_total": 50,
        "target_female": 30,
        "target_male": 20,
    }
    assert client.post(url("target_add", project.code), data).status_code == 302
    target = Target.objects.get(result=result)
    assert (target.organisation, target.target_total, target.baseline) == (partner_a, 50, 2)
    assert AuditEntry.objects.filter(model="results.target", object_id=str(target.pk)).exists()

    # The same cut again, and women + men above the total: refused with the reasons.
    bad = client.post(url("target_add", project.code), {**data, "target_male": 21})
    assert bad.status_code == 400
    assert "dépassent la valeur cible totale" in bad.content.decode()
    twice = client.post(url("target_add", project.code), data)
    assert twice.status_code == 400
    assert Target.objects.count() == 1

    edit = client.post(url("target_edit", project.code, target.pk), {**data, "target_total": 60})
    assert edit.status_code == 302
    target.refresh_from_db()
    assert target.target_total == 60

    assert client.post(url("target_delete", project.code, target.pk)).status_code == 302
    assert not Target.objects.exists()
    assert client.post(url("result_delete", project.code, result.pk)).status_code == 302
    assert not ExpectedResult.objects.exists()


def test_a_target_for_another_projects_partner_is_refused(client, officer, project, partner_c):
    client.force_login(officer)
    result = ExpectedResultFactory(project=project)
    response = client.post(
        url("target_add", project.code),
        {"result": result.pk, "indicator": indicator("beneficiaries_reached").pk,
         "organisation": partner_c.pk, "baseline": 0, "target_total": 5},
    )  # fmt: skip
    assert response.status_code == 400
    assert not Target.objects.exists()


def test_an_officer_cannot_reach_another_projects_target_through_this_one(
    client, officer, project, other_project
):
    client.force_login(officer)
    foreign = TargetFactory(result=ExpectedResultFactory(project=other_project))
    response = client.post(url("target_delete", project.code, foreign.pk))
    assert response.status_code == 404
    assert Target.objects.filter(pk=foreign.pk).exists()


def test_nav_links_projects_for_officers(client, officer):
    client.force_login(officer)
    assert url("project_list") in client.get(url("project_list")).content.decode()


@pytest.mark.django_db
def test_the_only_expected_result_is_chosen_for_a_new_target(client, officer, project):
    only = ExpectedResultFactory(project=project)
    client.force_login(officer)
    response = client.get(f"/projets/{project.code}/cibles/ajouter/")
    assert response.context["form"]["result"].value() == only.pk
    ExpectedResultFactory(project=project)
    response = client.get(f"/projets/{project.code}/cibles/ajouter/")
    assert response.context["form"]["result"].value() is None
