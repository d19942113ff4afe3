from smartkoto.payments.workflow import TRANSITIONS, Status, can_move


def test_failed_is_not_final_the_resident_may_retry_and_a_late_capture_counts():
    assert can_move(Status.FAILED, Status.STARTED)
    assert can_move(Status.FAILED, Status.SUCCEEDED)
    assert can_move(Status.EXPIRED, Status.SUCCEEDED)


def test_a_paid_payment_never_goes_back_to_failed_or_started():
    for status in (Status.FAILED, Status.STARTED, Status.CANCELLED, Status.EXPIRED, Status.CREATED):
        assert not can_move(Status.SUCCEEDED, status)
    assert not can_move(Status.REFUNDED, Status.SUCCEEDED)


def test_every_status_has_a_row_in_the_table():
    assert set(TRANSITIONS) == set(Status)
