import pytest

from app import dynamodb_handler


class SmallPages:
    """Wraps the DynamoDB client so every query returns at most `size` items: exercises paging through
    DynamoDB pages that moto would otherwise return in one."""

    def __init__(self, client, size=2):
        self.client, self.size, self.queries = client, size, 0

    def query(self, **kwargs):
        self.queries += 1
        kwargs["Limit"] = min(kwargs.get("Limit", self.size), self.size)
        return self.client.query(**kwargs)

    def __getattr__(self, name):
        return getattr(self.client, name)


def ids(resp):
    return [r["id"] for r in resp.json["items"]]


def test_get_by_key_is_newest_first_and_filters_bucket(client, post, make_result):
    old = post(client, etag="1")
    other_bucket = post(client, etag="2", bucket="other")
    new = post(client, etag="3")
    post(client, etag="4", key="another/key.log")
    resp = client.get("/results", query_string={"key": make_result()["key"]})
    assert resp.status_code == 200
    assert ids(resp) == [new["id"], other_bucket["id"], old["id"]]
    assert resp.json["items"][0] == new
    assert ids(client.get("/results", query_string={"key": make_result()["key"], "bucket": "logs"})) == [
        new["id"], old["id"]]


def test_get_by_key_reads_every_dynamodb_page(client, ddb, post, make_result):
    posted = [post(client, etag=str(i)) for i in range(5)]
    client.application.extensions["storage"]._clients["dynamodb"] = pages = SmallPages(ddb)
    resp = client.get("/results", query_string={"key": make_result()["key"]})
    assert ids(resp) == [r["id"] for r in reversed(posted)]
    assert pages.queries == 3


def test_get_by_unknown_key_is_an_empty_list(client):
    resp = client.get("/results", query_string={"key": "nothing-here"})
    assert resp.status_code == 200 and resp.json == {"items": []}
    assert client.get("/results", query_string={"key": ""}).status_code == 400


def test_get_by_id(client, post):
    stored = post(client)
    assert client.get(f"/results/{stored['id']}").json == stored
    resp = client.get("/results/0123456789abcdef0123456789abcdef")
    assert resp.status_code == 404
    assert resp.json["error"] == "result not found" and resp.json["details"]


def walk(client, **query):
    """All pages of a listing; returns (ids, number of pages)."""
    seen, pages, cursor = [], 0, None
    while True:
        params = dict(query, **({"cursor": cursor} if cursor else {}))
        resp = client.get("/results", query_string=params)
        assert resp.status_code == 200, resp.json
        assert len(resp.json["items"]) <= int(query.get("limit", 50))
        seen += ids(resp)
        pages += 1
        cursor = resp.json["cursor"]
        if cursor is None:
            return seen, pages
        assert pages < 50, "cursor never ends"


def test_listing_pages_newest_first_with_limit_and_cursor(client, post):
    posted = [post(client, etag=str(i)) for i in range(7)]
    newest_first = [r["id"] for r in reversed(posted)]
    first = client.get("/results", query_string={"limit": 3})
    assert ids(first) == newest_first[:3] and first.json["cursor"]
    assert walk(client, limit=3) == (newest_first, 3)
    assert walk(client, limit=7)[0] == newest_first
    everything = client.get("/results")
    assert ids(everything) == newest_first and everything.json["cursor"] is None


def test_listing_filters(client, post):
    fatal = post(client, etag="f", counts={"FATAL": 2, "ERROR": 0, "WARN": 0})
    error = post(client, etag="e", key="web/access.log", counts={"FATAL": 0, "ERROR": 4, "WARN": 1})
    warn = post(client, etag="w", key="web/error.log", counts={"FATAL": 0, "ERROR": 0, "WARN": 3})
    clean = post(client, etag="c", key="web/clean.log", counts={"FATAL": 0, "ERROR": 0, "WARN": 0}, groups=[])

    def listed(**query):
        resp = client.get("/results", query_string=query)
        assert resp.status_code == 200, resp.json
        return ids(resp)

    assert listed(min_level="FATAL") == [fatal["id"]]
    assert listed(min_level="error") == [error["id"], fatal["id"]]
    assert listed(min_level="WARN") == [warn["id"], error["id"], fatal["id"]]
    assert listed(prefix="web/") == [clean["id"], warn["id"], error["id"]]
    assert listed(prefix="web/", min_level="ERROR") == [error["id"]]
    assert listed(since=error["stored_at"]) == [clean["id"], warn["id"], error["id"]]
    assert listed(since="2999-01-01T00:00:00+00:00") == []
    assert listed(since="2000-01-01") == [clean["id"], warn["id"], error["id"], fatal["id"]]


def test_filtered_listing_pages_across_dynamodb_pages(client, post, monkeypatch):
    monkeypatch.setattr(dynamodb_handler, "FILTERED_PAGE_SIZE", 4)
    expected = []
    for i in range(15):
        r = post(client, etag=str(i), key=f"{'api' if i % 3 else 'web'}/{i}.log")
        if i % 3:
            expected.append(r["id"])
    expected.reverse()
    assert walk(client, prefix="api/", limit=3)[0] == expected
    assert walk(client, prefix="api/", limit=4)[0] == expected
    assert walk(client, prefix="api/", limit=50)[0] == expected
    assert walk(client, prefix="nothing/", limit=2) == ([], 1)


@pytest.mark.parametrize("query,path", [
    ({"limit": "0"}, "limit"), ({"limit": "501"}, "limit"), ({"limit": "abc"}, "limit"), ({"limit": "-1"}, "limit"),
    ({"limit": "²"}, "limit"), ({"min_level": "INFO"}, "min_level"), ({"since": "yesterday"}, "since"),
    ({"min_level": ""}, "min_level"), ({"since": ""}, "since"), ({"key": ""}, "key"),
    ({"key": "app.log", "limit": "many"}, "limit"), ({"key": "app.log", "since": "soon"}, "since"),
])
def test_bad_listing_parameters_are_400(client, query, path):
    resp = client.get("/results", query_string=query)
    assert resp.status_code == 400
    assert resp.json["error"] == "invalid query"
    assert [d["path"] for d in resp.json["details"]] == [path]


@pytest.mark.parametrize("cursor", ["!!!", "eyJhIjoxfQ", "bm90IGpzb24"])
def test_a_cursor_this_listing_never_gave_out_names_no_page(client, cursor):
    resp = client.get("/results", query_string={"cursor": cursor})
    assert resp.status_code == 404 and [d["path"] for d in resp.json["details"]] == ["cursor"]


@pytest.mark.parametrize("since", ["2026-11-29T10:00:00Z", "2026-11-29t10:00:00z", "2016-12-31T23:59:60Z",
                                   "2026-11-29T10:00:00.5+05:30", "2026-11-29 10:00:00"])
def test_since_takes_rfc_3339_times(client, since):
    assert client.get("/results", query_string={"since": since}).status_code == 200


def test_cursor_round_trip():
    key = {"id": {"S": "x"}, "kind": {"S": "result"}, "stored_at": {"S": "2026-11-27T20:46:29.123456Z"}}
    assert dynamodb_handler.decode_cursor(dynamodb_handler.encode_cursor(key)) == key
    assert dynamodb_handler.encode_cursor(None) is None
