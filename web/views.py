"""The home page: each role's start, drawing on every app below."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from assistance.models import Assistance
from cases.selectors import my_work
from core import clock
from core.notifications import unread_for
from partners.access import actor_for


@login_required
def home(request):
    """The signed-in user's start page; what it offers depends on the role: partner staff and
    IOM get their daily shortcuts, what is due in their cases ("Mon travail") and their latest
    records, donors only a word about their bilans; everyone their unread notifications (the
    morning digest among them)."""
    actor = actor_for(request.user)
    context = {"recent": [], "notices": unread_for(request.user)}
    if actor.works_on_records:
        context["recent"] = (
            Assistance.objects.visible_to(request.user)
            .filter(created_by=request.user)
            .select_related("beneficiary")
            .order_by("-created_at")[:8]
        )
        context["work"] = my_work(user=request.user, today=clock.today())
    return render(request, "web/home.html", context)
