"""The project's plumbing pages, which know no domain app: liveness and the favicon. The
home page is web.views.home."""

from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.http import require_GET


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
