"""What the kernel's and the plugins' tests use besides the fixtures of
``yinghuo.testing.pytest_plugin`` (loaded by entry point): the suite's clock and the
browser's wait. A plugin's tests import from here and from ``yinghuo.api`` only."""
from __future__ import annotations

from .clock import CHINA, Clock

__all__ = ["CHINA", "Clock", "wait_for"]


def wait_for(browser, seconds: float = 10):
    """A WebDriverWait that rides out the moment a page is replaced (Chromium may answer
    "node does not belong to the document" instead of a stale-element error)."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(browser, seconds, ignored_exceptions=(StaleElementReferenceException, WebDriverException))
