"""The one way to send a file to the browser: a correct `Content-Disposition` for any file name
(Japanese names included, RFC 6266 `filename*=utf-8''…`), from bytes, text or an open file."""

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def download(content, filename, content_type, *, inline=False):
    """An HttpResponse carrying `content` (bytes or str) to be saved as (or shown inline as) `filename`."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response


def download_file(fileobj, filename, content_type=None, *, inline=False):
    """Stream an open file (e.g. a FieldFile) as `filename`."""
    response = FileResponse(fileobj, content_type=content_type) if content_type else FileResponse(fileobj)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response
