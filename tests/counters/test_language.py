"""English counter pages show no Japanese; Japanese pages are translated."""

import pytest

from smartkoto.core.actor import Actor
from smartkoto.core.roles import Role
from smartkoto.counters import services
from tests.core.test_translations import japanese_in

AT_KIOSK = {"actor": Actor.anonymous(), "kiosk": "honchosha"}  # the enrolled lobby kiosk of the main office

pytestmark = pytest.mark.django_db


def test_english_counter_pages_show_no_japanese(client, ido):
    ticket = services.issue_ticket(ido, **AT_KIOSK)
    for path in ("/en/counters/", "/en/counters/honchosha/", "/en/counters/honchosha/kiosk/",
                 "/en/counters/honchosha/display/", f"/en/counters/t/{ticket.token}/",
                 f"/en/counters/honchosha/kiosk/{ticket.token}/"):
        assert japanese_in(client.get(path).content.decode()) == [], path


def test_english_desk_and_figures_show_no_japanese(client, queues, make_staff, staff_login):
    staff_login(client, make_staff("kumin-manager", "kumin", [Role.DEPARTMENT_MANAGER, Role.COUNTER_CLERK]))
    for path in ("/en/staff/counters/", "/en/staff/counters/honchosha/desk/?types=ido&window=1", "/en/staff/counters/figures/"):
        html = client.get(path).content.decode()
        assert japanese_in(html, allowed={"職員", "kumin-manager"}) == [], path


def test_japanese_congestion_page_is_translated(client, queues):
    body = client.get("/counters/honchosha/").content.decode()
    assert "待っている人" in body and "People waiting" not in body
