"""The results panel on the reporting dashboard (reporting.hooks)."""

import datetime

from django.urls import reverse

from reporting import hooks
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.results.factories import ExpectedResultFactory, TargetFactory


def test_results_registers_its_panel():
    assert "results" in hooks._dashboard_sections


def test_the_dashboard_shows_achieved_against_target_for_a_project(
    client, officer, project, partner_a
):
    for _ in range(3):
        AssistanceFactory(
            beneficiary=BeneficiaryFactory(organisation=partner_a),
            project=project,
            delivered_on=datetime.date(2023, 5, 1),
        )
    result = ExpectedResultFactory(project=project, statement_fr="Accès aux soins de base")
    TargetFactory(result=result, target_total=12)
    client.force_login(officer)
    page = client.get(reverse("reporting:dashboard"), {"project": project.code, "period": "2023"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="results-panel"' in html
    assert "Accès aux soins de base" in html
    assert '<span class="achieved">3</span> / <span class="target-total">12</span>' in html
    assert '<progress max="100" value="25"' in html

    without = client.get(reverse("reporting:dashboard"), {"period": "2023"})
    assert 'id="results-panel"' not in without.content.decode()
