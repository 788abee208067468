"""The English and Arabic catalogues are a maintained contract: every French source string is
in them, translated (no empty or fuzzy entry), with its placeholders intact, and the committed
.mo files match the .po files (fresh machines may lack gettext to compile them).

French is the source language, but it has a catalogue too, for its plural rule alone: without
one, ngettext falls back to "singular when n == 1" and prints "0 modifiées" where French says
"0 modifiée" (n > 1 takes the plural). Its singular entries stay empty (gettext then returns
the msgid); each plural entry has msgstr[0] = msgid and msgstr[1] = msgid_plural.

When a test here fails after you added or changed a string:

    DEBUG=1 python manage.py makemessages -l en -l ar -l fr --ignore=.venv --ignore=var \\
        --ignore=tests --ignore=benchmarks --no-obsolete
    # translate the new entries in locale/{en,ar}/LC_MESSAGES/django.po, drop "fuzzy";
    # in locale/fr/LC_MESSAGES/django.po, copy msgid / msgid_plural of each new plural entry
    # into its msgstr[0] / msgstr[1], drop "fuzzy"
    DEBUG=1 python manage.py compilemessages --ignore=.venv
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from assistance.choices import Category, Outcome

LANGS = ("en", "ar")
LOCALE = Path(settings.BASE_DIR) / "locale"
# The folders makemessages skips (the same --ignore as the command in the docstring).
NOT_SOURCE = {
    ".venv",
    "var",
    "tests",
    "benchmarks",
    "locale",
    ".git",
    "node_modules",
    "media",
    "staticfiles",
    "test-artifacts",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
}
ARABIC = re.compile(r"[\u0600-\u06FF]")
# Python and brace placeholders, and real HTML tags (not a "<identifier>" written for people).
PLACEHOLDER = re.compile(
    r"%\([a-zA-Z_]\w*\)[sdif]|%[sdif]|\{[a-zA-Z_]\w*\}"
    r"|</?(?:a|abbr|b|br|code|em|i|kbd|li|p|span|strong|ul)\b[^>]*>"
)


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def read_po(path: Path) -> list[Entry]:
    """The live entries of a .po file (the header and obsolete `#~` entries left out)."""
    entries, entry, target = [], Entry(), None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        starts_entry = line.startswith(("#", "msgctxt ", "msgid "))
        if (not line or starts_entry) and target and target.startswith("msgstr"):
            entries.append(entry)  # the previous entry ends at its msgstr
            entry, target = Entry(), None
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if not line.startswith('"'):
            target, _, line = line.partition(" ")
            entry.line = entry.line or number
        text = ast.literal_eval(line)
        if target == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + text
        elif target == "msgid":
            entry.msgid += text
        elif target == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + text
        else:
            index = int(target[7:-1]) if target.startswith("msgstr[") else 0
            entry.msgstr[index] = entry.msgstr.get(index, "") + text
    if target:
        entries.append(entry)
    return [e for e in entries if e.msgid]


def catalogue(lang: str) -> list[Entry]:
    return read_po(LOCALE / lang / "LC_MESSAGES" / "django.po")


def label(entry: Entry) -> str:
    return f"line {entry.line}: {entry.msgid!r}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_entry_is_translated_and_not_fuzzy(lang):
    entries = catalogue(lang)
    assert len(entries) > 500
    nplurals = 2 if lang == "en" else 6
    untranslated = [
        label(e)
        for e in entries
        if "fuzzy" in e.flags
        or not all(e.msgstr.values())
        or len(e.msgstr) != (nplurals if e.msgid_plural else 1)
    ]
    assert not untranslated, f"{lang}: untranslated or fuzzy:\n" + "\n".join(untranslated)


def test_arabic_header_has_the_six_arabic_plural_forms():
    header = (LOCALE / "ar" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert (
        '"Plural-Forms: nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : '
        'n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;\\n"'
    ) in header
    assert '"Language: ar\\n"' in header


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_the_placeholders_and_tags(lang):
    wrong = []
    for e in catalogue(lang):
        for index, text in e.msgstr.items():
            source = e.msgid if index == 0 or not e.msgid_plural else e.msgid_plural
            expected = sorted(PLACEHOLDER.findall(source))
            found = sorted(PLACEHOLDER.findall(text))
            # Arabic says "one person" / "two persons" without the number: the count may go.
            if lang == "ar" and e.msgid_plural and index in (1, 2):
                expected = [p for p in expected if p not in ("%(counter)s", "%(years)s")]
                found = [p for p in found if p not in ("%(counter)s", "%(years)s")]
            if expected != found:
                wrong.append(f"{label(e)} [{index}] {text!r}: {found} instead of {expected}")
    assert not wrong, "\n".join(wrong)


def test_arabic_catalogue_is_written_in_arabic():
    latin_only = [
        label(e)
        for e in catalogue("ar")
        if not any(ARABIC.search(text) for text in e.msgstr.values())
        # Codes, formats and names that stay as they are in every language.
        and e.msgid
        not in {
            "PDF",
            "XLSX",
            "iom_cases",
            "Français",
            "English",
            "العربية",
            "%(label)s : %(value)s",
        }
    ]
    assert not latin_only, "\n".join(latin_only)


def test_french_catalogue_has_the_french_plural_rule_and_every_plural_entry():
    header = (LOCALE / "fr" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"' in header
    assert '"Language: fr\\n"' in header
    plurals = [e for e in catalogue("fr") if e.msgid_plural]
    assert len(plurals) > 20
    wrong = [
        label(e)
        for e in plurals
        if "fuzzy" in e.flags or e.msgstr != {0: e.msgid, 1: e.msgid_plural}
    ]
    assert not wrong, "fr: msgstr[0] must be the msgid, msgstr[1] the msgid_plural:\n" + "\n".join(
        wrong
    )


@pytest.mark.parametrize(
    ("n", "expected"), [(0, "0 personne"), (1, "1 personne"), (2, "2 personnes")]
)
def test_french_takes_the_singular_for_zero_and_one(n, expected):
    with translation.override("fr"):
        text = translation.ngettext("%(counter)s personne", "%(counter)s personnes", n)
    assert text % {"counter": n} == expected


@pytest.mark.parametrize("lang", (*LANGS, "fr"))
def test_compiled_catalogue_matches_the_po_file(lang):
    with (LOCALE / lang / "LC_MESSAGES" / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog  # noqa: SLF001
    stale = []
    for e in catalogue(lang):
        key = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt else e.msgid
        for index, text in e.msgstr.items():
            got = compiled.get((key, index)) if e.msgid_plural else compiled.get(key)
            if got != (text or None):  # an empty msgstr (French singular) is not compiled
                stale.append(label(e))
    assert not stale, "run compilemessages:\n" + "\n".join(stale)


def test_every_source_string_is_in_the_catalogues(tmp_path, settings, monkeypatch):
    """Extract the strings of the code as it is now (a copy, so the real catalogues stay
    untouched) and look for each in the committed catalogues."""
    source = tmp_path / "src"

    def skip(directory, names):
        return [
            name
            for name in names
            if name in NOT_SOURCE
            or (
                (Path(directory) / name).is_file()
                and Path(name).suffix not in {".py", ".html", ".txt"}
            )
        ]

    shutil.copytree(settings.BASE_DIR, source, ignore=skip)
    settings.LOCALE_PATHS = [tmp_path / "extracted"]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)
    extracted = read_po(tmp_path / "extracted" / "en" / "LC_MESSAGES" / "django.po")
    assert len(extracted) > 500
    for lang in (*LANGS, "fr"):
        known = {(e.msgctxt, e.msgid, e.msgid_plural) for e in catalogue(lang)}
        missing = [
            f"{e.msgid!r}" for e in extracted if (e.msgctxt, e.msgid, e.msgid_plural) not in known
        ]
        assert not missing, f"{lang}: not in the catalogue (run makemessages):\n" + "\n".join(
            missing
        )


@pytest.mark.parametrize(
    "french,arabic",
    [
        ("Bénéficiaires", "المستفيدون"),
        ("Référencements", "الإحالات"),
        ("Retour volontaire assisté", "العودة الطوعية المساعدة"),
        ("Violences basées sur le genre", "العنف القائم على النوع الاجتماعي"),
        ("Connexion", "تسجيل الدخول"),
    ],
)
def test_key_strings_are_arabic(french, arabic):
    with translation.override("ar"):
        assert translation.gettext(french) == arabic


def test_family_name_label_says_family_name():
    from beneficiaries.forms import BeneficiaryForm

    with translation.override("ar"):
        assert str(BeneficiaryForm().fields["last_name"].label) == "الاسم العائلي"
    with translation.override("en"):
        assert str(BeneficiaryForm().fields["last_name"].label) == "Last name"
    with translation.override("fr"):
        assert str(BeneficiaryForm().fields["last_name"].label) == "Nom"


def test_choice_labels_follow_the_language():
    with translation.override("ar"):
        assert str(Category.MEDICAL.label) == "طبي"
        assert str(Outcome.SERVICE_RECEIVED.label) == "تمت الاستفادة من الخدمة"
    with translation.override("en"):
        assert str(Category.AVRR.label) == "Assisted voluntary return"
        assert str(Outcome.NO_SHOW.label) == "Did not attend"
    with translation.override("fr"):
        assert str(Category.AVRR.label) == "Retour volontaire assisté"


@pytest.mark.parametrize(
    "n,expected",
    [
        (0, "0 شخص"),
        (1, "شخص واحد"),
        (2, "شخصان"),
        (5, "5 أشخاص"),
        (11, "11 شخصًا"),
        (100, "100 شخص"),
        (103, "103 أشخاص"),
    ],
)
def test_arabic_uses_its_six_plural_forms(n, expected):
    with translation.override("ar"):
        text = translation.ngettext("%(counter)s personne", "%(counter)s personnes", n)
    assert text % {"counter": n} == expected


def test_language_names_stay_in_their_own_language():
    for lang in LANGS:
        with translation.override(lang):
            assert [str(name) for _, name in settings.LANGUAGES] == [
                "Français",
                "English",
                "العربية",
            ]


@pytest.mark.parametrize(
    "lang,heading,button",
    [
        ("ar", "تسجيل الدخول", "كلمة المرور"),
        ("en", "Sign in", "Password"),
        ("fr", "Connexion", "Mot de passe"),
    ],
)
def test_login_page_in_each_language(client, db, lang, heading, button):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert button in html
    if lang != "fr":
        assert "Connexion" not in html and "Mot de passe" not in html


def test_dashboard_cells_are_labelled_in_the_language_not_by_code():
    from reporting.dashboard import cell_label

    with translation.override("ar"):
        assert [cell_label(n) for n in ("total", "women", "unknown")] == [
            "المجموع",
            "نساء",
            "غير معروف",
        ]
