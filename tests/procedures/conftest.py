import pytest


@pytest.fixture
def catalog(koto):
    """The Koto demo catalog (72 procedures with published forms)."""
    from smartkoto.procedures import demo

    demo.load()


@pytest.fixture
def builder_client(client, make_staff, staff_login, catalog):
    return staff_login(client, make_staff("kumin-builder", "kumin", "case_worker"))
