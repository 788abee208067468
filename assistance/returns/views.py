"""Pages of return cases (AVRR): the list, open a case, its stages, move it on, record
reintegration support. Only the organisation that opened a case (or IOM) writes in it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from assistance.choices import RETURN_STAGE_ORDER, ReturnStage
from assistance.models import Assistance
from assistance.returns import services
from assistance.returns.forms import ReintegrationForm, ReturnAdvanceForm, ReturnCaseOpenForm
from assistance.returns.models import ReturnCase
from assistance.views import PAGE_SIZE
from beneficiaries.views import visible_beneficiary
from core.forms import form_errors_from
from partners.access import actor_for
from partners.permissions import require_case_staff


@login_required
def return_list(request):
    require_case_staff(request)
    rows = (
        ReturnCase.objects.visible_to(request.user)
        .with_identity_withheld(request.user)
        .select_related("beneficiary", "organisation")
    )
    stage = request.GET.get("stage", "")
    if stage in ReturnStage.values:
        rows = rows.filter(stage=stage)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/return_list.html",
        {"page_obj": page, "stage": stage, "stages": ReturnStage.choices},
    )


@login_required
def return_open(request, beneficiary_id: int):
    person = visible_beneficiary(request, beneficiary_id)
    if request.method == "POST":
        form = ReturnCaseOpenForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                case = services.return_case_open(
                    beneficiary=person, acting_user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Dossier de retour ouvert (étape : conseil)."))
                return redirect("assistance:return_detail", returncase_id=case.pk)
    else:
        form = ReturnCaseOpenForm(user=request.user)
    return render(request, "assistance/return_open.html", {"form": form, "person": person})


def _visible_case(request, returncase_id: int) -> ReturnCase:
    require_case_staff(request)
    return get_object_or_404(
        ReturnCase.objects.visible_to(request.user)
        .with_identity_withheld(request.user)
        .select_related("beneficiary", "organisation", "project")
        .prefetch_related(
            Prefetch(
                "assistances",
                queryset=Assistance.objects.visible_to(request.user).order_by("delivered_on", "id"),
            )
        ),
        pk=returncase_id,
    )


def _writable_case(request, returncase_id: int) -> ReturnCase:
    """Only the organisation that opened a case (or IOM) moves it on (404 otherwise): the
    person's own organisation sees it, and no more."""
    case = _visible_case(request, returncase_id)
    if not _can_write_case(request, case):
        raise Http404
    return case


def _can_write_case(request, case: ReturnCase) -> bool:
    actor = actor_for(request.user)
    return actor.sees_everything or case.organisation_id == actor.organisation_id


@login_required
def return_detail(request, returncase_id: int, advance_form=None, reintegration_form=None):
    case = _visible_case(request, returncase_id)
    current = RETURN_STAGE_ORDER.index(case.stage) if case.stage in RETURN_STAGE_ORDER else None
    stages = [
        {
            "code": code,
            "label": ReturnStage(code).label,
            "state": "current"
            if index == current
            else ("done" if current is not None and index < current else "todo"),
        }
        for index, code in enumerate(RETURN_STAGE_ORDER)
    ]
    is_open = case.stage not in (ReturnStage.CLOSED, ReturnStage.CANCELLED)
    return render(
        request,
        "assistance/return_detail.html",
        {
            "case": case,
            "stages": stages,
            "is_open": is_open,
            "can_write": _can_write_case(request, case),
            "advance_form": advance_form or ReturnAdvanceForm(case=case),
            "reintegration_form": reintegration_form or ReintegrationForm(),
            "can_reintegrate": case.stage in services.REINTEGRATION_STAGES,
        },
        status=400 if (advance_form or reintegration_form) else 200,
    )


@login_required
def return_advance(request, returncase_id: int):
    case = _writable_case(request, returncase_id)
    if request.method != "POST":
        return redirect("assistance:return_detail", returncase_id=case.pk)
    form = ReturnAdvanceForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.return_case_advance(
                return_case=case,
                stage=form.cleaned_data["stage"],
                on=form.cleaned_data["on"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form_errors_from(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Étape enregistrée."))
            return redirect("assistance:return_detail", returncase_id=case.pk)
    return return_detail(request, returncase_id, advance_form=form)


@login_required
def return_reintegration(request, returncase_id: int):
    case = _writable_case(request, returncase_id)
    if request.method != "POST":
        return redirect("assistance:return_detail", returncase_id=case.pk)
    form = ReintegrationForm(request.POST)
    if form.is_valid():
        try:
            services.return_case_reintegrate(
                return_case=case, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_from(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Assistance à la réintégration enregistrée."))
            return redirect("assistance:return_detail", returncase_id=case.pk)
    return return_detail(request, returncase_id, reintegration_form=form)
