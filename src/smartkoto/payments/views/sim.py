"""The simulated provider's hosted payment page. It belongs to the provider, not to our application:
it posts only to these views, which talk to the provider's own records (providers/simulated.py)."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from smartkoto.municipality import queries as municipality

from ..forms import SimCardForm
from ..models import SimIntent
from ..providers import simulated


def _intent(intent_id):
    if not SimIntent.objects.filter(id=intent_id).exists():
        raise Http404
    return simulated.get_intent(intent_id)


@require_http_methods(["GET", "POST"])
def pay(request, intent_id):
    intent = _intent(intent_id)
    if intent.status not in {"requires_payment_method", "payment_failed"}:
        if intent.status == "requires_action":
            return redirect("payments:sim_challenge", intent_id=intent_id)
        return redirect(intent.return_url)
    form = SimCardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = simulated.submit_card(intent_id, form.cleaned_data["card_number"])
        if outcome == "challenge":
            return redirect("payments:sim_challenge", intent_id=intent_id)
        if outcome == "invalid":
            form.add_error("card_number", _("This card number is not valid."))
        else:
            return redirect(intent.return_url)
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"id_{name}-error"})
    return render(request, "payments/sim_pay.html", {"intent": intent, "form": form, "test_cards": simulated.TEST_CARDS,
                                                     "payee": municipality.name()})


@require_http_methods(["GET", "POST"])
def challenge(request, intent_id):
    intent = _intent(intent_id)
    if intent.status != "requires_action":
        return redirect(intent.return_url)
    if request.method == "POST":
        simulated.complete_challenge(intent_id, passed=request.POST.get("decision") == "pass")
        return redirect(intent.return_url)
    return render(request, "payments/sim_challenge.html", {"intent": intent})


@require_POST
def cancel(request, intent_id):
    intent = _intent(intent_id)
    simulated.resident_cancel(intent_id)
    return redirect(intent.return_url)
