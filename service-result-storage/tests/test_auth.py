"""Credentials (CONTRACTS.md): only the extractor writes, only readers read; health and the document stay open."""
import pytest

from app.config import Config

WRONG = "Bearer not-a-token-we-know-0001"
# Authorization values in the parametrize lists name the tokens as "{write_token}": filled in from the fixture.


def _post(client, make_result, authorization):
    return client.post("/results", json=make_result(), headers={"Authorization": authorization})


@pytest.mark.parametrize("authorization", ["", WRONG, "Basic d3JpdGVyOnB3", "Bearer {write_token}x"])
def test_a_forged_write_is_401_and_nothing_is_stored(client, make_result, write_token, authorization):
    resp = _post(client, make_result, authorization.format(write_token=write_token))
    assert resp.status_code == 401 and resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert resp.json["details"] == [] and "bearer token" in resp.json["error"]
    assert client.get("/results").json["items"] == []


def test_a_readers_token_cannot_write(client, make_result, read_token):
    resp = _post(client, make_result, f"Bearer {read_token}")
    assert resp.status_code == 403 and "write" in resp.json["error"]
    assert client.get("/results").json["items"] == []


def test_a_forgery_cannot_preempt_the_real_result(client, make_result):
    """Posting a result for an object version before the extractor does needs the write token."""
    forged = make_result(counts={"FATAL": 0, "ERROR": 0, "WARN": 0}, groups=[], groups_total=0)
    assert client.post("/results", json=forged, headers={"Authorization": WRONG}).status_code == 401
    real = client.post("/results", json=make_result())
    assert real.status_code == 201 and real.json["counts"] == make_result()["counts"]


@pytest.mark.parametrize("path", ["/results", "/results?key=app.log", "/results/some-id"])
@pytest.mark.parametrize("authorization,status", [("", 401), (WRONG, 401), ("Bearer {write_token}", 403)])
def test_reads_need_the_read_token(client, make_result, write_token, path, authorization, status):
    client.post("/results", json=make_result())
    resp = client.get(path, headers={"Authorization": authorization.format(write_token=write_token)})
    assert resp.status_code == status
    assert "items" not in resp.json and "groups" not in resp.json


def test_public_read_is_an_explicit_choice_and_writes_still_need_the_token(make_client, ddb, make_result):
    client = make_client(public_read=True, read_tokens=())
    assert client.post("/results", json=make_result()).status_code == 201
    assert client.get("/results", headers={"Authorization": ""}).status_code == 200
    assert _post(client, make_result, "").status_code == 401
    assert client.get("/openapi.json").json["paths"]["/results"]["get"]["security"] == [{}]


def test_a_rotated_token_works_next_to_the_old_one(make_client, ddb, make_result, write_token):
    client = make_client(write_tokens=("next-write-token-00001", write_token))
    assert _post(client, make_result, "Bearer next-write-token-00001").status_code == 201
    assert client.post("/results", json=make_result(etag="other")).status_code == 201


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics", "/openapi.json"])
def test_operational_endpoints_need_no_token(client, path):
    assert client.get(path, headers={"Authorization": ""}).status_code == 200


def test_the_document_names_the_scheme_and_the_refusals(client):
    doc = client.get("/openapi.json").json
    assert doc["components"]["securitySchemes"]["bearer"] == {**doc["components"]["securitySchemes"]["bearer"],
                                                             "type": "http", "scheme": "bearer"}
    for path, method in (("/results", "post"), ("/results", "get"), ("/results/{id}", "get")):
        operation = doc["paths"][path][method]
        assert operation["security"] == [{"bearer": []}] and {"401", "403"} <= set(operation["responses"])
    assert "security" not in doc["paths"]["/healthz"]["get"]


_TOKENS = {"RESULTS_WRITE_TOKEN": "w" * 20, "RESULTS_READ_TOKEN": "r" * 20}


@pytest.mark.parametrize("env,named", [({"RESULTS_READ_TOKEN": "r" * 20}, "RESULTS_WRITE_TOKEN"),
                                       ({"RESULTS_WRITE_TOKEN": "w" * 20}, "RESULTS_READ_TOKEN"),
                                       ({**_TOKENS, "RESULTS_PUBLIC_READ": "perhaps"}, "RESULTS_PUBLIC_READ"),
                                       ({**_TOKENS, "SES_MIN_ERRORS": "-1"}, "SES_MIN_ERRORS"),
                                       ({**_TOKENS, "RESULTS_READ_TOKEN": "x" * 20 + "," + "w" * 20},
                                        "RESULTS_READ_TOKEN and RESULTS_WRITE_TOKEN share a token")])
def test_config_errors_name_the_variable(env, named):
    with pytest.raises(ValueError, match=named):
        Config.from_env(env)


def test_config_tokens_and_public_read():
    cfg = Config.from_env({**_TOKENS, "RESULTS_WRITE_TOKEN": "w" * 20 + ", " + "v" * 20})
    assert cfg.write_tokens == ("w" * 20, "v" * 20) and cfg.read_tokens == ("r" * 20,) and not cfg.public_read
    assert Config.from_env({"RESULTS_WRITE_TOKEN": "w" * 20, "RESULTS_PUBLIC_READ": "true"}).public_read
    assert Config.from_env({}, serving=False).write_tokens == ()  # the retry_mail command answers no request
