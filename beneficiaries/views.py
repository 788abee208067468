"""Pages of the beneficiaries app: list and search, register (with the duplicate check),
the person's file, edit with optimistic locking. Thin: forms validate, services write,
every object comes through `visible_to(user)` (out of scope answers 404)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries import hooks
from beneficiaries.access_log import access_history, record_duplicate_search
from beneficiaries.choices import ConsentPurpose
from beneficiaries.consents.services import consent_record, consent_withdraw
from beneficiaries.filters import BeneficiaryFilter
from beneficiaries.forms import (
    BeneficiaryForm,
    ConsentForm,
    ConsentWithdrawForm,
    ErasureForm,
    LegalHoldForm,
)
from beneficiaries.merges.selectors import merges_of
from beneficiaries.merges.services import may_merge, mergeable
from beneficiaries.models import Beneficiary, Consent
from beneficiaries.protection import may_protect
from beneficiaries.selectors import (
    beneficiary_possible_duplicates,
    beneficiary_reference_proposal,
)
from beneficiaries.services import (
    beneficiary_pseudonymise,
    beneficiary_register,
    beneficiary_set_legal_hold,
    beneficiary_update,
)
from core import access
from core.exceptions import ConflictError
from core.forms import ALL_CHOICES_LABEL, country_choices, form_errors_from, local_place_name
from partners.access import actor_for
from partners.models import City, Organisation
from partners.permissions import require_case_staff

PAGE_SIZES = (25, 50, 100)


def visible_beneficiary(request, beneficiary_id: int) -> Beneficiary:
    require_case_staff(request)
    return get_object_or_404(
        Beneficiary.objects.visible_to(request.user).select_related("city", "organisation"),
        pk=beneficiary_id,
    )


def editable_beneficiary(request, beneficiary_id: int) -> Beneficiary:
    """Only the organisation that registered the person edits the record (404 otherwise)."""
    actor = require_case_staff(request)
    queryset = Beneficiary.objects.visible_to(request.user).active()
    if not actor.sees_everything:
        queryset = queryset.filter(organisation_id=actor.organisation_id)
    return get_object_or_404(queryset.select_related("city", "organisation"), pk=beneficiary_id)


def render_person_page(request, person: Beneficiary, *, status: int = 200, **forms):
    """The person's file: the record, and what the apps above add to it (beneficiaries.hooks:
    the timeline, the quick-entry form). `forms` replace those of the page, e.g. a bound form
    that failed, shown in place with its errors (status 400).

    Each render is a view of the file and is logged (core.access), the re-render after a
    refused quick entry too: it shows the whole file again."""
    actor = actor_for(request.user)
    access.record(request, access.Action.VIEW_PERSON, instance=person)
    can_edit = not person.is_pseudonymised and (
        actor.sees_everything or person.organisation_id == actor.organisation_id
    )
    consents = list(
        Consent.objects.visible_to(request.user)
        .filter(beneficiary=person)
        .select_related("recipient", "organisation", "recorded_by", "withdrawn_by")
    )
    context = {
        "person": person,
        "age": person.age_on(timezone.localdate()),
        "can_edit": can_edit,
        "can_protect": may_protect(request.user, person),
        "organisation_id": actor.organisation_id,
        "access_history": access_history(user=request.user, person=person),
        "consents": consents,
        "services_consent_live": any(
            c.is_live and c.purpose == ConsentPurpose.SERVICES for c in consents
        ),
        "can_manage_consents": can_edit and not person.merged_into_id,
        "can_merge": mergeable(person) and may_merge(request.user, person),
        "merges": merges_of(user=request.user, person=person),
        "withdraw_form": ConsentWithdrawForm(),
        **hooks.person_page(request, person, forms),
        "person_sections": hooks.person_sections(request, person),
        **forms,
    }
    if context["can_manage_consents"] and "consent_form" not in context:
        context["consent_form"] = ConsentForm(person=person)
    return render(request, "beneficiaries/detail.html", context, status=status)


@login_required
def beneficiary_list(request):
    require_case_staff(request)
    queryset = hooks.with_last_assisted(
        Beneficiary.objects.visible_to(request.user)
        .active()
        .select_related("city", "organisation"),
        user=request.user,
    )
    filterset = BeneficiaryFilter(request.GET or None, queryset=queryset, request=request)
    _dress_filter_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    try:
        per_page = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        per_page = PAGE_SIZES[0]
    per_page = per_page if per_page in PAGE_SIZES else PAGE_SIZES[0]
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for person in page:
        person.age_now = person.age_on(today)
    context = {
        "filterset": filterset,
        "page_obj": page,
        "per_page": per_page,
        "page_sizes": PAGE_SIZES,
        "query": request.GET.get("q", ""),
        "filters_used": any(
            request.GET.get(name) for name in filterset.form.fields if name not in ("q",)
        ),
    }
    template = "beneficiaries/_results.html" if request.htmx else "beneficiaries/list.html"
    return render(request, template, context)


def _dress_filter_form(form) -> None:
    """The shared FilterSet takes codes; people pick names in their language."""
    form.fields["nationality"].widget = forms.Select(choices=country_choices(ALL_CHOICES_LABEL))
    cities = [("", ALL_CHOICES_LABEL)] + [(c.code, local_place_name(c)) for c in City.objects.all()]
    form.fields["city"].widget = forms.Select(choices=cities)
    for name in ("assisted_from", "assisted_to", "registered_from", "registered_to"):
        form.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    form.fields["is_migrant"].widget = forms.Select(
        choices=[
            ("", ALL_CHOICES_LABEL),
            ("true", _("Migrant·e")),
            ("false", _("Ressortissant·e")),
        ]
    )


@login_required
def beneficiary_create(request):
    require_case_staff(request)
    actor = actor_for(request.user)
    duplicates = None
    if request.method == "POST":
        form = BeneficiaryForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.service_fields()
            if not request.POST.get("confirm_duplicate"):
                duplicates = beneficiary_possible_duplicates(
                    user=request.user,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    date_of_birth=data["date_of_birth"],
                    birth_year=data["birth_year"],
                )
                record_duplicate_search(request, data, duplicates)
            if duplicates is None or not (duplicates.own or duplicates.elsewhere):
                try:
                    person = beneficiary_register(acting_user=request.user, **data)
                except ValidationError as error:
                    form_errors_from(form, error)
                except PermissionDenied as error:
                    messages.error(request, str(error))
                else:
                    messages.success(
                        request,
                        _("%(name)s est enregistré·e, dossier %(ref)s.")
                        % {"name": person.full_name, "ref": person.beneficiary_ref},
                    )
                    return redirect("beneficiaries:detail", beneficiary_id=person.pk)
    else:
        proposal = beneficiary_reference_proposal(user=request.user)
        initial = {
            "registered_on": timezone.localdate(),
            "consent": True,
            "beneficiary_ref": proposal,
            "proposed_ref": proposal,
        }
        if actor.organisation_id:
            org = Organisation.objects.filter(pk=actor.organisation_id).first()
            if org and org.city_id:
                initial["city"] = org.city_id
        form = BeneficiaryForm(initial=initial, user=request.user)
    return render(
        request,
        "beneficiaries/form.html",
        {"form": form, "duplicates": duplicates, "today": timezone.localdate()},
    )


@login_required
def beneficiary_detail(request, beneficiary_id: int):
    person = visible_beneficiary(request, beneficiary_id)
    if person.merged_into_id:
        kept = Beneficiary.objects.visible_to(request.user).filter(pk=person.merged_into_id)
        if kept.exists():
            messages.info(request, _("Cette fiche a été fusionnée : voici la fiche conservée."))
            return redirect("beneficiaries:detail", beneficiary_id=person.merged_into_id)
    return render_person_page(request, person)


@login_required
def beneficiary_edit(request, beneficiary_id: int):
    person = editable_beneficiary(request, beneficiary_id)
    if person.is_pseudonymised:
        messages.error(
            request,
            _(
                "Les données personnelles de cette personne ont été effacées : sa fiche ne "
                "se modifie plus."
            ),
        )
        return redirect("beneficiaries:detail", beneficiary_id=person.pk)
    conflict = None
    if request.method == "POST":
        form = BeneficiaryForm(request.POST, instance=person, user=request.user)
        if form.is_valid():
            try:
                beneficiary_update(
                    beneficiary=person,
                    acting_user=request.user,
                    expected_version=form.cleaned_data["version"],
                    **form.service_fields(),
                )
            except ConflictError as error:
                conflict = _conflict_rows(form, error.current)
                data = request.POST.copy()
                data["version"] = error.current.version
                form = BeneficiaryForm(data, instance=error.current, user=request.user)
                form.is_valid()
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Fiche mise à jour."))
                return redirect("beneficiaries:detail", beneficiary_id=person.pk)
    else:
        form = BeneficiaryForm(instance=person, user=request.user)
        # The form shows the whole record: a view of the file.
        access.record(request, access.Action.VIEW_PERSON, instance=person, kind="edit")
    return render(
        request,
        "beneficiaries/form.html",
        {"form": form, "person": person, "conflict": conflict, "today": timezone.localdate()},
    )


# --- Data protection (DESIGN.md §8): legal hold and erasure, on the person's file -----------


def protectable_beneficiary(request, beneficiary_id: int) -> Beneficiary:
    """The person, for their organisation's managers and IOM officers: 404 out of scope (as
    everywhere), 403 for the other roles that see the file."""
    person = visible_beneficiary(request, beneficiary_id)
    if not may_protect(request.user, person):
        raise PermissionDenied(
            _("Réservé aux responsables de l'organisation de la personne et à l'OIM.")
        )
    return person


@login_required
def beneficiary_erase(request, beneficiary_id: int):
    """ "Effacer les données personnelles": a confirmation page (the reference typed again, a
    reason), then the file shows the pseudonymised record."""
    person = protectable_beneficiary(request, beneficiary_id)
    if person.is_pseudonymised or person.merged_into_id:
        return redirect("beneficiaries:detail", beneficiary_id=person.pk)
    form = ErasureForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            beneficiary_pseudonymise(
                beneficiary=person, reason=form.cleaned_data["reason"], acting_user=request.user
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Les données personnelles ont été effacées."))
            return redirect("beneficiaries:detail", beneficiary_id=person.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "beneficiaries/erase.html", {"person": person, "form": form}, status=status
    )


@login_required
def beneficiary_legal_hold(request, beneficiary_id: int):
    """Put the record under a legal hold (with its reason), or lift it."""
    person = protectable_beneficiary(request, beneficiary_id)
    if person.is_pseudonymised:
        return redirect("beneficiaries:detail", beneficiary_id=person.pk)
    form = LegalHoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        hold = not person.legal_hold
        try:
            beneficiary_set_legal_hold(
                beneficiary=person,
                hold=hold,
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form_errors_from(form, _legal_hold_fields(error))
        else:
            messages.success(request, _("Gel légal en place.") if hold else _("Gel légal levé."))
            return redirect("beneficiaries:detail", beneficiary_id=person.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "beneficiaries/legal_hold.html", {"person": person, "form": form}, status=status
    )


def _legal_hold_fields(error: ValidationError) -> ValidationError:
    """The service names the model's field; the form calls it `reason`."""
    if hasattr(error, "error_dict") and "legal_hold_reason" in error.error_dict:
        return ValidationError({"reason": error.error_dict["legal_hold_reason"]})
    return error


def _conflict_rows(form, current: Beneficiary) -> list[dict]:
    """The fields where the record as saved by someone else differs from the user's input."""
    rows = []
    for name, value in form.service_fields().items():
        saved = getattr(current, name)
        if name == "city":
            saved_cmp, mine_cmp = current.city_id, getattr(value, "pk", None)
        else:
            saved_cmp, mine_cmp = saved, value
        if (saved_cmp or None) != (mine_cmp or None):
            field = form.fields[name]
            rows.append(
                {
                    "label": field.label,
                    "saved": _display(field, saved),
                    "mine": _display(field, value),
                }
            )
    return rows


def _display(field, value) -> str:
    if value in (None, "", []):
        return "—"
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    return str(choices.get(value, value))


@login_required
def consent_add(request, beneficiary_id: int):
    """Record a consent from the person's file (its organisation, or IOM)."""
    person = editable_beneficiary(request, beneficiary_id)
    if request.method != "POST":
        return redirect("beneficiaries:detail", beneficiary_id=person.pk)
    form = ConsentForm(request.POST, person=person)
    if form.is_valid():
        try:
            consent_record(beneficiary=person, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Consentement enregistré."))
            return redirect(_consents_of(person))
    person.refresh_from_db()
    return render_person_page(request, person, status=400, consent_form=form)


@login_required
def consent_withdraw_view(request, consent_id: int):
    """The person withdraws a consent; sharing that depended on it stops at once."""
    require_case_staff(request)
    consent = get_object_or_404(Consent.objects.visible_to(request.user), pk=consent_id)
    person = editable_beneficiary(request, consent.beneficiary_id)
    if request.method != "POST":
        return redirect(_consents_of(person))
    form = ConsentWithdrawForm(request.POST)
    if form.is_valid():
        try:
            consent_withdraw(
                consent=consent,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Consentement retiré."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    if not Beneficiary.objects.visible_to(request.user).filter(pk=person.pk).exists():
        # IOM withdrew the person's consent to sharing with IOM: the file is no longer theirs.
        return redirect("beneficiaries:list")
    return redirect(_consents_of(person))


def _consents_of(person: Beneficiary) -> str:
    return reverse("beneficiaries:detail", args=[person.pk]) + "#consents"
