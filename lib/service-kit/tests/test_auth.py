import pytest
from flask import Response, jsonify

from service_kit.auth import BearerAuth, bearer_token, check, set_token_cookie


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_each_role_gets_in_with_its_own_token(make_app, tokens):
    client = make_app().test_client()
    assert client.post("/things", headers=_auth(tokens["write"])).status_code == 201
    assert client.get("/things", headers=_auth(tokens["read"])).status_code == 200


def test_a_rotated_token_is_accepted_next_to_the_old_one(make_app, tokens):
    client = make_app().test_client()
    assert client.post("/things", headers=_auth(tokens["write_next"])).status_code == 201
    assert client.post("/things", headers=_auth(tokens["write"])).status_code == 201


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a b",
                                    "Bearer " + "x" * 20, "Bearer " + "w" * 19, "Bearer " + "w" * 21, "Token " + "w" * 20])
def test_missing_or_wrong_token_is_401_with_a_json_error_and_a_challenge(make_app, header):
    client = make_app().test_client()
    resp = client.post("/things", headers={} if header is None else {"Authorization": header})
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith('Bearer realm="log-analysis"')
    body = resp.get_json()
    assert "bearer token" in body["error"] and isinstance(body["details"], list)


def test_scheme_is_case_insensitive(make_app, tokens):
    client = make_app().test_client()
    assert client.post("/things", headers={"Authorization": f"bearer {tokens['write']}"}).status_code == 201


def test_a_token_of_another_role_is_403(make_app, tokens):
    client = make_app().test_client()
    resp = client.post("/things", headers=_auth(tokens["read"]))
    assert resp.status_code == 403 and "write" in resp.get_json()["error"]
    assert client.get("/things", headers=_auth(tokens["write"])).status_code == 403


def test_a_public_role_needs_no_token_but_others_still_do(make_app, tokens):
    client = make_app(public=frozenset({"read"})).test_client()
    assert client.get("/things").status_code == 200
    assert client.post("/things").status_code == 401


def test_open_endpoints_need_no_token(make_app):
    assert make_app().test_client().get("/healthz").status_code == 200


def test_tokens_never_reach_the_logs(make_app, tokens, caplog):
    client = make_app().test_client()
    client.post("/things", headers=_auth("y" * 40))
    client.post("/things", headers=_auth(tokens["read"]))
    text = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    assert "y" * 40 not in text and tokens["read"] not in text and caplog.records


def test_role_of_checks_every_token():
    auth = BearerAuth({"a": ("a" * 16,), "b": ("b" * 16, "c" * 16)})
    assert [auth.role_of(t) for t in ("a" * 16, "b" * 16, "c" * 16, "d" * 16, "")] == ["a", "b", "b", None, None]


def test_bearer_token_parsing():
    assert bearer_token("Bearer abc") == "abc" and bearer_token("  BEARER   abc  ") == "abc"
    assert bearer_token("Bearer") is None and bearer_token("Basic abc") is None and bearer_token(None) is None


def test_no_token_gets_a_bare_challenge_and_a_wrong_role_insufficient_scope(make_app, tokens):
    client = make_app().test_client()
    assert client.post("/things").headers["WWW-Authenticate"] == 'Bearer realm="log-analysis"'
    assert 'error="invalid_token"' in client.post("/things", headers=_auth("z" * 30)).headers["WWW-Authenticate"]
    refused = client.post("/things", headers=_auth(tokens["read"]))
    assert refused.status_code == 403 and 'error="insufficient_scope"' in refused.headers["WWW-Authenticate"]


def test_one_token_for_two_roles_is_refused_without_naming_it():
    with pytest.raises(ValueError, match="read and the write role") as info:
        BearerAuth({"read": ("s" * 20,), "write": ("t" * 20, "s" * 20)})
    assert "s" * 20 not in str(info.value)
    BearerAuth({"write": ("t" * 20, "t" * 20)})  # the same token twice for one role is merely redundant


def test_a_view_may_take_the_token_from_its_cookie(make_app, tokens):
    app = make_app()

    @app.get("/view")
    def view():
        refused = check("read", cookie="view_token")
        return refused if refused is not None else jsonify({"ok": True})

    client = app.test_client()
    assert client.get("/view").status_code == 401
    client.set_cookie("view_token", tokens["write"])
    assert client.get("/view").status_code == 403
    client.set_cookie("view_token", tokens["read"])
    assert client.get("/view").status_code == 200
    assert client.get("/things").status_code == 401   # a view that names no cookie ignores it
    assert client.get("/view", headers=_auth("x" * 30)).status_code == 401   # the header wins


def test_check_judges_a_given_token(make_app, tokens):
    app = make_app()
    with app.test_request_context("/", headers=_auth(tokens["read"])):
        assert check("read", token=tokens["read"]) is None
        assert check("read", token="").status_code == 401
        assert check("read", token="x" * 30).status_code == 401
        assert check("read", token=tokens["write"]).status_code == 403


@pytest.mark.parametrize("request_kwargs, secure", [({}, False), ({"base_url": "https://example.org"}, True),
                                                    ({"headers": {"X-Forwarded-Proto": "https"}}, True),
                                                    ({"headers": {"X-Forwarded-Proto": "http"}}, False)])
def test_the_token_cookie_is_httponly_strict_and_secure_over_https(make_app, request_kwargs, secure):
    with make_app().test_request_context("/", **request_kwargs):
        cookie = set_token_cookie(Response(), "t", "value", path="/ui").headers["Set-Cookie"]
    assert cookie.startswith("t=value;") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Path=/ui" in cookie and ("Secure" in cookie) == secure
