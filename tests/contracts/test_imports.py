"""A plugin reaches the kernel only through ``yinghuo.api`` (and its tests through
``yinghuo.testing`` too), and never imports another plugin."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_plugins_import_only_the_public_api_and_never_each_other():
    wrong = []
    for package in sorted(p for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").exists()):
        for path in package.rglob("*.py"):
            allowed = {"yinghuo.api"} | ({"yinghuo.testing"} if "tests" in path.parts else set())
            for name in _imports(path):
                top = name.split(".")[0]
                kernel_internal = top == "yinghuo" and name not in allowed
                other_plugin = top.startswith("yinghuo_") and top != package.name
                if kernel_internal or other_plugin:
                    wrong.append(f"{path.relative_to(ROOT)}: {name}")
    assert wrong == []


def test_plugins_use_only_names_the_api_lists():
    import yinghuo.api
    unlisted = set()
    for path in (ROOT / "plugins").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "yinghuo.api":
                unlisted |= {f"{path.relative_to(ROOT)}: {a.name}" for a in node.names
                             if a.name not in yinghuo.api.__all__}
    assert unlisted == set()


KERNEL = ROOT / "platform" / "yinghuo"


def _room_imports() -> dict[str, dict[str, str]]:
    """room -> {room it imports: where}, for the kernel's rooms (its sub-packages), counting
    imports inside functions too; top-level modules (app, cli, core_hooks, api …) stand above
    the rooms and may import any."""
    rooms = {p.name for p in KERNEL.iterdir() if (p / "__init__.py").exists() and p.name != "testing"}
    graph: dict[str, dict[str, str]] = {room: {} for room in rooms}
    for path in KERNEL.rglob("*.py"):
        parts = path.relative_to(KERNEL).with_suffix("").parts
        if parts[0] not in rooms:
            continue
        package = list(parts[:-1])
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package[:len(package) - node.level + 1]
                targets = [base + node.module.split(".")] if node.module else [base + [a.name] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("yinghuo."):
                targets = [node.module.split(".")[1:]]
            else:
                continue
            for target in targets:
                if target and target[0] in rooms and target[0] != parts[0]:
                    graph[parts[0]].setdefault(target[0], f"{path.relative_to(ROOT)}:{node.lineno}")
    return graph


def test_the_kernels_rooms_import_each_other_without_a_cycle():
    graph, done, path = _room_imports(), set(), []

    def visit(room):
        if room in path:
            cycle = path[path.index(room):] + [room]
            raise AssertionError("rooms import each other in a cycle: " + " -> ".join(cycle) + "\n" + "\n".join(
                f"  {a} -> {b} at {graph[a][b]}" for a, b in zip(cycle, cycle[1:])))
        if room in done:
            return
        path.append(room)
        for other in sorted(graph[room]):
            visit(other)
        path.pop()
        done.add(room)

    for room in sorted(graph):
        visit(room)
