"""Template helpers of the people's pages."""

from django import template

from beneficiaries.choices import Vulnerability

register = template.Library()


@register.filter
def vulnerability(code):
    """A vulnerability code's label."""
    try:
        return Vulnerability(code).label
    except ValueError:
        return code
