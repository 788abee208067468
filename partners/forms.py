"""Forms of the user's own page and of the password pages."""

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
