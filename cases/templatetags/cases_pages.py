"""Labels of case work's codes, for the templates: an assessment's needs, a goal's services."""

from django import template

from assistance.choices import Category
from cases.models import planned_service_choices

register = template.Library()


@register.filter
def category_label(code):
    """An assistance category's label, from its code."""
    try:
        return Category(code).label
    except ValueError:
        return code


@register.filter
def planned_service(code):
    """A goal's planned service (`category` or `category:subtype`), in words."""
    return dict(planned_service_choices()).get(code, code)
