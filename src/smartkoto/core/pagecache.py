"""Whole-page cache for anonymous visitors, with versioned keys (ADR 0007).

Which addresses may be cached, and what each one shows ("topics"), is one table: `settings.PAGE_CACHE_RULES`
(smartkoto/conf/pagecache.py) maps a URL name to a `Rule`. Which models feed each topic is another table,
`settings.PAGE_CACHE_TOPICS`: saving or deleting such a row bumps the topic's version (at once inside the
transaction, and again when it commits), so any process, on any machine, sees the change on its next request::

    from smartkoto.core import pagecache
    pagecache.bump("procedures")          # for a change the model signals do not see (QuerySet.update, raw SQL)

A topic's version is a random token in a shared store (the database cache on the embedded default, Redis with
REDIS_URL), never a counter: a version lost to eviction becomes a new token, so a lost version can only cause a
miss, never bring an old page back. A cached page stores the versions it was rendered under; a hit is one read
of the entry and the versions together (Redis) or of the versions (database) plus this process's memory.

Live pages (`Rule(live=True)`, the congestion pages) are kept a few seconds whatever changes
(`PAGE_CACHE_LIVE_SECONDS`): their ETag/304 answers are served from the copy.
"""

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.module_loading import import_string

log = logging.getLogger("smartkoto.pagecache")

VERSION_PREFIX = "pcv:"
ENTRY_PREFIX = "pce:"
NOT_MODIFIED_HEADERS = ("Cache-Control", "Content-Location", "ETag", "Expires", "Vary")


@dataclass(frozen=True)
class Rule:
    """A cacheable address: the topics its page shows, the query parameters it reads (any other parameter
    makes the request uncacheable), and whether it is a live page kept only a few seconds. `params` may be a
    callable of the URL's keyword arguments, returning the parameter names, or None for "not cacheable"."""

    topics: tuple
    params: object = ()
    live: bool = False
    only: dict = field(default_factory=dict)  # {url kwarg: allowed values}; other values are not cached

    def parameters(self, kwargs):
        for name, allowed in self.only.items():
            if kwargs.get(name) not in allowed:
                return None
        return frozenset(self.params(kwargs) if callable(self.params) else self.params)


# -- versions ---------------------------------------------------------------------------------------------
def _versions_cache():
    return caches[settings.PAGE_CACHE_VERSIONS]


def _pages_cache():
    return caches[settings.PAGE_CACHE_PAGES]


def bump(*topics):
    """A topic's pages changed: every process renders them again on its next request. Inside a transaction the
    new version is written after the commit (and, in Redis or memory, also at once), so a page rendered from data
    read before the commit is never filed under the final version."""
    connection = transaction.get_connection()
    for topic in topics:
        if connection.in_atomic_block:
            if not isinstance(_versions_cache(), DatabaseCache):
                # Redis or memory: visible at once (a test's transaction never commits). The database store is
                # not written here: its row would stay locked until this transaction ends, queueing every writer.
                _write_version(topic)
            pending = {getattr(func, "pagecache_topic", None) for _sids, func, _robust in connection.run_on_commit}
            if topic not in pending:
                transaction.on_commit(_bump_callback(topic))
        else:
            _write_version(topic)


def _bump_callback(topic):
    def callback():
        _write_version(topic)
    callback.pagecache_topic = topic
    return callback


def _write_version(topic):
    try:
        _versions_cache().set(VERSION_PREFIX + topic, secrets.token_hex(6), None)
    except Exception:  # noqa: BLE001 - the change itself must not fail because the cache store is down
        log.exception("page cache version not bumped", extra={"topic": topic})
    _live_memo.pop(topic, None)


def _fill_missing(found, keys, store):
    """Versions absent from the store (first use, eviction, a flushed Redis) get a new token."""
    for key in keys:
        if key not in found:
            token = secrets.token_hex(6)
            found[key] = token if store.add(key, token, None) else store.get(key, token)
    return found


_live_memo = {}  # topic -> (version, monotonic deadline): only for live rules, at most LIVE_MEMO_SECONDS old
LIVE_MEMO_SECONDS = 1.0


def versions(topics):
    """{topic: version} from the shared store (one read)."""
    store = _versions_cache()
    keys = [VERSION_PREFIX + t for t in topics]
    found = _fill_missing(store.get_many(keys), keys, store)
    return {t: found[VERSION_PREFIX + t] for t in topics}


# -- rules ------------------------------------------------------------------------------------------------
_rules = None
_plans = {}  # (language, path) -> (rule, parameters) or None; bounded, per process
PLAN_MEMO_SIZE = 5000


def rules():
    global _rules
    if _rules is None:
        _rules = import_string(settings.PAGE_CACHE_RULES)
    return _rules


def _language(path):
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


def plan_for(path, language):
    memo_key = (language, path)
    plan = _plans.get(memo_key, _plans)  # the dict itself: not seen yet (None means "not cacheable")
    if plan is not _plans:
        return plan
    try:
        with translation.override(language):  # i18n_patterns resolve /en/… only with English active
            match = resolve(path)
    except Resolver404:
        plan = None
    else:
        rule = rules().get(match.view_name)
        parameters = rule.parameters(match.kwargs) if rule else None
        plan = (rule, parameters) if parameters is not None else None
    if len(_plans) >= PLAN_MEMO_SIZE:
        _plans.clear()
    _plans[memo_key] = plan
    return plan


def reset():
    """Forget the per-process memos (tests change the rules or the stores)."""
    global _rules
    _rules = None
    _plans.clear()
    _live_memo.clear()
    _seen.clear()


# -- the middleware ---------------------------------------------------------------------------------------
def _anonymous_request(request):
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return False
    allowed = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    # a session, a flash message or a kiosk enrolment cookie can each change what the page shows
    return all(name in allowed for name in request.COOKIES)


def storable(request, response):
    """Whether a response may be filed for other anonymous visitors."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_USED"):
        return False  # the page holds this visitor's CSRF token
    cache_control = response.get("Cache-Control", "").lower()
    if "private" in cache_control or "no-store" in cache_control:
        return False  # core.http.mark_private / private_page
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return True


class Entry:
    __slots__ = ("versions", "status", "headers", "content", "etag")

    def __init__(self, versions, status, headers, content, etag):
        self.versions, self.status, self.headers, self.content, self.etag = versions, status, headers, content, etag

    def __getstate__(self):
        return (self.versions, self.status, self.headers, self.content, self.etag)

    def __setstate__(self, state):
        self.versions, self.status, self.headers, self.content, self.etag = state

    def response(self):
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


def _not_modified(request, headers, etag):
    if etag and etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
        for name, value in headers:
            if name in NOT_MODIFIED_HEADERS:
                response[name] = value
        return response
    return None


class PageCacheMiddleware:
    """Answers anonymous GET/HEAD requests for the addresses in PAGE_CACHE_RULES from the page cache. Placed
    right after the security middleware (and WhiteNoise): a hit skips sessions, CSRF, the actor and the view,
    and passes back through the same outer middleware as a miss, so its headers are the same."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_ENABLED or not _anonymous_request(request):
            return self.get_response(request)
        path = request.path_info
        language = _language(path)
        plan = plan_for(path, language)
        if plan is None:
            return self.get_response(request)
        rule, parameters = plan
        if any(name not in parameters for name in request.GET):
            return self.get_response(request)
        try:
            key = self._key(request, path, language)
        except DisallowedHost:
            return self.get_response(request)  # Django answers it (400)
        try:
            current, entry = self._lookup(rule, key)
        except Exception:  # noqa: BLE001 - a cache store that is down must not take the pages with it
            log.warning("page cache unavailable", exc_info=True)
            return self.get_response(request)
        if entry is not None and entry.versions == current:
            request.page_cache = "hit"
            return _not_modified(request, entry.headers, entry.etag) or entry.response()
        request.page_cache = "miss"
        response = self.get_response(request)
        if request.method == "GET" and storable(request, response):
            if not response.has_header("ETag"):
                response["ETag"] = 'W/"' + hashlib.blake2b(response.content, digest_size=12).hexdigest() + '"'
            entry = Entry(current, response.status_code, list(response.items()), response.content, response["ETag"])
            timeout = settings.PAGE_CACHE_LIVE_SECONDS if rule.live else settings.PAGE_CACHE_SECONDS
            try:
                _pages_cache().set(key, entry, timeout)
            except Exception:  # noqa: BLE001
                log.warning("page not cached", exc_info=True)
            return _not_modified(request, entry.headers, entry.etag) or response
        return response

    def _key(self, request, path, language):
        query = sorted((name, value) for name, values in request.GET.lists() for value in values)
        # host and scheme: API documents and feeds print absolute addresses; the day: pages say "open today"
        raw = f"{request.scheme}|{request.get_host()}|{language}|{path}|{query}|{timezone.localdate()}"
        return ENTRY_PREFIX + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()

    def _lookup(self, rule, key):
        """(current versions, entry or None) in one read of the shared store."""
        topics = rule.topics
        if rule.live:
            now = time.monotonic()
            memo = [_live_memo.get(t) for t in topics]
            if all(m and m[1] > now for m in memo):
                return tuple(m[0] for m in memo), _pages_cache().get(key)
        version_keys = [VERSION_PREFIX + t for t in topics]
        if settings.PAGE_CACHE_VERSIONS == settings.PAGE_CACHE_PAGES:
            found = _pages_cache().get_many([key, *version_keys])
            entry = found.pop(key, None)
        else:
            found = _versions_cache().get_many(version_keys)
            entry = _pages_cache().get(key)
        found = _fill_missing(found, version_keys, _versions_cache())
        current = tuple(found[k] for k in version_keys)
        _notice(topics, current)
        if rule.live:
            deadline = time.monotonic() + LIVE_MEMO_SECONDS
            for topic, version in zip(topics, current):
                _live_memo[topic] = (version, deadline)
        return current, entry


# -- per-process copies kept in step with the versions ----------------------------------------------------
_listeners = {}  # topic -> [callback]
_seen = {}  # topic -> the version this process last read


def when_changed(topic, callback):
    """Call `callback()` in this process when it first reads a new version of `topic`, before the page is
    rendered: an app that keeps its own per-process copy (municipality.queries) drops it, so a page filed under
    the new version is never rendered from the old copy."""
    _listeners.setdefault(topic, []).append(callback)


def _notice(topics, current):
    for topic, version in zip(topics, current):
        if _seen.get(topic) != version:
            _seen[topic] = version
            for callback in _listeners.get(topic, ()):
                callback()


# -- topics fed by model changes --------------------------------------------------------------------------
def connect_signals():
    """Saving or deleting a row of a model listed in PAGE_CACHE_TOPICS bumps its topics (admin edits included)."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for label, topics in import_string(settings.PAGE_CACHE_TOPICS).items():
        model = apps.get_model(label)

        def changed(sender, topics=tuple(topics), **kwargs):
            if kwargs.get("raw"):
                return  # loaddata
            bump(*topics)

        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"pagecache-save-{label}")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"pagecache-delete-{label}")
