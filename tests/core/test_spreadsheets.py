"""The one formula guard of the files the application writes (core.spreadsheets)."""

import pytest

from core.spreadsheets import FORMULA_STARTS, neutralise, unneutralise


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_formula_like_text_gets_a_quote_and_reads_back(start):
    text = f'{start}HYPERLINK("http://evil.example")'
    if start == "\r":  # a carriage return is a line break: it becomes "\n", no formula
        assert neutralise(text) == "\n" + text[1:]
        return
    assert neutralise(text) == "'" + text
    assert unneutralise(neutralise(text)) == text


@pytest.mark.parametrize("value", ["ok", "", "'quoted on purpose", "a=b", 3, -3, None, 1.5])
def test_anything_else_is_left_as_it_is(value):
    assert neutralise(value) == value
    if isinstance(value, str):
        assert unneutralise(value) == value


def test_invisible_characters_go_before_the_check():
    # A bidi override or a control character cannot hide a formula, nor survive in a cell;
    # line breaks and tabs are the text's own, spaces are not trimmed.
    assert neutralise("\u202e=1+1") == "'=1+1"
    assert neutralise("\x00=1") == "'=1"
    assert neutralise(" notes\r\nsur deux lignes\t ") == " notes\nsur deux lignes\t "
