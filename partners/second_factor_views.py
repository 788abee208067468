"""Pages of the partners app: the second factor (enrol, verify, backup codes, reset; the
members whose second factor a manager or an officer resets are listed on partners:members).

partners.second_factor_middleware sends whoever must give a second factor here until they
have; partners.second_factor holds the rule and the check, partners.services the writes.
"""

from __future__ import annotations

import base64
from urllib.parse import quote

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners import second_factor
from partners.access import actor_for
from partners.choices import Role
from partners.forms import CodeForm
from partners.models import Membership
from partners.services import second_factor as services

# The backup codes just made, kept in the session only until the page shows them once.
_CODES_SESSION_KEY = "second_factor_new_codes"


def _next_url(request) -> str:
    """Where to go once done: the page the user was going to, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _with_next(name: str, request) -> str:
    url = reverse(name)
    target = request.POST.get("next") or request.GET.get("next")
    return f"{url}?{urlencode({'next': target})}" if target else url


@login_required
def second_factor_overview(request):
    """The user's second factor: enrolled or not, backup codes left, what to do."""
    user = request.user
    context = {
        "required": second_factor.second_factor_required(user),
        "has_app": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "codes_left": StaticToken.objects.filter(device__user=user, device__confirmed=True).count(),
        "verified": second_factor.is_verified(request),
        "looks_after_others": actor_for(user).sees_everything
        or actor_for(user).role == Role.PARTNER_MANAGER,
    }
    return render(request, "partners/second_factor.html", context)


@login_required
def second_factor_verify(request):
    """The second step of signing in: a code of the app or a backup code."""
    user = request.user
    if second_factor.is_verified(request) or not second_factor.second_factor_due(user):
        return redirect(_next_url(request))
    if not second_factor.has_second_factor(user):
        return redirect(_with_next("partners:second_factor_enrol", request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor.verify_code(user, form.cleaned_data["code"])
        except ValidationError as refusal:
            form.add_error("code", refusal)
        else:
            request.session.cycle_key()
            django_otp.login(request, device)
            return redirect(_next_url(request))
    return render(
        request,
        "partners/second_factor_verify.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


def _qr_svg(text: str) -> str:
    image = qrcode.make(
        text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2
    ).to_string(encoding="unicode")
    # Drawn on the server, inline: no script, no image fetched elsewhere (the secret stays).
    # Safe: qrcode's own SVG of path data only; the text it encodes never appears as text.
    return mark_safe(image.split("?>", 1)[-1])  # noqa: S308  # nosec B308 B703


@login_required
def second_factor_enrol(request):
    """Enrol an authenticator app: scan the QR code (or type the secret), confirm with a code.
    A user who has a second factor gives it first: enrolling is no way around it."""
    user = request.user
    if second_factor.has_second_factor(user) and not second_factor.is_verified(request):
        return redirect(_with_next("partners:second_factor_verify", request))
    device = services.second_factor_enrol_start(user=user, acting_user=user)
    form = CodeForm(request.POST or None, backup=False)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.second_factor_enrol_confirm(
                device=device, code=form.cleaned_data["code"], acting_user=user
            )
        except ValidationError as refusal:
            form.add_error("code", refusal.message_dict.get("code", refusal.messages))
        else:
            device.refresh_from_db()
            request.session.cycle_key()
            django_otp.login(request, device)
            request.session[_CODES_SESSION_KEY] = codes
            return redirect(_with_next("partners:second_factor_codes", request))
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": second_factor.second_factor_required(user),
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "partners/second_factor_enrol.html", context)


@login_required
def second_factor_codes(request):
    """The backup codes just made, shown this once (then only the codes are kept)."""
    codes = request.session.pop(_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("partners:second_factor")
    text = "iom_cases — {}\n{}\n\n{}\n".format(
        request.user.get_username(),
        _("Codes de secours (chacun ne sert qu'une fois) :"),
        "\n".join(codes),
    )
    context = {
        "codes": codes,
        "download_href": "data:text/plain;charset=utf-8," + quote(text),
        "next": _next_url(request),
    }
    return render(request, "partners/second_factor_codes.html", context)


@login_required
@require_POST
def backup_codes_renew(request):
    """New backup codes (the old ones stop working): after giving the second factor."""
    if not second_factor.is_verified(request):
        return redirect(_with_next("partners:second_factor_verify", request))
    request.session[_CODES_SESSION_KEY] = services.backup_codes_regenerate(
        user=request.user, acting_user=request.user
    )
    return redirect("partners:second_factor_codes")


def _members_looked_after(request):
    actor = actor_for(request.user)
    if not (actor.sees_everything or actor.role == Role.PARTNER_MANAGER):
        raise Http404
    return Membership.objects.visible_to(request.user)


@login_required
@require_POST
def second_factor_reset(request, membership_id: int):
    """Delete a member's second factor: they enrol again at their next step."""
    membership = get_object_or_404(_members_looked_after(request), pk=membership_id)
    services.second_factor_reset(user=membership.user, acting_user=request.user)
    messages.success(
        request,
        _("Second facteur de %(user)s réinitialisé : il·elle l'activera de nouveau.")
        % {"user": membership.user.get_username()},
    )
    # Back to the members page, on the search the manager was on.
    query = (request.POST.get("q") or "").strip()[:100]
    url = reverse("partners:members")
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)
