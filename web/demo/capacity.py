"""Capacity building: trainings, workshops and coordination meetings over the demo's two
years, three of them in the last quarter so that its published bilan shows the section (the
MHPSS bulletin's "formations dispensées à 104 participant.e.s" among them). Fixed dates and
counts, no draw from the generator: the other parts' data stay as they were."""

from __future__ import annotations

import datetime

from bilans.services import previous_quarter
from capacity.services import capacity_event_record
from frameworks.models import SubTheme
from partners.models import City
from web.demo.world import Demo

# (days after the last quarter's start, or None with days ago), organisation, project, kind,
# city, sub-theme, title, counts
EVENTS = [
    (
        10, None, "smso-oujda", "JPN-PROT", "training", "oujda", "medical",
        "Formation aux premiers secours psychologiques (PSP) des soignant·es",
        {"health_staff": {"F": 14, "M": 6}, "civil_society": {"F": 3, "M": 2}},
    ),
    (
        35, None, "inclusion-casa", "JPN-PROT", "workshop", "casablanca", "legal",
        "Atelier sur l'accès des migrant·es aux droits et aux services",
        {"government": {"F": 4, "M": 7}, "civil_society": {"F": 6, "M": 3, "unknown": 1}},
    ),
    (
        60, None, "iom-maroc", "JPN-PROT", "coordination", "rabat", "direct_assistance",
        "Réunion de coordination des partenaires du projet",
        {"government": {"M": 2}, "civil_society": {"F": 5, "M": 4}, "iom": {"F": 3, "M": 1}},
    ),
    (
        None, 200, "nour-tanger", "EU-MHPSS", "training", "tanger", "medical",
        "Santé mentale et soutien psychosocial : formation des intervenant·es",
        {"health_staff": {"F": 38, "M": 21}, "civil_society": {"F": 30, "M": 12},
         "other": {"F": 2, "M": 1}},
    ),
    (
        None, 320, "iom-maroc", "EU-AVRR", "workshop", "rabat", None,
        "Atelier de réintégration avec les institutions partenaires",
        {"government": {"F": 9, "M": 13}, "iom": {"F": 4, "M": 2}},
    ),
    (
        None, 480, "emploi-solidaire", "JPN-PROT", "training", "tanger", "employability",
        "Formation des conseiller·es en insertion professionnelle",
        {"civil_society": {"F": 11, "M": 5}, "other": {"unknown": 2}},
    ),
    (
        None, 600, "smso-oujda", None, "coordination", "oujda", None,
        "Réunion de coordination régionale de l'Oriental",
        {"government": {"F": 3, "M": 8}, "civil_society": {"F": 4, "M": 4}, "iom": {"F": 1}},
    ),
]  # fmt: skip


def capacity_events(demo: Demo) -> int:
    """Record the events as the IOM officer (for each partner): the number recorded."""
    _label, quarter = previous_quarter(demo.today)
    cities = {c.code: c for c in City.objects.all()}
    themes = {t.code: t for t in SubTheme.objects.all()}
    recorded = 0
    for after, ago, org, project, kind, city, theme, title, counts in EVENTS:
        if after is not None:
            start = quarter.start + datetime.timedelta(days=after)
        else:
            start = demo.today - datetime.timedelta(days=ago)
        capacity_event_record(
            kind=kind,
            title=title,
            start=start,
            city=cities[city],
            organisation=demo.orgs[org],
            project=demo.projects[project] if project else None,
            sub_theme=themes.get(theme) if theme else None,
            counts=counts,
            acting_user=demo.officer,
        )
        recorded += 1
    return recorded
