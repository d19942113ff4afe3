"""Uploads: size and count limits, type by content not name, images re-encoded without metadata, corrupt files refused."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from smartkoto.applications import attachments
from smartkoto.applications.models import Application

pytestmark = pytest.mark.django_db


def jpeg_with_gps():
    image = Image.new("RGB", (32, 32), "green")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (35.0, 40.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_type_is_checked_by_content_not_name():
    with pytest.raises(ValidationError) as refused:
        attachments.check(SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 this is a program"))
    assert refused.value.code == "type"
    kind, _data = attachments.check(SimpleUploadedFile("scan.txt", b"%PDF-1.4\n1 0 obj\n%%EOF\n"))
    assert kind == "pdf"


def test_oversized_empty_and_corrupt_files_are_refused_with_the_reason():
    for upload, code in [
        (SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (attachments.MAX_BYTES + 1)), "too_large"),
        (SimpleUploadedFile("empty.pdf", b""), "empty"),
        (SimpleUploadedFile("broken.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10), "corrupt"),
        (SimpleUploadedFile("cut.pdf", b"%PDF-1.4\n1 0 obj"), "corrupt"),
    ]:
        with pytest.raises(ValidationError) as refused:
            attachments.check(upload)
        assert refused.value.code == code, upload.name


def test_images_are_re_encoded_and_lose_their_metadata():
    original = jpeg_with_gps()
    assert b"SecretCam" in original
    kind, data = attachments.check(SimpleUploadedFile("photo.jpg", original))
    assert kind == "jpg" and b"SecretCam" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif().get(0x8825)


def test_upload_refusal_is_shown_at_the_field_and_the_answers_are_kept(resident_client, catalog):
    resident_client.post("/applications/start/kokuho-dattai/")
    application = Application.objects.get()
    url = f"/applications/{application.public_id}/step/attachments/"
    response = resident_client.post(url, {"document": SimpleUploadedFile("virus.pdf", b"MZ not a pdf")})
    body = response.content.decode()
    assert response.status_code == 200 and "error-summary" in body and 'aria-invalid="true"' in body
    assert application.attachments.count() == 0


def test_count_limit_per_application(resident_client, catalog):
    resident_client.post("/applications/start/kokuho-dattai/")
    application = Application.objects.get()
    for i in range(attachments.MAX_PER_APPLICATION):
        attachments.store(application, SimpleUploadedFile(f"{i}.pdf", b"%PDF-1.4\n%%EOF\n"))
    with pytest.raises(ValidationError) as refused:
        attachments.store(application, SimpleUploadedFile("one-more.pdf", b"%PDF-1.4\n%%EOF\n"))
    assert refused.value.code == "count"


def test_stored_files_get_random_names_through_django_storage(resident_client, catalog):
    resident_client.post("/applications/start/kokuho-dattai/")
    application = Application.objects.get()
    stored = attachments.store(application, SimpleUploadedFile("私の保険証.pdf", b"%PDF-1.4\n%%EOF\n"))
    assert "保険証" not in stored.file.name and stored.file.name.startswith("applications/")
    assert stored.original_name == "私の保険証.pdf"


def bomb_png(side=13000):
    """A side×side 1-bit PNG made with zlib, row by row: a few tens of KB that decode to side² bytes in Pillow."""
    import struct
    import zlib

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    packer = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _rss_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def test_decompression_bomb_is_refused_from_its_header_without_decoding():
    import resource

    data = bomb_png()
    assert len(data) < 1_000_000
    peak_before, rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, _rss_kb()
    with pytest.raises(ValidationError) as refused:
        attachments.check(SimpleUploadedFile("bomb.png", data))
    peak_after, rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, _rss_kb()
    assert refused.value.code == "too_large"
    assert rss_after - rss_before < 50 * 1024, (rss_before, rss_after)
    assert peak_after - peak_before < 50 * 1024, (peak_before, peak_after)  # the peak too: nothing decoded and freed


def test_images_just_over_the_limit_are_refused_before_decoding():
    data = bomb_png(side=6400)  # 40.96 megapixels: under Pillow's 2× error threshold, refused by our header check
    with pytest.raises(ValidationError) as refused:
        attachments.check(SimpleUploadedFile("big.png", data))
    assert refused.value.code == "too_large"


def test_bomb_upload_gets_a_translated_field_error(resident_client, catalog):
    resident_client.post("/applications/start/kokuho-dattai/")
    application = Application.objects.get()
    url = f"/applications/{application.public_id}/step/attachments/"
    response = resident_client.post(url, {"document": SimpleUploadedFile("bomb.png", bomb_png())})
    body = response.content.decode()
    assert response.status_code == 200 and "error-summary" in body and 'aria-invalid="true"' in body
    assert "画像が大きすぎます（4000万画素を超えています）。" in body
    assert application.attachments.count() == 0
