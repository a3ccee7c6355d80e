"""Rate limits on public forms: counted per client address, shared through Redis by every
worker, and still enforced (per process) when Redis is unreachable."""
import os

import pytest
import redis

from yinghuo import ratelimit

REDIS_URL = os.environ.get("YINGHUO_TEST_REDIS", "redis://127.0.0.1:6379/15")


@pytest.fixture
def limited_app(app):
    kernel = app.extensions["yinghuo"]
    app.config["YINGHUO_RATE_LIMITS"] = {"public_form": "2/minute"}
    kernel.rate_limiter = None
    yield app
    app.config.pop("YINGHUO_RATE_LIMITS")
    app.config["REDIS_URL"] = None
    kernel.rate_limiter = None


def _take(app, address):
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": address}):
        ratelimit.take("public_form")


def test_counts_are_shared_through_redis(limited_app):
    conn = redis.Redis.from_url(REDIS_URL)
    conn.ping()  # Redis unreachable is a failure, not a skip
    conn.flushdb()
    limited_app.config["REDIS_URL"] = REDIS_URL
    try:
        _take(limited_app, "10.1.1.1")
        _take(limited_app, "10.1.1.1")
        limited_app.extensions["yinghuo"].rate_limiter = None  # as another worker would: a fresh limiter
        with pytest.raises(ratelimit.TooManyRequests) as refused:
            _take(limited_app, "10.1.1.1")
        assert refused.value.status == 429 and 0 < refused.value.retry_after <= 60
        assert conn.keys("*")  # the counts live in Redis
        _take(limited_app, "10.1.1.2")  # another address has its own count
    finally:
        conn.flushdb()


def test_unreachable_redis_still_limits_in_process(limited_app):
    limited_app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    _take(limited_app, "10.2.2.2")
    _take(limited_app, "10.2.2.2")
    with pytest.raises(ratelimit.TooManyRequests):
        _take(limited_app, "10.2.2.2")


def _whoami_app(database_url, tmp_path, proxies: str):
    """An app with ``YINGHUO_PROXIES`` set, and a route that tells the address it sees."""
    from flask import request

    from yinghuo.app import create_app
    from yinghuo.testing.pytest_plugin import make_env
    app = create_app({"ENV": {**make_env(database_url, tmp_path), "YINGHUO_PROXIES": proxies}, "TESTING": True})
    app.add_url_rule("/api/whoami", "whoami", lambda: f"{request.remote_addr} {request.scheme}")
    return app.test_client()


def test_the_client_address_comes_from_the_proxy_only_when_configured(database_url, tmp_path):
    """Behind one proxy its X-Forwarded-For is the client (rate limits count people, not the
    proxy); with none configured the header is ignored, so nobody can claim another address."""
    headers = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    behind = _whoami_app(database_url, tmp_path, "1").get("/api/whoami", headers=headers,
                                                          environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert behind.get_data(as_text=True) == "203.0.113.7 https"
    direct = _whoami_app(database_url, tmp_path, "0").get("/api/whoami", headers=headers,
                                                          environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert direct.get_data(as_text=True) == "10.0.0.2 http"


@pytest.mark.parametrize("value", ["x", "-1", "6"])
def test_a_malformed_proxy_count_stops_the_start(value, tmp_path):
    from yinghuo.config import ConfigError, Settings
    with pytest.raises(ConfigError, match="YINGHUO_PROXIES"):
        Settings.from_env({"YINGHUO_INSTANCE": str(tmp_path), "YINGHUO_PROXIES": value})
