"""The demo's organisations, projects and users, written through the partners' services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from partners.access import SYSTEM
from partners.models import DEFAULT_SMALL_CELL_THRESHOLD, City
from partners.services import organisation_upsert, project_upsert, user_upsert
from web.demo.reference import DEMO_PASSWORD, ORGANISATIONS, USERS
from web.demo.world import Demo


def organisations_projects_users(demo: Demo) -> None:
    """IOM, the partners and the donors; the demo users (one per role); three projects."""
    cities = {c.code: c for c in City.objects.all()}
    for slug, name, kind, city in ORGANISATIONS:
        demo.orgs[slug], _ = organisation_upsert(
            slug=slug, name=name, kind=kind, city=cities[city], acting_user=SYSTEM
        )
    demo.officer, _ = user_upsert(
        username="officer",
        organisation=demo.orgs["iom-maroc"],
        role="iom_officer",
        password=DEMO_PASSWORD,
        validate=False,
        first_name="Leïla",
        last_name="Benjelloun",
        acting_user=SYSTEM,
    )
    for username, org, role in USERS:
        user_upsert(
            username=username,
            organisation=demo.orgs[org],
            role=role,
            password=DEMO_PASSWORD,
            validate=False,
            acting_user=SYSTEM,
        )
    demo.projects["JPN-PROT"], _ = project_upsert(
        code="JPN-PROT",
        title="Améliorer la protection et l'insertion socio-économique des migrant·e·s "
        "en situation de vulnérabilité au Maroc",
        donor=demo.orgs["ambassade-japon"],
        start=demo.start,
        end=demo.today + datetime.timedelta(days=60),
        budget=Decimal("151500"),
        currency="USD",
        partners=[demo.orgs[s] for s in ("smso-oujda", "inclusion-casa", "emploi-solidaire")],
        cities=[cities[c] for c in ("oujda", "casablanca", "rabat", "tanger")],
        small_cell_threshold=DEFAULT_SMALL_CELL_THRESHOLD,
        acting_user=SYSTEM,
    )
    demo.projects["EU-AVRR"], _ = project_upsert(
        code="EU-AVRR",
        title="Retour volontaire assisté et réintégration durable",
        donor=demo.orgs["union-europeenne"],
        start=demo.start,
        end=demo.today + datetime.timedelta(days=365),
        budget=Decimal("2400000"),
        currency="EUR",
        partners=[demo.orgs["iom-maroc"]],
        cities=[cities[c] for c in ("rabat", "oujda", "casablanca", "tanger", "fes")],
        small_cell_threshold=DEFAULT_SMALL_CELL_THRESHOLD,
        acting_user=SYSTEM,
    )
    demo.projects["EU-MHPSS"], _ = project_upsert(
        code="EU-MHPSS",
        title="Santé mentale et soutien psychosocial des personnes migrantes",
        donor=demo.orgs["union-europeenne"],
        start=demo.start,
        end=demo.today + datetime.timedelta(days=180),
        budget=Decimal("480000"),
        currency="EUR",
        partners=[demo.orgs["nour-tanger"], demo.orgs["smso-oujda"]],
        cities=[cities[c] for c in ("tanger", "oujda")],
        small_cell_threshold=DEFAULT_SMALL_CELL_THRESHOLD,
        acting_user=SYSTEM,
    )
