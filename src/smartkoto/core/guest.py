"""What a guest (not signed in) owns: the session remembers the public ids of the drafts, payments and
checklists it made, so only that browser can come back to them. One helper for every app.

    guest.claim(actor, "applications", application.public_id)
    guest.owns(actor, "applications", public_id)
"""

KEEP = 50


def _key(kind):
    return f"guest:{kind}"


def claim(actor, kind, public_id):
    session = getattr(actor, "session", None)
    if session is None:
        return
    owned = [value for value in session.get(_key(kind), []) if value != str(public_id)]
    session[_key(kind)] = (owned + [str(public_id)])[-KEEP:]


def owns(actor, kind, public_id):
    session = getattr(actor, "session", None)
    return session is not None and str(public_id) in session.get(_key(kind), [])


def owned(actor, kind):
    session = getattr(actor, "session", None)
    return list(session.get(_key(kind), [])) if session is not None else []
