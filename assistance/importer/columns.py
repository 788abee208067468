"""The columns of the import contract and how each accepted value form is read and written.

Readers turn one cell's text into the model's value or raise CellError with a message the
user can act on (French source strings, translated at display time).
"""

from __future__ import annotations

import datetime
import decimal
import re
import unicodedata

from django.utils.translation import gettext as _

from beneficiaries.choices import Sex
from beneficiaries.models import PERSON_FIELDS
from core.countries import country_code

# The formula guard (core.spreadsheets), for the files exports.py writes and values.py reads.
from core.spreadsheets import neutralise as neutralise
from core.spreadsheets import unneutralise as unneutralise

REQUIRED = ("beneficiary_ref", "sex", "category", "delivered_on")
# A person's fields (beneficiaries.models.PERSON_FIELDS) that the contract carries, in that
# order, under their column names: the others (legal status, registration date, consent) are
# set on the person's page; an import registers a person on the date of their first row.
FIELD_COLUMNS = {"is_migrant": "migrant"}
NOT_IMPORTED = frozenset({"legal_status", "registered_on", "consent", "consent_on"})
PERSON_COLUMNS = tuple(
    FIELD_COLUMNS.get(name, name) for name in PERSON_FIELDS if name not in NOT_IMPORTED
)
ASSISTANCE_COLUMNS = (
    "assistance_ref",
    "category",
    "subtype",
    "delivered_on",
    "status",
    "project",
    "country",
    "quantity",
    "value_mad",
    "outcome",
    "notes",
)
# The order of the exported files (the import accepts any order).
COLUMNS = PERSON_COLUMNS + ASSISTANCE_COLUMNS

# The references of the template's example row (exports.template_rows). The import refuses a
# row whose person has one, so the example never counts as a real person and delivery in a
# donor's figures, whichever way the file comes (page, API, command).
EXAMPLE_PREFIX = "EXEMPLE-"

# Longer than any real cell: a guard against pasted documents and hostile files.
MAX_CELL_CHARS = 5000


class CellError(ValueError):
    """A cell whose value cannot be read; the message says why."""


def fold(text: str) -> str:
    """Lower case, accents and surrounding spaces removed: how words are compared."""
    text = str(text).strip().lower()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def header_key(text: str) -> str:
    return "_".join(fold(text).lstrip("\ufeff").replace("-", " ").split())


_SEX = {
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "femme": Sex.FEMALE,
    "m": Sex.MALE,
    "male": Sex.MALE,
    "homme": Sex.MALE,
    "h": Sex.MALE,
    "u": Sex.UNKNOWN,
    "unknown": Sex.UNKNOWN,
    "inconnu": Sex.UNKNOWN,
    "inconnue": Sex.UNKNOWN,
    "": Sex.UNKNOWN,
}

_BOOLEAN = {
    "yes": True,
    "oui": True,
    "1": True,
    "true": True,
    "vrai": True,
    "y": True,
    "o": True,
    "no": False,
    "non": False,
    "0": False,
    "false": False,
    "faux": False,
    "n": False,
}


def read_beneficiary_ref(text: str) -> str:
    if fold(text).startswith(fold(EXAMPLE_PREFIX)):
        raise CellError(_("Ligne d'exemple du modèle : supprimez-la avant d'importer le fichier."))
    return text


def read_sex(text: str) -> str:
    try:
        return _SEX[fold(text)]
    except KeyError:
        raise CellError(
            _("Sexe inconnu : utilisez F, M, femme, homme, female, male ou U (inconnu).")
        ) from None


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def read_date(text: str) -> datetime.date | None:
    text = text.strip()
    if not text:
        return None
    if len(text) >= 19 and text[10] in "T " and text[11:19] == "00:00:00":
        text = text[:10]  # a spreadsheet date cell read as a midnight timestamp
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
    elif match := _FRENCH_DATE.fullmatch(text):
        day, month, year = match.groups()
    else:
        raise CellError(_("Date mal écrite : utilisez AAAA-MM-JJ ou JJ/MM/AAAA."))
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise CellError(_("Cette date n'existe pas (jour ou mois impossible).")) from None


def read_year(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation:
        raise CellError(
            _("Année de naissance invalide : écrivez l'année sur 4 chiffres.")
        ) from None
    if number != number.to_integral_value() or not 0 < number < 10000:
        raise CellError(_("Année de naissance invalide : écrivez l'année sur 4 chiffres."))
    return int(number)


def read_country(text: str) -> str:
    code = country_code(text)
    if code is None:
        raise CellError(
            _("Pays inconnu : utilisez un code ISO (MA, MAR) ou le nom en français ou en anglais.")
        )
    return code


def read_boolean(text: str) -> bool | None:
    if not text.strip():
        return None
    try:
        return _BOOLEAN[fold(text)]
    except KeyError:
        raise CellError(_("Valeur oui/non attendue (oui, non, yes, no, 1, 0).")) from None


def read_codes(text: str) -> list[str]:
    """`;`-separated codes (commas tolerated), lower-cased, duplicates dropped."""
    codes: list[str] = []
    for part in text.replace(",", ";").split(";"):
        code = fold(part)
        if code and code not in codes:
            codes.append(code)
    return codes


def read_decimal(text: str) -> decimal.Decimal | None:
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    try:
        value = decimal.Decimal(text.replace(",", "."))
    except decimal.InvalidOperation:
        raise CellError(_("Nombre attendu (par exemple 2 ou 150,50).")) from None
    if not value.is_finite():
        raise CellError(_("Nombre attendu (par exemple 2 ou 150,50)."))
    return value


def read_code(text: str) -> str:
    """A code of the contract (category, subtype, status, outcome): case-insensitive."""
    return "_".join(fold(text).replace("-", " ").split())


def write_boolean(value: bool) -> str:
    return "yes" if value else "no"


def write_decimal(value) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f") if isinstance(value, decimal.Decimal) else str(value)
    return text
