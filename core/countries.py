"""Countries as ISO 3166 alpha-2 codes, from codes or English/French names (DESIGN.md §4)."""

from __future__ import annotations

import gettext
import unicodedata
from functools import lru_cache

import pycountry
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# Names the iso-codes catalogues (shipped with pycountry) lack in a language: Turkey became
# "Türkiye" in ISO 3166 before the Arabic catalogue followed. Ours (French source, as every
# string of the app) fill the gap through gettext's fallback chain; tests/core/test_countries.py
# walks every country in every language to find the next one.
_OWN_NAMES = {"Türkiye": pgettext_lazy("pays", "Turquie")}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("’", "'").replace("-", " ").split())


class _OwnNames(gettext.NullTranslations):
    """What a language's iso-codes catalogue falls back to: our translation of the names it
    lacks (see _OWN_NAMES), in that language; any other name unchanged."""

    def __init__(self, language: str):
        super().__init__()
        self.language = language

    def gettext(self, message):
        name = _OWN_NAMES.get(message)
        if name is None:
            return message
        with translation.override(self.language):
            return str(name)


@lru_cache(maxsize=8)
def _translator(language: str):
    try:
        found = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return None
    found.add_fallback(_OwnNames(language))
    return found


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    names: dict[str, str] = {}
    french = _translator("fr")
    for country in pycountry.countries:
        code = country.alpha_2
        candidates = {country.alpha_2, country.alpha_3, country.name}
        for attr in ("common_name", "official_name"):
            if getattr(country, attr, None):
                candidates.add(getattr(country, attr))
        if french:
            candidates.update(french.gettext(c) for c in list(candidates) if len(c) > 3)
        for candidate in candidates:
            names.setdefault(_fold(candidate), code)
    # Usual short forms in partner spreadsheets.
    names.update(
        {
            "cote d'ivoire": "CI",
            "cote divoire": "CI",
            "ivory coast": "CI",
            "rdc": "CD",
            "rd congo": "CD",
            "drc": "CD",
            "congo kinshasa": "CD",
            "republique democratique du congo": "CD",
            "congo brazzaville": "CG",
            "guinee conakry": "GN",
            "guinea conakry": "GN",
            "syrie": "SY",
            "syria": "SY",
            "russie": "RU",
            "russia": "RU",
            "tanzanie": "TZ",
            "tanzania": "TZ",
            "soudan du sud": "SS",
            "south sudan": "SS",
            "gambie": "GM",
            "gambia": "GM",
            "bolivie": "BO",
            "iran": "IR",
            "vietnam": "VN",
            "laos": "LA",
            "moldavie": "MD",
        }
    )
    return names


def country_code(value: str) -> str | None:
    """ISO alpha-2 code for a code (alpha-2/alpha-3) or an English or French name; None if
    not recognised. Empty input gives ''."""
    if value is None or not str(value).strip():
        return ""
    return _index().get(_fold(str(value)))


def validate_country_code(value: str) -> None:
    if value and (len(value) != 2 or pycountry.countries.get(alpha_2=value) is None):
        raise ValidationError(
            _("« %(value)s » n'est pas un code pays ISO 3166 alpha-2."),
            params={"value": value},
            code="invalid_country",
        )


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in the active language (French, English or Arabic)."""
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    language = (language or get_language() or "fr")[:2]
    if language == "en":
        return country.name
    translator = _translator(language)
    return translator.gettext(country.name) if translator else country.name
