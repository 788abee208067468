"""Forms of the user's own page, the password pages, the second factor's codes and the
members page (inviting a user)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleFormMixin
from partners.access import sees_everything
from partners.choices import Role
from partners.selectors import grantable_roles, invitable_organisations


class TokenCreateForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        required=False,
        help_text=_("Pour le reconnaître plus tard : le programme ou la machine qui s'en sert."),
    )


class PasswordChangeForm(AccessibleFormMixin, auth_forms.PasswordChangeForm):
    """Django's (current password, then the new one twice, checked by the validators)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Mot de passe actuel")


class SetPasswordForm(AccessibleFormMixin, auth_forms.SetPasswordForm):
    """Django's, for the link of the reset e-mail."""


class PasswordResetForm(AccessibleFormMixin, auth_forms.PasswordResetForm):
    """Django's: it sends the e-mail only to an active user with that address, and the page
    that follows says the same whether or not one exists."""


class StaffPasswordResetForm(AccessibleFormMixin, forms.Form):
    """A manager or an officer resets someone's password: a random one, or one they type."""

    password1 = forms.CharField(
        label=_("Nouveau mot de passe (facultatif)"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Laissez vide pour un mot de passe provisoire tiré au hasard."),
    )
    password2 = forms.CharField(
        label=_("Confirmation"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1", "") != data.get("password2", ""):
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        return data


class CodeForm(AccessibleFormMixin, forms.Form):
    """A code of the authenticator app, or (`backup=True`) one of the backup codes."""

    code = forms.CharField(label=_("Code"), max_length=32, strip=True)

    def __init__(self, *args, backup: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "inputmode": "text" if backup else "numeric",
                "autofocus": True,
            }
        )
        if backup:
            self.fields["code"].help_text = _(
                "Les six chiffres affichés par votre application, ou l'un de vos codes de secours."
            )
        else:
            self.fields["code"].help_text = _("Les six chiffres affichés par votre application.")


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=_("Rechercher un compte"), max_length=100, required=False)


class MemberInviteForm(AccessibleFormMixin, forms.Form):
    """A new user of the organisation, for a partner manager (their own organisation, fixed:
    no choice offered; any other sent is refused) or an IOM officer (any active organisation).
    The roles are those the inviter may give (partners.selectors.grantable_roles); the service
    checks both again."""

    username = forms.CharField(
        label=_("Identifiant de connexion"),
        max_length=150,
        help_text=_("Lettres, chiffres et . @ + - _ uniquement, sans espace."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    email = forms.EmailField(label=_("Adresse e-mail (facultatif)"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=None,
        error_messages={"invalid_choice": _("Vous ne pouvez inviter que dans votre organisation.")},
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        error_messages={
            "invalid_choice": _("Vous ne pouvez pas donner ce rôle : choisissez-en un de la liste.")
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = invitable_organisations(user).order_by("name")
        self.fields["organisation"].queryset = organisations
        self.fields["role"].choices = [(role.value, role.label) for role in grantable_roles(user)]
        self.fields["role"].initial = Role.CASEWORKER
        # A partner manager's organisation is their own: nothing to choose.
        self.own_organisation = None if sees_everything(user) else organisations.first()
        if self.own_organisation is None:
            self.fields["organisation"].error_messages["invalid_choice"] = _(
                "Choisissez une organisation active de la liste."
            )
        else:
            field = self.fields["organisation"]
            field.widget = forms.HiddenInput()
            field.required = False
            field.initial = self.own_organisation.pk

    def clean_organisation(self):
        return self.cleaned_data.get("organisation") or self.own_organisation
