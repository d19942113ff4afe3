from django import template

from ..workflow import Status

register = template.Library()


@register.filter
def status_label(value):
    """A payment status code as its translated label ('' stays '')."""
    try:
        return Status(value).label
    except ValueError:
        return value
