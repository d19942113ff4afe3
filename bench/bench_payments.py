"""Payments through the real server, as ratios of /healthz measured in the same run:

- payment start: POST /api/payments/ (service token, Idempotency-Key) — creates the payment and the
  simulated provider's payment session, as a department system or the applications app would;
- idempotent replay of that POST (same key, same body);
- webhook, first delivery: a signed `payment.succeeded` from the simulated provider, applied and booked;
- webhook, duplicate: the same events again (acknowledged, nothing applied).

Bounded: each measurement stops after `seconds` or its request budget, whichever comes first.
"""

import json
import os
import sys
import uuid

from common import Server, measure, report

SECRET = "bench-webhook-secret"


def prepare(server, count):
    """Set up inside this process against the server's own database: a service token and `count` paid
    simulated payments whose webhooks have not been delivered yet."""
    os.environ.update({"SMARTKOTO_DATA_DIR": server.data_dir, "DJANGO_SETTINGS_MODULE": "smartkoto.conf.settings",
                       "SMARTKOTO_PAYMENTS_SIM_WEBHOOK_SECRET": SECRET, "SMARTKOTO_PAYMENTS_SIM_DELIVER_WEBHOOKS": "0",
                       "SMARTKOTO_BASE_URL": server.url("")})
    import django

    django.setup()
    from smartkoto.core.actor import Actor
    from smartkoto.identity.models import ServiceAccount
    from smartkoto.payments import services
    from smartkoto.payments.models import SimWebhook
    from smartkoto.payments.providers import simulated

    _account, token = ServiceAccount.issue(f"bench-{uuid.uuid4().hex[:6]}", ["payments:write", "payments:read"])
    bodies = []
    actor = Actor.system("bench")
    for n in range(count):
        payment = services.request_payment(actor=actor, payer=None, reference=f"BENCH-W-{n}", amount_yen=300, description={"ja": "ベンチ"},
                                           fee_code="juminhyo-copy", department_code="kumin", return_url="/payments/",
                                           idempotency_key=f"bench-w-{uuid.uuid4().hex}")
        services.start(payment, actor=actor)
        payment.refresh_from_db()
        simulated.submit_card(payment.provider_ref, simulated.CARD_SUCCESS)
        bodies.append(SimWebhook.objects.filter(intent_id=payment.provider_ref).latest("created_at").body.encode())
    return token, bodies, simulated.sign


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    seconds = 2.0 if quick else 5.0
    hooks = 150 if quick else 400
    env = {"SMARTKOTO_PAYMENTS_SIM_WEBHOOK_SECRET": SECRET, "SMARTKOTO_PAYMENTS_SIM_DELIVER_WEBHOOKS": "0"}
    with Server(env=env) as server:
        token, bodies, sign = prepare(server, hooks)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        run_id = uuid.uuid4().hex[:8]

        def body(n):
            return json.dumps({"reference": f"BENCH-{run_id}-{n}", "amount_yen": 300, "fee_code": "juminhyo-copy",
                               "department_code": "kumin", "return_url": "/payments/", "description": {"ja": "住民票の写し"}})

        def start(session, n):
            response = session.post(server.url("/api/payments/"), data=body(n), timeout=30,
                                    headers={**headers, "Idempotency-Key": f"{run_id}-{n}"})
            assert response.status_code == 201, response.text
            return response

        def replay(session, n):
            response = session.post(server.url("/api/payments/"), data=body(1), timeout=30,
                                    headers={**headers, "Idempotency-Key": f"{run_id}-1"})
            assert response.headers.get("Idempotent-Replayed") == "true", response.text
            return response

        def webhook(session, n):
            raw = bodies[(n - 1) % len(bodies)]
            response = session.post(server.url("/api/payments/webhooks/simulated"), data=raw, timeout=30,
                                    headers={"Content-Type": "application/json", "X-Sim-Signature": sign(raw, secret=SECRET)})
            assert response.status_code == 200, response.text
            return response

        floor = measure(server.url("/healthz"), seconds=seconds)
        report("/healthz (floor)", floor, floor)
        report("payment start (POST /api/payments/)", measure(start, seconds=seconds, max_requests=2000), floor)
        report("idempotent replay of a payment start", measure(replay, seconds=seconds, max_requests=2000), floor)
        report("webhook, first delivery (applied, booked)", measure(webhook, seconds=seconds * 4, max_requests=len(bodies)), floor)
        report("webhook, duplicate delivery (skipped)", measure(webhook, seconds=seconds, max_requests=4000), floor)
        from smartkoto.payments.models import LedgerEntry, Payment

        booked = LedgerEntry.objects.filter(payment__reference__startswith="BENCH-W-").count()
        paid = Payment.objects.filter(reference__startswith="BENCH-W-", status="succeeded").count()
        print(f"check: {paid} of {len(bodies)} webhook payments succeeded, {booked} ledger entries (one each expected)")
        sys.exit(0 if booked == paid else 1)
