"""Checks and stores residents' files: size and count limits, type by content (not name), images re-encoded
so metadata such as GPS position is dropped, stored through Django storage (local or S3) under a random name."""

import hashlib
import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_APPLICATION = 10
KINDS = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
MAX_PIXELS = 40_000_000
# Pillow's own decompression-bomb guard at our limit: Image.open raises DecompressionBombError for an image
# over twice this size from its header alone; smaller images over the limit are refused below, before load().
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def sniff(head: bytes):
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    return None


def _too_large():
    return ValidationError(_("The image is too large (more than 40 megapixels)."), code="too_large")


def _reencode(data, kind):
    """Open lazily, check the size the header declares, and only then decode (a 600 KB PNG can declare
    13000×13000 pixels and need gigabytes once decoded)."""
    try:
        with warnings.catch_warnings():  # between 1× and 2× the limit Pillow only warns; the check below refuses
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
        with probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise _too_large()
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise _too_large()
            image.load()
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if kind == "jpg":
                image.convert("RGB").save(out, "JPEG", quality=90)
            else:
                image.save(out, "PNG")
            return out.getvalue()
    except Image.DecompressionBombError as exc:
        raise _too_large() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("The image file is damaged and cannot be opened."), code="corrupt") from exc


def check(upload):
    """Return (kind, bytes ready to store) or raise ValidationError with the reason in the resident's words."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The file is larger than 10 MB. Make it smaller, for example by scanning at a lower resolution."), code="too_large")
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 10 MB. Make it smaller, for example by scanning at a lower resolution."), code="too_large")
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = sniff(data[:16])
    if kind is None:
        raise ValidationError(_("This type of file cannot be accepted. Attach a PDF, JPEG or PNG file."), code="type")
    if kind == "pdf":
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(_("The PDF file is damaged or incomplete."), code="corrupt")
        return kind, data
    return kind, _reencode(data, kind)


def store(application, upload, *, field_name="", row=None, event=None):
    from .models import Attachment

    if application.attachments.count() >= MAX_PER_APPLICATION:
        raise ValidationError(_("An application can have at most %(n)s files.") % {"n": MAX_PER_APPLICATION}, code="count")
    kind, data = check(upload)
    name = (upload.name or "file").rsplit("/", 1)[-1][:150]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    attachment = Attachment(application=application, event=event, field_name=field_name, row=row,
                            original_name=f"{stem}.{kind}", content_type=KINDS[kind], size=len(data),
                            sha256=hashlib.sha256(data).hexdigest())
    attachment.file.save(f"{uuid.uuid4().hex}.{kind}", ContentFile(data), save=False)
    attachment.save()
    return attachment
