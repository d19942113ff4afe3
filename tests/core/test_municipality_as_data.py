"""Core names no municipality: page header and footer, PDF author and API description come from the
profile the municipality app provides (core.site), and stay empty rather than naming another one."""

import pytest

from smartkoto.core import openapi, pdf, site
from smartkoto.core.i18n import both
from smartkoto.municipality.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_town(db):
    return Municipality.objects.create(
        code="999999", name=both("見本町", "Mihon Town"), service_name=both("見本町オンライン窓口", "Mihon Town online services"),
        address=both("見本県見本町1-1", "1-1 Mihon"), postal_code="100-0001", phone="01-2345-6789",
        opening_hours=both("平日9時から17時", "Weekdays 9:00-17:00"),
    )


def test_pages_show_the_profiles_name_and_contact(client, other_town):
    html = client.get("/en/").content.decode()
    assert "Mihon Town online services" in html and "1-1 Mihon" in html and 'href="tel:0123456789"' in html
    assert "Koto" not in html and "3647" not in html
    japanese = client.get("/").content.decode()
    assert "見本町オンライン窓口" in japanese and "〒100-0001 見本県見本町1-1 見本町" in japanese and "江東" not in japanese


def test_without_a_profile_pages_name_no_municipality(client):
    html = client.get("/en/").content.decode()
    assert client.get("/en/").status_code == 200
    assert "Koto" not in html and "江東" not in html


def test_pdf_author_and_api_description_come_from_the_profile(other_town):
    assert site.name("en") == "Mihon Town" and site.service_name("ja") == "見本町オンライン窓口"
    assert "Mihon Town online services" in openapi.document()["info"]["description"]
    buffer, canvas = pdf.new_canvas("test")
    canvas.drawString(10, 10, "x")
    canvas.save()
    assert canvas._doc.info.author == "見本町オンライン窓口"


def test_pdf_author_is_empty_without_a_profile():
    _buffer, canvas = pdf.new_canvas("test")
    assert canvas._doc.info.author == ""
