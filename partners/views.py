"""Pages of the partners app: the locked sign-ins, and unlocking one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from partners.permissions import require_sign_in_keeper
from partners.selectors import sign_in_lock, sign_in_locks_visible_to
from partners.services import sign_in_unlock


class UnlockForm(forms.Form):
    kind = forms.ChoiceField(choices=[("username", "username"), ("ip_address", "ip_address")])
    value = forms.CharField(max_length=255)


@login_required
def lockout_list(request):
    """The usernames and addresses refused at sign-in now, with an unlock button each."""
    actor = require_sign_in_keeper(request)
    return render(
        request,
        "partners/lockouts.html",
        {"locks": sign_in_locks_visible_to(request.user), "officer": actor.sees_everything},
    )


@login_required
def lockout_release(request):
    """Unlock one username or address of the list: one the user may not lift, or that is
    not locked, is a 404 like anything out of scope (the role is checked before the method,
    so the other roles cannot tell the page exists)."""
    require_sign_in_keeper(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = UnlockForm(request.POST)
    if not form.is_valid():
        raise Http404
    kind, value = form.cleaned_data["kind"], form.cleaned_data["value"]
    if sign_in_lock(request.user, kind=kind, value=value) is None:
        raise Http404
    sign_in_unlock(**{kind: value}, acting_user=request.user)
    messages.success(
        request,
        _("%(value)s est débloqué : la prochaine connexion sera vérifiée normalement.")
        % {"value": value},
    )
    return redirect("partners:lockouts")
