from smartkoto.core import workflow
from smartkoto.payments.workflow import PAYMENT, PROVIDER, REFUND, RESIDENT, STAFF, SYSTEM, RefundState, SlipState, Status


def _any(current, target):
    return any(PAYMENT.allowed(current, target, party) for party in (RESIDENT, STAFF, SYSTEM, PROVIDER))


def test_failed_is_not_final_the_resident_may_retry_and_a_late_capture_counts():
    assert PAYMENT.allowed(Status.FAILED, Status.STARTED, RESIDENT)
    assert PAYMENT.allowed(Status.FAILED, Status.SUCCEEDED, PROVIDER)
    assert PAYMENT.allowed(Status.EXPIRED, Status.SUCCEEDED, PROVIDER)


def test_a_paid_payment_never_goes_back_to_failed_or_started():
    for status in (Status.FAILED, Status.STARTED, Status.CANCELLED, Status.EXPIRED, Status.CREATED):
        assert not _any(Status.SUCCEEDED, status)
    assert not _any(Status.REFUNDED, Status.SUCCEEDED)


def test_only_the_providers_verified_report_makes_a_payment_paid():
    for status in (Status.CREATED, Status.STARTED, Status.FAILED):
        assert PAYMENT.moves_from(status, STAFF) == []
        assert Status.SUCCEEDED not in PAYMENT.moves_from(status, RESIDENT)
        assert Status.SUCCEEDED not in PAYMENT.moves_from(status, SYSTEM)


def test_refunds_are_decided_by_staff_and_completed_by_the_provider():
    assert REFUND.moves_from(RefundState.REQUESTED, STAFF) == [RefundState.SUBMITTED, RefundState.REJECTED]
    assert REFUND.moves_from(RefundState.SUBMITTED, PROVIDER) == [RefundState.SUCCEEDED, RefundState.FAILED]
    assert REFUND.moves_from(RefundState.REJECTED, STAFF) == []


def test_the_tables_are_registered_with_every_state():
    registered = workflow.registered()
    assert registered["payment"][1] == list(Status.values)
    assert registered["refund"][1] == list(RefundState.values)
    assert registered["payment_slip"][1] == list(SlipState.values)
