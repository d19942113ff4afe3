import pytest
from django.db import IntegrityError, transaction

from smartkoto.payments import services
from smartkoto.payments.models import LedgerEntry, Refund, SimIntent
from smartkoto.core.actor import Actor  # noqa: E402
from smartkoto.core.permissions import Forbidden  # noqa: E402

SYSTEM = Actor.system("tests")

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(make_payment, sim):
    payment = make_payment(amount=1000)
    sim.pay(payment)
    services.poll(payment, actor=SYSTEM)
    payment.refresh_from_db()
    assert payment.status == "succeeded"
    return payment


@pytest.fixture
def two_staff(make_staff):
    return make_staff("kaikei-clerk", "kaikei", "case_worker"), make_staff("kaikei-boss", "kaikei", "department_manager")


def test_partial_then_full_refund_with_a_second_approver(paid, two_staff):
    clerk, boss = two_staff
    first = services.request_refund(paid, amount_yen=300, reason="1通分取り下げ", actor=Actor.for_user(clerk))
    assert services.decide_refund(first, actor=Actor.for_user(boss), approve=True).state == "succeeded"
    paid.refresh_from_db()
    assert paid.status == "partially_refunded" and paid.refunded_yen == 300
    second = services.request_refund(paid, amount_yen=700, reason="全額取り下げ", actor=Actor.for_user(clerk))
    services.decide_refund(second, actor=Actor.for_user(boss), approve=True)
    paid.refresh_from_db()
    assert paid.status == "refunded" and paid.refunded_yen == 1000
    assert sorted(LedgerEntry.objects.filter(payment=paid).values_list("amount_yen", flat=True)) == [-700, -300, 1000]
    assert SimIntent.objects.get(id=paid.provider_ref).amount_refunded == 1000


def test_the_requester_cannot_approve_their_own_refund(paid, two_staff):
    clerk, _boss = two_staff
    refund = services.request_refund(paid, amount_yen=100, reason="誤徴収", actor=Actor.for_user(clerk))
    with pytest.raises(Forbidden):  # refused by the policy (four eyes), audited
        services.decide_refund(refund, actor=Actor.for_user(clerk), approve=True)
    refund.refresh_from_db()
    assert refund.state == "requested" and refund.decided_by is None
    refund.decided_by = clerk
    with pytest.raises(IntegrityError), transaction.atomic():
        refund.save()  # the database refuses it too


def test_refunds_beyond_the_captured_amount_are_refused(paid, two_staff):
    clerk, boss = two_staff
    services.request_refund(paid, amount_yen=800, reason="a", actor=Actor.for_user(clerk))
    with pytest.raises(services.RefundRefused):
        services.request_refund(paid, amount_yen=201, reason="b", actor=Actor.for_user(clerk))
    services.request_refund(paid, amount_yen=200, reason="c", actor=Actor.for_user(clerk))


def test_rejecting_a_refund_frees_the_amount(paid, two_staff):
    clerk, boss = two_staff
    refund = services.request_refund(paid, amount_yen=1000, reason="a", actor=Actor.for_user(clerk))
    services.decide_refund(refund, actor=Actor.for_user(boss), approve=False, note="根拠なし")
    paid.refresh_from_db()
    assert paid.refund_reserved_yen == 0 and paid.status == "succeeded"
    services.request_refund(paid, amount_yen=1000, reason="b", actor=Actor.for_user(clerk))


def test_an_unpaid_payment_cannot_be_refunded(make_payment, two_staff):
    with pytest.raises(services.RefundRefused):
        services.request_refund(make_payment(), amount_yen=1, reason="x", actor=Actor.for_user(two_staff[0]))


def test_resending_an_approved_refund_does_not_refund_twice(paid, two_staff):
    from django.utils import timezone

    from smartkoto.payments.providers import registry

    clerk, boss = two_staff
    refund = services.request_refund(paid, amount_yen=400, reason="a", actor=Actor.for_user(clerk))
    Refund.objects.filter(pk=refund.pk).update(state="submitted", decided_by=boss, decided_at=timezone.now())
    # the first call reached the provider but its answer was lost before we recorded it
    registry.get("simulated").refund(paid.provider_ref, amount=400, idempotency_key=f"smartkoto-refund-{refund.pk}", metadata={})
    for _ in range(2):
        services.submit_refund(Refund.objects.get(pk=refund.pk), actor=SYSTEM)
    assert SimIntent.objects.get(id=paid.provider_ref).amount_refunded == 400
    assert LedgerEntry.objects.filter(refund=refund).count() == 1
    assert Refund.objects.get(pk=refund.pk).state == "succeeded"
