"""Text that people type, made safe to show next to other text.

A name, a file reference, a note or a title can carry characters no one sees: control
characters (Unicode category Cc) and the bidirectional formatting characters (the embeddings
and overrides U+202A–U+202E, the isolates U+2066–U+2069, the marks U+200E, U+200F and U+061C).
An override such as U+202E reverses the text that follows it, so a displayed name could spoof
what surrounds it in a title, a list or an export. They are removed, not refused: they are
invisible, so a caseworker who pasted an Arabic name from a messaging app or a word processor
(which add U+200F and U+202B without telling) could not find what to correct, and a
spreadsheet of thousands of rows must not be refused for a character nobody can see. Once they
are gone nothing in the text can reorder what is around it; the pages also isolate each user
text in `<bdi>` (and `isolate` below, where markup cannot go).

`plain_text` is the one helper: the models' `clean_fields()` (through `UserTextMixin`) and the
importer's reading of cells call it, so the pages, the API, the admin, the importer and the
commands store the same text; the data migrations clean the rows stored before with it too
(`clean_stored_user_text`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from itertools import chain

logger = logging.getLogger(__name__)

# U+061C ARABIC LETTER MARK, U+200E/U+200F LRM/RLM, U+202A–U+202E embeddings and overrides,
# U+2066–U+2069 isolates.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# The controls and separators that end a line: a space in one-line text.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
CONTROLS = [chr(code) for code in chain(range(0x00, 0x20), range(0x7F, 0xA0))]


def _table(*, multiline: bool) -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(c): None for c in chain(CONTROLS, BIDI_CONTROLS)}
    if multiline:
        # Lines and tabs are the text's own layout ("\r\n" and a lone "\r" become "\n").
        table[ord("\n")] = "\n"
        table[ord("\t")] = "\t"
        table.update({ord("\u2028"): "\n", ord("\u2029"): "\n"})
    else:
        table.update({ord(c): " " for c in LINE_BREAKS + "\t"})
    return table


_ONE_LINE = _table(multiline=False)
_MULTILINE = _table(multiline=True)


def plain_text(value, *, multiline: bool = False, strip: bool = True):
    """`value` without control and bidi formatting characters, ends trimmed (unless `strip`
    is False: a file we write keeps its cells' spaces).

    One-line text (names, references, titles) gets a space for each line break or tab;
    multi-line text (notes, reasons) keeps its line breaks ("\\r\\n" becomes "\\n") and tabs.
    Anything that is not a string (None, a number) is returned as it is.
    """
    if not isinstance(value, str):
        return value
    if not value.isprintable():  # in C; true of most text: no Cc, no Cf, nothing to remove
        value = value.replace("\r\n", "\n")
        if multiline:
            value = value.replace("\r", "\n").translate(_MULTILINE)
        else:
            value = value.translate(_ONE_LINE)
    return value.strip() if strip else value


def isolate(value) -> str:
    """Text wrapped in Unicode's own isolates (FSI … PDI): `<bdi>` where markup cannot go, a
    page's <title> or an attribute, so right-to-left text cannot reorder what follows it."""
    text = "" if value is None else str(value)
    return f"\u2068{text}\u2069" if text else text


class UserTextMixin:
    """For models with fields people type: `clean_fields()`, hence `full_clean()` in every
    service and in the admin's forms, first passes them through `plain_text`.

    `USER_TEXT_FIELDS` are one-line fields, `USER_MULTILINE_FIELDS` multi-line ones.

    Only the values given to the record are cleaned: a value read from the database and left
    untouched is written back as it is. The data migrations cleaned what was stored before,
    except a reference whose cleaned form another record already holds (two records of one
    person, for an officer to merge): editing such a record's name must neither fail on a
    reference nobody touched nor turn it into its twin's.
    """

    USER_TEXT_FIELDS: tuple[str, ...] = ()
    USER_MULTILINE_FIELDS: tuple[str, ...] = ()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        loaded = instance.__dict__  # deferred fields are not in it: they count as given
        instance._stored_user_text = {
            name: loaded[name]
            for name in chain(cls.USER_TEXT_FIELDS, cls.USER_MULTILINE_FIELDS)
            if name in loaded
        }
        return instance

    def clean_user_text(self) -> None:
        stored = getattr(self, "_stored_user_text", {})
        for names, multiline in (
            (self.USER_TEXT_FIELDS, False),
            (self.USER_MULTILINE_FIELDS, True),
        ):
            for name in names:
                value = getattr(self, name)
                if name in stored and stored[name] == value:
                    continue
                setattr(self, name, plain_text(value, multiline=multiline))

    def clean_fields(self, exclude=None):
        self.clean_user_text()
        super().clean_fields(exclude=exclude)


def clean_stored_user_text(
    model,
    *,
    fields: Sequence[str] = (),
    multiline_fields: Sequence[str] = (),
    unique_within: Mapping[str, Sequence[str]] | None = None,
    audit_model=None,
) -> list[str]:
    """Pass the user text of every stored row of `model` through `plain_text`, as the models
    have done since they gained `UserTextMixin`: a data migration's step (`model` may be a
    historical model). Returns one line per value left as it was.

    `unique_within` names the unique fields with the fields of their scope, e.g.
    `{"beneficiary_ref": ["organisation_id"]}`. A unique value whose cleaned form another row
    of the same scope already holds, or that would be empty, is left as it is and reported:
    the two rows are most likely one person (or one assistance) recorded twice, for an officer
    to merge. Rows are cleaned in id order, so of two dirty twins the older gets the clean
    value. Each changed row gets an audit entry (`audit_model`, no actor) with the old and
    new values.
    """
    unique_within = dict(unique_within or {})
    names = [*fields, *multiline_fields]
    scope_names = sorted({name for scope in unique_within.values() for name in scope})
    columns = ["pk", *names, *scope_names]
    manager = model._default_manager
    label = model._meta.label_lower
    kept: list[str] = []
    audit = []
    for values in manager.order_by("pk").values_list(*columns).iterator(chunk_size=2000):
        row = dict(zip(columns, values, strict=True))
        changes = {}
        for name in names:
            cleaned = plain_text(row[name], multiline=name in multiline_fields)
            if cleaned == row[name]:
                continue
            if name in unique_within:
                scope = {field: row[field] for field in unique_within[name]}
                twins = manager.filter(**scope, **{name: cleaned}).exclude(pk=row["pk"])
                twin = twins.order_by("pk").values_list("pk", flat=True).first()
                if twin is not None or not cleaned:
                    # repr() shows the invisible characters (and keeps "é" as it is).
                    what = f"{label} #{row['pk']}: {name} {row[name]!r} kept as it is"
                    if twin is not None:
                        what += f" ({cleaned!r} is #{twin}'s: merge the two records)"
                    else:
                        what += " (nothing would be left of it: correct it by hand)"
                    kept.append(what)
                    continue
            changes[name] = cleaned
        if changes:
            manager.filter(pk=row["pk"]).update(**changes)
            if audit_model is not None:
                audit.append(
                    audit_model(
                        action="update",
                        model=label,
                        object_id=str(row["pk"]),
                        changes={name: [row[name], new] for name, new in changes.items()},
                    )
                )
    if audit:
        audit_model._default_manager.bulk_create(audit, batch_size=2000)
    for line in kept:
        logger.warning(line)
    return kept
