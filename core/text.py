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
commands store the same text.
"""

from __future__ import annotations

from itertools import chain

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
    """

    USER_TEXT_FIELDS: tuple[str, ...] = ()
    USER_MULTILINE_FIELDS: tuple[str, ...] = ()

    def clean_user_text(self) -> None:
        for name in self.USER_TEXT_FIELDS:
            setattr(self, name, plain_text(getattr(self, name)))
        for name in self.USER_MULTILINE_FIELDS:
            setattr(self, name, plain_text(getattr(self, name), multiline=True))

    def clean_fields(self, exclude=None):
        self.clean_user_text()
        super().clean_fields(exclude=exclude)
