import pytest


@pytest.fixture
def queues(koto):
    """Counter types at every office (no history)."""
    from smartkoto.counters import demo
    from smartkoto.counters.models import CounterType

    from smartkoto.municipality.models import Office

    for office in Office.objects.all():
        rows = demo.MAIN if office.kind == "main" else demo.BRANCH
        for order, (code, prefix, ja, en, dept, minutes) in enumerate(rows):
            CounterType.objects.update_or_create(office=office, code=code, defaults={
                "prefix": prefix, "name": {"ja": ja, "en": en}, "department_code": dept,
                "default_service_minutes": minutes, "order": order})
    return CounterType.objects.filter(office__code="honchosha")


@pytest.fixture
def ido(queues):
    return queues.get(code="ido")


@pytest.fixture
def cert(queues):
    return queues.get(code="cert")


@pytest.fixture
def clerk(make_staff):
    """A counter clerk of kumin (the department of the ido and cert queues), as an actor."""
    from smartkoto.core.actor import Actor
    from smartkoto.core.roles import Role

    return Actor.for_user(make_staff("kumin-clerk", "kumin", Role.COUNTER_CLERK))


@pytest.fixture(autouse=True)
def _fresh_memo():
    """Each test starts without remembered service times or forecasts (ids repeat between tests)."""
    from smartkoto.counters import queries

    queries._memo.clear()
    yield
    queries._memo.clear()


@pytest.fixture
def kiosk_client(client):
    """A test client that is the enrolled lobby kiosk of the main office."""
    from smartkoto.counters import kiosk_devices

    client.cookies[kiosk_devices.COOKIE] = kiosk_devices.cookie_value("honchosha")
    return client
