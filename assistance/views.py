"""Pages of assistances: quick entry, edit and cancel, the organisation's list, and the
person's file's part (timeline, quick entry). Group sessions, referrals and return cases have
their pages in their own packages.

Thin views: forms validate, services write, every object is looked up through
`visible_to(user)` first, so an object out of scope answers 404 whatever the method."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assistance import services
from assistance.filters import AssistanceFilter
from assistance.forms import (
    AssistanceEditForm,
    CancelForm,
    QuickAssistanceForm,
    grouped_subtype_choices,
)
from assistance.models import Assistance
from assistance.selectors import beneficiary_timeline
from beneficiaries.views import render_person_page, visible_beneficiary
from core.exceptions import ConflictError
from core.forms import ALL_CHOICES_LABEL, form_errors_from, local_place_name
from partners.access import actor_for
from partners.permissions import require_case_staff

PAGE_SIZE = 50
# The category, type and project of the user's last quick entry: the next person's form
# starts from them (a day of food vouchers is one choice, not one per person).
LAST_ENTRY_KEY = "last_quick_entry"


def _writable_assistance(request, assistance_id: int) -> Assistance:
    """Only the providing organisation corrects or cancels a row (404 otherwise)."""
    actor = require_case_staff(request)
    queryset = Assistance.objects.visible_to(request.user).with_identity_withheld(request.user)
    if not actor.sees_everything:
        queryset = queryset.filter(provider_id=actor.organisation_id)
    return get_object_or_404(queryset.select_related("beneficiary", "project"), pk=assistance_id)


def person_page(request, person, forms: dict) -> dict:
    """What the person's file shows of their assistances: the timeline and the quick-entry
    form, which starts from the user's last entry (registered in beneficiaries.hooks)."""
    context = {"timeline": beneficiary_timeline(user=request.user, beneficiary=person)}
    if "quick_form" not in forms:
        context["quick_form"] = QuickAssistanceForm(
            user=request.user, beneficiary=person, initial=request.session.get(LAST_ENTRY_KEY)
        )
    return context


# --- Assistances ------------------------------------------------------------------------------


@login_required
@require_GET
def subtype_options(request):
    """HTMX: the <option>s of one category's subtypes (the category select's name may carry
    a form prefix)."""
    require_case_staff(request)
    category = next((value for key, value in request.GET.items() if key.endswith("category")), "")
    picked = next((value for key, value in request.GET.items() if key.endswith("subtype")), "")
    choices = grouped_subtype_choices(category)
    html = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (code, " selected" if code and code == picked else "", label)
            for code, label in choices
            if not isinstance(label, list | tuple)
        ),
    )
    return HttpResponse(html)


@login_required
def assistance_list(request):
    require_case_staff(request)
    queryset = (
        Assistance.objects.visible_to(request.user)
        .with_identity_withheld(request.user)
        .select_related("beneficiary", "provider", "project", "city")
    )
    filterset = AssistanceFilter(request.GET or None, queryset=queryset, request=request)
    _dress_assistance_filters(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "organisation_id": actor_for(request.user).organisation_id,
        },
    )


def _dress_assistance_filters(form) -> None:
    from django import forms

    from partners.models import City

    for name in ("delivered_from", "delivered_to"):
        form.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    form.fields["city"].widget = forms.Select(
        choices=[("", ALL_CHOICES_LABEL)]
        + [(c.code, local_place_name(c)) for c in City.objects.all()]
    )
    form.fields["beneficiary"].widget = forms.HiddenInput()


@login_required
def assistance_create(request, beneficiary_id: int):
    person = visible_beneficiary(request, beneficiary_id)
    if request.method != "POST":
        return redirect("beneficiaries:detail", beneficiary_id=person.pk)
    form = QuickAssistanceForm(request.POST, user=request.user, beneficiary=person)
    if form.is_valid():
        try:
            assistance = services.assistance_record(
                beneficiary=person, acting_user=request.user, **form.service_fields()
            )
        except ValidationError as error:
            form_errors_from(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
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
            return redirect(reverse("beneficiaries:detail", args=[person.pk]) + "#quick-entry")
    return render_person_page(request, person, status=400, quick_form=form)


@login_required
def assistance_edit(request, assistance_id: int):
    assistance = _writable_assistance(request, assistance_id)
    conflict = False
    if request.method == "POST":
        form = AssistanceEditForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.assistance_update(
                    assistance=assistance,
                    acting_user=request.user,
                    expected_version=form.cleaned_data["version"],
                    **form.service_fields(),
                )
            except ConflictError as error:
                conflict = True
                assistance = error.current
                data = request.POST.copy()
                data["version"] = error.current.version
                form = AssistanceEditForm(data, user=request.user)
                form.is_valid()
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Assistance corrigée."))
                return redirect("beneficiaries:detail", beneficiary_id=assistance.beneficiary_id)
    else:
        form = AssistanceEditForm(
            initial=AssistanceEditForm.initial_for(assistance), user=request.user
        )
    return render(
        request,
        "assistance/edit.html",
        {"form": form, "assistance": assistance, "conflict": conflict},
    )


@login_required
def assistance_cancel(request, assistance_id: int):
    assistance = _writable_assistance(request, assistance_id)
    if request.method == "POST":
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                services.assistance_cancel(
                    assistance=assistance,
                    acting_user=request.user,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except ConflictError as error:
                messages.error(request, error.message)
                return redirect("assistance:cancel", assistance_id=assistance.pk)
            messages.success(request, _("Assistance annulée : elle reste visible, barrée."))
            return redirect("beneficiaries:detail", beneficiary_id=assistance.beneficiary_id)
    else:
        form = CancelForm(initial={"version": assistance.version})
    return render(request, "assistance/cancel.html", {"form": form, "assistance": assistance})
