"""Where a payment's reference leads, for staff: higher floors register a resolver (e.g. applications turns
"KT-2026-000123" into its case page), so payments can link back without importing them."""

_resolvers = []


def register(resolver):
    """`resolver(reference, actor)` returns {"label": str, "url": str ("" when this actor may not open it)} or None."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def for_reference(reference, *, actor):
    links = []
    for resolver in _resolvers:
        link = resolver(reference, actor)
        if link:
            links.append(link)
    return links
