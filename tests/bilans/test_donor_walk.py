"""A donor walks every page, API route and export and never meets a person (issue 6).

The routes come from the URL resolver (pages and /api/v1/ alike), so pages added later are
walked too. Every URL parameter is filled with real ids of the test world; PDF and XLSX
answers are read back as text. Names, case references and dates of birth of the test people
must appear in no response body.
"""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from bilans import services
from bilans.models import BilanSnapshot
from reporting.periods import parse_period

GROUP = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def _model_ids(name: str) -> list:
    for model in apps.get_models():
        if model._meta.model_name == name:
            return list(model.objects.order_by("pk").values_list("pk", flat=True)[:3])
    return []


def _values(name: str, pattern, world) -> list:
    if name.endswith("_id"):
        return _model_ids(name[:-3]) or [999999]
    if name == "pk":
        view = getattr(pattern.callback, "cls", None)
        queryset = getattr(view, "queryset", None)
        if queryset is not None:
            return list(queryset.model.objects.values_list("pk", flat=True)[:3]) or [999999]
        return [1]
    return world.get(name, ["x"])


def urls(world) -> list[str]:
    """Every concrete GET URL of the site for this world."""
    found = set()
    for route, pattern in _walk(get_resolver().url_patterns):
        route = route.replace("^", "").replace("$", "").replace("\\.", ".").replace("\\", "")
        route = route.replace("/?", "/")
        names = [m["name"] or m["rname"] for m in GROUP.finditer(route)]
        candidates = [[]]
        for name in names:
            candidates = [c + [v] for c in candidates for v in _values(name, pattern, world)]
        for values in candidates:
            it = iter(values)
            url = "/" + GROUP.sub(lambda _m, it=it: str(next(it)), route)
            found.add(url)
    return sorted(found)


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if content.startswith(b"%PDF"):
        return subprocess.run(
            ["pdftotext", "-", "-"],  # noqa: S607
            input=content,
            capture_output=True,
            check=True,  # noqa: S607
        ).stdout.decode("utf-8")
    if content.startswith(b"PK") or "spreadsheet" in kind:
        workbook = load_workbook(io.BytesIO(content))
        return "\n".join(
            str(cell)
            for sheet in workbook
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    # Random per-request values (the CSRF token, a CSP nonce) are not the page's content: a
    # 64-character token holds a short surname such as "Sow" by chance about once in 4,000
    # pages, which made this walk flaky.
    return RANDOM_VALUES.sub("", content.decode("utf-8", errors="replace"))


RANDOM_VALUES = re.compile(
    r'name="csrfmiddlewaretoken" value="[^"]*"|\bnonce="[^"]*"|"X-CSRFToken": *"[^"]*"'
)


@pytest.fixture
def world(officer, project, known_data, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = services.bilan_request(
            project=project, period=parse_period("2023-Q2"), acting_user=officer
        )
    snapshot.refresh_from_db()
    services.bilan_publish(snapshot=snapshot, acting_user=officer)
    return {
        "kind": ["pdf", "xlsx"],
        "code": [project.code],
        "slug": [project.donor.slug, "partner-a"],
        "format": ["json"],
        "snapshot": snapshot,
    }


def personal_markers(people) -> list[str]:
    markers = []
    for person in people:
        born = person.date_of_birth
        markers += [
            person.first_name,
            person.last_name,
            person.beneficiary_ref,
            born.isoformat(),
            born.strftime("%d/%m/%Y"),
        ]
    return markers


def test_a_donor_meets_no_person_on_any_page_api_route_or_export(
    client, donor_user, known_data, world, project
):
    client.force_login(donor_user)
    markers = personal_markers(known_data)
    walked, leaks, crashes = [], [], []
    with_queries = [
        f"/api/v1/reports/bilan/?project={project.code}&period=2023-Q2",
        f"/api/v1/reports/bilan/?project={project.code}&start=2023-01-01&end=2023-12-31",
        f"/portail/{project.code}/?period=2023-Q2",
    ]
    for url in urls(world) + with_queries:
        response = client.get(url)
        if response.status_code >= 500:
            crashes.append(url)
            continue
        text = body_text(response)
        walked.append((url, response.status_code))
        leaks += [(url, marker) for marker in markers if marker in text]
    assert not crashes, crashes
    assert not leaks, leaks

    # The walk did reach the donor's portal, its dashboard, the bilan API and both files.
    ok = {url for url, status in walked if status == 200}
    snapshot = world["snapshot"]
    for url in (
        *with_queries,
        "/portail/",
        f"/portail/{project.code}/",
        f"/bilans/{snapshot.pk}/telecharger/pdf/",
        f"/bilans/{snapshot.pk}/telecharger/xlsx/",
    ):
        assert url in ok, url
    # Officer-only pages answer 404 to a donor (out of scope, no existence leak).
    statuses = dict(walked)
    assert statuses["/bilans/"] == 404
    assert statuses[f"/bilans/{snapshot.pk}/"] == 404


def test_the_markers_would_be_found(client, officer, known_data):
    """The same walk as an IOM officer does meet the people: the check above can fail."""
    client.force_login(officer)
    markers = personal_markers(known_data)
    person = known_data[0]
    response = client.get(f"/beneficiaires/{person.pk}/")
    assert response.status_code == 200
    assert any(marker in body_text(response) for marker in markers)


def test_a_donor_downloads_only_published_bilans_of_its_projects(
    client, donor_user, officer, world, project, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.bilan_request(
            project=project, period=parse_period("2023-Q2"), acting_user=officer
        )
    client.force_login(donor_user)
    assert client.get(f"/bilans/{draft.pk}/telecharger/pdf/").status_code == 404
    assert BilanSnapshot.objects.visible_to(donor_user).count() == 1
    published = world["snapshot"]
    response = client.get(f"/bilans/{published.pk}/telecharger/pdf/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
