"""Fixtures for applications paying through payments: reuse the applications fixtures (walk a procedure, pay on
the simulated provider and post its signed webhooks to our receiver)."""

import pytest

from tests.applications.conftest import (  # noqa: F401  (fixtures)
    JUMINHYO, _payments_without_http, apply, case_worker, catalog, deliver_webhooks, outbox_backend, pay_by_card)

SODAI = {"applicant": {"full_name": "江東 花子", "full_name_kana": "コウトウ ハナコ", "phone": "03-3647-9111", "email": "hanako@example.jp",
                       "birth_date": "1988-04-12", "postal_code": "135-0016", "address": "東京都江東区東陽四丁目2番1号"},
         "waste": {"item_size": "medium", "item_name": "ソファ", "collection_date": "2026-12-10", "apartment": "no"}}


@pytest.fixture
def sent(resident_client, catalog, apply):
    """住民票の写し 2通 (300円 × 2) sent by a card-verified resident: waiting for payment."""
    return apply(resident_client, "juminhyo", JUMINHYO)


@pytest.fixture
def accounting(make_staff, staff_login):
    """会計管理室: a case worker who asks for refunds and a manager who approves them (four eyes)."""
    from django.test import Client

    clerk = make_staff("kaikei-clerk", "kaikei", "case_worker")
    boss = make_staff("kaikei-boss", "kaikei", "department_manager")
    return staff_login(Client(), clerk), staff_login(Client(), boss)
