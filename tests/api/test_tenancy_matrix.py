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

from assistance.activities.services import activity_record
from assistance.models import Activity, Assistance, Referral, ReturnCase
from assistance.referrals.services import referral_create
from assistance.returns.services import return_case_open
from beneficiaries.models import Beneficiary, BeneficiaryAccess, Consent
from capacity.models import EventParticipant
from cases.models import Case
from partners.access import actor_for
from partners.models import Organisation, Project
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.pages.test_sealed import (
    NON_OBJECT_KWARGS,
    _describe,
    _is_sign_in_redirect,
    _kwarg_names,
    _kwarg_target,
    _substitute,
    all_page_patterns,
)
from tests.partners.factories import DonorFactory, OrganisationFactory, ProjectFactory, city

API_PREFIX = "api/v1/"
# Routes anyone may call: the token exchange.
PUBLIC_ROUTES = {"api/v1/auth/token/"}
# Pages for the browser under /api/v1/: they need a signed-in session (anything else, even a
# token, is sent to the sign-in page). The schema itself is an API route like the others.
SIGN_IN_PAGES = {"api/v1/docs/"}
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
    activity = activity_record(
        category="awareness",
        subtype="health",
        title="SECRET session",
        held_on=datetime.date(2023, 6, 4),
        participants=[person],
        acting_user=alice,
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
            Activity: activity,
            # The referral to C recorded the person's consent to be shared with C.
            Consent: Consent.objects.get(beneficiary=person, purpose="referral"),
            **_later_targets(partner_a, alice),
            **_bilans_targets(secret_project, alice),
            **_cases_targets(person, own_person, alice, charlie),
            **_capacity_targets(secret_project, alice),
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


def _bilans_targets(secret_project, alice) -> dict:
    """The bilans app's objects, on a project only A implements: a draft bilan, a closed
    period, a notice to alice."""
    from bilans.models import BilanSnapshot
    from core.models import Notification
    from partners.models import ClosedPeriod

    return {
        BilanSnapshot: BilanSnapshot.objects.create(
            project=secret_project, start=datetime.date(2023, 4, 1), end=datetime.date(2023, 6, 30)
        ),
        ClosedPeriod: ClosedPeriod.objects.create(
            project=secret_project, start=datetime.date(2023, 1, 1), end=datetime.date(2023, 3, 31)
        ),
        Notification: Notification.objects.create(user=alice, message="SECRET notice"),
    }


def _cases_targets(person, own_person, alice, charlie) -> dict:
    """Case work (DESIGN.md section 7): A's case of the person, with a follow-up, a goal, a
    confidential note and a document; and charlie's own open case of charlie's own person, so
    that a hostile "open a case" body naming that person is refused like its control (a
    second open case), not accepted once and refused the second time."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.models import CaseDocument, CaseNote, FollowUp, Goal
    from cases.services import case_open, document_upload, followup_add, goal_add, note_add

    opened = datetime.date(2024, 3, 1)
    case = case_open(beneficiary=person, acting_user=alice, risk_level="high", opened_on=opened)
    case_open(beneficiary=own_person, acting_user=charlie, opened_on=opened)
    pdf = SimpleUploadedFile("SECRET-consent.pdf", b"%PDF-1.4\nSECRET\n%%EOF\n")
    return {
        Case: case,
        FollowUp: followup_add(case=case, acting_user=alice, due_on=opened, action="SECRET call"),
        Goal: goal_add(case=case, acting_user=alice, title="SECRET goal", services=["medical"]),
        CaseNote: note_add(case=case, body="SECRET note", acting_user=alice),
        CaseDocument: document_upload(
            case=case,
            kind="consent_form",
            title="SECRET document",
            uploaded_file=pdf,
            acting_user=alice,
        ),
    }


def _capacity_targets(secret_project, alice) -> dict:
    """Capacity building (issue 15): A's training under the project only A implements, with
    a named participant."""
    from capacity.models import CapacityEvent
    from capacity.services import capacity_event_record

    return {
        CapacityEvent: capacity_event_record(
            kind="training",
            title="SECRET training",
            start=datetime.date(2023, 6, 5),
            city=city("oujda"),
            project=secret_project,
            counts={"government": {"F": 2}},
            participants=[{"name": "SECRET trainee", "sex": "F", "institution": "government"}],
            acting_user=alice,
        )
    }


def _case_parts_of(organisation) -> dict:
    from cases.models import Assessment, CaseDocument, CaseNote, CaseTransition, FollowUp, Goal

    return {
        f"{model.__name__}_of_a": model.objects.filter(case__organisation=organisation).count()
        for model in (Assessment, CaseDocument, CaseNote, CaseTransition, FollowUp, Goal)
    }


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
        "consents_of_a": Consent.objects.filter(beneficiary__organisation=a).count(),
        **_case_parts_of(a),
        "named_trainees_of_a": EventParticipant.objects.filter(event__organisation=a).count(),
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
                if route in SIGN_IN_PAGES:
                    # The matrix's clients carry no session: every one is sent to sign in.
                    if not _is_sign_in_redirect(response):
                        violations.append(f"{label}: must send to the sign-in page")
                    continue
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


def test_a_partner_cannot_pull_a_s_objects_into_its_own_records(world, charlie, client_for):
    """Charlie's own person, assistance and return case, written with bodies that name A's
    person and A's project: whatever charlie may change of its own, A's world stays as it is."""
    own = world["own_person"]
    targets = {
        Beneficiary: own,
        Assistance: AssistanceFactory(beneficiary=own, delivered_on=datetime.date(2023, 6, 5)),
        ReturnCase: return_case_open(
            beneficiary=own, country="ML", acting_user=charlie, opened_on=datetime.date(2023, 6, 6)
        ),
    }
    client, baseline, violations = client_for(charlie), fingerprint(world), []
    for route, pattern, methods in ROUTES:
        target = targets.get(_model_of(pattern, world["officer"]))
        if target is None or "<pk>" not in route:
            continue
        url = "/" + _CONVERTER.sub(str(target.pk), _NAMED_GROUP.sub(str(target.pk), route))
        for method in (m for m in WRITE_METHODS if m in methods):
            for body in api_bodies(world):
                body["version"] = type(target).objects.get(pk=target.pk).version
                response = getattr(client, method)(url, body, format="json")
                label = f"{method.upper()} {url} → {response.status_code}"
                if response.status_code >= 500:
                    violations.append(f"{label}: server error")
                if SECRET.encode() in response.content:
                    violations.append(f"{label}: reveals an out-of-scope object")
                if fingerprint(world) != baseline:
                    violations.append(f"{label}: changed partner A's data")
                    baseline = fingerprint(world)
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


# --- The pages that write ----------------------------------------------------------------------
#
# Every page route of the app (the admin's included), from the same resolver walk as the
# sealed-page test, POSTed with form bodies that name A's objects, as each outsider. The state
# of A's world must not move, whatever the answer.

# Routes that change the visitor's own session (sign-out, language), not anyone's data.
SESSION_ROUTES = {"logout", "set_language"}
# Pages open to anonymous visitors.
OPEN_PAGES = {"login", "healthz"}


def page_routes():
    return [(c, e) for c, e in all_page_patterns() if e.name not in SESSION_ROUTES]


def _page_url(chain, entry, targets: dict, *, missing: bool = False):
    """(url, object) of a page route aimed at the `targets` (model → object); models without
    a target take their first row (the admin's reference data), or an id that does not exist."""
    from django.contrib.contenttypes.models import ContentType

    values, target = {}, None
    names = _kwarg_names(chain)
    for name in names:
        if name == "content_type_id":
            values[name] = ContentType.objects.get_for_model(Beneficiary).pk
            continue
        if name == "object_id" and "content_type_id" in names:
            model, field = Beneficiary, "pk"
        else:
            found = _kwarg_target(name, entry, chain)
            if found is None:
                values[name] = NON_OBJECT_KWARGS[name]
                continue
            model, field = found
        obj = None if missing else targets.get(model, model._default_manager.order_by("pk").first())
        if obj is None:
            values[name] = MISSING_ID if field == "pk" else MISSING_CODE
            continue
        target = target or obj
        values[name] = getattr(obj, field)
    return "/" + "".join(_substitute(p, values) for p in chain), target


def _route_model(chain, entry):
    """The model of the first object a page route names (None for a route without one)."""
    for name in _kwarg_names(chain):
        found = _kwarg_target(name, entry, chain)
        if isinstance(found, tuple):
            return found[0]
    return None


def form_bodies(world) -> list[dict]:
    """What a page form may receive, naming A's objects: its person as participant, its project,
    the partner it referred to; once with A's project, once with a project charlie implements.
    Quick entry's fields carry the form's prefix ("a-")."""
    person = world["targets"][Beneficiary]
    n = next(_serial)
    common = {
        "beneficiary_ref": f"HOSTILE-PAGE-{n}",
        "first_name": "Hostile",
        "last_name": "Hostile",
        "sex": "F",
        "registered_on": "2023-06-01",
        "consent": "on",
        "category": "medical",
        "subtype": "consultation",
        "delivered_on": "2023-06-10",
        "quantity": "1",
        "status": "delivered",
        "to_organisation": world["partner_c"].pk,
        "reason": "hostile",
        "referred_on": "2023-06-10",
        "answer": "accept",
        "outcome": "service_received",
        "outcome_on": "2023-06-11",
        "stage": "cancelled",
        "on": "2023-06-12",
        "direction": "from_morocco",
        "country": "GN",
        "opened_on": "2023-06-10",
        "title": "Hostile",
        "held_on": "2023-06-10",
        "participants": [person.pk],
        "women": "1",
        "version": "1",
        "organisation": world["partner_a"].pk,
        "code": "HOSTILE",
        "reopen_reason": "hostile",
    }
    common |= {f"a-{name}": common[name] for name in ("category", "subtype", "delivered_on")}
    secret, shared = world["targets"][Project].pk, world["shared_project"].pk
    return [
        {**common, "project": secret, "a-project": secret},
        {**common, "project": shared, "a-project": shared},
    ]


def _check_pages(role_name, user, bodies, fingerprint_of, routes, targets):
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    violations = []
    baseline = fingerprint_of()
    for chain, entry in routes:
        url, target = _page_url(chain, entry, targets)
        visible = (
            target is not None
            and user is not None
            and hasattr(type(target).objects, "visible_to")
            and type(target).objects.visible_to(user).filter(pk=target.pk).exists()
        )
        admin = _describe(chain[0]).startswith("admin/")
        # The admin refuses anyone but IOM staff before any form is read; so does sign-in.
        for body in bodies[:1] if admin or user is None else bodies:
            response = client.post(url, body)
            label = f"{role_name} POST {url} {body.get('stage')} → {response.status_code}"
            if response.status_code >= 500:
                violations.append(f"{label}: server error")
            after = fingerprint_of()
            if after != baseline:
                violations.append(f"{label}: changed data it may not change")
                baseline = after
            if SECRET.encode() in response.content:
                violations.append(f"{label}: reveals an out-of-scope object")
            refused = response.status_code == 404 or _is_sign_in_redirect(response)
            if response.status_code == 405:
                # Refused before any lookup: it says nothing if a missing object gets the same.
                missing_url, _target = _page_url(chain, entry, targets, missing=True)
                refused = client.post(missing_url, body).status_code == 405
            if user is None and entry.name not in OPEN_PAGES and not refused:
                violations.append(f"{label}: anonymous visitors are sent to sign in")
            elif target is not None and not visible and not refused:
                violations.append(f"{label}: expected 404 for an object out of scope")
    return violations


PAGE_ROUTES = page_routes()


def test_the_page_walk_sees_every_form_that_writes():
    names = {entry.name for _chain, entry in PAGE_ROUTES}
    for expected in (
        "create",  # beneficiaries:create and assistance:create
        "edit",
        "cancel",
        "activity_create",
        "referral_create",
        "referral_respond",
        "referral_outcome",
        "return_open",
        "return_advance",
        "return_reintegration",
        "upload",
        "confirm",
        "publish",
        "regenerate",
        "reopen",
        "notification_read",
    ):
        assert expected in names, expected
    assert any(_describe(chain[0]).startswith("admin/") for chain, _entry in PAGE_ROUTES)


@pytest.mark.parametrize("role_name", ["other_partner", "donor", "anonymous"])
def test_no_outsider_changes_partner_a_through_the_pages(role_name, world, charlie, donor_user):
    user = {"other_partner": charlie, "donor": donor_user, "anonymous": None}[role_name]
    violations = _check_pages(
        role_name,
        user,
        form_bodies(world),
        lambda: fingerprint(world),
        PAGE_ROUTES,
        world["targets"],
    )
    assert not violations, "\n".join(violations)


# --- What a partner may read but not write ------------------------------------------------------
#
# Charlie (partner B) sees records of other organisations: a return case IOM or partner A opened
# for a person B registered, an assistance A gave that person, A's person referred to B, the
# referrals B sent. Seeing is not writing: only the case's organisation moves a case on, only the
# provider corrects an assistance, only the owner edits a person, only the receiving partner
# answers a referral, and only the partner that accepted it records its outcome (the sender
# does not, whether the referral was accepted or is still waiting).


@pytest.fixture
def foreign_world(world, partner_a, partner_b, alice, charlie, officer):
    from assistance.referrals.services import referral_respond
    from assistance.returns.services import return_case_advance
    from assistance.services import assistance_record

    own = world["own_person"]
    to_a = referral_create(
        beneficiary=own,
        category="medical",
        consent=True,
        to_organisation=partner_a,
        acting_user=charlie,
        referred_on=datetime.date(2023, 6, 1),
    )
    referral_respond(referral=to_a, accept=True, acting_user=alice)
    by_a = assistance_record(
        beneficiary=own,
        category="medical",
        subtype="consultation",
        delivered_on=datetime.date(2023, 6, 5),
        notes="A's consultation",
        acting_user=alice,
    )
    case_by_a = return_case_open(
        beneficiary=own, country="GN", acting_user=alice, opened_on=datetime.date(2023, 6, 6)
    )
    case_by_iom = return_case_open(
        beneficiary=own, country="ML", acting_user=officer, opened_on=datetime.date(2023, 6, 7)
    )
    returned = return_case_open(
        beneficiary=own, country="SN", acting_user=officer, opened_on=datetime.date(2023, 6, 8)
    )
    return_case_advance(
        return_case=returned, stage="returned", on=datetime.date(2023, 6, 9), acting_user=officer
    )
    shared = BeneficiaryFactory(organisation=partner_a, beneficiary_ref="A-SHARED-1")
    to_b = referral_create(
        beneficiary=shared,
        category="psychosocial",
        consent=True,
        to_organisation=partner_b,
        acting_user=alice,
        referred_on=datetime.date(2023, 6, 2),
    )
    referral_respond(referral=to_b, accept=True, acting_user=charlie)
    to_c = referral_create(
        beneficiary=own,
        category="legal",
        consent=True,
        to_organisation=world["partner_c"],
        acting_user=charlie,
        referred_on=datetime.date(2023, 6, 3),
    )
    objects = [shared, by_a, case_by_a, case_by_iom, returned, to_a, to_c]
    assert all(type(o).objects.visible_to(charlie).filter(pk=o.pk).exists() for o in objects), (
        "charlie must see every object of this world"
    )
    return objects


def foreign_fingerprint(objects) -> dict:
    state = {
        f"{type(o).__name__}#{o.pk}": type(o).objects.filter(pk=o.pk).values().first()
        for o in objects
    }
    cases = [o for o in objects if isinstance(o, ReturnCase)]
    state["rows_of_each_case"] = {
        case.pk: Assistance.objects.filter(return_case=case).count() for case in cases
    }
    state["accesses"] = BeneficiaryAccess.objects.count()
    return state


def api_bodies(world) -> list[dict]:
    return [hostile for hostile, _control in hostile_bodies(world)]


def foreign_bodies(world, make) -> list[dict]:
    """The forms' or the API's bodies, trying every stage a case may be pushed to."""
    bodies = make(world)
    return bodies + [{**bodies[0], "stage": stage} for stage in ("cancelled", "closed")]


@pytest.mark.parametrize("role_name", ["other_partner", "donor", "anonymous"])
def test_no_one_writes_what_it_may_only_read(
    role_name, world, foreign_world, charlie, donor_user, client_for
):
    user = {"other_partner": charlie, "donor": donor_user, "anonymous": None}[role_name]
    violations = []

    def fingerprint_of():
        return foreign_fingerprint(foreign_world)

    client = client_for(user)
    baseline = fingerprint_of()
    for target in foreign_world:
        # The pages first, then the API: each must refuse on its own.
        routes = [(c, e) for c, e in PAGE_ROUTES if _route_model(c, e) is type(target)]
        violations += _check_pages(
            role_name,
            user,
            foreign_bodies(world, form_bodies),
            fingerprint_of,
            routes,
            {type(target): target},
        )
        baseline = fingerprint_of()
        for route, pattern, methods in ROUTES:
            if _model_of(pattern, world["officer"]) is not type(target) or "<pk>" not in route:
                continue
            url = "/" + _CONVERTER.sub(str(target.pk), _NAMED_GROUP.sub(str(target.pk), route))
            for method in (m for m in WRITE_METHODS if m in methods):
                for body in foreign_bodies(world, api_bodies):
                    response = getattr(client, method)(url, body, format="json")
                    label = f"{role_name} {method.upper()} {url} {body.get('stage')}"
                    label += f" → {response.status_code}"
                    if response.status_code < 300 or response.status_code >= 500:
                        violations.append(f"{label}: must be refused")
                    after = fingerprint_of()
                    if after != baseline:
                        violations.append(f"{label}: changed what it may only read")
                        baseline = after
    assert not violations, "\n".join(violations)


# --- The outcome of a referral: its write rows ------------------------------------------------
#
# Only the partner that accepted a referral records whether the service was received (the sender,
# for a referral to an outside structure, which no one answers; IOM officers too). Each row: who
# tries, on which referral; through the API's /outcome/ and the page's referral_outcome form
# alike, the answer is a refusal and the referral (and its linked assistance) stays as it was.

OUTCOME_API_ROUTE = "api/v1/referrals/(?P<pk>[0-9]+)/outcome/"
OUTCOME_ROWS = [
    # (who, which referral, the API's refusal, the page's refusal)
    ("sender", "accepted", {403}, "unchanged"),
    ("sender", "pending", {400}, "unchanged"),
    ("receiver", "pending", {400}, "unchanged"),
    ("other_partner", "accepted", {404}, 404),
    ("donor", "accepted", {403}, 404),
    ("anonymous", "accepted", {401}, "sign_in"),
]


@pytest.fixture
def outcome_world(alice, charlie, partner_a, partner_b):
    def referral_to_b(ref):
        return referral_create(
            beneficiary=BeneficiaryFactory(organisation=partner_a, beneficiary_ref=ref),
            category="medical",
            consent=True,
            to_organisation=partner_b,
            acting_user=alice,
            referred_on=datetime.date(2023, 6, 2),
        )

    from assistance.referrals.services import referral_respond

    accepted = referral_to_b("A-OUT-1")
    referral_respond(referral=accepted, accept=True, acting_user=charlie)
    carol = _member_of_partner_c()
    return {"accepted": accepted, "pending": referral_to_b("A-OUT-2"), "carol": carol}


def _member_of_partner_c():
    from partners.choices import Role
    from tests.partners.factories import member

    return member(OrganisationFactory(slug="partner-c-out", name="Partenaire C"), Role.CASEWORKER)


def _referral_state(referral) -> dict:
    return {
        "referral": Referral.objects.filter(pk=referral.pk).values().get(),
        "assistances": list(Assistance.objects.order_by("pk").values("pk", "outcome", "version")),
    }


def test_the_outcome_routes_are_those_of_the_matrix():
    assert OUTCOME_API_ROUTE in {route for route, _pattern, _methods in ROUTES}
    assert "referral_outcome" in {entry.name for _chain, entry in PAGE_ROUTES}


@pytest.mark.parametrize(("who", "which", "api_refusal", "page_refusal"), OUTCOME_ROWS)
def test_only_the_accepting_partner_records_an_outcome(
    who, which, api_refusal, page_refusal, outcome_world, alice, charlie, donor_user, client_for
):
    from django.test import Client
    from django.urls import reverse

    user = {
        "sender": alice,
        "receiver": charlie,
        "other_partner": outcome_world["carol"],
        "donor": donor_user,
        "anonymous": None,
    }[who]
    referral = outcome_world[which]
    before = _referral_state(referral)

    api = client_for(user).post(
        f"/api/v1/referrals/{referral.pk}/outcome/",
        {"outcome": "service_received", "outcome_on": "2023-06-11"},
        format="json",
    )
    assert api.status_code in api_refusal, api.content
    assert _referral_state(referral) == before

    browser = Client()
    if user is not None:
        browser.force_login(user)
    page = browser.post(
        reverse("assistance:referral_outcome", args=[referral.pk]),
        {"outcome": "service_received", "outcome_on": "2023-06-11"},
    )
    if page_refusal == 404:
        assert page.status_code == 404
    elif page_refusal == "sign_in":
        assert _is_sign_in_redirect(page)
    else:  # back to the referral, told why
        assert page.status_code == 302
        assert page["Location"] == reverse("assistance:referral_detail", args=[referral.pk])
    assert _referral_state(referral) == before


@pytest.mark.parametrize("path", ["api", "page"])
def test_the_accepting_partner_does_record_it(path, outcome_world, charlie, client_for):
    """The control of the rows above: the same requests from the partner that accepted."""
    from django.test import Client
    from django.urls import reverse

    referral = outcome_world["accepted"]
    body = {"outcome": "service_received", "outcome_on": "2023-06-11"}
    if path == "api":
        answer = client_for(charlie).post(
            f"/api/v1/referrals/{referral.pk}/outcome/", body, format="json"
        )
        assert answer.status_code == 200, answer.content
    else:
        browser = Client()
        browser.force_login(charlie)
        browser.post(reverse("assistance:referral_outcome", args=[referral.pk]), body)
    referral.refresh_from_db()
    assert (referral.outcome, referral.outcome_on) == (
        "service_received",
        datetime.date(2023, 6, 11),
    )


def test_a_receiving_partner_derives_nothing_from_the_senders_assistances(
    foreign_world, world, alice, charlie, client_for
):
    """A's person referred to B: B reads the person, not A's assistances, so no list answer,
    filter or field derived from them reaches B through the API either."""
    from assistance.services import assistance_record

    shared = foreign_world[0]
    hidden = datetime.date(2023, 6, 20)
    assistance_record(
        beneficiary=shared,
        category="medical",
        subtype="consultation",
        delivered_on=hidden,
        acting_user=alice,
    )
    client = client_for(charlie)
    day = hidden.isoformat()
    query = {f"{prefix}_{end}": day for prefix in ("assisted", "delivered", "referred")
             for end in ("from", "to")}  # fmt: skip
    checked = 0
    for route, pattern, methods in ROUTES:
        if "get" not in methods or route in PUBLIC_ROUTES | SIGN_IN_PAGES:
            continue
        if "<pk>" in route or "(?P<pk>" in route:
            model = _model_of(pattern, world["officer"])
            if model is None or not hasattr(model.objects, "visible_to"):
                continue
            urls = [
                "/" + _CONVERTER.sub(str(pk), _NAMED_GROUP.sub(str(pk), route))
                for pk in model.objects.visible_to(charlie).values_list("pk", flat=True)
            ]
        elif _NAMED_GROUP.search(route) or _CONVERTER.search(route):
            continue
        else:
            urls = ["/" + route]
        for url in urls:
            response = client.get(url, query if "<pk>" not in route else None, format="json")
            assert response.status_code < 500, url
            assert day not in response.content.decode(errors="replace"), f"{url} shows A's date"
            filterset = getattr(getattr(pattern.callback, "cls", None), "filterset_class", None)
            actions = getattr(pattern.callback, "actions", None) or {}
            if actions.get("get") != "list" or not set(query) & set(
                getattr(filterset, "base_filters", ())
            ):
                continue
            # A list filtered to a day when only A assisted the person has nothing to show.
            assert response.json()["results"] == [], f"{url} finds people through A's date"
            checked += 1
    assert checked >= 3  # people, assistances, referrals


# --- Case work: every route × every role ----------------------------------------------------
#
# A case of partner A (DESIGN.md section 7), its person referred to B and accepted by charlie.
# Rows: each case route and method. Who may: the owner (alice) and her colleague (bob) read and
# write; an IOM officer reads the case, its plan and follow-ups but writes nothing on a
# partner's case (403) and never reaches its notes and documents (404); charlie (the receiving
# partner, who sees the person) and carol (another partner) get 404; the donor 403; anonymous
# 401. Every refusal changes nothing and shows nothing of the case.

CASE_ROLES = ("owner", "colleague", "officer", "receiving_partner", "other_partner", "donor")


@pytest.fixture
def case_world(partner_a, partner_b, alice, bob, charlie, officer, donor_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assistance.referrals.services import referral_respond
    from cases.services import case_open, document_upload, followup_add, goal_add, note_add
    from partners.choices import Role
    from tests.partners.factories import member

    person = BeneficiaryFactory(organisation=partner_a, beneficiary_ref="CASE-MATRIX-1")
    referral = referral_create(
        beneficiary=person,
        category="medical",
        consent=True,
        to_organisation=partner_b,
        acting_user=alice,
        referred_on=datetime.date(2023, 6, 2),
    )
    referral_respond(referral=referral, accept=True, acting_user=charlie)
    assert Beneficiary.objects.visible_to(charlie).filter(pk=person.pk).exists()
    opened = datetime.date(2024, 3, 1)
    case = case_open(beneficiary=person, acting_user=alice, opened_on=opened)
    carol = member(
        OrganisationFactory(slug="partner-c-cases", name="Partenaire C"),
        Role.CASEWORKER,
        username="carol-cases",
    )
    return SimpleNamespace(
        case=case,
        followup=followup_add(case=case, acting_user=alice, due_on=opened, action="SECRET call"),
        goal=goal_add(case=case, acting_user=alice, title="SECRET goal", services=["medical"]),
        note=note_add(case=case, body="SECRET note", acting_user=alice),
        document=document_upload(
            case=case,
            kind="consent_form",
            title="SECRET document",
            uploaded_file=SimpleUploadedFile("c.pdf", b"%PDF-1.4\nSECRET\n%%EOF\n"),
            acting_user=alice,
        ),
        assistance=AssistanceFactory(beneficiary=person, delivered_on=datetime.date(2024, 3, 2)),
        users={
            "owner": alice,
            "colleague": bob,
            "officer": officer,
            "receiving_partner": charlie,
            "other_partner": carol,
            "donor": donor_user,
        },
    )


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("consent.pdf", b"%PDF-1.4\n%%EOF\n")


# (method, url, body or a function of the world giving it, confidential, writes)
CASE_ROWS = [
    ("get", "/api/v1/cases/{case}/", None, False),
    ("get", "/api/v1/cases/{case}/followups/", None, False),
    ("get", "/api/v1/cases/{case}/assessments/", None, False),
    ("get", "/api/v1/followups/{followup}/", None, False),
    ("get", "/api/v1/goals/{goal}/", None, False),
    ("get", "/api/v1/cases/{case}/notes/", None, True),
    ("get", "/api/v1/cases/{case}/documents/", None, True),
    ("get", "/api/v1/documents/{document}/", None, True),
    ("get", "/api/v1/documents/{document}/download/", None, True),
    ("post", "/api/v1/cases/{case}/followups/", {"due_on": "2024-03-09", "action": "x"}, False),
    ("post", "/api/v1/cases/{case}/assessments/", {"needs": ["food"]}, False),
    ("post", "/api/v1/cases/{case}/goals/", {"title": "Nouvel objectif"}, False),
    ("post", "/api/v1/cases/{case}/notes/", {"body": "Une note"}, True),
    ("post", "/api/v1/cases/{case}/documents/", lambda w: {"kind": "other", "file": _pdf()}, True),
    (
        "patch",
        "/api/v1/cases/{case}/",
        lambda w: {"risk_level": "high", "version": w.case.version},
        False,
    ),  # fmt: skip
    (
        "put",
        "/api/v1/cases/{case}/",
        lambda w: {
            "risk_level": "medium",
            "assigned_to": w.case.assigned_to_id,
            "version": w.case.version,
        },
        False,
    ),  # fmt: skip
    ("patch", "/api/v1/goals/{goal}/", {"status": "in_progress"}, False),
    (
        "post",
        "/api/v1/goals/{goal}/assistances/",
        lambda w: {"assistance": w.assistance.pk},
        False,
    ),  # fmt: skip
    ("post", "/api/v1/followups/{followup}/complete/", {"result": "fait"}, False),
    ("post", "/api/v1/cases/{case}/close/", {"reason": "goals_met"}, False),
    ("post", "/api/v1/cases/{case}/reopen/", {"reason": "revenue"}, False),
]


def _case_state(world) -> dict:
    from cases.models import Assessment, CaseDocument, CaseNote, CaseTransition, FollowUp, Goal

    case = world.case
    return {
        "case": Case.objects.filter(pk=case.pk).values().get(),
        "followups": list(FollowUp.objects.filter(case=case).values().order_by("pk")),
        "goals": list(Goal.objects.filter(case=case).values().order_by("pk")),
        "links": list(Goal.assistances.through.objects.values_list("goal_id", "assistance_id")),
        "counts": [
            model.objects.filter(case=case).count()
            for model in (Assessment, CaseNote, CaseDocument, CaseTransition)
        ],
    }


def _expected(role: str, method: str, confidential: bool) -> set[int]:
    if role in ("owner", "colleague"):
        return {200, 201}
    if role == "officer":
        if confidential:
            return {404}
        # A write on a partner's case is refused by the rule (403), or first by a body that
        # names one of the partner's users, whom the officer's organisation does not have.
        return {200} if method == "get" else {400, 403}
    if role == "donor":
        return {403, 404}
    return {404}


def _case_request(client, world, method, url, body):
    from cases.models import Case as CaseModel

    world.case = CaseModel.objects.get(pk=world.case.pk)
    url = url.format(
        case=world.case.pk,
        followup=world.followup.pk,
        goal=world.goal.pk,
        document=world.document.pk,
    )
    data = body(world) if callable(body) else body
    multipart = isinstance(data, dict) and "file" in data
    return getattr(client, method)(url, data, format="multipart" if multipart else "json")


def test_the_case_rows_cover_every_case_route():
    case_routes = {
        (route, method)
        for route, pattern, methods in ROUTES
        if getattr(getattr(pattern.callback, "cls", None), "__module__", "").startswith("cases.")
        for method in methods
        if "<pk>" in route or "(?P<pk>" in route
    }
    covered = set()
    for method, url, _body, _confidential in CASE_ROWS:
        pattern = re.sub(r"\{\w+\}", "(?P<pk>[0-9]+)", url.removeprefix("/"))
        covered.add((pattern, method))
    assert len(case_routes) >= 20
    assert case_routes - covered == set()


@pytest.mark.parametrize("role", [r for r in CASE_ROLES if r not in ("owner", "colleague")])
def test_case_routes_refuse_whoever_may_not(role, case_world, client_for):
    user = case_world.users[role]
    client, anonymous = client_for(user), client_for(None)
    violations = []
    for method, url, body, confidential in CASE_ROWS:
        before = _case_state(case_world)
        response = _case_request(client, case_world, method, url, body)
        label = f"{role} {method.upper()} {url} → {response.status_code}"
        if response.status_code not in _expected(role, method, confidential):
            violations.append(f"{label}: expected {sorted(_expected(role, method, confidential))}")
        if method != "get" or role != "officer" or confidential:
            if SECRET.encode() in response.content:
                violations.append(f"{label}: reveals the case")
        if _case_state(case_world) != before:
            violations.append(f"{label}: changed the case")
        if _case_request(anonymous, case_world, method, url, body).status_code != 401:
            violations.append(f"anonymous {method.upper()} {url}: expected 401")
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("role", ["owner", "colleague"])
def test_the_case_organisation_uses_every_case_route(role, case_world, client_for):
    """The control of the refusals: the same rows, in this order, succeed for the owning
    organisation's staff."""
    client = client_for(case_world.users[role])
    for method, url, body, _confidential in CASE_ROWS:
        response = _case_request(client, case_world, method, url, body)
        assert response.status_code in (200, 201), (method, url, response.content[:300])


def test_case_lists_show_a_case_to_its_organisation_and_officers_only(case_world, client_for):
    case = case_world.case
    for role in CASE_ROLES:
        client = client_for(case_world.users[role])
        cases = client.get("/api/v1/cases/")
        followups = client.get("/api/v1/followups/")
        if role == "donor":
            assert (cases.status_code, followups.status_code) == (403, 403)
            continue
        shown = case.pk in [row["id"] for row in cases.json()["results"]]
        due = case_world.followup.pk in [row["id"] for row in followups.json()["results"]]
        assert shown is due is (role in ("owner", "colleague", "officer")), role
    assert client_for(None).get("/api/v1/cases/").status_code == 401
    assert client_for(None).get("/api/v1/followups/").status_code == 401
