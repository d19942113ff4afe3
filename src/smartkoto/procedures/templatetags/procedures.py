"""Template helpers for procedures: channel tags, fee text, life events."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from smartkoto.core.templatetags.ui import yen

from ..models import Channel, FeeKind, FeeTiming

register = template.Library()


@register.simple_tag
def channel_tag(procedure):
    online = procedure.channel in (Channel.ONLINE, Channel.ONLINE_WITH_CARD)
    return format_html('<span class="tag {}">{}</span>', "tag--online" if online else "tag--counter", procedure.get_channel_display())


@register.simple_tag
def fee_text(procedure):
    if procedure.fee_kind == FeeKind.NONE:
        return _("Free")
    if procedure.fee_kind == FeeKind.FIXED:
        return yen(procedure.fee_amount)
    if procedure.fee_kind == FeeKind.PER_COPY:
        return _("%(amount)s per copy") % {"amount": yen(procedure.fee_amount)}
    amounts = sorted(set((procedure.fee_options or {}).values()))
    if amounts:
        return _("%(low)s to %(high)s depending on your choice") % {"low": yen(amounts[0]), "high": yen(amounts[-1])}
    return yen(procedure.fee_amount)


@register.simple_tag
def fee_timing_text(procedure):
    """When the fee is paid, in words for residents ("" when free)."""
    if procedure.fee_kind == FeeKind.NONE:
        return ""
    if procedure.fee_timing == FeeTiming.AFTER_APPROVAL:
        return _("Paid online after the ward has checked your application and set the final amount. You will be told when to pay.")
    if procedure.fee_timing == FeeTiming.AT_COUNTER:
        return _("Paid at the counter.")
    return _("Paid online by card when you send the application. Your application is received once it is paid.")


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, "")


@register.filter
def field_type_label(kind):
    from ..formschema import FIELD_TYPES

    return FIELD_TYPES.get(kind, kind)
