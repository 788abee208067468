"""Forms of the user's own page, the password pages and the second factor's codes."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleFormMixin


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
