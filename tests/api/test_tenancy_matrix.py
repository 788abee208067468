"""The tenancy matrix: every /api/v1/ route × method × outsider role, generated from the URL
resolver, so routes added later (reports, imports…) are covered without editing this file.

The world: partner A owns a person, an assistance, a referral to a third partner C, a return
case, and a project only A implements, each carrying a SECRET marker. The outsiders are
charlie (caseworker of partner B), the donor's user, and an anonymous client. For every
request:

- nothing of partner A's world changes (rows, and the rows that reference them);
- no SECRET marker appears in the response;
- a detail route on an object the role may not see answers 404 (anonymous: 401; donor on a
  personal route: 403 or 404), never 2xx;
- bodies carry A's ids (the person, the project) in their related fields.

A route whose URL parameters the matrix cannot fill is reported as a failure, not skipped.
"""

from __future__ import annotations

import datetime
import itertools
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db.models import Q
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from assistance.models import Assistance, Referral, ReturnCase
from assistance.services import referral_create, return_case_open
from beneficiaries.models import Beneficiary, BeneficiaryAccess
from core.access import actor_for
from partners.models import Organisation, Project
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import DonorFactory, OrganisationFactory, ProjectFactory, city

API_PREFIX = "api/v1/"
# Routes anyone may call: the token exchange and the API's own description.
PUBLIC_ROUTES = {"api/v1/auth/token/", "api/v1/schema/", "api/v1/docs/"}
WRITE_METHODS = ("post", "put", "patch", "delete")
ALL_METHODS = ("get", *WRITE_METHODS)
SECRET = "SECRET"


# --- Routes from the resolver ----------------------------------------------------------------


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def api_routes():
    """(route, callback, methods) for every URL under /api/v1/."""
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        route = route.replace("^", "").replace("$", "").replace("\\", "")
        if not route.startswith(API_PREFIX):
            continue
        callback = pattern.callback
        actions = getattr(callback, "actions", None)
        if actions:
            methods = sorted(actions)
        else:
            view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
            methods = sorted(
                m
                for m in ("get", "post", "put", "patch", "delete")
                if view_class is not None and hasattr(view_class, m)
            )
        routes.append((route, pattern, methods))
    return routes


def _model_of(pattern, officer=None):
    """The model a route serves: declared on the view, or its queryset's (asked as an IOM
    officer, who sees everything, for views that build their queryset per request)."""
    view_class = getattr(pattern.callback, "cls", None)
    if view_class is None:
        return None
    if getattr(view_class, "model", None) is not None:
        return view_class.model
    queryset = getattr(view_class, "queryset", None)
    if queryset is not None:
        return queryset.model
    serializer = getattr(view_class, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    if getattr(meta, "model", None) is not None:
        return meta.model
    if officer is None or not hasattr(view_class, "get_queryset"):
        return None
    view = view_class()
    view.request = Request(APIRequestFactory().get("/"))
    view.request.user = officer
    view.args, view.kwargs, view.format_kwarg = (), {}, None
    actions = getattr(pattern.callback, "actions", None) or {}
    view.action = next(iter(actions.values()), None)
    return view.get_queryset().model


def _is_personal(model) -> bool:
    """Anything but the reference data (organisations, projects) and the aggregated reports:
    a donor may be refused it by role (403) as well as by scope (404)."""
    return model is not None and model not in (Organisation, Project)


# --- The world -------------------------------------------------------------------------------


@pytest.fixture
def world(partner_a, partner_b, donor, alice, charlie, donor_user, officer, project):
    partner_c = OrganisationFactory(slug="partner-c", name="Partenaire C")
    other_donor = DonorFactory(slug="other-donor", name="Autre bailleur")
    secret_project = ProjectFactory(
        code="A-ONLY-PRJ", title="SECRET project", donor=other_donor, partners=[partner_a]
    )
    person = BeneficiaryFactory(
        organisation=partner_a,
        beneficiary_ref="SECRET-A-001",
        first_name="SECRET-first",
        last_name="SECRET-last",
        city=city("oujda"),
    )
    assistance = AssistanceFactory(beneficiary=person, project=secret_project, notes="SECRET note")
    referral = referral_create(
        beneficiary=person,
        category="psychosocial",
        consent=True,
        acting_user=alice,
        to_organisation=partner_c,
        reason="SECRET reason",
        referred_on=datetime.date(2023, 6, 2),
    )
    return_case = return_case_open(
        beneficiary=person,
        country="GN",
        acting_user=alice,
        notes="SECRET return",
        opened_on=datetime.date(2023, 6, 3),
    )
    # Charlie's own person, to try A's project with a person charlie may use.
    own_person = BeneficiaryFactory(organisation=partner_b, beneficiary_ref="B-OWN-1")
    return {
        "partner_a": partner_a,
        "partner_c": partner_c,
        "officer": officer,
        "shared_project": project,
        "targets": {
            Beneficiary: person,
            Assistance: assistance,
            Referral: referral,
            ReturnCase: return_case,
            Project: secret_project,
            Organisation: partner_c,
            **_later_targets(partner_a, alice),
        },
        "own_person": own_person,
    }


def _later_targets(partner_a, alice) -> dict:
    """Objects of partner A for the models of routes that other features add (imports…).
    A model that exists gets its object; a route whose model has none here fails the matrix
    ("no fixture object"), so a new kind of route cannot go unchecked."""
    targets = {}
    try:
        import_batch = apps.get_model("assistance", "ImportBatch")
    except LookupError:
        import_batch = None
    if import_batch is not None:
        targets[import_batch] = import_batch.objects.create(
            organisation=partner_a,
            created_by=alice,
            source="api",
            file_name="SECRET-import.csv",
            content=b"beneficiary_ref,sex,category,delivered_on\nSECRET-1,F,medical,2023-06-01\n",
        )
    return targets


def fingerprint(world) -> dict:
    """Everything of partner A that no outsider may change."""
    a = world["partner_a"]
    secret_project = world["targets"][Project]
    person = world["targets"][Beneficiary]
    state = {
        model.__name__: model.objects.filter(pk=obj.pk).values().first()
        for model, obj in world["targets"].items()
    }
    state["project_partners"] = sorted(secret_project.partners.values_list("pk", flat=True))
    state["counts"] = {
        "people_of_a": Beneficiary.objects.filter(organisation=a).count(),
        "assistances_of_a": Assistance.objects.filter(
            Q(provider=a) | Q(beneficiary__organisation=a)
        ).count(),
        "assistances_on_secret_project": Assistance.objects.filter(project=secret_project).count(),
        "referrals_of_a": Referral.objects.filter(beneficiary__organisation=a).count(),
        "return_cases_of_a": ReturnCase.objects.filter(beneficiary__organisation=a).count(),
        "return_cases_on_secret_project": ReturnCase.objects.filter(project=secret_project).count(),
        "accesses_to_a": BeneficiaryAccess.objects.filter(beneficiary=person).count(),
        "projects": Project.objects.count(),
        "organisations": Organisation.objects.count(),
    }
    # Rows of any target model owned by A (import batches…), however they came to be.
    for model in world["targets"]:
        if any(field.name == "organisation" for field in model._meta.get_fields()):
            state["counts"][f"{model.__name__}_of_a"] = model.objects.filter(organisation=a).count()
    return state


MISSING_ID = 987654321
MISSING_CODE = "NO-SUCH-PRJ"
_serial = itertools.count()


def hostile_bodies(world) -> list[tuple[dict, dict]]:
    """Bodies valid in every respect but one: a related field names A's object. Each comes
    with its control: the same body naming an object that does not exist. The answers must
    be the same, or the API would reveal that A's object exists."""
    person = world["targets"][Beneficiary]
    secret_project = world["targets"][Project]
    n = next(_serial)
    common = {
        "category": "medical",
        "subtype": "consultation",
        "delivered_on": "2023-06-10",
        "consent": True,
        "to_structure": "Hôpital Al Farabi",
        "country": "GN",
        "beneficiary_ref": f"HOSTILE-{n}",
        "first_name": "Hostile",
        "sex": "F",
        "version": 1,
        "outcome": "service_received",
        "stage": "pre_departure",
        "reason": "hostile",
        "code": f"HOSTILE-{n}",
        "title": "Hostile",
        "donor": "japan",
        "start": "2023-01-01",
        "end": "2023-12-31",
        "partners": [world["partner_a"].slug],
        # Writing "for" partner A: the owner comes from the request, never from the body.
        "organisation": world["partner_a"].slug,
        "provider": world["partner_a"].slug,
    }
    control = {**common, "beneficiary_ref": f"HOSTILE-{n}-c", "code": f"HOSTILE-{n}-c"}
    shared_code = world["shared_project"].code
    own = world["own_person"].pk
    return [
        # Another partner's person, with a project the outsider may use.
        (
            {**common, "beneficiary": person.pk, "project": shared_code},
            {**control, "beneficiary": MISSING_ID, "project": shared_code},
        ),
        # The outsider's own person, with a project only A implements.
        (
            {**common, "beneficiary": own, "project": secret_project.code},
            {**control, "beneficiary": own, "project": MISSING_CODE},
        ),
    ]


def _same_answer(hostile, control, world) -> bool:
    """Same status; for an error, the same body once the named ids are aligned."""
    if hostile.status_code != control.status_code:
        return False
    if hostile.status_code < 400:
        return True
    text = control.content.decode()
    text = text.replace(str(MISSING_ID), str(world["targets"][Beneficiary].pk))
    text = text.replace(MISSING_CODE, world["targets"][Project].code)
    return text == hostile.content.decode()


# --- The matrix ------------------------------------------------------------------------------


_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def _fill(route: str, pattern, world) -> tuple[str | None, object | None, str | None]:
    """The URL for `route`, the object it designates, or why it cannot be built."""
    names = set(_NAMED_GROUP.findall(route)) | set(_CONVERTER.findall(route))
    if not names:
        return "/" + route, None, None
    if names != {"pk"}:
        return None, None, f"parameters {sorted(names)} unknown to the matrix"
    model = _model_of(pattern, world["officer"])
    target = world["targets"].get(model)
    if target is None:
        return None, None, f"no fixture object for model {model}"
    url = _CONVERTER.sub(str(target.pk), _NAMED_GROUP.sub(str(target.pk), route))
    return "/" + url, target, None


def _check(role_name, user, client_for, world, routes):
    violations = []
    client = client_for(user)
    baseline = fingerprint(world)
    for route, pattern, methods in routes:
        url, target, problem = _fill(route, pattern, world)
        if problem:
            violations.append(f"{route}: cannot exercise ({problem})")
            continue
        model = _model_of(pattern, world["officer"])
        visible = (
            target is not None
            and user is not None
            and type(target).objects.visible_to(user).filter(pk=target.pk).exists()
        )
        # Every method, routed or not: one the route does not offer must change nothing either.
        for method in ALL_METHODS:
            routed = method in methods
            if not routed or user is None:
                # Refused before the body is read (405, 401): one body is enough.
                pairs = [(hostile_bodies(world)[0][0], None)]
            elif method in WRITE_METHODS:
                pairs = hostile_bodies(world)
            else:
                pairs = [(None, None)]
            for body, control_body in pairs:
                response = getattr(client, method)(url, body, format="json")
                label = f"{role_name} {method.upper()} {url} → {response.status_code}"
                if control_body is not None:
                    control = getattr(client, method)(url, control_body, format="json")
                    if not _same_answer(response, control, world):
                        violations.append(
                            f"{label}: answers differently for A's object and a missing one "
                            f"({control.status_code}: {control.content[:200]!r} vs "
                            f"{response.content[:200]!r})"
                        )
                if response.status_code >= 500:
                    violations.append(f"{label}: server error")
                after = fingerprint(world)
                if after != baseline:
                    violations.append(f"{label}: changed partner A's data")
                    baseline = after
                if SECRET.encode() in response.content:
                    violations.append(f"{label}: reveals an out-of-scope object")
                if not routed and response.status_code in (401, 403, 404, 405):
                    continue
                if not routed:
                    violations.append(f"{label}: a method the route does not offer")
                    continue
                if route in PUBLIC_ROUTES:
                    continue
                if user is None:
                    if response.status_code != 401:
                        violations.append(f"{label}: anonymous must get 401")
                    continue
                if target is not None and not visible:
                    allowed = {404}
                    if role_name == "donor" and _is_personal(model):
                        allowed = {403, 404}
                    if response.status_code not in allowed:
                        violations.append(f"{label}: expected {sorted(allowed)}")
                elif role_name == "donor" and _is_personal(model):
                    if response.status_code not in (403, 404):
                        violations.append(f"{label}: donors never reach personal records")
    return violations


ROUTES = api_routes()


def test_the_matrix_sees_every_api_route():
    """The resolver walk finds the routes of the issue, so the matrix cannot pass empty."""
    found = {route for route, _pattern, _methods in ROUTES}
    for expected in (
        "api/v1/beneficiaries/",
        "api/v1/assistances/",
        "api/v1/referrals/",
        "api/v1/organisations/",
        "api/v1/projects/",
        "api/v1/return-cases/",
        "api/v1/auth/token/",
    ):
        assert expected in found
    assert any("accept" in route for route in found)
    assert len(ROUTES) >= 15


@pytest.mark.parametrize("role_name", ["other_partner", "donor", "anonymous"])
def test_no_outsider_sees_or_changes_partner_a(role_name, world, charlie, donor_user, client_for):
    user = {"other_partner": charlie, "donor": donor_user, "anonymous": None}[role_name]
    violations = _check(role_name, user, client_for, world, ROUTES)
    assert not violations, "\n".join(violations)


def test_the_owner_reaches_every_target(world, alice, client_for):
    """The control: the same detail routes answer the owning partner, so the 404s above come
    from scoping, not from broken routes."""
    client = client_for(alice)
    checked = 0
    for route, pattern, methods in ROUTES:
        url, target, problem = _fill(route, pattern, world)
        if target is None or "get" not in methods or problem:
            continue
        if not type(target).objects.visible_to(alice).filter(pk=target.pk).exists():
            continue
        assert client.get(url).status_code == 200, url
        checked += 1
    assert checked >= 5
    assert actor_for(alice).organisation_id == world["partner_a"].pk


class _QuerysetOnlyViewSet(viewsets.GenericViewSet):
    """Like a view another feature may add: no `model`, `queryset` or serializer model."""

    def get_queryset(self):
        return Beneficiary.objects.visible_to(self.request.user)


def test_the_matrix_finds_the_model_of_views_that_build_their_queryset(officer):
    pattern = SimpleNamespace(
        callback=SimpleNamespace(cls=_QuerysetOnlyViewSet, actions={"get": "list"})
    )
    assert _model_of(pattern, officer) is Beneficiary
