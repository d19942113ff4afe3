"""Fixtures for the open data tests: the Koto demo catalog and helpers to upload files."""

from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[2] / "src" / "smartkoto" / "opendata" / "demo_data"


@pytest.fixture
def demo_file():
    def read(name):
        return (DEMO / name).read_bytes()

    return read


@pytest.fixture
def demo_catalog(koto):
    from smartkoto.opendata import demo

    demo.load()


@pytest.fixture
def make_dataset(koto):
    from smartkoto.core.i18n import both
    from smartkoto.opendata import services
    from smartkoto.opendata.models import Dataset

    from smartkoto.core.actor import Actor

    actor = Actor.system("tests")

    def make(name="test-data", department="dx", publish=True, fmt="CSV", schema_id="", title=("試験データ", "Test data"), tags=None):
        ds = services.save_dataset({"name": name, "title": both(*title), "department_code": department, "tags": tags or ["試験"],
                                    "themes": ["government"], "standard_id": schema_id}, actor=actor)
        resource = services.save_resource(ds, {"name": both("ファイル", "File"), "format": fmt, "schema_id": schema_id}, actor=actor)
        if publish:
            services.set_state(ds, Dataset.State.PUBLISHED, actor=actor)
        return ds, resource

    return make
