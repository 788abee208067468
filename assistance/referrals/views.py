"""Pages of referrals: send, the inbox (received and sent), answer (accept, or decline with
a reason), record the outcome. Every referral is looked up through `visible_to(user)` first."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.choices import ReferralStatus
from assistance.referrals import services
from assistance.referrals.filters import ReferralFilter
from assistance.referrals.forms import DeclineForm, OutcomeForm, ReferralForm
from assistance.referrals.models import Referral
from assistance.views import PAGE_SIZE
from beneficiaries.models import Beneficiary
from beneficiaries.views import visible_beneficiary
from core.forms import form_errors_from
from partners.access import actor_for
from partners.permissions import require_case_staff


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
        Referral.objects.visible_to(request.user)
        .with_identity_withheld(request.user)
        .select_related(
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
    queryset = (
        Referral.objects.visible_to(request.user)
        .with_identity_withheld(request.user)
        .select_related("beneficiary", "from_organisation", "to_organisation")
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
