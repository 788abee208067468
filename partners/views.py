"""Pages of the partners app: the user's own page ("Mon compte": who they are, their API
tokens), the password pages (change; reset by e-mail when a mail server is configured, else
by a manager or an IOM officer), the sign-in page that says which reset applies, the members
a manager or an officer looks after (invite, withdraw and restore access, resets), and the
locked sign-ins with their unlock."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from core import access, clock
from core.forms import form_errors_from
from core.models import AccessEntry
from partners import second_factor
from partners.access import actor_for
from partners.forms import (
    MemberInviteForm,
    MemberSearchForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    StaffPasswordResetForm,
    TokenCreateForm,
)
from partners.hooks import open_work
from partners.models import ApiToken, Membership
from partners.permissions import require_sign_in_keeper
from partners.selectors import grantable_roles, sign_in_lock, sign_in_locks_visible_to
from partners.services import (
    api_token_create,
    api_token_revoke,
    api_tokens_revoke_all,
    member_invite,
    membership_deactivate,
    membership_reactivate,
    membership_set_language,
    password_change,
    password_reset_by_staff,
    sign_in_unlock,
)
from partners.services.tokens import MAX_LIVE_TOKENS

MEMBERS_PAGE_SIZE = 50


def reset_by_email() -> bool:
    """A forgotten password is reset by e-mail when a mail server is configured; otherwise
    a manager or an IOM officer resets it (DESIGN.md section 8)."""
    return bool(settings.EMAIL_HOST)


def _manages_members(user) -> bool:
    return Membership.objects.visible_to(user).exists()


# --- Sign-in ----------------------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    """Django's sign-in page, telling how to get a forgotten password reset."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"reset_by_email": reset_by_email()}


# --- The user's own page ----------------------------------------------------------------------


def _account_page(request, *, form=None, new_key=None, new_token=None, status=200):
    user = request.user
    membership = Membership.objects.select_related("organisation").filter(user=user).first()
    tokens = ApiToken.objects.visible_to(user).live(clock.now())
    context = {
        "membership": membership,
        "tokens": tokens[:MAX_LIVE_TOKENS],
        "form": form or TokenCreateForm(),
        "new_key": new_key,
        "new_token": new_token,
        "manages_members": _manages_members(user),
        "ttl_days": settings.API_TOKEN_TTL_DAYS,
    }
    return render(request, "partners/account.html", context, status=status)


@login_required
@never_cache
def account(request):
    """Name, organisation and role; the live API tokens, to make or revoke; the links to the
    password and second-factor pages."""
    return _account_page(request)


@login_required
@require_POST
@never_cache
def token_create(request):
    """Make a token: its key is shown on this answer only (never stored, never sent again)."""
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _account_page(request, form=form, status=400)
    try:
        token, key = api_token_create(
            user=request.user, name=form.cleaned_data["name"], acting_user=request.user
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _account_page(request, form=form, status=400)
    access.record(request, AccessEntry.Action.TOKEN_CREATED, user=request.user, instance=token)
    return _account_page(request, new_key=key, new_token=token)


@login_required
@require_POST
def token_revoke(request, apitoken_id: int):
    """Revoke one of the user's own tokens (another's answers 404, as a missing one)."""
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=apitoken_id)
    api_token_revoke(token=token, acting_user=request.user)
    messages.success(request, _("Le jeton « %(name)s » est révoqué.") % {"name": token.name})
    return redirect("partners:account")


@login_required
@require_POST
def token_revoke_all(request):
    count = api_tokens_revoke_all(user=request.user, acting_user=request.user)
    messages.success(request, _("Jetons révoqués : %(count)s.") % {"count": count})
    return redirect("partners:account")


# --- Changing one's password ------------------------------------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page (the current password, then the new one), writing through the service:
    the user's API tokens are revoked and their other sessions end; this one goes on."""

    form_class = PasswordChangeForm
    template_name = "partners/password_change.html"
    success_url = reverse_lazy("partners:account")

    def get_context_data(self, **kwargs):
        must_change = actor_for(self.request.user).must_change_password
        return super().get_context_data(**kwargs) | {"must_change": must_change}

    def form_valid(self, form):
        user = self.request.user
        password_change(user=user, password=form.cleaned_data["new_password1"], acting_user=user)
        update_session_auth_hash(self.request, user)
        messages.success(
            self.request,
            _(
                "Mot de passe changé. Vos jetons d'API sont révoqués et vos autres sessions "
                "fermées."
            ),
        )
        return HttpResponseRedirect(self.get_success_url())


# --- A forgotten password, by e-mail (only when a mail server is configured) ------------------


class _ByEmailOnly:
    def dispatch(self, request, *args, **kwargs):
        if not reset_by_email():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class PasswordResetView(_ByEmailOnly, auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "partners/password_reset_form.html"
    email_template_name = "partners/password_reset_email.txt"
    subject_template_name = "partners/password_reset_subject.txt"
    success_url = reverse_lazy("partners:password_reset_done")


class PasswordResetDoneView(_ByEmailOnly, auth_views.PasswordResetDoneView):
    template_name = "partners/password_reset_done.html"


class PasswordResetConfirmView(_ByEmailOnly, auth_views.PasswordResetConfirmView):
    """The e-mail's link: a new password, set through the service (tokens revoked)."""

    form_class = SetPasswordForm
    template_name = "partners/password_reset_confirm.html"
    success_url = reverse_lazy("partners:password_reset_complete")

    def form_valid(self, form):
        password_change(
            user=self.user, password=form.cleaned_data["new_password1"], acting_user=self.user
        )
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(_ByEmailOnly, auth_views.PasswordResetCompleteView):
    template_name = "partners/password_reset_complete.html"


# --- A manager's or an officer's reset --------------------------------------------------------


@login_required
def members(request):
    """The members the user looks after (a manager's organisation, or everyone for an IOM
    officer), each with whether they have a second factor; the invitation of a new one; per
    member, withdrawing or restoring their access and the two resets: the password (its own
    page) and the second factor (a button). Anyone else: 404."""
    if not _manages_members(request.user):
        raise Http404
    rows = (
        Membership.objects.visible_to(request.user)
        .select_related("user", "organisation")
        .annotate(enrolled=second_factor.enrolled_subquery())
    )
    form = MemberSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if query:
        rows = rows.filter(
            Q(user__username__icontains=query)
            | Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(organisation__name__icontains=query)
        )
    rows = rows.order_by("organisation__name", "user__username")
    page = Paginator(rows, MEMBERS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "members": [(m, m.enrolled) for m in page.object_list],
        "query": query,
        "can_invite": bool(grantable_roles(request.user)),
    }
    return render(request, "partners/members.html", context)


@login_required
@sensitive_post_parameters("password1", "password2")
@never_cache
def member_password_reset(request, membership_id: int):
    """Reset a member's password: the temporary one is shown on this answer only."""
    membership = get_object_or_404(
        Membership.objects.visible_to(request.user).select_related("user", "organisation"),
        pk=membership_id,
    )
    form = StaffPasswordResetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            password = password_reset_by_staff(
                membership=membership,
                password=form.cleaned_data["password1"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error("password1" if hasattr(exc, "error_dict") else None, exc.messages)
        else:
            return render(
                request,
                "partners/member_password_done.html",
                {"membership": membership, "password": password},
            )
    return render(
        request,
        "partners/member_password_reset.html",
        {"membership": membership, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _member(request, membership_id: int) -> Membership:
    """A member the user looks after; anyone else's (or anyone for the other roles): 404."""
    return get_object_or_404(
        Membership.objects.visible_to(request.user).select_related("user", "organisation"),
        pk=membership_id,
    )


def _back_to_members(request):
    """Back to the members page, on the search the manager was on."""
    query = (request.POST.get("q") or "").strip()[:100]
    url = reverse("partners:members")
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


@login_required
@never_cache
@sensitive_variables("password")
def member_invite_view(request):
    """Invite a user: a partner manager into their own organisation (a caseworker or a
    manager), an IOM officer into any. The temporary password is shown on this answer only.
    Anyone else: 404."""
    if not grantable_roles(request.user):
        raise Http404
    posted = request.method == "POST"
    form = MemberInviteForm(request.POST if posted else None, user=request.user)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            membership, password = member_invite(
                organisation=data["organisation"],
                username=data["username"],
                role=data["role"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            return render(
                request,
                "partners/member_invite_done.html",
                {"membership": membership, "password": password},
            )
    return render(
        request,
        "partners/member_invite.html",
        {"form": form, "organisation": form.own_organisation},
        status=400 if posted else 200,
    )


@login_required
@never_cache
def member_deactivate_view(request, membership_id: int):
    """Withdraw a member's access: a confirmation page (GET) that also lists what the member
    leaves open, as the apps above say (partners.hooks.open_work), then the withdrawal
    (POST). The member's own: refused."""
    membership = _member(request, membership_id)
    context = {
        "membership": membership,
        "own": membership.user_id == request.user.pk,
        "open_work": open_work(membership, user=request.user),
        "query": (request.GET.get("q") or request.POST.get("q") or "").strip()[:100],
    }
    if request.method == "POST":
        try:
            membership_deactivate(membership=membership, acting_user=request.user)
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
            return render(request, "partners/member_deactivate.html", context, status=400)
        messages.success(
            request,
            _(
                "Accès de %(user)s retiré : il·elle ne peut plus se connecter et ses jetons "
                "d'API sont révoqués."
            )
            % {"user": membership.user.get_username()},
        )
        return _back_to_members(request)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "partners/member_deactivate.html", context)


@login_required
def member_reactivate_view(request, membership_id: int):
    """Restore a member's access (a button of the members page). The scope is checked before
    the method, so the other roles cannot tell the address exists."""
    membership = _member(request, membership_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        membership_reactivate(membership=membership, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Accès de %(user)s rétabli : il·elle peut de nouveau se connecter.")
            % {"user": membership.user.get_username()},
        )
    return _back_to_members(request)


# --- Security: the hub of the pages above and of the audit log ------------------------------


@login_required
def security(request):
    """The "Sécurité" entry of the menu, for partner managers and IOM officers: the members
    (password and second factor resets), the locked sign-ins, and for officers the audit log
    (web's page, linked by its URL name). Anyone else: 404."""
    actor = require_sign_in_keeper(request)
    context = {
        "locks": len(sign_in_locks_visible_to(request.user)),
        "members": Membership.objects.visible_to(request.user).count(),
        "officer": actor.sees_everything,
    }
    return render(request, "partners/security.html", context)


# --- Locked sign-ins ----------------------------------------------------------------------------


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


def set_language(request):
    """Django's language switch, which also remembers a signed-in user's choice on their
    membership: the morning digest and the other notices written while they are away are
    then in their language (core.digest)."""
    response = i18n.set_language(request)
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
    ):
        membership_set_language(user=request.user, language=language, acting_user=request.user)
    return response
