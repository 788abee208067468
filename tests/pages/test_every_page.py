"""Every page, opened by everyone who may open it, in French, English and Arabic.

One object of every kind is created through the services (a person, an assistance, a group
session, a referral accepted by another partner, a public-health referral, a return case that
has come home, a confirmed import, a published bilan, a closed period, a notice). Then every
page URL of the resolver (the same walk as test_sealed.py) is aimed at those objects and
opened as each role: the owner's caseworker and manager, the partner the person was referred
to, an IOM officer and the donor. A page must never fail (a template that misses its
`{% load %}` raises here); a page showing an object its visitor may see must answer, and the
detail pages must show the object they are about.
"""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assistance import services as assistance_services
from assistance.activities import services as activity_services
from assistance.importer.models import ImportBatch
from assistance.importer.services import import_batch_create, import_batch_process
from assistance.referrals import services as referral_services
from assistance.returns import services as return_services
from beneficiaries.models import BeneficiaryMerge
from beneficiaries.services import beneficiary_merge, beneficiary_register
from bilans import services as bilan_services
from bilans.models import BilanSnapshot
from capacity import services as capacity_services
from cases import services as case_services
from core.models import Notification
from partners import services as partner_services
from partners.services import api_token_create, user_upsert
from reporting.periods import parse_period
from tests.html_checks import inline_code
from tests.pages.test_sealed import (
    NON_OBJECT_KWARGS,
    _describe,
    _kwarg_names,
    _kwarg_target,
    _substitute,
    all_page_patterns,
)
from tests.partners.factories import city

LANGUAGES = ("fr", "en", "ar")
# Pages that only act (POST) or stream a file: a GET may answer 405 or a redirect.
ACTIONS = {
    "logout",
    "set_language",
    "assistance:cancel",
    "assistance:referral_respond",
    "assistance:referral_outcome",
    "assistance:return_advance",
    "assistance:return_reintegration",
    # Case work's forms post to these; a GET goes back to the case (or the person's file).
    "cases:open",
    "cases:assessment_add",
    "cases:goal_add",
    "cases:goal_status",
    "cases:followup_add",
    "cases:followup_done",
    "cases:assistance_add",
    "cases:risk",
    "cases:take",
    "cases:close",
    "cases:reopen",
    "imports:confirm",
    "bilans:publish",
    "bilans:regenerate",
    "bilans:mission_request",
    "bilans:reopen",
    "core:notification_read",
    "capacity:delete",
    "partners:token_create",
    "partners:token_revoke",
    "partners:token_revoke_all",
    "partners:lockout_release",
    "partners:backup_codes_renew",
    "partners:second_factor_reset",
    "beneficiaries:merge_undo",
    "partners:member_reactivate",
    "case_files:note_add",
    "results:result_delete",
    "results:target_delete",
}
# Polled by the page while work runs: 204 once there is nothing more to show.
POLLED = {"imports:progress", "bilans:progress"}


@pytest.fixture
def world(alice, manager_a, charlie, officer, donor_user, project, partner_b, settings, tmp_path):
    """One object of every kind, made through the services as the users would make them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    person = beneficiary_register(
        acting_user=alice,
        beneficiary_ref="OUJ-0001",
        first_name="Aïssatou",
        last_name="Bangoura",
        sex="F",
        date_of_birth=datetime.date(1995, 5, 5),
        nationality="GN",
        city=city("oujda"),
        registered_on=datetime.date(2023, 4, 1),
        consent=True,
    )
    assistance = assistance_services.assistance_record(
        beneficiary=person,
        category="medical",
        subtype="consultation",
        delivered_on=datetime.date(2023, 4, 3),
        project=project,
        acting_user=alice,
    )
    activity = activity_services.activity_record(
        category="awareness",
        subtype="health",
        title="Causerie santé maternelle",
        held_on=datetime.date(2023, 4, 4),
        participants=[person],
        project=project,
        acting_user=alice,
    )
    referral = referral_services.referral_create(
        beneficiary=person,
        category="legal",
        consent=True,
        to_organisation=partner_b,
        acting_user=alice,
    )
    referral_services.referral_respond(referral=referral, accept=True, acting_user=charlie)
    public_referral = referral_services.referral_create(
        beneficiary=person,
        category="medical",
        consent=True,
        to_structure="Hôpital Al Farabi",
        acting_user=alice,
    )
    return_case = return_services.return_case_open(
        beneficiary=person, country="GN", acting_user=alice, opened_on=datetime.date(2023, 4, 5)
    )
    return_services.return_case_advance(
        return_case=return_case,
        stage="returned",
        on=datetime.date(2023, 5, 20),
        acting_user=alice,
    )
    batch = import_batch_create(
        acting_user=alice,
        organisation=person.organisation,
        file_name="saisie-avril.csv",
        content=(
            "beneficiary_ref,sex,category,subtype,delivered_on,project\n"
            f"OUJ-0002,M,food,food_voucher,2023-04-10,{project.code}\n"
        ).encode(),
        source=ImportBatch.Source.WEB,
        project=project,
    )
    import_batch_process(batch=batch, commit=True)
    # The quarterly schedule drafts the bilan and leaves officers a notice.
    (bilan,) = bilan_services.bilan_schedule_quarterly(today=datetime.date(2023, 7, 5))
    bilan_services.bilan_generate(snapshot_id=bilan.pk)
    bilan.refresh_from_db()
    bilan_services.bilan_publish(snapshot=bilan, acting_user=officer)
    case = case_services.case_open(
        beneficiary=person, acting_user=alice, opened_on=datetime.date(2023, 4, 2)
    )
    goal = case_services.goal_add(case=case, acting_user=alice, title="Logement stable")
    followup = case_services.followup_add(
        case=case, acting_user=alice, due_on=datetime.date(2023, 4, 20), action="Visite"
    )
    closed = partner_services.period_close(
        project=project, period=parse_period("2023-Q1"), acting_user=officer
    )
    twins = [
        beneficiary_register(acting_user=alice, beneficiary_ref=ref, first_name="Binta")
        for ref in ("OUJ-0005", "OUJ-0006")
    ]
    beneficiary_merge(duplicate=twins[1], keep=twins[0], acting_user=manager_a)
    return {
        "capacity_event": capacity_services.capacity_event_record(
            kind="workshop",
            title="Atelier des soignant·es",
            start=datetime.date(2023, 4, 6),
            city=city("oujda"),
            project=project,
            counts={"health_staff": {"F": 3, "M": 1}},
            participants=[{"name": "Dr Lamia", "sex": "F", "institution": "health_staff"}],
            acting_user=alice,
        ),
        "case_note": case_services.note_add(case=case, body="Note du suivi", acting_user=alice),
        "case_document": case_services.document_upload(
            case=case,
            kind="consent_form",
            uploaded_file=SimpleUploadedFile("consentement.pdf", b"%PDF-1.4\n%%EOF\n"),
            acting_user=alice,
        ),
        "project": project,
        "beneficiary": person,
        # Recorded with the person (consent=True): the ledger's `services` entry.
        "consent": person.consents.get(purpose="services"),
        "assistance": assistance,
        "activity": activity,
        "referral": referral,
        "public_referral": public_referral,
        "return_case": return_case,
        "case": case,
        "goal": goal,
        "followup": followup,
        "import_batch": batch,
        "bilan": BilanSnapshot.objects.get(pk=bilan.pk),
        "closed_period": closed,
        "merge": BeneficiaryMerge.objects.get(),
        "notification": Notification.objects.filter(user=officer).first(),
        # The project's results framework (results app), entered by an officer.
        **_results_framework(project, officer),
        # The user's page: a manager resets a member's password; each user revokes a token.
        "membership": alice.membership,
        **{
            f"api_token_{user.username}": api_token_create(user=user, acting_user=user)[0]
            for user in (alice, manager_a, charlie, officer, donor_user)
        },
    }


def _results_framework(project, officer) -> dict:
    from reporting.models import Indicator
    from results import services as results_services

    result = results_services.expected_result_create(
        project=project,
        statement_fr="Ces bénéficiaires auront accès aux soins",
        acting_user=officer,
    )
    target = results_services.target_create(
        result=result,
        indicator=Indicator.objects.get(code="beneficiaries_reached"),
        target_total=10,
        acting_user=officer,
    )
    return {"expected_result": result, "target": target}


def _in_scope(model, user, world):
    """An object of `model` from the world that `user` may see (None if none)."""
    manager = model._default_manager
    queryset = manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()
    if model is Notification:
        queryset = queryset.filter(user=user)
    made = [o.pk for o in world.values() if isinstance(o, model)]
    return queryset.filter(pk__in=made).order_by("pk").first() if made else None


def _url_for(chain, entry, user, world):
    """The URL of a page aimed at objects `user` may see; None when there is none."""
    values = {}
    for name in _kwarg_names(chain):
        target = _kwarg_target(name, entry, chain)
        if target is None:
            values[name] = NON_OBJECT_KWARGS[name]
            continue
        model, field = target
        if model == "content_type":
            return None  # the admin's "view on site" shortcut: nothing of ours to render
        obj = _in_scope(model, user, world)
        if obj is None:
            return None
        values[name] = getattr(obj, field)
    return "/" + "".join(_substitute(p, values) for p in chain)


def _admin(chain) -> bool:
    return _describe(chain[0]).startswith("admin/")


def _full_name(entry) -> str:
    from tests.pages.test_sealed import _FULL_NAMES

    return _FULL_NAMES.get(id(entry), entry.name or "")


# The pages each role has (by URL name, or prefix ending in ":"/"_"); the others must refuse
# it (403, 404 or a sign-in redirect), and nothing may fail.
EVERYONE = (
    "home",
    "healthz",
    "login",
    "logout",
    "set_language",
    # The user's own page and its tokens, and the password change page. (The reset-by-e-mail
    # pages answer 404 here: no mail server is configured.)
    "partners:account",
    "partners:token_",
    "partners:password_change",
    # The user's own second factor (partners.views).
    "partners:second_factor",
    "partners:second_factor_verify",
    "partners:second_factor_enrol",
    "partners:second_factor_codes",
    "partners:backup_codes_renew",
)
# Who resets others' passwords and second factors, and unlocks them, from the "Sécurité"
# hub: managers (their organisation) and IOM officers.
MEMBER_PAGES = (
    "partners:members",
    "partners:member_invite",
    "partners:member_deactivate",
    "partners:member_reactivate",
    "partners:member_password_reset",
    "partners:lockouts",
    "partners:lockout_release",
    "partners:second_factor_reset",
    "partners:security",
)
ROLE_PAGES = {
    "partner": (
        *EVERYONE,
        "beneficiaries:",
        "assistance:",
        "cases:",
        "capacity:",
        "imports:",
        "reporting:drilldown",
        "core:notification_read",
        # A case's notes and documents: the owning organisation's (cases.confidential_views).
        "case_files:index",
        "case_files:note_",
        "case_files:document_",
        # The projects they implement, read only (results app).
        "results:project_list",
        "results:project_detail",
    ),
    "officer": (
        *MEMBER_PAGES,
        *EVERYONE,
        "beneficiaries:",
        "assistance:",
        "cases:",
        "capacity:",
        "imports:upload",
        "imports:detail",
        "imports:progress",
        "imports:confirm",
        "imports:errors_csv",
        "imports:template_",
        "reporting:",
        "results:",
        "bilans:",
        "audit:",
        "admin:",
        # IOM's own cases only: a partner's case's notes and documents are refused.
        "case_files:transfer_all",
    ),
    "donor": (
        *EVERYONE,
        "bilans:portal",
        "bilans:portal_project",
        "bilans:download",
        # The projects it funds, read only (results app).
        "results:project_list",
        "results:project_detail",
    ),
}
# Transfers: the organisation's managers.
ROLE_PAGES["manager"] = (
    *ROLE_PAGES["partner"],
    *MEMBER_PAGES,
    "case_files:case_transfer",
    "case_files:transfer_all",
)
# A partner the person was referred to sees them, but only their owner changes their file.
OWNER_ONLY = {"beneficiaries:edit", "beneficiaries:consent_add", "beneficiaries:consent_withdraw"}
# DESIGN.md §8: the owner's managers (and IOM officers) put a file under a legal hold or
# erase it; the owner's caseworkers are refused (403).
MANAGER_ONLY = {
    "beneficiaries:erase",
    "beneficiaries:legal_hold",
    # Merging duplicates (beneficiaries.merges): managers within their organisation, officers.
    "beneficiaries:merge",
    "beneficiaries:merge_compare",
}
# IOM officers only, among the people's pages: the list of merges and their undo.
OFFICER_ONLY = {"beneficiaries:merge_list", "beneficiaries:merge_undo"}
# Officers use the admin for the project's apps, not Django's own users, groups and tokens,
# nor django-otp's devices (they reset a second factor on its own page).
NOT_FOR_OFFICERS = ("admin:auth_", "admin:otp_")
# Pages that need a query to show anything.
QUERIES = {
    "reporting:drilldown": "?indicator=medical_services&start=2023-04-01&end=2023-06-30&cell=women",
    "reporting:dashboard": "?start=2023-04-01&end=2023-06-30",
    "reporting:mission": "?year=2023",
}


def _role_has(role: str, name: str) -> bool:
    if role == "officer" and name.startswith(NOT_FOR_OFFICERS):
        return False
    if role == "receiving partner":
        return name not in OWNER_ONLY and _role_has("partner", name)
    if role == "partner" and name in MANAGER_ONLY:
        return False
    if role in ("partner", "manager") and name in OFFICER_ONLY:
        return False
    return any(
        name == page or (page.endswith((":", "_")) and name.startswith(page))
        for page in ROLE_PAGES[role]
    )


# What each detail page must show of its object (the text a user would look for).
SHOWN = {
    "beneficiaries:detail": lambda w: w["beneficiary"].last_name,
    "assistance:activity_detail": lambda w: w["activity"].title,
    "assistance:referral_detail": lambda w: w["beneficiary"].last_name.upper(),
    "assistance:return_detail": lambda w: w["beneficiary"].last_name,
    "cases:detail": lambda w: w["beneficiary"].last_name.upper(),
    "imports:detail": lambda w: w["import_batch"].file_name,
    "bilans:detail": lambda w: w["bilan"].project.code,
    "bilans:portal_project": lambda w: w["bilan"].project.title,
    "results:project_detail": lambda w: w["expected_result"].statement_fr,
    "case_files:note_detail": lambda w: "Note du suivi",
    "capacity:edit": lambda w: w["capacity_event"].title,
}


@pytest.fixture
def visitors(alice, manager_a, charlie, officer, donor_user, iom):
    # As `add_user` makes an officer: staff, with the admin permissions of the project's apps.
    officer, _created = user_upsert(username=officer.username, organisation=iom, role="iom_officer")
    return {
        "caseworker (owner)": ("partner", alice),
        "manager (owner)": ("manager", manager_a),
        "caseworker (referred to)": ("receiving partner", charlie),
        "IOM officer": ("officer", officer),
        "donor": ("donor", donor_user),
    }


def test_every_page_opens_for_everyone_who_may_see_it(client, world, visitors):
    failures, opened, shown = [], set(), set()
    patterns = [
        (c, e) for c, e in all_page_patterns() if not _admin(c) or "change" in (e.name or "")
    ]
    for label, (role, user) in visitors.items():
        client.force_login(user)
        for chain, entry in patterns:
            url = _url_for(chain, entry, user, world)
            if url is None:
                continue
            name = _full_name(entry)
            url += QUERIES.get(name, "")
            for language in LANGUAGES:
                response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
                status = response.status_code
                if not _role_has(role, name):
                    if status not in (302, 403, 404, 405):
                        failures.append(f"{label} [{language}] GET {url} ({name}): {status}")
                    continue
                allowed = (200, 204, 302, 405) if name in ACTIONS | POLLED else (200, 302)
                if status not in allowed:
                    failures.append(f"{label} [{language}] GET {url} ({name}): {status}")
                    continue
                opened.add(name)
                # Nothing the Content-Security-Policy would refuse (tests/html_checks.py).
                if status == 200 and response.get("Content-Type", "").startswith("text/html"):
                    found = inline_code(response.content.decode())
                    if found:
                        failures.append(f"{label} [{language}] {url}: {found}")
                if status == 200 and name in SHOWN:
                    text = SHOWN[name](world)
                    if text not in response.content.decode():
                        failures.append(f"{label} [{language}] {url}: does not show {text!r}")
                    else:
                        shown.add(name)
        client.logout()
    assert failures == [], "\n".join(failures)
    # The walk saw the pages that matter, each with its object.
    assert set(SHOWN) <= shown, set(SHOWN) - shown
    assert {
        "home",
        "beneficiaries:list",
        "assistance:list",
        "assistance:referral_list",
        "assistance:return_list",
        "cases:my_work",
        "cases:list",
        "reporting:dashboard",
        "reporting:mission",
        "reporting:quality",
        "bilans:list",
        "bilans:portal",
        "bilans:download",
        "partners:account",
        "partners:password_change",
        "partners:members",
        "partners:member_invite",
        "partners:member_deactivate",
        "partners:member_password_reset",
        "partners:lockouts",
        "partners:security",
        "audit:list",
        "audit:export",
    } <= opened


def test_the_world_has_one_object_of_every_kind_the_pages_show(world):
    """A new model shown by a page gets an object here, or its page is never opened."""
    page_models = set()
    for chain, entry in all_page_patterns():
        if _admin(chain):
            continue
        for name in _kwarg_names(chain):
            target = _kwarg_target(name, entry, chain)
            if target is not None and target != ("content_type", None):
                page_models.add(target[0])
    made = {type(obj) for obj in world.values()}
    assert page_models <= made, {m.__name__ for m in page_models - made}
    assert apps.get_model("assistance", "Activity") in made


def test_the_group_session_page_opens_in_every_language(client, world, alice):
    """The page that crashed (a filter used without its {% load %})."""
    client.force_login(alice)
    url = reverse("assistance:activity_detail", args=[world["activity"].pk])
    for language in LANGUAGES:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert "Causerie santé maternelle" in response.content.decode()
