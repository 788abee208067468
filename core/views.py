"""The project's plumbing pages, which know no domain app: liveness, the favicon, the server
error page, marking a notification read. The home page is web.views.home."""

import base64
import hashlib
import re

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.http import require_GET, require_POST

from core import notifications
from core.models import Notification

_STYLE = re.compile(rb"<style>(.*?)</style>", re.DOTALL)


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


def server_error(request):
    """Django's server error page (templates/500.html), whose rules are inline because it must
    show when nothing else works, static files included. The Content-Security-Policy lets
    that page's own <style> through by its hash, and nothing else inline."""
    response = defaults.server_error(request)
    hashes = [
        "'sha256-{}'".format(base64.b64encode(hashlib.sha256(css).digest()).decode("ascii"))
        for css in _STYLE.findall(response.content)
    ]
    if hashes:
        response._csp_update = {"style-src": hashes}
    return response


@login_required
@require_POST
def notification_read(request, notification_id: int):
    """Mark one of the user's notices read, then follow its link (someone else's: 404)."""
    notice = get_object_or_404(Notification.objects.visible_to(request.user), pk=notification_id)
    notifications.notification_read(notification=notice, acting_user=request.user)
    if notice.link and url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None):
        return redirect(notice.link)
    return redirect("home")
