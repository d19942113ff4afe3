"""The import graph of src/smartkoto, read with `ast` (issue 10, "One door per app").

- An app never imports another app's `models` or `views` (modules or names from them): it goes through that
  app's doors (`queries`, `services`, `permissions`, `workflow`, ...).
- An app never imports a `_private` name from another app.
- A lower floor never imports a higher floor (floors: the `# floor N` comments of INSTALLED_APPS in
  conf/settings.py). Migrations are left out of every rule: they name other apps' models by design.
- No public function of an app's `services.py` or `queries.py` takes `request`.
- Role names are written only in core/roles.py (and migrations): Python string literals and quoted strings in
  templates.

Modules outside the apps (conf/, cli.py, demo.py: the building that puts the apps together) are not checked for
the app rules.
"""

import ast
import re
from pathlib import Path

from smartkoto.core.roles import Role

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "smartkoto"
SETTINGS = PACKAGE / "conf" / "settings.py"
CLOSED_MODULES = {"models", "views"}
ROLE_NAMES = {role.value for role in Role}
ROLE_HOME = {PACKAGE / "core" / "roles.py"}
NOT_ROLES = {("smartkoto/identity/demo.py", "auditor")}
"""(file, literal) pairs that spell a role name but are not one: the demo auditor's username."""


# -- reading the tree -----------------------------------------------------------------------------------
def floors():
    """{app label: floor} from the INSTALLED_APPS comments."""
    found, floor = {}, None
    text = SETTINGS.read_text(encoding="utf-8")
    block = text[text.index("INSTALLED_APPS"):]
    block = block[:block.index("]")]
    for line in block.splitlines():
        if match := re.match(r"\s*#\s*floor\s+(\d+)", line):
            floor = int(match.group(1))
        elif match := re.match(r"""\s*["']smartkoto\.(\w+)["']""", line):
            assert floor is not None, f"{match.group(1)} is listed before any '# floor N' comment"
            found[match.group(1)] = floor
    return found


FLOORS = floors()


def modules():
    """(path, dotted module name) of every .py file under src/smartkoto."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield path, ".".join(parts)


def app_of(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FLOORS else None


def is_migration(module):
    return ".migrations" in module


def imports(path, module):
    """(line, imported module, [names]) for every import statement, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target, [alias.name for alias in node.names]


def _target_app(target):
    parts = target.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "smartkoto" and parts[1] in FLOORS else None


# -- the rules --------------------------------------------------------------------------------------------
def violations():
    found = {"closed": [], "private": [], "floor": []}
    for path, module in modules():
        own = app_of(module)
        if own is None or is_migration(module):
            continue
        where = f"{path.relative_to(SRC)}"
        for line, target, names in imports(path, module):
            other = _target_app(target)
            if other is None or other == own:
                continue
            parts = target.split(".")
            rest = parts[2:]
            # (a) another app's models / views: the module itself, a submodule, or the name imported from the app package
            if (rest and rest[0] in CLOSED_MODULES) or (not rest and CLOSED_MODULES & set(names)):
                found["closed"].append(f"{where}:{line} imports {target} {names or ''}".rstrip())
            # (b) private names of another app (a _module or a _name)
            private = [n for n in names if n.startswith("_") and n != "__future__"] + [p for p in rest if p.startswith("_")]
            if private:
                found["private"].append(f"{where}:{line} imports {private} from {target}")
            # (c) floors
            if FLOORS[other] > FLOORS[own]:
                found["floor"].append(f"{where}:{line}: {own} (floor {FLOORS[own]}) imports {target} ({other}, floor {FLOORS[other]})")
    return found


def request_parameters():
    """Public functions of every app's services.py and queries.py that take `request`."""
    found = []
    for app in FLOORS:
        for name in ("services.py", "queries.py"):
            path = PACKAGE / app / name
            if not path.exists():
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in tree.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
                    args = node.args
                    every = args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]
                    if any(arg.arg == "request" for arg in every):
                        found.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name}()")
    return found


def _docstring_nodes(tree):
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                ids.add(id(first.value))
    return ids


ROLE_TOKEN = re.compile(r"\b(" + "|".join(sorted(n for n in ROLE_NAMES if "_" in n)) + r")\b")


def role_literals():
    """Role names written as strings outside core/roles.py and migrations (docstrings and prose excluded)."""
    found = []
    for path, module in modules():
        if path in ROLE_HOME or is_migration(module):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstring_nodes(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                value = node.value.strip()
                if (str(path.relative_to(SRC)), value) in NOT_ROLES:
                    continue
                if value in ROLE_NAMES or (ROLE_TOKEN.search(value) and len(value) < 80):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno} {node.value!r}")
    quoted = re.compile(r"""["'](""" + "|".join(sorted(ROLE_NAMES)) + r""")["']""")
    for path in sorted(PACKAGE.rglob("templates/**/*")):
        if path.is_file() and path.suffix in (".html", ".txt", ".xml", ".js", ".json"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for match in quoted.finditer(line):
                    found.append(f"{path.relative_to(SRC)}:{number} {match.group(0)}")
    return found


# -- the tests ----------------------------------------------------------------------------------------------
def test_floors_are_read_from_settings():
    assert FLOORS["core"] == 1
    assert FLOORS["core"] < FLOORS["identity"] < FLOORS["applications"] < FLOORS["lifeevents"]
    assert len(FLOORS) >= 10, FLOORS


def test_import_graph():
    found = violations()
    module_count = sum(1 for _ in modules())
    print(f"\nimport graph: {module_count} modules; closed imports (models/views): {len(found['closed'])}, "
          f"private names: {len(found['private'])}, floor inversions: {len(found['floor'])}")
    for kind, lines in found.items():
        for line in lines:
            print(f"  [{kind}] {line}")
    assert not any(found.values()), "import graph: " + ", ".join(f"{k}: {len(v)}" for k, v in found.items())


def test_services_and_queries_take_no_request():
    found = request_parameters()
    print(f"\nrequest parameters in services.py/queries.py public functions: {len(found)}")
    for line in found:
        print("  " + line)
    assert found == []


def test_role_names_are_written_only_in_core_roles():
    found = role_literals()
    print(f"\nrole names as string literals outside core/roles.py and migrations: {len(found)}")
    for line in found:
        print("  " + line)
    assert found == []
