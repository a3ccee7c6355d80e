"""The built package runs anywhere (issue 17): a wheel built from the source, installed in a clean
venv in a temporary folder outside the checkout, migrates, loads the demo, applies tenant
files, checks its models and serves ``/healthz`` through gunicorn; its command line fails with
one line and exit code 2."""
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from yinghuo.testing import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.servers, pytest.mark.xdist_group("wheel")]


def _source_copy(target: Path) -> Path:
    """The files git knows (committed or new, not ignored): no build/ leftovers, no .venv."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and not name.startswith((".venv/", "tests/")):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="session")
def installed(tmp_path_factory):
    """A clean venv holding only the built wheel and what it depends on (once per test process:
    the tests of this module may not run one after another)."""
    if os.environ.get("YINGHUO_TEST_DB", "postgresql") == "sqlite":
        pytest.skip("the install is the same on both runs: the PostgreSQL run does it")
    work = tmp_path_factory.mktemp("wheel")
    source = _source_copy(work / "src")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(work / "dist"),
                    str(source)], check=True, capture_output=True)
    [wheel] = (work / "dist").glob("yinghuo-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True)
    subprocess.run([str(work / "venv/bin/pip"), "install", "--quiet", str(wheel)], check=True, capture_output=True)
    return work


def _env(**extra) -> dict:
    """What an operator's shell has: no PYTHONPATH, nothing pointing into the checkout."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8",
            "YINGHUO_PASSWORD_PROFILE": "CHEAPEST", **extra}


def _yinghuo(work: Path, *args, env: dict, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run([str(work / "venv/bin/yinghuo"), *args], cwd=work / "run", env=env,
                            capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-2000:])
    return result



def test_the_wheel_carries_the_migrations_the_samples_and_the_catalogs(installed):
    site = next((installed / "venv/lib").glob("python3*/site-packages"))
    assert not (site / "yinghuo" / "__init__.py").resolve().is_relative_to(ROOT)
    assert (site / "yinghuo/migrations/env.py").exists() and list(site.glob("yinghuo/migrations/versions/*.py"))
    assert len(list(site.glob("yinghuo/sample_tenants/*.toml"))) >= 5
    for plugin in ("teams", "stations", "points", "competitions"):
        assert list(site.glob(f"yinghuo_{plugin}/migrations/versions/*.py")), plugin
        assert (site / f"yinghuo_{plugin}/translations/zh_Hans_CN/LC_MESSAGES/messages.po").exists(), plugin
    assert list(site.glob("yinghuo/templates/*.html")) and (site / "yinghuo/gunicorn_conf.py").exists()


def test_from_the_wheel_upgrade_demo_apply_check_and_serve(installed, empty_pg_database):
    (installed / "run").mkdir(exist_ok=True)
    env = _env(DATABASE_URL=empty_pg_database("wheel"), YINGHUO_INSTANCE=str(installed / "run/instance"))
    assert "up to date" in _yinghuo(installed, "db", "upgrade", env=env).stdout
    assert "demo ready" in _yinghuo(installed, "demo", env=env).stdout
    _yinghuo(installed, "tenant", "samples", "--copy", "mine", env=env)
    assert len(list((installed / "run/mine").glob("*.toml"))) >= 5
    _yinghuo(installed, "tenant", "apply", "mine", env=env)
    assert "agree" in _yinghuo(installed, "db", "check", env=env).stdout
    port = free_port()
    server = subprocess.Popen([str(installed / "venv/bin/gunicorn"), "-c", "python:yinghuo.gunicorn_conf",
                               "yinghuo.wsgi:app"], cwd=installed / "run", start_new_session=True,
                              env={**env, "YINGHUO_BIND": f"127.0.0.1:{port}", "YINGHUO_WORKERS": "2"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline, health = time.monotonic() + 60, None
        while time.monotonic() < deadline and health is None:
            try:
                health = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read().decode()
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-2000:]
                time.sleep(0.3)
        assert health is not None and '"status":"ok"' in health.replace(" ", "")
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/t/hqxian/login", timeout=10).read().decode()
        assert "登录" in page
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.mark.parametrize("args,env,says", [
    (("db", "upgrade"), {"DATABASE_URL": "postgresql://root@127.0.0.1:1/none"}, "DATABASE_URL"),
    (("db", "upgrade"), {"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL"),
    (("tenant", "apply", "missing-folder"), {}, "missing-folder"),
    (("tenant", "create", "ok"), {}, "--name"),
    (("nonsense",), {}, "nonsense"),
    (("demo",), {"YINGHUO_PERIODIC_POLL": "soon"}, "YINGHUO_PERIODIC_POLL"),
])
def test_every_failure_of_the_command_line_is_one_line_and_exit_code_2(installed, args, env, says):
    (installed / "run").mkdir(exist_ok=True)
    result = _yinghuo(installed, *args, env=_env(YINGHUO_INSTANCE=str(installed / "run/instance"), **env), check=False)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and says in lines[0], result.stderr
    assert "Traceback" not in result.stdout + result.stderr
