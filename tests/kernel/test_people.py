"""People: registration with consent, real-name data, masking, login lockout, TOTP, tokens."""
import pyotp
import pytest

from yinghuo.people.idnumbers import resident_id_error, with_check_digit
from yinghuo.people.masking import mask_id_number, mask_phone

VALID_ID = with_check_digit("15010219900101123")
WRONG_ID = VALID_ID[:-1] + ("1" if VALID_ID[-1] == "0" else "0")


def test_resident_id_check_digit():
    assert resident_id_error(VALID_ID) is None
    assert resident_id_error(WRONG_ID) == "the check digit does not match"
    assert resident_id_error("15010219901301123X") is not None  # month 13
    assert resident_id_error("1501021990") is not None


def test_one_masking_function_for_id_and_phone():
    assert mask_id_number("15010219900101123X") == "1501**********123X"
    assert mask_phone("13812341234") == "138****1234"


def _register(client, slug="alpha", **overrides):
    body = {"name": "张三", "password": "Volunt33r!", "phone": "13812341234",
            "id_number": VALID_ID, "consent": True, **overrides}
    return client.post(f"/t/{slug}/api/v1/members", json=body)


def _registered(client, login, slug="alpha", who="13812341234", password="Volunt33r!"):
    """The member id of a registration, read back by signing in as them."""
    me = client.get(f"/t/{slug}/api/v1/me", headers=login(slug, who, password)).get_json()
    return me["member"]["id"]


def test_registration_records_consent_version_and_masks_numbers(client, make_tenant, login):
    make_tenant("alpha", settings={"privacy_notice_version": "2026-09"}, admin="admin@alpha.test")
    r = _register(client)
    assert r.status_code == 202, r.get_json()
    member_id = _registered(client, login)
    body = client.get(f"/t/alpha/api/v1/members/{member_id}", headers=login("alpha", "admin@alpha.test")).get_json()
    assert body["consent_version"] == "2026-09"
    assert body["id_number"] == mask_id_number(VALID_ID) and body["phone"] == "138****1234"


def test_registration_without_consent_is_refused(client, make_tenant):
    make_tenant("alpha")
    r = _register(client, consent=False)
    assert r.status_code == 422 and "consent" in r.get_json()["error"]["fields"]


@pytest.mark.parametrize("field,value,reason", [
    ("id_number", WRONG_ID, "check digit"),
    ("phone", "12345", "11-digit"),
    ("password", "short1", "8 characters"),
    ("password", "password123", "too common"),
    ("password", "onlyletters", "letters and digits"),
])
def test_registration_names_the_bad_field(client, make_tenant, field, value, reason):
    make_tenant("alpha")
    r = _register(client, **{field: value})
    assert r.status_code == 422
    assert reason in str(r.get_json()["error"]["fields"][field])


def test_same_id_number_twice_in_a_tenant_is_409_but_fine_in_another(client, make_tenant):
    make_tenant("alpha")
    make_tenant("beta")
    assert _register(client).status_code == 202
    r = _register(client, phone="13912341234", name="李四")
    assert r.status_code == 409 and "id_number" in r.get_json()["error"]["fields"]
    assert _register(client, "beta", phone="13712341234").status_code == 202


def test_id_number_is_stored_encrypted_with_key_id(app, client, make_tenant):
    from sqlalchemy import select
    from yinghuo.db.context import tenant_scope
    from yinghuo.extensions import db
    from yinghuo.people.models import Member
    tid = make_tenant("alpha")
    _register(client)
    with app.app_context(), tenant_scope(tid):
        member = db.session.scalars(select(Member)).one()
        assert member.id_number_enc.startswith("k1:") and VALID_ID not in member.id_number_enc
        assert len(member.id_number_hash) == 64


def test_me_shows_own_numbers_unmasked(client, make_tenant, login):
    make_tenant("alpha")
    _register(client)
    me = client.get("/t/alpha/api/v1/me", headers=login("alpha", "13812341234", "Volunt33r!")).get_json()
    assert me["member"]["id_number"] == VALID_ID


def test_admin_reveal_needs_a_reason_and_is_audited(app, client, make_tenant, login):
    make_tenant("alpha", admin="admin@alpha.test")
    _register(client)
    member_id = _registered(client, login)
    admin = login("alpha", "admin@alpha.test")
    r = client.post(f"/t/alpha/api/v1/members/{member_id}/reveal", json={}, headers=admin)
    assert r.status_code == 422 and "reason" in r.get_json()["error"]["fields"]
    r = client.post(f"/t/alpha/api/v1/members/{member_id}/reveal", json={"reason": "证明出具核验"}, headers=admin)
    assert r.status_code == 200 and r.get_json()["id_number"] == VALID_ID
    from sqlalchemy import select
    from yinghuo.audit import AuditEntry
    from yinghuo.db.context import unscoped
    from yinghuo.extensions import db
    with app.app_context(), unscoped("test reads audit", operator=True):
        reveal = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "member.reveal")).one()
    assert reveal.reason == "证明出具核验" and reveal.actor == "admin@alpha.test"


def test_volunteer_cannot_reveal_someone_else(client, make_tenant, make_member, login):
    make_tenant("alpha")
    _register(client)
    other = _registered(client, login)
    make_member("alpha", "v@alpha.test")
    r = client.post(f"/t/alpha/api/v1/members/{other}/reveal", json={"reason": "x"},
                    headers=login("alpha", "v@alpha.test"))
    assert r.status_code == 403


def test_five_failures_lock_the_account_for_15_minutes(client, make_tenant, make_member):
    make_tenant("alpha")
    make_member("alpha", "v@alpha.test")
    for _ in range(5):
        r = client.post("/t/alpha/api/v1/auth/token", json={"login": "v@alpha.test", "password": "wrong-pass1"})
        assert r.status_code == 401
    r = client.post("/t/alpha/api/v1/auth/token", json={"login": "v@alpha.test", "password": "Passw0rd!x"})
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "locked"


def test_lockout_answers_the_same_for_unknown_accounts(client, make_tenant):
    make_tenant("alpha")
    answers = []
    for _ in range(6):
        r = client.post("/t/alpha/api/v1/auth/token", json={"login": "ghost@alpha.test", "password": "wrong-pass1"})
        answers.append((r.status_code, r.get_json()["error"]["code"]))
    assert answers == [(401, "bad_credentials")] * 5 + [(401, "locked")]


def test_totp_is_required_once_enrolled(app, client, make_tenant, make_member):
    from yinghuo.extensions import db
    from yinghuo.people.auth import find_account
    make_tenant("alpha")
    make_member("alpha", "admin@alpha.test", roles=["tenant_admin"])
    secret = pyotp.random_base32()
    with app.app_context():
        find_account("admin@alpha.test").totp_secret = secret
        db.session.commit()
    body = {"login": "admin@alpha.test", "password": "Passw0rd!x"}
    r = client.post("/t/alpha/api/v1/auth/token", json=body)
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "otp_required"
    r = client.post("/t/alpha/api/v1/auth/token", json={**body, "otp": pyotp.TOTP(secret).now()})
    assert r.status_code == 201


def test_revoked_token_is_refused(client, make_tenant, make_member, login):
    make_tenant("alpha")
    make_member("alpha", "v@alpha.test")
    headers = login("alpha", "v@alpha.test")
    assert client.get("/t/alpha/api/v1/me", headers=headers).status_code == 200
    assert client.delete("/t/alpha/api/v1/auth/token", headers=headers).status_code == 204
    assert client.get("/t/alpha/api/v1/me", headers=headers).status_code == 401


def test_roles_and_unit_admin_subtree(client, make_tenant, make_member, login):
    make_tenant("alpha", admin="admin@alpha.test")
    admin = login("alpha", "admin@alpha.test")
    county = client.post("/t/alpha/api/v1/units", json={"name": "县", "type": "county"}, headers=admin).get_json()
    town_a = client.post("/t/alpha/api/v1/units", json={"name": "甲镇", "type": "town", "parent_id": county["id"]},
                         headers=admin).get_json()
    town_b = client.post("/t/alpha/api/v1/units", json={"name": "乙镇", "type": "town", "parent_id": county["id"]},
                         headers=admin).get_json()
    uid = make_member("alpha", "ua@alpha.test")
    r = client.put(f"/t/alpha/api/v1/members/{uid}/roles",
                   json={"roles": [{"role": "unit_admin", "unit_id": town_a["id"]}]}, headers=admin)
    assert r.status_code == 200 and r.get_json()["roles"] == [f"unit_admin@{town_a['id']}"]
    unit_admin = login("alpha", "ua@alpha.test")
    ok = client.post("/t/alpha/api/v1/units", json={"name": "甲村", "type": "village", "parent_id": town_a["id"]},
                     headers=unit_admin)
    assert ok.status_code == 201 and ok.get_json()["path"] == f"{town_a['path']}{ok.get_json()['id']}/"
    refused = client.post("/t/alpha/api/v1/units", json={"name": "乙村", "type": "village",
                                                         "parent_id": town_b["id"]}, headers=unit_admin)
    assert refused.status_code == 403
    subtree = client.get(f"/t/alpha/api/v1/units/{county['id']}", headers=admin).get_json()
    assert [u["name"] for u in subtree][0] == "县" and len(subtree) == 4


def test_unit_type_must_be_one_of_the_tenants(client, make_tenant, login):
    make_tenant("alpha", admin="admin@alpha.test", settings={"unit_types": ["school", "squad"]})
    r = client.post("/t/alpha/api/v1/units", json={"name": "x", "type": "town"}, headers=login("alpha", "admin@alpha.test"))
    assert r.status_code == 422 and "type" in r.get_json()["error"]["fields"]


def test_totp_enrolment_then_required_at_login(client, make_tenant, make_member, login):
    make_tenant("alpha")
    make_member("alpha", "v@alpha.test")
    headers = login("alpha", "v@alpha.test")
    start = client.post("/t/alpha/api/v1/me/totp", headers=headers).get_json()
    assert start["uri"].startswith("otpauth://totp/")
    bad = client.post("/t/alpha/api/v1/me/totp/confirm", json={"secret": start["secret"], "code": "000000"},
                      headers=headers)
    assert bad.status_code == 422
    code = pyotp.TOTP(start["secret"]).now()
    assert client.post("/t/alpha/api/v1/me/totp/confirm", json={"secret": start["secret"], "code": code},
                       headers=headers).status_code == 204
    r = client.post("/t/alpha/api/v1/auth/token", json={"login": "v@alpha.test", "password": "Passw0rd!x"})
    assert r.get_json()["error"]["code"] == "otp_required"


def test_tenant_setting_requires_totp_for_admins(client, make_tenant, login):
    make_tenant("alpha", admin="admin@alpha.test", settings={"require_totp_for_admins": True})
    admin = login("alpha", "admin@alpha.test")
    r = client.get("/t/alpha/api/v1/members", headers=admin)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "totp_enrollment_required"
    start = client.post("/t/alpha/api/v1/me/totp", headers=admin).get_json()
    client.post("/t/alpha/api/v1/me/totp/confirm",
                json={"secret": start["secret"], "code": pyotp.TOTP(start["secret"]).now()}, headers=admin)
    assert client.get("/t/alpha/api/v1/members", headers=admin).status_code == 200


def test_member_list_pages_with_total(client, make_tenant, make_member, login):
    make_tenant("alpha", admin="admin@alpha.test")
    for i in range(5):
        make_member("alpha", f"v{i}@alpha.test", name=f"志愿者{i}")
    admin = login("alpha", "admin@alpha.test")
    r = client.get("/t/alpha/api/v1/members?per_page=2&page=2&q=志愿者", headers=admin)
    assert r.headers["X-Total-Count"] == "5"
    assert [m["name"] for m in r.get_json()] == ["志愿者2", "志愿者3"]
    assert client.get("/t/alpha/api/v1/members?per_page=0", headers=admin).status_code == 422


def test_passwords_hash_with_rfc_9106_unless_the_deployment_chooses(app, tmp_path):
    """Production hashes use argon2's RFC 9106 low-memory parameters; the suite's CHEAPEST
    profile is a setting, and a hash keeps verifying whichever profile made it."""
    from yinghuo.config import ConfigError, Settings
    from yinghuo.people.auth import hash_password, verify_password
    assert Settings.from_env({"YINGHUO_INSTANCE": str(tmp_path)}).password_profile == "RFC_9106_LOW_MEMORY"
    with pytest.raises(ConfigError, match="YINGHUO_PASSWORD_PROFILE"):
        Settings.from_env({"YINGHUO_INSTANCE": str(tmp_path), "YINGHUO_PASSWORD_PROFILE": "fast"})
    strong = hash_password("Passw0rd!x")          # outside an app: the default profile
    assert "$m=65536,t=3,p=4$" in strong
    with app.app_context():
        cheap = hash_password("Passw0rd!x")
        assert "$m=65536," not in cheap and verify_password(strong, "Passw0rd!x")
    assert verify_password(cheap, "Passw0rd!x") and not verify_password(cheap, "Passw0rd!y")


def test_the_lock_is_the_accounts_whichever_login_is_typed(client, make_tenant, make_member, raw_sql):
    """Issue 16: five wrong passwords by e-mail locked only the e-mail; the right password sent
    with the phone number then got a token."""
    make_tenant("alpha")
    make_member("alpha", "v@alpha.test")
    raw_sql("UPDATE accounts SET phone = '13812341234' WHERE email = 'v@alpha.test'")
    assert client.post("/t/alpha/api/v1/auth/token",
                       json={"login": "13812341234", "password": "Passw0rd!x"}).status_code == 201
    for _ in range(5):
        client.post("/t/alpha/api/v1/auth/token", json={"login": "v@alpha.test", "password": "wrong-pass1"})
    r = client.post("/t/alpha/api/v1/auth/token", json={"login": "13812341234", "password": "Passw0rd!x"})
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "locked"


def test_registration_is_no_password_oracle_and_no_way_around_the_lock(app, client, make_tenant, make_member):
    """Issue 16: registering with an existing login answered 409 for a wrong password and 201 for
    the right one, even while the account was locked, and never counted. Now every registration
    answers alike and checks no password; only the owner hears of it."""
    from yinghuo.notifications.models import Notification
    make_tenant("alpha")
    make_member("alpha", "v@alpha.test")
    new = _register(client, email="new@alpha.test", phone="13900001111", id_number=None)
    right = _register(client, email="v@alpha.test", password="Passw0rd!x", phone=None, id_number=None)
    wrong = _register(client, email="v@alpha.test", password="Wr0ngpassw0rd", phone=None, id_number=None)
    assert new.status_code == right.status_code == wrong.status_code == 202
    assert new.get_json() == right.get_json() == wrong.get_json()
    for _ in range(5):
        client.post("/t/alpha/api/v1/auth/token", json={"login": "v@alpha.test", "password": "wrong-pass1"})
    locked = _register(client, email="v@alpha.test", password="Passw0rd!x", phone=None, id_number=None)
    assert locked.status_code == 202 and locked.get_json() == new.get_json()
    from sqlalchemy import select
    from yinghuo.db.context import unscoped
    from yinghuo.extensions import db
    with app.app_context(), unscoped("test reads the inbox", [_tid(app, "alpha")]):
        kinds = db.session.scalars(select(Notification.kind)).all()
    assert kinds.count("registration_attempt") == 3  # the owner heard of each try, nobody else learned a thing


def _tid(app, slug):
    from yinghuo.tenancy.services import get_tenant
    with app.app_context():
        return get_tenant(slug).id


def test_a_wrong_current_password_counts_toward_the_lock(client, make_tenant, make_member):
    make_tenant("alpha")
    make_member("alpha", "v@alpha.test")
    client.post("/t/alpha/login", data={"login": "v@alpha.test", "password": "Passw0rd!x"})
    for _ in range(5):
        client.post("/t/alpha/me/account", data={"do": "password", "current_password": "guess-0000",
                                                   "new_password": "Newpassw0rd", "repeat_password": "Newpassw0rd"})
    r = client.post("/t/alpha/api/v1/auth/token", json={"login": "v@alpha.test", "password": "Passw0rd!x"})
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "locked"


def test_guesses_sent_at_once_are_each_counted(app, make_tenant, make_member):
    """Twenty wrong passwords in parallel: each is counted, so the lock comes after five."""
    from concurrent.futures import ThreadPoolExecutor
    make_tenant("alpha")
    make_member("alpha", "v@alpha.test")

    def guess(_):
        with app.test_client() as c:
            return c.post("/t/alpha/api/v1/auth/token",
                          json={"login": "v@alpha.test", "password": "wrong-pass1"}).get_json()["error"]["code"]
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(guess, range(20)))
    assert codes.count("bad_credentials") <= 5 + 7  # at most the guesses already past the check when it locked
    assert codes.count("locked") >= 8


def test_the_last_tenant_admin_cannot_lose_the_role(client, make_tenant, make_member, login):
    make_tenant("alpha", admin="admin@alpha.test")
    admin = login("alpha", "admin@alpha.test")
    me = client.get("/t/alpha/api/v1/me", headers=admin).get_json()["member"]["id"]
    r = client.put(f"/t/alpha/api/v1/members/{me}/roles", json={"roles": [{"role": "volunteer"}]}, headers=admin)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "last_admin"
    other = make_member("alpha", "second@alpha.test", roles=["tenant_admin"])
    assert client.put(f"/t/alpha/api/v1/members/{me}/roles", json={"roles": [{"role": "volunteer"}]},
                      headers=admin).status_code == 200
    second = login("alpha", "second@alpha.test")
    r = client.put(f"/t/alpha/api/v1/members/{other}/roles", json={"roles": [{"role": "leader"}]}, headers=second)
    assert r.status_code == 409
