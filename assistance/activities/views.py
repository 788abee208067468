"""Pages of group sessions: record one (searching its participants), read one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from assistance.activities import services
from assistance.activities.forms import ActivityForm
from assistance.activities.models import Activity
from assistance.choices import Category
from assistance.models import Assistance
from beneficiaries.models import Beneficiary
from beneficiaries.selectors import beneficiary_search
from core.forms import form_errors_from
from partners.permissions import require_case_staff


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
        .with_identity_withheld(request.user)
        .filter(activity=activity)
        .select_related("beneficiary")
        .order_by("beneficiary__last_name", "beneficiary__first_name")
    )
    return render(request, "assistance/activity_detail.html", {"activity": activity, "rows": rows})
