"""The one shape of a plug-in registry (after Open Forms `plugins/registry.py`).

    providers = Registry("payment provider")

    @providers("simulated")          # the registry is the decorator
    class SimulatedProvider(...): ...

Plug-ins register from their own app's `AppConfig.ready()`; the registry never imports them. A
duplicate id is refused, and asking for an unknown id names it and the known ones.
"""


class UnknownPlugin(LookupError):
    pass


class Registry:
    def __init__(self, kind):
        self.kind = kind
        self._items = {}

    def __call__(self, plugin_id, **meta):
        def decorator(plugin):
            self.add(plugin_id, plugin, **meta)
            return plugin

        return decorator

    register = __call__

    def add(self, plugin_id, plugin, **meta):
        if plugin_id in self._items:
            if self._items[plugin_id] is plugin:
                return plugin
            raise ValueError(f"{self.kind} '{plugin_id}' is registered twice ({self._items[plugin_id]!r} and {plugin!r})")
        if isinstance(plugin, type):
            plugin.id = plugin_id
            for key, value in meta.items():
                setattr(plugin, key, value)
        self._items[plugin_id] = plugin
        return plugin

    def get(self, plugin_id):
        try:
            return self._items[plugin_id]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "none"
            raise UnknownPlugin(f"No {self.kind} '{plugin_id}'. Known: {known}") from None

    def __contains__(self, plugin_id):
        return plugin_id in self._items

    def __iter__(self):
        return iter(self._items.items())

    def __len__(self):
        return len(self._items)

    def ids(self):
        return sorted(self._items)

    def choices(self, label=lambda plugin_id, plugin: getattr(plugin, "label", plugin_id)):
        return [(plugin_id, label(plugin_id, plugin)) for plugin_id, plugin in self._items.items()]
