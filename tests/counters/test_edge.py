"""Issue 11: dates on the congestion history CSV and the figures page are checked at the edge (never 5xx);
the desk and the figures are private pages."""

import pytest
from django.urls import reverse as _reverse
from django.utils import translation

from smartkoto.core.roles import Role
from smartkoto.counters import queries

pytestmark = pytest.mark.django_db
PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}
CSV = "/api/counters/congestion-history.csv"


def reverse(name, args=None):
    with translation.override("ja"):
        return _reverse(name, args=args)


@pytest.mark.parametrize("query", [
    "from=9999-12-31&to=9999-12-31", "from=0001-01-01&to=0001-01-01", "to=9999-12-31", "from=0001-01-01",
    "from=x", "to=99999-01-01", "from=2026-02-30", "from=2026-01-01&from=2026-01-02", "to=2026-01-01&to=2026-01-02",
    "office=honchosha&office=honchosha", "office=nowhere", "from=2020-01-01&to=2026-01-01", "from=2026-06-01&to=2026-01-01",
    "from=20260101",
])
def test_congestion_history_odd_ranges_are_400_problem_details(client, queues, query):
    response = client.get(f"{CSV}?{query}")
    assert response.status_code == 400, query
    assert response["Content-Type"] == "application/problem+json"
    data = response.json()
    assert set(data) == PROBLEM_KEYS and data["status"] == 400 and data["errors"]


def test_congestion_history_inside_the_window_still_answers(client, queues):
    today = queries.today()
    assert client.get(f"{CSV}?from={today.replace(day=1)}&to={today}&office=honchosha").status_code == 200
    assert client.get(CSV).status_code == 200


@pytest.mark.parametrize("query", ["start=9999-12-31&end=9999-12-31", "start=0001-01-01&end=0001-01-01", "start=x&end=y",
                                   "start=2026-01-01&start=9999-12-31&end=9999-12-31", "start=2026-06-01&end=2026-01-01"])
def test_figures_with_odd_dates_explain_at_the_field(client, queues, make_staff, staff_login, query):
    staff_login(client, make_staff("kumin-manager", "kumin", Role.DEPARTMENT_MANAGER))
    response = client.get("/en" + reverse("counters_staff:figures") + "?" + query)
    body = response.content.decode()
    assert response.status_code == 200 and 'aria-invalid="true"' in body and "There is a problem" in body
    assert response["Cache-Control"] == "private, no-store"


def test_desk_is_private(client, queues, make_staff, staff_login):
    staff_login(client, make_staff("kumin-clerk", "kumin", Role.COUNTER_CLERK))
    response = client.get(reverse("counters_staff:desk", args=["honchosha"]) + "?types=ido&window=1")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
