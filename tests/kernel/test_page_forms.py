"""Bad input on every page form (issue 16): each form the demo's pages show, to every role of
every demo tenant, is sent with a NUL, a control character, an overlong value and, in each
numeric field, something that is not a number. Each must end in a 4xx page with the reason in
Chinese, and nothing may be written.

The forms are not listed here. They are found the way a person finds them: from each role's
menu, following the pages' links two deep (one page per kind of address), reading each
``<form>`` with its fields and the values they hold. The last test is generated from the
registered routes: every page route that takes a POST, those no demo page showed a form for
too, is sent bad text.
"""
from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest

from yinghuo.testing import address_pattern, demo_morning, load_demo, table_hashes

DEMO_SLUGS = ("qingcheng", "nmgdx", "hqxian", "jfxian", "sheng-dasai")
ROLES = ("visitor", "volunteer", "leader", "admin")
DEPTH = 3
#: pages of one kind of address read (a list's first few: one activity may show a form another does not)
SAMPLES = 3
#: links that download a file or act rather than show a page
NOT_PAGES = re.compile(r"(\.pdf|\.xlsx|\.csv|\.zip|\.png|/download|/exports?/\d|/files?/|/logout|[?&]lang=)")
CJK = re.compile(r"[\u4e00-\u9fff]")
#: text fields: a NUL, a bell, and one character beyond what any field may hold
BAD_TEXT = {"NUL": "甲\x00乙", "control": "甲\x07乙", "overlong": "长" * 20_001}
NOT_A_NUMBER = "1 OR 1=1"
#: what a request may change without being a write of what was sent: when the session was last used
VOLATILE = {"accounts": {"last_seen_at", "last_login_at"}}


class _Forms(HTMLParser):
    """The page's forms: method, action, enctype and fields with the values they hold."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "",
                          "multipart": "multipart" in (a.get("enctype") or ""), "fields": [], "buttons": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image", "button", "reset"):
                self._form["buttons"].append((a["name"], a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                self._form["fields"].append({"name": a["name"], "kind": kind, "value": a.get("value", "on"),
                                             "on": "checked" in a})
            elif kind != "file":
                self._form["fields"].append({"name": a["name"], "kind": kind, "value": a.get("value", ""),
                                             "on": True, "numeric": kind == "number"})
        elif tag == "button" and a.get("name") and (a.get("type") or "submit") == "submit":
            self._form["buttons"].append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "kind": "select", "value": None, "options": [], "on": True}
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select["options"].append(value)
            if self._select["value"] is None or "selected" in a:
                self._select["value"] = value if "selected" in a or self._select["value"] is None else \
                    self._select["value"]
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"name": a["name"], "kind": "textarea", "value": "", "on": True}
            self._form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            options = [o for o in self._select["options"] if o]
            self._select["numeric"] = bool(options) and all(o.isdigit() for o in options)
            self._select["value"] = self._select["value"] or ""
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _links(html: str, base: str, inside: str) -> list[str]:
    hrefs = re.findall(r'<a [^>]*href="([^"]+)"', html)
    found = []
    for href in hrefs:
        url = urljoin(base, href.replace("&amp;", "&")).split("#")[0]
        if urlsplit(url).path.startswith(inside) and not NOT_PAGES.search(url):
            found.append(url)
    return found


def _snapshot(app) -> dict[str, str]:
    return table_hashes(app, skip=VOLATILE)


def _values(form: dict) -> list[tuple[str, str]]:
    values = [(f["name"], f["value"]) for f in form["fields"] if f["on"]]
    return values + form["buttons"][:1]


def _send(client, form: dict, url: str, values: list[tuple[str, str]]):
    action = urljoin(url, form["action"] or url)
    if form["method"] == "post":
        data = defaultdict(list)
        for k, v in values:
            data[k].append(v)
        return action, client.post(action, data=dict(data),
                                   content_type="multipart/form-data" if form["multipart"] else None)
    split = urlsplit(action)
    query = parse_qsl(split.query) + values
    return action, client.get(split.path, query_string=query)


def _filled(url: str, form: dict) -> str:
    """Where a search or filter form leads when sent as the page fills it in."""
    from urllib.parse import urlencode
    action = urljoin(url, form["action"] or url)
    return urlsplit(action)._replace(query=urlencode(_values(form))).geturl()


def _cases(form: dict) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(what, field, values): the form as the page fills it, with one field made bad."""
    cases = []
    named = [f for f in form["fields"] if f["kind"] not in ("checkbox", "radio")]
    for field in named:
        for what, bad in BAD_TEXT.items():
            if what != "overlong" or field["kind"] in ("text", "textarea", "search", "email", "tel", "url",
                                                       "password"):
                cases.append((what, field["name"], _replace(form, field["name"], bad)))
        if field.get("numeric") or (field["kind"] == "hidden" and field["value"].isdigit()):
            cases.append(("not a number", field["name"], _replace(form, field["name"], NOT_A_NUMBER)))
    return cases


def _replace(form: dict, name: str, value: str) -> list[tuple[str, str]]:
    values, done = [], False
    for k, v in _values(form):
        if k == name and not done:
            values.append((k, value))
            done = True
        elif k != name:
            values.append((k, v))
    return values


def _refusal(client, r) -> str | None:
    """What is wrong with how a bad submission was answered (None: refused, in Chinese).

    A form that is its page's own is shown again with the error's 4xx status; an action form
    (a button on a list) goes back to the page it was on, which shows why in its message."""
    if r.status_code in (302, 303):
        back = client.get(r.headers["Location"])
        flash = re.search(r'class="flash error"[^>]*>([^<]*)<', back.get_data(as_text=True))
        if flash is None:
            return f"HTTP {r.status_code} to {r.headers['Location']} with no error shown there"
        return None if CJK.search(flash.group(1)) else f"the message is not in Chinese: {flash.group(1)}"
    if not 400 <= r.status_code < 500:
        return f"HTTP {r.status_code}"
    if r.content_type.startswith("text/html") and not CJK.search(r.get_data(as_text=True)):
        return f"no Chinese on the {r.status_code} page"
    return None


def _sign_in(client, slug: str | None, role: str) -> None:
    from yinghuo.demo import DEMO_PASSWORD
    if role != "visitor":
        r = client.post(f"/t/{slug}/login", data={"login": f"{role}@{slug}.demo", "password": DEMO_PASSWORD})
        assert r.status_code == 302, (slug, role, r.status_code)


def crawl_forms(app, slug: str | None, role: str) -> dict[str, tuple[str, dict]]:
    """Each distinct form (by method and action pattern) the role's pages show, from the
    tenant's home page (or the operator's console) on: key -> (page, form)."""
    client = app.test_client()
    base = "http://localhost"
    if slug is None:
        from yinghuo.demo import DEMO_PASSWORD, OPERATOR_EMAIL
        if role == "operator":
            r = client.post("/login", data={"login": OPERATOR_EMAIL, "password": DEMO_PASSWORD})
            assert r.status_code == 302, r.status_code
            inside, start = "/console/", [f"{base}/console/tenants", f"{base}/console/security"]
        else:
            inside, start = "/console/", [f"{base}/", f"{base}/login"]
    else:
        _sign_in(client, slug, role)
        inside, start = f"/t/{slug}/", [f"{base}/t/{slug}/", f"{base}/t/{slug}/login"]
    queue = [(url, DEPTH) for url in start]
    seen: dict[str, set] = defaultdict(set)
    forms: dict[str, tuple[str, dict]] = {}
    while queue:
        url, depth = queue.pop(0)
        pattern = address_pattern(urlsplit(url).path)
        if url in seen[pattern] or len(seen[pattern]) >= SAMPLES:
            continue
        seen[pattern].add(url)
        r = client.get(url)
        if r.status_code != 200 or not r.content_type.startswith("text/html"):
            continue
        html = r.get_data(as_text=True)
        parser = _Forms()
        parser.feed(html)
        for form in parser.forms:
            action = urljoin(url, form["action"] or url)
            key = f"{form['method']} {address_pattern(urlsplit(action).path)}"
            if key.endswith("/logout") or not form["fields"] and not form["buttons"]:
                continue
            forms.setdefault(key, (url, form))
        if depth:
            links = _links(html, base, inside) + [_filled(url, form) for form in parser.forms
                                                   if form["method"] == "get"]
            queue += [(link, depth - 1) for link in links if urlsplit(link).path.startswith(inside)
                      and len(seen[address_pattern(urlsplit(link).path)]) < SAMPLES]
    return forms


@pytest.fixture
def demo(app, time_machine, request):
    time_machine.move_to(demo_morning(), tick=True)
    load_demo(app, only={request.node.callspec.params["slug"]})


@pytest.mark.parametrize("slug", DEMO_SLUGS)
def test_bad_input_on_every_form_is_a_4xx_in_chinese_and_writes_nothing(demo, app, slug):
    problems = []
    for role in ROLES:
        forms = crawl_forms(app, slug, role)
        client = app.test_client()
        _sign_in(client, slug, role)
        for key, (url, form) in sorted(forms.items()):
            before = _snapshot(app)
            for what, field, values in _cases(form):
                action, r = _send(client, form, url, values)
                found = _refusal(client, r)
                if found:
                    problems.append(f"{role} {key} {field}={what}: {found}")
            after = _snapshot(app)
            changed = sorted(t for t in before if before[t] != after[t])
            if changed:
                problems.append(f"{role} {key}: wrote to {changed}")
    assert not problems, "\n".join(problems)


def _post_page_rules(app) -> list:
    """Every page route that takes a POST (the API's are fuzzed by schemathesis instead)."""
    return sorted((rule for rule in app.url_map.iter_rules()
                   if "POST" in rule.methods and "/api/" not in rule.rule and not rule.rule.startswith("/api")),
                  key=lambda rule: rule.rule)


def _path(rule, slug: str) -> str:
    values = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if name == "slug":
            values[name] = slug
        elif kind == "AnyConverter":
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = 1 if "Int" in kind or "Id" in kind else "0" * 16
    return rule.build(values, append_unknown=False)[1]


def test_every_page_route_that_takes_a_post_refuses_bad_text_in_chinese_and_writes_nothing(app, time_machine):
    """Generated from the registered routes: each page route that takes a POST, those no form
    of the demo showed too (a form shown only in some state, or with mail set up), is sent
    each bad text in a field; the check comes before any view, so what the view would do with
    a well-formed value does not matter."""
    time_machine.move_to(demo_morning(), tick=True)
    load_demo(app, only={"nmgdx"})
    client = app.test_client()
    _sign_in(client, "nmgdx", "admin")
    rules = _post_page_rules(app)
    assert len(rules) > 80, len(rules)
    before, problems = _snapshot(app), []
    for rule in rules:
        path = _path(rule, "nmgdx")
        for what, bad in BAD_TEXT.items():
            r = client.post(path, data={"note": bad, "name": "正常的名字"})
            found = None if r.status_code == 422 else f"HTTP {r.status_code}"
            if found is None and not CJK.search(r.get_data(as_text=True)):
                found = "no Chinese on the page"
            if found:
                problems.append(f"{rule.endpoint} {path} {what}: {found}")
    after = _snapshot(app)
    assert not problems, "\n".join(problems)
    assert sorted(t for t in before if before[t] != after[t]) == []
