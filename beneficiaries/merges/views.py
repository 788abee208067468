"""Pages of a merge of duplicates: from a person's file, "Fusionner un doublon" (find the other
record, compare the two side by side, choose the surviving values, confirm), and the IOM
officers' list of merges with their undo. Thin: forms validate, the services write, every
record comes through `visible_to(user)` (out of scope answers 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from beneficiaries.merges.forms import MergeForm, MergeSearchForm
from beneficiaries.merges.selectors import merge_candidates, merge_search, merges_visible
from beneficiaries.merges.services import (
    beneficiary_merge,
    beneficiary_merge_undo,
    may_merge,
)
from beneficiaries.models import Beneficiary, BeneficiaryMerge
from core import access
from partners.permissions import require_case_staff, require_iom_staff


def _refusal(person: Beneficiary) -> str | None:
    """Why `person` cannot take part in a merge (None when it can)."""
    if person.merged_into_id:
        return _("Cette fiche est déjà fusionnée dans une autre.")
    if person.pseudonymised_at:
        return _(
            "Les données personnelles de cette fiche ont été effacées : elle ne se fusionne plus."
        )
    return None


def _person_to_merge(request, beneficiary_id: int) -> Beneficiary:
    """The person whose file the merge starts from: 404 out of scope (as everywhere), 403
    for the roles that see the file but may not merge it (caseworkers)."""
    require_case_staff(request)
    person = get_object_or_404(
        Beneficiary.objects.visible_to(request.user).select_related("city", "organisation"),
        pk=beneficiary_id,
    )
    if not may_merge(request.user, person):
        raise PermissionDenied(
            _("Réservé aux responsables de l'organisation de la personne et à l'OIM.")
        )
    return person


@login_required
def merge_start(request, beneficiary_id: int):
    """Choose the other record: the person's possible duplicates, or one found by its
    reference or number among the records the user may merge with it."""
    person = _person_to_merge(request, beneficiary_id)
    refusal = _refusal(person)
    if refusal:
        messages.error(request, refusal)
        return redirect("beneficiaries:detail", beneficiary_id=person.pk)
    form = MergeSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    candidates = merge_candidates(user=request.user, person=person)
    results = merge_search(user=request.user, person=person, query=query) if query else None
    # The page names other people: a duplicate search, logged as the registration's is.
    access.record(
        request,
        access.Action.DUPLICATE_SEARCH,
        instance=person,
        kind="merge",
        row_count=len(candidates) + len(results or []),
    )
    return render(
        request,
        "beneficiaries/merge_start.html",
        {
            "person": person,
            "form": form,
            "query": query,
            "candidates": candidates,
            "results": results,
        },
    )


@login_required
def merge_compare(request, beneficiary_id: int):
    """The two records side by side (`?avec=<id>` the other one, `&garder=<id>` the one
    kept, this person's by default): per differing field, which value survives; then the
    merge, in one step."""
    person = _person_to_merge(request, beneficiary_id)
    data = request.POST if request.method == "POST" else request.GET
    try:
        other_id = int(data.get("avec", ""))
    except ValueError:
        return redirect("beneficiaries:merge", beneficiary_id=person.pk)
    other = get_object_or_404(
        Beneficiary.objects.visible_to(request.user)
        .exclude(pk=person.pk)
        .select_related("city", "organisation"),
        pk=other_id,
    )
    if not may_merge(request.user, person, other):
        raise PermissionDenied(_("Seule l'OIM peut fusionner des fiches de deux organisations."))
    refusal = _refusal(person) or _refusal(other)
    if refusal:
        messages.error(request, refusal)
        return redirect("beneficiaries:merge", beneficiary_id=person.pk)
    keep, duplicate = person, other
    if data.get("garder") == str(other.pk):
        keep, duplicate = other, person
    form = MergeForm(
        request.POST if request.method == "POST" else None, keep=keep, duplicate=duplicate
    )
    if request.method == "POST" and form.is_valid():
        try:
            kept = beneficiary_merge(
                duplicate=duplicate,
                keep=keep,
                acting_user=request.user,
                take_from_duplicate=form.take_from_duplicate(),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Fiches fusionnées : %(duplicate)s est désormais comptée avec %(keep)s.")
                % {"duplicate": duplicate.beneficiary_ref, "keep": kept.beneficiary_ref},
            )
            return redirect("beneficiaries:detail", beneficiary_id=kept.pk)
    else:
        # The page shows both records whole: a view of each file.
        for record in (keep, duplicate):
            access.record(request, access.Action.VIEW_PERSON, instance=record, kind="merge")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "beneficiaries/merge_compare.html",
        {
            "person": person,
            "other": other,
            "keep": keep,
            "duplicate": duplicate,
            "form": form,
            "swap_url": reverse("beneficiaries:merge_compare", args=[person.pk])
            + f"?avec={other.pk}&garder={duplicate.pk}",
        },
        status=status,
    )


@login_required
def merge_list(request):
    """IOM officers: every merge they may see, latest first, with its undo."""
    require_iom_staff(request)
    page = Paginator(merges_visible(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "beneficiaries/merge_list.html", {"page_obj": page})


@login_required
def merge_undo(request, beneficiarymerge_id: int):
    """Undo a merge (POST; IOM officers, 404 for anyone else, as for IOM's other tools)."""
    require_iom_staff(request)
    merge = get_object_or_404(
        BeneficiaryMerge.objects.visible_to(request.user), pk=beneficiarymerge_id
    )
    if request.method != "POST":
        return redirect("beneficiaries:merge_list")
    try:
        beneficiary_merge_undo(merge=merge, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as error:  # pragma: no cover (the checks above come first)
        raise Http404 from error
    else:
        messages.success(request, _("Fusion annulée : les deux fiches sont de nouveau séparées."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("beneficiaries:merge_list")
    return redirect(target)
