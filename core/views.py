from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from partners.access import actor_for


@login_required
def home(request):
    """The signed-in user's start page; what it offers depends on the role: partner staff and
    IOM get their daily shortcuts and latest records, donors only a word about their bilans."""
    actor = actor_for(request.user)
    context = {"recent": []}
    if actor.is_partner_staff or actor.sees_everything:
        from assistance.models import Assistance

        context["recent"] = (
            Assistance.objects.visible_to(request.user)
            .filter(created_by=request.user)
            .select_related("beneficiary")
            .order_by("-created_at")[:8]
        )
    return render(request, "core/home.html", context)


@require_GET
def healthz(request):
    """Liveness for load balancers and docker compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links to: send them to the icon, whose
    static name carries the file's hash in production (so not a permanent redirect)."""
    return HttpResponseRedirect(static("favicon.svg"))
