"""No test depends on today's date.

A calendar date written in a test file (an ISO date or date-time string, a quarter such as
YYYY-Qn, a ``date(…)`` or ``datetime(…)`` call with a year) passes one day and fails the
next, unless it is read under a frozen clock. So every such literal in ``tests/`` and
``plugins/*/tests/`` must stand inside a test, class or module marked
``@pytest.mark.time_machine(...)`` (or a ``with time_machine.travel(...)`` block), or be
allowed below with the reason. Everything else builds its times from now through the
``clock`` fixture (``yinghuo.testing.clock``).
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

DATE = re.compile(r"(?<!\d)(?:19|20)\d\d-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])|Q[1-4])(?!\d)")

#: (file, test or helper) -> why its dates may stand without a frozen clock
ALLOWED = {
    ("tests/kernel/activities/test_checkins_hours.py", "test_period_bounds"):
        "a pure function of the period it is given; no clock is read",
    ("tests/contracts/test_clock.py", "test_the_check_finds_a_date_planted_outside_a_frozen_clock"):
        "the planted examples the check must find",
}


def _test_files() -> list[Path]:
    return sorted([*ROOT.glob("tests/**/*.py"), *ROOT.glob("plugins/*/tests/**/*.py")])


def _is_freezer(node: ast.AST) -> bool:
    """``pytest.mark.time_machine(...)``, ``time_machine.travel(...)`` or ``….move_to(...)``."""
    func = node.func if isinstance(node, ast.Call) else node
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in ("time_machine", "travel", "move_to")


def _freezes(node: ast.AST) -> bool:
    return any(_is_freezer(n) for n in ast.walk(node) if isinstance(n, (ast.Call, ast.Attribute)))


def _date_call(node: ast.Call) -> bool:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    first = node.args[0] if node.args else None
    return (name in ("date", "datetime") and isinstance(first, ast.Constant) and isinstance(first.value, int)
            and 1900 <= first.value <= 2100)


class _Finder(ast.NodeVisitor):
    """Collects (line, enclosing function, literal) for every date outside a frozen clock."""

    def __init__(self):
        self.found: list[tuple[int, str, str]] = []
        self.frozen, self.where = [False], ["<module>"]

    def visit_Module(self, node):
        self.frozen[0] = any(isinstance(s, ast.Assign) and any(getattr(t, "id", "") == "pytestmark"
                                                               for t in s.targets) and _freezes(s.value)
                             for s in node.body)
        self.generic_visit(node)

    def _scope(self, node, name, frozen):
        self.frozen.append(self.frozen[-1] or frozen)
        self.where.append(name)
        self.generic_visit(node)
        self.frozen.pop()
        self.where.pop()

    def visit_FunctionDef(self, node):
        self._scope(node, node.name, any(_freezes(d) for d in node.decorator_list))

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        self._scope(node, node.name, any(_freezes(d) for d in node.decorator_list))

    def visit_With(self, node):
        self._scope(node, self.where[-1], any(_freezes(item.context_expr) for item in node.items))

    def visit_Constant(self, node):
        if isinstance(node.value, str) and not self.frozen[-1]:
            self.found += [(node.lineno, self.where[-1], m.group()) for m in DATE.finditer(node.value)]

    def visit_Call(self, node):
        if _date_call(node) and not self.frozen[-1]:
            self.found.append((node.lineno, self.where[-1], ast.unparse(node)))
        self.generic_visit(node)


def dates_outside_a_frozen_clock(source: str, path: str = "<test>") -> list[str]:
    """Each date literal in ``source`` that no frozen clock covers and ALLOWED does not excuse."""
    finder = _Finder()
    finder.visit(ast.parse(source))
    return [f"{path}:{line} in {where}: {literal}" for line, where, literal in finder.found
            if (path, where) not in ALLOWED]


def test_no_test_holds_a_date_outside_a_frozen_clock():
    found = [hit for path in _test_files()
             for hit in dates_outside_a_frozen_clock(path.read_text(), str(path.relative_to(ROOT)))]
    assert found == [], ("build these times from the clock fixture (clock.iso(days=+2, hour=9), clock.day(-3)) "
                         "or freeze the clock where the date is the subject:\n" + "\n".join(found))


def test_every_allowance_has_a_reason_and_a_date_to_excuse():
    for (path, where), reason in ALLOWED.items():
        assert reason.strip(), (path, where)
        finder = _Finder()
        finder.visit(ast.parse((ROOT / path).read_text()))
        assert any(w == where for _, w, _ in finder.found), f"{path}::{where} needs no allowance any more"


def test_the_check_finds_a_date_planted_outside_a_frozen_clock():
    # the training test as it stood when the clock passed its date (and the suite went red)
    PLANTED = '''
def test_training_sessions_are_kernel_activities(client, project):
    admin = project["admin"]
    r = client.post(f"{BASE}/trainings", headers=admin, json={
        "kind": "training", "title": "入户访谈方法", "starts_at": "2026-12-01T01:00:00Z",
        "ends_at": "2026-12-01T03:00:00Z", "capacity": 30})
    assert r.status_code == 201, r.get_json()
'''
    assert [hit.rsplit(": ", 1)[1] for hit in dates_outside_a_frozen_clock(PLANTED)] == [
        "2026-12-01", "2026-12-01"]
    assert dates_outside_a_frozen_clock("def test_x():\n    ranking(period='2026-Q3')\n")
    assert dates_outside_a_frozen_clock("def test_x():\n    due = datetime(2026, 11, 29, 14)\n")
    assert dates_outside_a_frozen_clock("@pytest.mark.parametrize('d', ['2099-01-01'])\ndef test_x(d): pass\n")
    # frozen: by the test's marker, the module's pytestmark, or a travel block
    assert dates_outside_a_frozen_clock('@pytest.mark.time_machine("2026-11-25 10:00 +08:00")' + PLANTED) == []
    assert dates_outside_a_frozen_clock('pytestmark = pytest.mark.time_machine("2026-11-25")\n' + PLANTED) == []
    assert dates_outside_a_frozen_clock(
        "def test_x():\n    with time_machine.travel(0):\n        due = date(2026, 11, 29)\n") == []
    # not dates: numbers that only look alike, a phone number, a serial
    assert dates_outside_a_frozen_clock("def test_x():\n    n = '15871000001'; s = 'QC-2026-000001'\n") == []
