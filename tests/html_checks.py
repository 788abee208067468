"""What the Content-Security-Policy (iom_cases/settings.py) would refuse in a page's HTML:
an inline script, an inline <style>, an on…= handler, a style attribute."""

from __future__ import annotations

import re

_SCRIPT = re.compile(r"<script\b[^>]*>")
_STYLE_ELEMENT = re.compile(r"<style\b")
_HANDLER = re.compile(r"\son[a-z]+\s*=")
_STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=")


def inline_code(html: str) -> str | None:
    """The first thing in `html` the policy would refuse, quoted, or None."""
    for tag in _SCRIPT.findall(html):
        if "src=" not in tag:
            return f"inline script {tag}"
    for what, pattern in (
        ("<style> element", _STYLE_ELEMENT),
        ("event handler", _HANDLER),
        ("style attribute", _STYLE_ATTRIBUTE),
    ):
        found = pattern.search(html)
        if found:
            return f"{what}: {html[found.start() : found.start() + 80]!r}"
    return None
