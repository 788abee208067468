"""The demo projects' results frameworks: axes and objectives, expected results and targets
(written through the results services), so the project pages, the dashboard and the
published bilan show achieved against target from the first `make run`."""

from __future__ import annotations

from frameworks.models import Axis, FrameworkObjective
from partners.access import SYSTEM
from partners.models import City, Organisation
from reporting.models import Indicator
from results.services import expected_result_create, project_set_frameworks, target_create
from web.demo.world import Demo

# project → (axes, SNIA objectives, [(statement, [(indicator, target, F, M, partner, city)])])
FRAMEWORKS = {
    "JPN-PROT": (
        ["protection"],
        ["OS 3", "OS 5", "OS 6", "OS 7", "OS 10"],
        [
            (
                "Ces bénéficiaires auront accès à une assistance directe et à des soins de santé",
                [
                    ("beneficiaries_reached", 1500, 800, 700, None, None),
                    ("medical_persons", 600, None, None, None, None),
                    ("beneficiaries_reached", 500, None, None, "smso-oujda", "oujda"),
                    ("beneficiaries_reached", 400, None, None, "inclusion-casa", "casablanca"),
                ],
            ),
            (
                "Ces bénéficiaires auront accès à un accompagnement psychosocial",
                [("psychosocial_persons", 300, 180, 120, None, None)],
            ),
        ],
    ),
    "EU-AVRR": (
        ["protection"],
        [],
        [
            (
                "Les migrant·e·s qui le souhaitent rentreront dans leur pays dans la dignité "
                "et y seront accompagné·e·s dans leur réintégration",
                [
                    ("avrr_returns", 400, None, None, None, None),
                    ("reintegration_persons", 250, None, None, None, None),
                ],
            ),
        ],
    ),
    "EU-MHPSS": (
        ["protection"],
        [],
        [
            (
                "Ces bénéficiaires auront accès à un soutien psychosocial adapté",
                [
                    ("psychosocial_persons", 500, 300, 200, None, None),
                    ("psychosocial_services", 1200, None, None, None, None),
                ],
            ),
        ],
    ),
}


def results_frameworks(demo: Demo) -> None:
    """Tag each demo project and give it a results framework with a few targets."""
    indicators = {i.code: i for i in Indicator.objects.active()}
    for code, (axes, objectives, results) in FRAMEWORKS.items():
        project = demo.projects[code]
        project_set_frameworks(
            project=project,
            axes=Axis.objects.filter(code__in=axes),
            objectives=FrameworkObjective.objects.filter(kind="snia", code__in=objectives),
            acting_user=SYSTEM,
        )
        for statement, targets in results:
            result = expected_result_create(
                project=project, statement_fr=statement, acting_user=SYSTEM
            )
            for indicator, total, female, male, partner, city in targets:
                if indicator not in indicators:
                    continue
                target_create(
                    result=result,
                    indicator=indicators[indicator],
                    target_total=total,
                    target_female=female,
                    target_male=male,
                    organisation=Organisation.objects.get(slug=partner) if partner else None,
                    city=City.objects.get(code=city) if city else None,
                    acting_user=SYSTEM,
                )
