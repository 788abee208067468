"""Pages of capacity building: the list of events (filtered), record one, correct or delete
one. For partner staff (their organisation's events) and IOM officers (every event); anyone
else gets a 404, as for an event out of scope.

Thin views: forms validate, services write, every event is looked up through
`CapacityEvent.objects.visible_to(user)` first."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assistance.selectors import projects_for_entry
from capacity import services
from capacity.filters import CapacityEventFilter
from capacity.forms import (
    CapacityEventForm,
    ParticipantFormSet,
    participant_rows,
    participants_initial,
)
from capacity.models import CapacityEvent
from core.exceptions import ConflictError
from core.forms import ALL_CHOICES_LABEL, form_errors_from, local_place_name
from partners.access import actor_for
from partners.models import City
from partners.permissions import require_case_staff

PAGE_SIZE = 50


def _visible_event(request, event_id: int) -> CapacityEvent:
    require_case_staff(request)
    return get_object_or_404(
        CapacityEvent.objects.visible_to(request.user).select_related(
            "organisation", "project", "city"
        ),
        pk=event_id,
    )


@login_required
def event_list(request):
    require_case_staff(request)
    queryset = CapacityEvent.objects.visible_to(request.user).select_related(
        "organisation", "project", "city"
    )
    filterset = CapacityEventFilter(request.GET or None, queryset=queryset, request=request)
    _dress_filters(filterset.form, request.user)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    page = Paginator(rows.order_by("-start", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "capacity/list.html", {"filterset": filterset, "page_obj": page})


def _dress_filters(form, user) -> None:
    """The shared FilterSet takes codes; people pick names."""
    for name in ("start_from", "start_to"):
        form.fields[name].widget = django_forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    form.fields["city"].widget = django_forms.Select(
        choices=[("", ALL_CHOICES_LABEL)]
        + [(c.code, local_place_name(c)) for c in City.objects.all()]
    )
    form.fields["project"].widget = django_forms.Select(
        choices=[("", ALL_CHOICES_LABEL)]
        + [(p.code, p.code) for p in projects_for_entry(user=user)]
    )
    if not actor_for(user).sees_everything:
        del form.fields["organisation"]


def _save(request, form, formset, event=None):
    """Call the service with the forms' data; put its refusals on the forms. The event, or
    None when refused."""
    fields = form.service_fields()
    participants = participant_rows(formset)
    try:
        if event is None:
            return services.capacity_event_record(
                acting_user=request.user,
                organisation=form.cleaned_data.get("organisation"),
                participants=participants,
                **fields,
            )
        return services.capacity_event_update(
            event=event,
            acting_user=request.user,
            expected_version=form.cleaned_data.get("version"),
            participants=participants,
            **fields,
        )
    except ConflictError:
        form.add_error(
            None,
            _(
                "Quelqu'un a modifié cet événement entre-temps : rechargez la page et "
                "reprenez votre correction."
            ),
        )
    except ValidationError as error:
        form_errors_from(form, error)
    except PermissionDenied as error:
        form.add_error(None, str(error))
    return None


@login_required
def event_create(request):
    require_case_staff(request)
    if request.method == "POST":
        form = CapacityEventForm(request.POST, user=request.user)
        formset = ParticipantFormSet(request.POST, prefix="participants")
        if form.is_valid() and formset.is_valid():
            event = _save(request, form, formset)
            if event is not None:
                messages.success(request, _("Événement enregistré."))
                return redirect("capacity:edit", capacity_event_id=event.pk)
    else:
        form = CapacityEventForm(user=request.user)
        formset = ParticipantFormSet(prefix="participants")
    return render(
        request,
        "capacity/form.html",
        {"form": form, "formset": formset, "event": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def event_edit(request, capacity_event_id: int):
    event = _visible_event(request, capacity_event_id)
    if request.method == "POST":
        form = CapacityEventForm(request.POST, user=request.user)
        formset = ParticipantFormSet(request.POST, prefix="participants")
        if form.is_valid() and formset.is_valid():
            if _save(request, form, formset, event) is not None:
                messages.success(request, _("Événement corrigé."))
                return redirect("capacity:edit", capacity_event_id=event.pk)
    else:
        form = CapacityEventForm(initial=CapacityEventForm.initial_for(event), user=request.user)
        formset = ParticipantFormSet(prefix="participants", initial=participants_initial(event))
    return render(
        request,
        "capacity/form.html",
        {"form": form, "formset": formset, "event": event},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def event_delete(request, capacity_event_id: int):
    event = _visible_event(request, capacity_event_id)
    try:
        services.capacity_event_delete(event=event, acting_user=request.user)
    except PermissionDenied as error:
        raise Http404 from error
    messages.success(request, _("Événement supprimé, avec ses participant·es nommé·es."))
    return redirect("capacity:list")
