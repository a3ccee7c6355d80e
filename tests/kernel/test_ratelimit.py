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
