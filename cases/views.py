"""Pages of case work: a person's cases (a section of their file), a case with its timeline
and its forms, "Mon travail", the list of cases. Notes, documents and transfers have their
pages elsewhere (cases.confidential_urls, the transfer pages).

Thin views: forms validate, services write, every case is looked up through
`Case.objects.visible_to(user)` first, so a case out of scope answers 404 whatever the method;
a case the user sees but may not write on (an IOM officer on a partner's case) answers 404 to
every POST too (a GET on a POST-only address goes back to the case page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from assistance.identity import identity_withheld, withdrawn_for
from assistance.models import Assistance
from assistance.services import assistance_record
from assistance.views import LAST_ENTRY_KEY
from beneficiaries.views import render_person_page, visible_beneficiary
from cases import forms as case_forms
from cases.filters import CaseFilter
from cases.forms import case_holders
from cases.models import Case, FollowUp, Goal
from cases.selectors import case_timeline, cases_of_person, my_work, with_contact_dates
from cases.services import (
    assessment_record,
    case_close,
    case_open,
    case_reopen,
    case_update,
    followup_add,
    followup_complete,
    goal_add,
    goal_link_assistance,
    goal_update,
)
from cases.services.base import manages_cases
from core import access, clock
from core.forms import ALL_CHOICES_LABEL, form_errors_from
from partners.access import actor_for
from partners.permissions import require_case_staff

PAGE_SIZE = 50


# --- Looking cases up -------------------------------------------------------------------------


def _visible_cases(request):
    require_case_staff(request)
    return (
        Case.objects.visible_to(request.user)
        .select_related("beneficiary", "organisation", "assigned_to")
        .annotate(identity_withheld=identity_withheld(withdrawn_for(request.user)))
    )


def visible_case(request, case_id: int) -> Case:
    return get_object_or_404(_visible_cases(request), pk=case_id)


def require_writable(request, case: Case) -> None:
    """A case the user may only read (an IOM officer on a partner's case) answers 404 to a
    write, as one out of scope does."""
    if not Case.objects.writable_by(request.user).filter(pk=case.pk).exists():
        raise Http404


def _case_url(case: Case, anchor: str = "") -> str:
    return reverse("cases:detail", args=[case.pk]) + (f"#{anchor}" if anchor else "")


# --- The person's file ------------------------------------------------------------------------


def person_section(request, person):
    """The person's cases on their file (registered in beneficiaries.hooks): the cases the
    viewer may see, and the form that opens one in the viewer's organisation when it holds
    no open case for the person."""
    actor = actor_for(request.user)
    if not actor.works_on_records:
        return None
    cases = list(cases_of_person(person, user=request.user))
    can_open = (
        bool(actor.organisation_id)
        and not person.is_pseudonymised
        and not person.merged_into_id
        and not any(c.is_open and c.organisation_id == actor.organisation_id for c in cases)
    )
    context = {"cases": cases, "can_open": can_open}
    if can_open:
        context["open_form"] = case_forms.CaseOpenForm(
            organisation_id=actor.organisation_id, user=request.user
        )
    return "cases/_person_cases.html", context


@login_required
def case_open_view(request, beneficiary_id: int):
    person = visible_beneficiary(request, beneficiary_id)
    if request.method != "POST":
        return redirect("beneficiaries:detail", beneficiary_id=person.pk)
    actor = actor_for(request.user)
    form = case_forms.CaseOpenForm(
        request.POST, organisation_id=actor.organisation_id, user=request.user
    )
    if form.is_valid():
        try:
            case = case_open(
                beneficiary=person,
                acting_user=request.user,
                assigned_to=form.cleaned_data["assigned_to"],
                risk_level=form.cleaned_data["risk_level"],
                opened_on=form.cleaned_data["opened_on"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        except PermissionDenied as error:
            raise Http404 from error
        else:
            messages.success(request, _("Dossier de suivi ouvert."))
            return redirect(_case_url(case))
    return render_person_page(request, person, status=400, case_open_form=form)


# --- The case page ----------------------------------------------------------------------------


def render_case_page(request, case: Case, *, status: int = 200, **forms):
    """The case: its header, plan, pending follow-ups and timeline, and, for a user who may
    work on it, its forms. `forms` replace the page's own (a bound form that failed, shown in
    place with its errors, status 400); `goal_forms` and `followup_forms` map an id to the
    failed form of that goal or follow-up. Each render is a view of the person's data and is
    logged (core.access), with the case."""
    user = request.user
    access.record(
        request, access.Action.VIEW_PERSON, instance=case.beneficiary, details={"case": case.pk}
    )
    can_write = Case.objects.writable_by(user).filter(pk=case.pk).exists()
    goals = list(
        case.goals.prefetch_related(
            Prefetch(
                "assistances",
                queryset=Assistance.objects.visible_to(user).order_by("-delivered_on", "-pk"),
            )
        ).order_by("target_date", "pk")
    )
    pending = list(case.followups.pending().select_related("assignee").order_by("due_on", "pk"))
    today = clock.today()
    for followup in pending:
        followup.overdue = followup.is_overdue(today)
    context = {
        "case": case,
        "person": case.beneficiary,
        "can_write": can_write,
        "can_transfer": can_write and manages_cases(user),
        "timeline": case_timeline(case, user=user),
        "goals": goals,
        "pending_followups": pending,
        "latest_assessment": case.assessments.order_by("-assessed_on", "-pk").first(),
        "today": today,
    }
    if can_write:
        goal_forms = forms.pop("goal_forms", {})
        followup_forms = forms.pop("followup_forms", {})
        for goal in goals:
            goal.status_form = goal_forms.get(goal.pk) or case_forms.GoalStatusForm(goal=goal)
        for followup in pending:
            followup.done_form = followup_forms.get(followup.pk) or case_forms.FollowUpDoneForm(
                followup=followup
            )
        defaults = {
            "risk_form": lambda: case_forms.RiskForm(case=case),
            "reopen_form": case_forms.ReopenForm,
        }
        if case.is_open:
            defaults.update(
                assessment_form=case_forms.AssessmentForm,
                goal_form=case_forms.GoalForm,
                followup_form=lambda: case_forms.FollowUpForm(case=case),
                close_form=case_forms.CloseForm,
                assistance_form=lambda: case_forms.CaseAssistanceForm(
                    user=user,
                    beneficiary=case.beneficiary,
                    case=case,
                    initial=request.session.get(LAST_ENTRY_KEY),
                ),
            )
        for name, make in defaults.items():
            if name not in forms:
                context[name] = make()
    context.update(forms)
    return render(request, "cases/detail.html", context, status=status)


@login_required
def case_detail(request, case_id: int):
    return render_case_page(request, visible_case(request, case_id))


def _case_action(request, case_id, *, form_name, make_form, write, done, anchor):
    """One POST on a case: the form validates, one service writes. A refused write shows
    the page again with the error in place (400) and nothing changed; a write the user may
    not make answers 404."""
    case = visible_case(request, case_id)
    if request.method != "POST":
        return redirect(_case_url(case, anchor))
    require_writable(request, case)
    form = make_form(case, request.POST)
    if form.is_valid():
        try:
            write(case, form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        except PermissionDenied as error:
            raise Http404 from error
        else:
            messages.success(request, done)
            return redirect(_case_url(case, anchor))
    return render_case_page(request, case, status=400, **{form_name: form})


@login_required
def assessment_add(request, case_id: int):
    return _case_action(
        request,
        case_id,
        form_name="assessment_form",
        make_form=lambda case, data: case_forms.AssessmentForm(data),
        write=lambda case, data: assessment_record(case=case, acting_user=request.user, **data),
        done=_("Évaluation enregistrée."),
        anchor="assessment",
    )


@login_required
def goal_add_view(request, case_id: int):
    return _case_action(
        request,
        case_id,
        form_name="goal_form",
        make_form=lambda case, data: case_forms.GoalForm(data),
        write=lambda case, data: goal_add(case=case, acting_user=request.user, **data),
        done=_("Objectif ajouté au plan."),
        anchor="plan",
    )


@login_required
def followup_add_view(request, case_id: int):
    return _case_action(
        request,
        case_id,
        form_name="followup_form",
        make_form=lambda case, data: case_forms.FollowUpForm(data, case=case),
        write=lambda case, data: followup_add(case=case, acting_user=request.user, **data),
        done=_("Suivi planifié."),
        anchor="followups",
    )


@login_required
def risk_change(request, case_id: int):
    return _case_action(
        request,
        case_id,
        form_name="risk_form",
        make_form=lambda case, data: case_forms.RiskForm(data, case=case),
        write=lambda case, data: case_update(case=case, acting_user=request.user, **data),
        done=_("Niveau de risque enregistré."),
        anchor="case-header",
    )


@login_required
def case_close_view(request, case_id: int):
    return _case_action(
        request,
        case_id,
        form_name="close_form",
        make_form=lambda case, data: case_forms.CloseForm(data),
        write=lambda case, data: case_close(
            case=case,
            acting_user=request.user,
            reason=data["reason"],
            note=data["closure_note"],
            closed_on=data["closed_on"],
        ),
        done=_("Dossier clôturé."),
        anchor="case-header",
    )


@login_required
def case_reopen_view(request, case_id: int):
    return _case_action(
        request,
        case_id,
        form_name="reopen_form",
        make_form=lambda case, data: case_forms.ReopenForm(data),
        write=lambda case, data: case_reopen(case=case, acting_user=request.user, **data),
        done=_("Dossier rouvert."),
        anchor="case-header",
    )


@login_required
def case_take(request, case_id: int):
    """The user takes the case (a caseworker takes an unassigned or a colleague's case:
    giving it to someone else is a manager's transfer)."""
    case = visible_case(request, case_id)
    if request.method == "POST":
        require_writable(request, case)
        try:
            case_update(case=case, acting_user=request.user, assigned_to=request.user)
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Vous suivez ce dossier."))
    return redirect(_case_url(case, "case-header"))


@login_required
def goal_status(request, goal_id: int):
    require_case_staff(request)
    goal = get_object_or_404(Goal.objects.visible_to(request.user), pk=goal_id)
    case = visible_case(request, goal.case_id)
    if request.method != "POST":
        return redirect(_case_url(case, f"goal-{goal.pk}"))
    require_writable(request, case)
    form = case_forms.GoalStatusForm(request.POST, goal=goal)
    if form.is_valid():
        try:
            goal_update(goal=goal, acting_user=request.user, status=form.cleaned_data["status"])
        except ValidationError as error:
            form_errors_from(form, error)
        except PermissionDenied as error:
            raise Http404 from error
        else:
            messages.success(request, _("Statut de l'objectif enregistré."))
            return redirect(_case_url(case, f"goal-{goal.pk}"))
    return render_case_page(request, case, status=400, goal_forms={goal.pk: form})


@login_required
def followup_done(request, followup_id: int):
    require_case_staff(request)
    followup = get_object_or_404(FollowUp.objects.visible_to(request.user), pk=followup_id)
    case = visible_case(request, followup.case_id)
    if request.method != "POST":
        return redirect(_case_url(case, "followups"))
    require_writable(request, case)
    form = case_forms.FollowUpDoneForm(request.POST, followup=followup)
    if form.is_valid():
        try:
            followup_complete(followup=followup, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        except PermissionDenied as error:
            raise Http404 from error
        else:
            messages.success(request, _("Suivi marqué comme fait."))
            return redirect(_case_url(case, "followups"))
    return render_case_page(request, case, status=400, followup_forms={followup.pk: form})


@login_required
def assistance_add(request, case_id: int):
    """An assistance to the case's person, recorded from the case and, if chosen, linked to
    the open goal it serves: both or neither (one transaction)."""
    case = visible_case(request, case_id)
    if request.method != "POST":
        return redirect(_case_url(case, "case-assistance"))
    require_writable(request, case)
    form = case_forms.CaseAssistanceForm(
        request.POST, user=request.user, beneficiary=case.beneficiary, case=case
    )
    if form.is_valid() and not case.is_open:
        # The person's own file records assistances whatever their cases: this form serves
        # the work of an open case.
        form.add_error(None, _("Ce dossier est clôturé : rouvrez-le d'abord."))
    elif form.is_valid():
        goal = form.cleaned_data["goal"]
        try:
            with transaction.atomic():
                assistance = assistance_record(
                    beneficiary=case.beneficiary, acting_user=request.user, **form.service_fields()
                )
                if goal is not None:
                    goal_link_assistance(goal=goal, assistance=assistance, acting_user=request.user)
        except ValidationError as error:
            form_errors_from(form, error)
        except PermissionDenied as error:
            raise Http404 from error
        else:
            request.session[LAST_ENTRY_KEY] = {
                "category": assistance.category,
                "subtype": assistance.subtype,
                "project": assistance.project_id,
            }
            messages.success(
                request,
                _("Assistance enregistrée : %(category)s · %(subtype)s, %(date)s.")
                % {
                    "category": assistance.get_category_display(),
                    "subtype": assistance.get_subtype_display(),
                    "date": assistance.delivered_on.strftime("%d/%m/%Y"),
                },
            )
            return redirect(_case_url(case, "plan" if goal else "timeline"))
    return render_case_page(request, case, status=400, assistance_form=form)


# --- Mon travail and the list -----------------------------------------------------------------


def _withheld_people(user, case_ids) -> set[int]:
    """The people, among these cases', whose identity the user may no longer see (a sharing
    withdrawn: assistance.identity), in one query."""
    return set(
        Case.objects.filter(pk__in=set(case_ids))
        .filter(withdrawn_for(user))
        .values_list("beneficiary_id", flat=True)
    )


@login_required
def my_work_view(request):
    require_case_staff(request)
    work = my_work(user=request.user, today=clock.today())
    followups = [*work.overdue, *work.due_today, *work.due_this_week]
    withheld = _withheld_people(
        request.user, [c.pk for c in work.cases] + [f.case_id for f in followups]
    )
    for case in work.cases:
        case.identity_withheld = case.beneficiary_id in withheld
    for followup in followups:
        followup.identity_withheld = followup.case.beneficiary_id in withheld
    return render(request, "cases/my_work.html", {"work": work})


@login_required
def case_list(request):
    queryset = with_contact_dates(_visible_cases(request), user=request.user)
    filterset = CaseFilter(request.GET or None, queryset=queryset, request=request)
    _dress_case_filters(filterset.form, request.user)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    page = Paginator(rows.order_by("-opened_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/list.html",
        {"filterset": filterset, "page_obj": page, "today": clock.today()},
    )


def _dress_case_filters(form, user) -> None:
    """The shared FilterSet takes ids and booleans; people pick names and words."""
    from django import forms

    actor = actor_for(user)
    if actor.sees_everything:
        holders = (
            get_user_model()
            .objects.filter(assigned_cases__in=Case.objects.visible_to(user))
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
    else:
        holders = case_holders(actor.organisation_id)
    form.fields["assigned_to"].widget = forms.Select(
        choices=[("", ALL_CHOICES_LABEL)]
        + [(u.pk, u.get_full_name() or u.get_username()) for u in holders]
    )
    form.fields["overdue"].widget = forms.Select(
        choices=[("", ALL_CHOICES_LABEL), ("true", _("Oui")), ("false", _("Non"))]
    )
