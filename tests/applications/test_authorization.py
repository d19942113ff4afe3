"""Nobody reads an application that is not theirs: residents guessing ids or URLs, staff of another department.
An existing application that is not yours is refused (403, `access.refused` audited); an unknown id is 404."""

import io
import uuid

import pytest
from django.test import Client
from PIL import Image

from smartkoto.applications import services
from smartkoto.applications.models import Attachment

from .conftest import JUMINHYO

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_attachment(submitted, case_worker, resident_client):
    case_worker.post(f"/staff/cases/{submitted.reference}/status/", {"target": "in_review"})
    case_worker.post(f"/staff/cases/{submitted.reference}/status/", {"target": "waiting_for_resident", "text": "写しをください"})
    image = io.BytesIO()
    Image.new("RGB", (10, 10), "blue").save(image, "PNG")
    image.seek(0)
    image.name = "copy.png"
    resident_client.post(f"/applications/{submitted.public_id}/", {"text": "どうぞ", "document": image})
    return submitted, Attachment.objects.get(application=submitted)


def resident_urls(application, attachment=None):
    base = f"/applications/{application.public_id}"
    urls = [f"{base}/", f"{base}/receipt.pdf", f"{base}/withdraw/", f"{base}/sent/", f"{base}/check/", f"{base}/step/applicant/"]
    if attachment:
        urls.append(f"{base}/files/{attachment.public_id}/")
    return urls


def test_another_resident_is_refused_every_url_of_an_application(with_attachment, make_resident):
    from smartkoto.core.models import AuditRecord

    application, attachment = with_attachment
    other = Client()
    other.force_login(make_resident(name="深川 太郎", subject="other"))
    before = AuditRecord.objects.filter(action="access.refused").count()
    for url in resident_urls(application, attachment):
        assert other.get(url).status_code == 403, url
    assert other.post(f"/applications/{application.public_id}/withdraw/").status_code == 403
    application.refresh_from_db()
    assert application.status == "in_review"
    assert AuditRecord.objects.filter(action="access.refused").count() == before + len(resident_urls(application, attachment)) + 1


def test_anonymous_visitor_is_refused_too(with_attachment):
    application, attachment = with_attachment
    for url in resident_urls(application, attachment):
        assert Client().get(url).status_code == 403, url


def test_guessing_ids_finds_nothing(resident_client, submitted, with_attachment):
    application, attachment = with_attachment
    assert resident_client.get(f"/applications/{uuid.uuid4()}/").status_code == 404
    assert resident_client.get(f"/applications/{application.public_id}/files/{uuid.uuid4()}/").status_code == 404
    assert resident_client.get(f"/applications/{application.pk}/").status_code == 404
    # the file is never reachable by a public URL
    assert Client().get("/media-not-served/" + attachment.file.name).status_code == 404


def test_an_attachment_of_one_application_is_not_served_under_another(resident_client, with_attachment, catalog, apply):
    application, attachment = with_attachment
    mine = apply(resident_client, "juminhyo-kisai", {"applicant": JUMINHYO["applicant"], "certificate": JUMINHYO["certificate"]})
    assert resident_client.get(f"/applications/{mine.public_id}/files/{attachment.public_id}/").status_code == 404


def test_staff_of_another_department_cannot_open_the_case(submitted, make_staff, staff_login):
    seiso = staff_login(Client(), make_staff("seiso-test", "seiso", "case_worker"))
    base = f"/staff/cases/{submitted.reference}"
    for url in (f"{base}/", f"{base}/receipt.pdf"):
        assert seiso.get(url).status_code == 403, url
    assert seiso.post(f"{base}/status/", {"target": "in_review"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "received"
    assert submitted.reference not in seiso.get("/staff/cases/").content.decode()
    assert submitted.reference not in seiso.get("/staff/cases/export.csv").content.decode()


def test_counter_clerk_may_read_but_not_decide(submitted, make_staff, staff_login):
    clerk = staff_login(Client(), make_staff("clerk-test", "kumin", "counter_clerk"))
    assert clerk.get(f"/staff/cases/{submitted.reference}/").status_code == 200
    assert clerk.post(f"/staff/cases/{submitted.reference}/status/", {"target": "in_review"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "received"


def test_residents_cannot_enter_the_back_office(resident_client, submitted):
    assert resident_client.get(f"/staff/cases/{submitted.reference}/").status_code == 403


def test_guest_draft_is_reachable_only_from_the_browser_that_started_it(catalog):
    guest = Client()
    guest.post("/applications/start/sodai-gomi/")
    from smartkoto.applications.models import Application

    draft = Application.objects.get()
    assert guest.get(f"/applications/{draft.public_id}/step/applicant/").status_code == 200
    assert Client().get(f"/applications/{draft.public_id}/step/applicant/").status_code == 403
    assert services  # the module the views use
