"""Cheap live updates: pages and JSON carry an ETag made of the office's queue version, the language and
the minute; a poll with a matching If-None-Match gets 304 after one indexed read, no rendering."""

import time

from django.http import HttpResponseNotModified
from django.utils.translation import get_language

from . import queries


def etag_for(office, extra=""):
    return f'W/"q{office.pk}-{queries.version(office)}-{get_language() or "ja"}-{int(time.time() // 60)}{extra}"'


def not_modified(request, etag):
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        response["Cache-Control"] = "no-cache"
        return response
    return None


def tag(response, etag):
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response
