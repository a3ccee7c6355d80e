"""The page audit: every page reachable from each role's menu in each demo tenant, at 390 px,
in zh-CN and in en, fails on what a person notices at once.

The list of pages is not written here: it is the menu each role sees (rendered from the
``yinghuo_nav_items`` hooks, so a plugin's pages join by themselves) and the pages those
menu pages link to and the pages those link to, one per kind of address (``/activities/7`` stands for every activity).
Each page fails on:
- an HTTP error (the navigation's response status);
- horizontal overflow (the document wider than the phone);
- on a zh-CN page, a visible message of the catalog left in English (a msgid), or any
  English run of three words;
- a raw code in visible text (``snake_case`` tokens, dotted codes such as ``signup.create``,
  JSON);
- anything the Content-Security-Policy refused (an inline script, a handler, a foreign source);
- a time shown in UTC: the clock stands at 07:37 China time (23:37 UTC the day before), so
  what was written "now" reads 07:37, and 23:37 on a page is UTC leaking through.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from yinghuo.testing import address_pattern, csp_violations, demo_morning, load_demo, sign_in

pytestmark = pytest.mark.browser

DEMO_SLUGS = ("qingcheng", "nmgdx", "hqxian", "jfxian", "sheng-dasai")
ROLES = ("visitor", "volunteer", "leader", "admin")
#: how many links deep from the menu (the menu's pages link to lists, lists to details, details to their pages)
DEPTH = 2
#: links that download a file or act rather than show a page
NOT_PAGES = re.compile(r"(\.pdf|\.xlsx|\.csv|\.zip|/download|/exports?/\d|/files?/|/logout|[?&]lang=)")
EMAIL_OR_URL = re.compile(r"[\w.+-]+@[\w.-]+|https?://\S+|/t/\S+")
RAW_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z]+\.[a-z_]+\b|[{\[]\s*\"")
ENGLISH_RUN = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,'’-]+[A-Za-z][a-z]*){2,}")


def _catalog_msgids() -> set[str]:
    from babel.messages.pofile import read_po
    import yinghuo
    roots = [Path(yinghuo.__file__).parent, Path(yinghuo.__file__).parents[2] / "plugins"]
    ids = set()
    for root in roots:
        for po in root.rglob("zh_Hans_CN/LC_MESSAGES/messages.po"):
            with po.open("rb") as fh:
                for message in read_po(fh):
                    text = message.id if isinstance(message.id, str) else message.id[0]
                    # a message of one short word ("QR", "PDF") is not a sentence
                    if text and (" " in text.strip() or len(text) > 12):
                        ids.add(text)
    return ids


def _findings(browser, lang: str, msgids: set[str]) -> list[str]:
    status = browser.execute_script(
        "const n = performance.getEntriesByType('navigation')[0]; return n ? n.responseStatus : 0")
    found = []
    if status >= 400:
        found.append(f"HTTP {status}")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    if width > 390:
        found.append(f"{width} px wide")
    text = browser.execute_script("return document.body.innerText")
    plain = EMAIL_OR_URL.sub(" ", text)
    if lang == "zh":
        left = sorted(m for m in msgids if m in text)
        if left:
            found.append(f"untranslated: {left[:3]}")
        english = ENGLISH_RUN.findall(plain)
        if english:
            found.append(f"English: {english[:3]}")
    codes = RAW_CODE.findall(plain)
    if codes:
        found.append(f"raw codes: {sorted(set(codes))}")
    refused = csp_violations(browser)
    if refused:
        found.append(f"refused by the security policy: {refused[:3]}")
    if "23:37" in text or re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d|\+00:00|\bUTC\b", text):
        found.append("a time in UTC")
    return found


def _links(browser, selector: str, base: str, slug: str) -> list[str]:
    hrefs = browser.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(a => a.href)", selector)
    inside = f"{base}/t/{slug}/"
    return [h.split("#")[0] for h in hrefs if h.startswith(inside) and not NOT_PAGES.search(h)]


def audit_tenant(browser, base: str, slug: str, lang: str, msgids: set[str]) -> dict[str, list[str]]:
    from yinghuo.demo import DEMO_PASSWORD
    problems: dict[str, list[str]] = {}
    for role in ROLES:
        browser.delete_all_cookies()
        if role != "visitor":
            sign_in(browser, base, slug, f"{role}@{slug}.demo", DEMO_PASSWORD)
        browser.get(f"{base}/t/{slug}/?lang={lang}")
        menu = list(dict.fromkeys(_links(browser, "header nav a", base, slug) + [f"{base}/t/{slug}/"]))
        seen_patterns: set[str] = set()
        queue = [(url, DEPTH) for url in menu]
        while queue:
            url, depth = queue.pop(0)
            pattern = address_pattern(urlsplit(url).path)
            if pattern in seen_patterns:
                continue
            seen_patterns.add(pattern)
            browser.get(url)
            for finding in _findings(browser, lang, msgids):
                problems.setdefault(f"{role} {lang} {urlsplit(url).path}", []).append(finding)
            if depth:
                queue += [(link, depth - 1) for link in _links(browser, "main a", base, slug)
                          if address_pattern(urlsplit(link).path) not in seen_patterns]
        assert len(seen_patterns) >= 3, f"{role} in {slug} reached only {seen_patterns}"
    return problems


@pytest.fixture
def demo(app, time_machine, request):
    """The demo, its people and data for the tenant under test only (the others exist)."""
    time_machine.move_to(demo_morning(), tick=True)
    load_demo(app, only={request.node.callspec.params["slug"]})


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("slug", DEMO_SLUGS)
def test_every_menu_page_of_every_role_reads_well_on_a_phone(demo, live_server, browser, slug, lang):
    problems = audit_tenant(browser, live_server, slug, lang, _catalog_msgids())
    assert not problems, "\n".join(f"{page}: {'; '.join(found)}" for page, found in sorted(problems.items()))
