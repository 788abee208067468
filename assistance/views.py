"""Pages of the assistance app: quick entry, edit and cancel; group sessions; the
organisation's list; referrals (send, inbox, answer, outcome); AVRR return cases.

Thin views: forms validate, services write, every object is looked up through
`visible_to(user)` first, so an object out of scope answers 404 whatever the method."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from assistance import services
from assistance.choices import Category, ReferralStatus, ReturnStage
from assistance.filters import AssistanceFilter, ReferralFilter
from assistance.forms import (
    ActivityForm,
    AssistanceEditForm,
    CancelForm,
    DeclineForm,
    OutcomeForm,
    QuickAssistanceForm,
    ReferralForm,
    ReintegrationForm,
    ReturnAdvanceForm,
    ReturnCaseOpenForm,
    grouped_subtype_choices,
)
from assistance.models import Activity, Assistance, Referral, ReturnCase
from assistance.selectors import beneficiary_timeline
from beneficiaries.models import Beneficiary
from beneficiaries.selectors import beneficiary_search
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
    queryset = Assistance.objects.visible_to(request.user)
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
    queryset = Assistance.objects.visible_to(request.user).select_related(
        "beneficiary", "provider", "project", "city"
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


# --- Group sessions -----------------------------------------------------------------------------


@login_required
def activity_create(request):
    require_case_staff(request)
    if request.method == "POST":
        form = ActivityForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                activity = services.activity_record(
                    category=data["category"],
                    subtype=data["subtype"],
                    title=data["title"],
                    held_on=data["held_on"],
                    project=data["project"],
                    city=data["city"],
                    participants=list(data["participants"] or []),
                    headcounts=form.anonymous_headcounts(),
                    acting_user=request.user,
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Séance enregistrée pour %(counter)s personne.",
                        "Séance enregistrée pour %(counter)s personnes.",
                        activity.headcount,
                    )
                    % {"counter": activity.headcount},
                )
                return redirect("assistance:activity_detail", activity_id=activity.pk)
        selected = _selected_participants(request, request.POST.getlist("participants"))
    else:
        initial = {"category": request.GET.get("category") or Category.AWARENESS}
        form = ActivityForm(initial=initial, user=request.user)
        selected = _selected_participants(request, request.GET.getlist("ids"))
    return render(request, "assistance/activity_form.html", {"form": form, "selected": selected})


def _selected_participants(request, ids) -> list[Beneficiary]:
    clean_ids = [int(i) for i in ids if str(i).isdigit()]
    if not clean_ids:
        return []
    return list(Beneficiary.objects.visible_to(request.user).active().filter(pk__in=clean_ids))


@login_required
@require_GET
def participant_search(request):
    """HTMX: people matching a name, as checkboxes to add to a group session."""
    require_case_staff(request)
    query = request.GET.get("q", "").strip()
    people = []
    if len(query) >= 2:
        exclude = [int(i) for i in request.GET.getlist("participants") if i.isdigit()]
        people = list(
            beneficiary_search(user=request.user, query=query)
            .exclude(pk__in=exclude)
            .select_related("city")[:15]
        )
    return render(
        request, "assistance/_participant_options.html", {"people": people, "query": query}
    )


@login_required
def activity_detail(request, activity_id: int):
    require_case_staff(request)
    activity = get_object_or_404(
        Activity.objects.visible_to(request.user).select_related("project", "city", "organisation"),
        pk=activity_id,
    )
    rows = (
        Assistance.objects.visible_to(request.user)
        .filter(activity=activity)
        .select_related("beneficiary")
        .order_by("beneficiary__last_name", "beneficiary__first_name")
    )
    return render(request, "assistance/activity_detail.html", {"activity": activity, "rows": rows})


# --- Referrals -------------------------------------------------------------------------------


@login_required
def referral_create(request, beneficiary_id: int):
    person = visible_beneficiary(request, beneficiary_id)
    if request.method == "POST":
        form = ReferralForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                referral = services.referral_create(
                    beneficiary=person, acting_user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form_errors_from(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Référencement envoyé."))
                return redirect("assistance:referral_detail", referral_id=referral.pk)
    else:
        form = ReferralForm(user=request.user)
    return render(request, "assistance/referral_form.html", {"form": form, "person": person})


def _visible_referral(request, referral_id: int) -> Referral:
    require_case_staff(request)
    return get_object_or_404(
        Referral.objects.visible_to(request.user).select_related(
            "beneficiary", "from_organisation", "to_organisation", "project", "assistance"
        ),
        pk=referral_id,
    )


# The inbox's tabs: the `direction` of the shared ReferralFilter; IOM officers, who see every
# referral, also get all of them in one tab.
RECEIVED, SENT, ALL = "received", "sent", "all"


def _inbox_tabs(actor) -> tuple[str, ...]:
    return (RECEIVED, SENT, ALL) if actor.sees_everything else (RECEIVED, SENT)


@login_required
def referral_list(request):
    """The inbox: received referrals (pending ones first) and sent ones in separate tabs,
    each with its count; the filters apply within the tab."""
    actor = require_case_staff(request)
    tabs = _inbox_tabs(actor)
    tab = request.GET.get("direction")
    if tab not in tabs:
        tab = ALL if actor.sees_everything else RECEIVED
    data = request.GET.copy()
    data["direction"] = "" if tab == ALL else tab
    queryset = Referral.objects.visible_to(request.user).select_related(
        "beneficiary", "from_organisation", "to_organisation"
    )
    pending_first = Case(
        When(
            status=ReferralStatus.PENDING, to_organisation_id=actor.organisation_id, then=Value(0)
        ),
        default=Value(1),
        output_field=IntegerField(),
    )
    filterset = ReferralFilter(data, queryset=queryset, request=request)
    if not filterset.is_valid():
        # The errors show on the filters; the tab still applies.
        data = QueryDict(mutable=True)
        data["direction"] = "" if tab == ALL else tab
    rows = ReferralFilter(data, queryset=queryset, request=request).qs
    rows = rows.order_by(pending_first, "-referred_on", "-id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    data = data.copy()
    data["direction"] = ""
    every_direction = ReferralFilter(data, queryset=queryset, request=request).qs
    return render(
        request,
        "assistance/referral_list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "organisation_id": actor.organisation_id,
            "tab": tab,
            "tabs": _tab_counts(every_direction, actor, tabs),
            "filters_used": any(
                request.GET.get(name) for name in filterset.form.fields if name != "direction"
            ),
        },
    )


def _tab_counts(referrals, actor, tabs) -> list[dict]:
    """Each tab's count under the same filters, in one query over the visible referrals."""
    received = Q(to_organisation_id=actor.organisation_id)
    counts = referrals.order_by().aggregate(
        received=Count("pk", filter=received),
        pending=Count("pk", filter=received & Q(status=ReferralStatus.PENDING)),
        sent=Count("pk", filter=Q(from_organisation_id=actor.organisation_id)),
        all=Count("pk"),
    )
    labels = {RECEIVED: _("Reçus"), SENT: _("Envoyés"), ALL: _("Tous")}
    return [
        {
            "code": code,
            "label": labels[code],
            "count": counts[code],
            "pending": counts["pending"] if code == RECEIVED else 0,
        }
        for code in tabs
    ]


def _can_respond(referral: Referral, actor) -> bool:
    return (
        referral.status == ReferralStatus.PENDING
        and referral.to_organisation_id is not None
        and (actor.sees_everything or referral.to_organisation_id == actor.organisation_id)
    )


@login_required
def referral_detail(request, referral_id: int):
    referral = _visible_referral(request, referral_id)
    actor = actor_for(request.user)
    person_visible = (
        Beneficiary.objects.visible_to(request.user).filter(pk=referral.beneficiary_id).exists()
    )
    recorder_id = referral.outcome_recorder_id
    return render(
        request,
        "assistance/referral_detail.html",
        {
            "referral": referral,
            "person": referral.beneficiary,
            "person_visible": person_visible,
            "age": referral.beneficiary.age_on(timezone.localdate()),
            "can_respond": _can_respond(referral, actor),
            "can_record_outcome": recorder_id is not None
            and (actor.sees_everything or recorder_id == actor.organisation_id),
            "outcome_form": OutcomeForm(),
        },
    )


@login_required
def referral_respond(request, referral_id: int):
    """Accept a referral. Declining asks for a reason and a confirmation: its own page."""
    referral = _visible_referral(request, referral_id)
    if request.method != "POST":
        return redirect("assistance:referral_detail", referral_id=referral.pk)
    if request.POST.get("answer") != "accept":
        return redirect("assistance:referral_decline", referral_id=referral.pk)
    try:
        services.referral_respond(referral=referral, accept=True, acting_user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(
            request, _("Référencement accepté : la fiche de la personne vous est accessible.")
        )
    return redirect("assistance:referral_detail", referral_id=referral.pk)


@login_required
def referral_decline(request, referral_id: int):
    """Decline a received referral in two steps: the reason (and a note), then a
    confirmation showing what the sender will read."""
    referral = _visible_referral(request, referral_id)
    if not _can_respond(referral, actor_for(request.user)):
        messages.error(request, _("Ce référencement ne peut plus être refusé."))
        return redirect("assistance:referral_detail", referral_id=referral.pk)
    confirming = False
    if request.method == "POST":
        form = DeclineForm(request.POST)
        if form.is_valid() and not request.POST.get("edit"):
            if request.POST.get("confirm") != "1":
                confirming = True
            else:
                try:
                    services.referral_respond(
                        referral=referral,
                        accept=False,
                        acting_user=request.user,
                        **form.cleaned_data,
                    )
                except ValidationError as error:
                    form_errors_from(form, error)
                except PermissionDenied as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(
                        request, _("Référencement refusé : l'organisation d'origine voit le motif.")
                    )
                    return redirect("assistance:referral_detail", referral_id=referral.pk)
    else:
        form = DeclineForm()
    return render(
        request,
        "assistance/referral_decline.html",
        {
            "form": form,
            "referral": referral,
            "person": referral.beneficiary,
            "confirming": confirming,
            "reason_label": dict(form.fields["decline_reason"].choices).get(
                form.cleaned_data.get("decline_reason")
            )
            if confirming
            else "",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def referral_outcome(request, referral_id: int):
    referral = _visible_referral(request, referral_id)
    if request.method != "POST":
        return redirect("assistance:referral_detail", referral_id=referral.pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.referral_record_outcome(
                referral=referral, acting_user=request.user, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Issue enregistrée."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("assistance:referral_detail", referral_id=referral.pk)


# --- AVRR -------------------------------------------------------------------------------------


@login_required
def return_list(request):
    require_case_staff(request)
    rows = ReturnCase.objects.visible_to(request.user).select_related("beneficiary", "organisation")
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
    from assistance.choices import RETURN_STAGE_ORDER

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
