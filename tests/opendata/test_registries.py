"""The layout and live-source registries (core.registry) and the lifecycles registered for the walk test."""

import pytest

from smartkoto.core import workflow
from smartkoto.core.registry import UnknownPlugin
from smartkoto.opendata import live
from smartkoto.opendata.schemas import registry


def test_layouts_are_registered_from_ready_and_duplicates_are_refused():
    assert len(registry.all_schemas()) == 20 and registry.get("aed:current").family == "aed"
    with pytest.raises(ValueError, match="aed:current"):
        registry.register(registry.layouts.get("aed:legacy").__class__(
            "aed", "current", {"ja": "別物"}, [], {}, "safety"))
    assert registry.get("nothing:current") is None
    with pytest.raises(UnknownPlugin, match="nothing:current"):
        registry.layouts.get("nothing:current")


def test_live_sources_are_a_registry_opendata_never_probes():
    assert {"opendata_list", "procedures", "counter_congestion"} <= set(live.sources.ids())
    with pytest.raises(ValueError, match="procedures"):
        live.sources.add("procedures", lambda: None)
    assert live.rows_for("not-registered") is None


def test_lifecycles_are_registered():
    names = set(workflow.registered())
    assert {"opendata dataset", "opendata file load", "procedure form version"} <= names
