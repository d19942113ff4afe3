"""Walk every registered lifecycle (issue 10, "One door per app": one `core.workflow.Workflow` per app).

For every workflow registered with `core.workflow.register`, every (state, state) pair and every party:
`allowed` answers exactly what the workflow's table says, `moves_from` agrees with it, and `apply` on a plain
object sets the status for an allowed move and raises `TransitionNotAllowed` — status unchanged — for every other.
Then a few rules stated here independently of the apps' tables (money moves, terminal states).
"""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps

from smartkoto.core import workflow as core_workflow
from smartkoto.core.workflow import PAYMENT, PROVIDER, RESIDENT, SERVICE, STAFF, SYSTEM, TransitionNotAllowed

PARTIES = (RESIDENT, STAFF, SYSTEM, PAYMENT, PROVIDER, SERVICE)

EXPECTED_WORKFLOWS = {
    # what the apps must register: a wanted name → the names that count for it (adjust as the apps name them)
    "application": ("application", "applications", "case"),
    "booking": ("booking", "appointments", "appointment"),
    "ticket": ("ticket", "counters", "queue_ticket"),
    "payment": ("payment", "payments"),
    "refund": ("refund", "payment_refund"),
    "bundle": ("bundle", "lifeevents.bundle", "lifeevents_bundle", "bundle_part", "hand_off"),
}

# Rules that hold whatever the tables look like (workflow alias → checks). Each is (description, function(wf, states)).
TERMINAL = {
    # states nobody may leave (only checked when the workflow has the state)
    "application": ("completed", "withdrawn"),
    "booking": ("attended", "cancelled", "expired"),
    "ticket": ("served", "cancelled"),
    "refund": ("succeeded", "rejected"),
}
ONLY_BY = {
    # (workflow alias, target state): the only parties that may move INTO that state
    ("application", "approved"): {STAFF},
    ("application", "rejected"): {STAFF},
    ("payment", "succeeded"): {PROVIDER, PAYMENT},  # money taken shows as paid only on the provider's verified word
}
FROM_ONLY_BY = {
    # (workflow alias, from state, to state): the only parties that may make this move
    ("application", "awaiting_payment", "received"): {PAYMENT},
    ("application", "awaiting_payment", "completed"): {PAYMENT},
}


def _import_app_modules():
    """Import each app's workflow (and services, which may hold or import it) so every workflow registers."""
    for config in apps.get_app_configs():
        if not config.name.startswith("smartkoto."):
            continue
        for module in ("workflow", "workflows", "services"):
            try:
                importlib.import_module(f"{config.name}.{module}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.{module}":
                    raise


@pytest.fixture(scope="module")
def registered():
    _import_app_modules()
    found = core_workflow.registered()
    return found


def _alias(name):
    for wanted, names in EXPECTED_WORKFLOWS.items():
        if name in names:
            return wanted
    return name


def test_expected_workflows_are_registered(registered):
    names = set(registered)
    missing = [wanted for wanted, accepted in EXPECTED_WORKFLOWS.items() if not names & set(accepted)]
    print(f"\nregistered workflows: {sorted(names)}; missing: {missing}")
    assert not missing, f"not registered with core.workflow.register: {missing} (registered: {sorted(names)})"


def test_walk_every_pair_and_party(registered):
    allowed_moves = forbidden = 0
    problems = []
    for name, (wf, states) in sorted(registered.items()):
        states = [str(s) for s in states]
        for (current, target), parties in wf.transitions.items():
            if current not in states or target not in states:
                problems.append(f"{name}: {current} → {target} uses a state that is not among the registered states {states}")
            unknown = set(parties) - set(PARTIES)
            if unknown:
                problems.append(f"{name}: {current} → {target} names unknown parties {sorted(unknown)}")
        for current in states:
            for by in PARTIES:
                moves = wf.moves_from(current, by)
                for target in states:
                    want = by in wf.transitions.get((current, target), ())
                    if wf.allowed(current, target, by) != want:
                        problems.append(f"{name}: allowed({current}, {target}, {by}) is not {want}")
                    if (target in moves) != want:
                        problems.append(f"{name}: moves_from({current}, {by}) disagrees about {target}")
                    obj = SimpleNamespace(**{wf.field: current})
                    if want:
                        previous = wf.apply(obj, target, by=by)
                        if getattr(obj, wf.field) != target or previous != current:
                            problems.append(f"{name}: apply {current} → {target} by {by} did not set {target}")
                        allowed_moves += 1
                    else:
                        try:
                            wf.apply(obj, target, by=by)
                        except TransitionNotAllowed:
                            pass
                        else:
                            problems.append(f"{name}: apply {current} → {target} by {by} was not refused")
                        if getattr(obj, wf.field) != current:
                            problems.append(f"{name}: a refused {current} → {target} by {by} changed the status")
                        forbidden += 1
    print(f"\nworkflows: {len(registered)}, allowed moves: {allowed_moves}, forbidden moves checked: {forbidden}")
    for line in problems:
        print("  " + line)
    assert registered, "no workflow registered with core.workflow.register"
    assert not problems


def test_rules_stated_independently_of_the_tables(registered):
    problems = []
    checked = 0
    for name, (wf, states) in sorted(registered.items()):
        alias = _alias(name)
        states = [str(s) for s in states]
        for state in TERMINAL.get(alias, ()):
            if state in states:
                checked += 1
                for by in PARTIES:
                    if wf.moves_from(state, by):
                        problems.append(f"{name}: {state} is final, yet {by} may move it to {wf.moves_from(state, by)}")
        for (wanted, target), parties in ONLY_BY.items():
            if wanted == alias and target in states:
                checked += 1
                for (current, to), movers in wf.transitions.items():
                    if to == target and current != target and set(movers) - parties:
                        problems.append(f"{name}: {current} → {target} may be made by {sorted(set(movers) - parties)}")
        for (wanted, current, target), parties in FROM_ONLY_BY.items():
            if wanted == alias and current in states and target in states:
                checked += 1
                movers = set(wf.transitions.get((current, target), ()))
                if movers - parties:
                    problems.append(f"{name}: {current} → {target} may be made by {sorted(movers - parties)}")
    print(f"\nindependent workflow rules checked: {checked}, broken: {len(problems)}")
    for line in problems:
        print("  " + line)
    assert not problems
