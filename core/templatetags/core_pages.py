"""Small template helpers of the pages."""

from django import template

from core.countries import country_name as _country_name

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes):
    """The current query string with some parameters replaced (pagination, sorting)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    if "page" not in changes:
        query.pop("page", None)
    return query.urlencode()


@register.inclusion_tag("core/_sort_header.html", takes_context=True)
def sort_header(context, field, label, first="asc", default=""):
    """A sortable column's header: shows the active sort and its direction (an arrow, and
    aria-sort for screen readers); its link sorts by `field`, first in the `first` direction
    ("asc" or "desc"), then the other way. `default` is the list's order when none is asked."""
    current = context["request"].GET.get("ordering") or default
    if current == field:
        direction, following = "ascending", f"-{field}"
    elif current == f"-{field}":
        direction, following = "descending", field
    else:
        direction, following = None, (field if first == "asc" else f"-{field}")
    return {
        "label": label,
        "direction": direction,
        "query": query_replace(context, ordering=following),
    }


@register.filter
def country(code):
    """A country's name in the active language."""
    return _country_name(code)


@register.filter
def field_of(form, name):
    """form[name], for templates that lay fields out by name."""
    return form[name]


@register.filter
def local_name(place):
    """A city's or region's name in Arabic on Arabic pages, when it has one."""
    from core.forms import local_place_name

    return local_place_name(place)


@register.filter
def bdi(value):
    """User text isolated in <bdi> (escaped), for translated sentences that place it among
    other words: `{% blocktranslate with org=p.organisation.name|bdi %}via {{ org }}…`."""
    from django.utils.html import format_html

    return format_html("<bdi>{}</bdi>", value) if value not in (None, "") else ""


@register.filter
def isolate(value):
    """User text between Unicode isolates, where no markup can go (<title>, attributes)."""
    from core.text import isolate as _isolate

    return _isolate(value)
