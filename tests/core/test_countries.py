"""Country names in French, English and Arabic: every country of ISO 3166, as the country
lists of the forms and filters show them."""

import gettext
import re

import pycountry
import pytest
from django.utils import translation

from core.countries import country_name
from core.forms import country_choices

ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN = re.compile(r"[A-Za-z]")


class _Missing(gettext.NullTranslations):
    def gettext(self, message):
        return None


def _not_in_iso_codes_catalogue(language):
    catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    catalogue.add_fallback(_Missing())
    return {c.name for c in pycountry.countries if catalogue.gettext(c.name) is None}


def test_every_country_is_named_in_arabic():
    untranslated = [
        f"{c.alpha_2} {country_name(c.alpha_2, 'ar')}"
        for c in pycountry.countries
        if not ARABIC.search(country_name(c.alpha_2, "ar"))
        or LATIN.search(country_name(c.alpha_2, "ar"))
    ]
    assert untranslated == []


def test_every_country_is_named_in_french():
    """A French name may be the English one (Mali, Canada) only when the French catalogue
    says so; a name the catalogue lacks must come from ours."""
    lacking = _not_in_iso_codes_catalogue("fr")
    untranslated = [
        c.alpha_2
        for c in pycountry.countries
        if c.name in lacking and country_name(c.alpha_2, "fr") == c.name
    ]
    assert untranslated == []


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_every_country_has_its_own_name_in_each_language(language):
    names = [country_name(c.alpha_2, language) for c in pycountry.countries]
    assert all(names)
    assert len(set(names)) == len(names)  # no two entries of a list read the same
    if language == "en":
        assert not any(ARABIC.search(name) for name in names)


@pytest.mark.parametrize("language,name", [("fr", "Turquie"), ("en", "Türkiye"), ("ar", "تركيا")])
def test_turkiye_in_each_language_and_in_the_country_lists(language, name):
    assert country_name("TR", language) == name
    with translation.override(language):
        assert ("TR", name) in country_choices()
