from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _fresh_index():
    """Each test builds the engine's index from its own database (the index is per process)."""
    from smartkoto.guide import engine

    engine.forget()
    yield
    engine.forget()


@pytest.fixture
def catalog(koto):
    """Procedures and life events, as `smartkoto run` loads them."""
    from smartkoto.lifeevents import demo as lifeevents_demo
    from smartkoto.procedures import demo as procedures_demo

    procedures_demo.load()
    lifeevents_demo.load()


@pytest.fixture
def faq(catalog):
    """The small sample FAQ of tests/guide/fixtures/faq (five entries in three departments)."""
    from smartkoto.guide import demo

    demo.load(FIXTURES / "faq")
