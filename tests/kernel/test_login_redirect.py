"""After sign-in only a path on this site is followed (issue 16: open redirect): another
site, a protocol-relative address, a backslash trick or a javascript: link go home instead."""
import pytest

AWAY = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "\\\\evil.example", "javascript:alert(1)",
        "http:/evil.example", "/t/county/\r\nLocation: https://evil.example/"]


@pytest.fixture
def person(make_tenant, make_member):
    make_tenant("county")
    make_member("county", "vol@county.test", name="刘志愿")


@pytest.mark.parametrize("target", AWAY)
def test_sign_in_never_sends_a_person_to_another_site(app, person, target):
    r = app.test_client().post("/t/county/login", query_string={"next": target},
                               data={"login": "vol@county.test", "password": "Passw0rd!x"})
    assert r.status_code == 302
    assert r.headers["Location"] in ("/t/county/", "http://localhost/t/county/"), r.headers["Location"]


def test_a_path_on_this_site_is_followed_after_sign_in(app, person):
    r = app.test_client().post("/t/county/login", query_string={"next": "/t/county/me/account?tab=1"},
                               data={"login": "vol@county.test", "password": "Passw0rd!x"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/t/county/me/account?tab=1")
