"""Forms of the partners app's pages: the second factor's codes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleFormMixin


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
