"""The group index: counts across results (once per object version, whatever is redelivered or crashes), the
"new" marks, GET /groups and GET /groups/<id>, and the mail's NEW groups."""
import json
from datetime import timedelta
from urllib.parse import quote

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from app import dynamodb_handler
from app.dynamodb_handler import ResultStore, StoreUnavailable


def group(gid, level="ERROR", count=1, first_time=None, last_time=None, **more):
    g = {"id": gid, "level": level, "template": f"template of {gid}", "count": count, "first_line": 1,
         "last_line": 2, "sample": f"sample of {gid}", **more}
    if first_time is not None:
        g["first_time"] = first_time
    if last_time is not None:
        g["last_time"] = last_time
    return g


@pytest.fixture
def post_groups(make_result):
    """post_groups(client, etag, *groups, status=201): stores a result of those groups; returns the answer's JSON."""
    def post_groups(client, etag, *groups, status=201, **changes):
        resp = client.post("/results", json=make_result(etag=etag, groups=list(groups),
                                                        groups_total=len(groups), **changes))
        assert resp.status_code == status, resp.json
        return resp.json
    return post_groups


def get_group(client, gid):
    resp = client.get(f"/groups/{gid}")
    assert resp.status_code == 200, resp.json
    return resp.json


def listed(client, **query):
    resp = client.get("/groups", query_string=query)
    assert resp.status_code == 200, resp.json
    return [g["id"] for g in resp.json["items"]]


def new_ids(result):
    return [g["id"] for g in result["groups"] if g.get("new")]


def test_results_sharing_a_group_make_one_group(client, post_groups):
    first = post_groups(client, "a", group("g1", count=3, first_time="2024-01-15T10:00:00.500Z",
                                     last_time="2024-01-15T11:00:00.123456+00:00"))
    post_groups(client, "b", group("g1", count=4, first_time="2024-01-15T09:00:00+01:00",   # 08:00 UTC: earlier
                            last_time="2024-01-15T10:30:00Z"))
    last = post_groups(client, "c", group("g1", count=5, last_time="2024-01-16T00:00:00Z"))   # no first_time
    g = get_group(client, "g1")
    assert {k: v for k, v in g.items() if k != "results"} == {
        "id": "g1", "level": "ERROR", "template": "template of g1", "sample": "sample of g1", "events": 12,
        "objects": 3, "first_seen": first["stored_at"], "last_seen": last["stored_at"],
        "first_time": "2024-01-15T08:00:00Z", "last_time": "2024-01-16T00:00:00Z"}
    assert listed(client) == ["g1"]


def test_a_redelivery_counts_nothing_twice(client, post_groups, make_result):
    stored = post_groups(client, "a", group("g1", count=3), group("g2", count=2))
    before = get_group(client, "g1"), get_group(client, "g2")
    for _ in range(2):
        again = post_groups(client, "a", group("g1", count=3), group("g2", count=2), status=200)
        assert again == stored and new_ids(again) == ["g1", "g2"]
    assert (get_group(client, "g1"), get_group(client, "g2")) == before
    assert before[0]["events"] == 3 and before[0]["objects"] == 1 and len(before[0]["results"]) == 1


def _crash_putting_g2s_occurrence(monkeypatch, failures):
    """Dies after counting the groups (step 2), before their occurrences mark them counted (step 3)."""
    put = ResultStore._batch_put

    def crash_once(self, items):
        if any(i["id"]["S"].startswith("occ#g2#") for i in items) and not failures:
            failures.append(items)
            raise StoreUnavailable("simulated crash")
        return put(self, items)

    monkeypatch.setattr(ResultStore, "_batch_put", crash_once)


def _crash_clearing_g2s_mark(monkeypatch, failures):
    """Dies after g2's occurrence marks it counted (step 3), before its inflight mark is cleared (step 4)."""
    clear = ResultStore._remove_if_exists

    def crash_once(self, key, attribute, *args):
        if key["id"]["S"] == "group#g2" and not failures:
            failures.append(key)
            raise StoreUnavailable("simulated crash")
        return clear(self, key, attribute, *args)

    monkeypatch.setattr(ResultStore, "_remove_if_exists", crash_once)


def _crash_as_older_versions_did(monkeypatch, failures):
    """Dies where older versions of storage died between their steps 2 and 3: the groups counted (with their
    inflight marks), g2's occurrence put already, marked `counting` (not known to be counted)."""
    put = ResultStore._batch_put

    def crash_once(self, items):
        if not failures:
            failures.append(items)
            for item in items:
                if item["id"]["S"].startswith("occ#g2#"):
                    self.client.put_item(TableName=self.table, Item={**item, "counting": {"S": "1"}})
            raise StoreUnavailable("simulated crash")
        return put(self, items)

    monkeypatch.setattr(ResultStore, "_batch_put", crash_once)


def _crash_as_older_versions_did_before_counting(monkeypatch, failures):
    """Dies where older versions of storage died between their steps 1 and 2: g2's occurrence put, marked
    `counting`, g2 not counted (no inflight mark); the other groups counted."""
    count = ResultStore._count_group

    def crash_once(self, gid, group, stored, expires):
        if gid == "g2" and not failures:
            failures.append(gid)
            self.client.put_item(TableName=self.table, Item={
                **self._occurrence_item(gid, group, stored, expires), "counting": {"S": "1"}})
            raise StoreUnavailable("simulated crash")
        return count(self, gid, group, stored, expires)

    monkeypatch.setattr(ResultStore, "_count_group", crash_once)


@pytest.mark.parametrize("crash", [_crash_putting_g2s_occurrence, _crash_clearing_g2s_mark,
                                   _crash_as_older_versions_did, _crash_as_older_versions_did_before_counting])
def test_an_index_that_failed_is_finished_by_the_redelivery_exactly_once(client, ddb, post_groups, scan_items,
                                                                          monkeypatch, crash):
    post_groups(client, "old", group("g1", count=1))
    failures = []
    crash(monkeypatch, failures)
    body = (group("g1", count=2), group("g2", count=5), group("g3", count=7))
    resp = post_groups(client, "new", *body, status=503)
    assert resp["error"] == "storage backend unavailable" and failures
    [item] = [i for i in scan_items(ddb, "result") if i["etag"]["S"] == "new"]
    assert item["index_pending"] == {"N": "0"}   # the failed request gave its lease back
    # Stored but not indexed: no reader shows it yet (it would lack its "new" marks).
    assert client.get(f"/results/{item['id']['S']}").status_code == 404
    assert [r["etag"] for r in client.get("/results").json["items"]] == ["old"]
    assert [r["etag"] for r in client.get("/results", query_string={"key": item["object_key"]["S"]}).json["items"]
            ] == ["old"]

    done = post_groups(client, "new", *body, status=200)   # the redelivery finishes the index
    assert new_ids(done) == ["g2", "g3"]
    assert client.get(f"/results/{done['id']}").json == done
    assert [(g["events"], g["objects"]) for g in map(lambda i: get_group(client, i), ("g1", "g2", "g3"))] == [
        (3, 2), (5, 1), (7, 1)]
    assert post_groups(client, "new", *body, status=200) == done   # and a third delivery changes nothing
    assert get_group(client, "g2")["events"] == 5
    leftovers = [i for i in scan_items(ddb) if "index_pending" in i or "counting" in i
                 or any(a.startswith("inflight_") for a in i)]
    assert leftovers == []


class PartialBatches:
    """The DynamoDB client, except that its next `gets` BatchGetItem and `writes` BatchWriteItem calls leave all but
    their first key or item unprocessed (all of it when that is the only one), as DynamoDB does when throttled:
    handed back in the form of RequestItems (UnprocessedKeys keeps ConsistentRead)."""

    def __init__(self, client, gets: int = 0, writes: int = 0):
        self.client, self.partial, self.calls = client, {"get": gets, "write": writes}, []

    def __getattr__(self, name):
        return getattr(self.client, name)

    def _split(self, op: str, request_items: dict, field: str | None):
        self.calls.append(op)
        if self.partial[op] <= 0:
            return request_items, None
        self.partial[op] -= 1
        [(table, request)] = request_items.items()
        entries = request[field] if field else request
        cut = 1 if len(entries) > 1 else 0
        part = (lambda e: {table: {**request, field: e}}) if field else (lambda e: {table: e})
        return part(entries[:cut]), part(entries[cut:])

    def batch_get_item(self, RequestItems):
        done, rest = self._split("get", RequestItems, "Keys")
        resp = self.client.batch_get_item(RequestItems=done) if list(done.values())[0]["Keys"] else {"Responses": {}}
        return {**resp, "UnprocessedKeys": rest or {}}

    def batch_write_item(self, RequestItems):
        done, rest = self._split("write", RequestItems, None)
        resp = self.client.batch_write_item(RequestItems=done) if list(done.values())[0] else {}
        return {**resp, "UnprocessedItems": rest or {}}


def _partial_batches(client, **partial) -> PartialBatches:
    clients = client.application.extensions["storage"]._clients
    clients["dynamodb"] = PartialBatches(boto3.client("dynamodb"), **partial)
    return clients["dynamodb"]


@pytest.fixture
def sleeps(monkeypatch):
    """The back-off sleeps of the batch calls, recorded instead of slept."""
    slept = []
    monkeypatch.setattr(dynamodb_handler, "time", type("Clock", (), {"sleep": staticmethod(slept.append)}))
    return slept


def test_unprocessed_keys_and_items_are_retried_with_backoff(client, ddb, post_groups, scan_items, monkeypatch,
                                                             sleeps):
    """Then a redelivery after a crash in the last step reads the occurrences back across rounds of BatchGetItem
    (one left out would be counted again: g1's and g3's inflight marks are cleared already)."""
    body = (group("g1", count=2), group("g2", count=5), group("g3", count=7))
    failures = []
    _crash_clearing_g2s_mark(monkeypatch, failures)
    batches = _partial_batches(client, gets=2, writes=2)
    post_groups(client, "a", *body, status=503)
    assert failures and batches.calls == ["get"] * 3 + ["write"] * 3 and sleeps == [0.05, 0.1] * 2
    assert len(scan_items(ddb, "occ#g1") + scan_items(ddb, "occ#g2") + scan_items(ddb, "occ#g3")) == 3
    sleeps.clear()
    batches.calls.clear()
    batches.partial["get"] = 2
    done = post_groups(client, "a", *body, status=200)
    assert batches.calls == ["get"] * 3 and sleeps == [0.05, 0.1]   # all 3 found: nothing counted, nothing put
    assert new_ids(done) == ["g1", "g2", "g3"]
    assert [(g["events"], g["objects"]) for g in map(lambda i: get_group(client, i), ("g1", "g2", "g3"))] == [
        (2, 1), (5, 1), (7, 1)]
    assert [i for i in scan_items(ddb) if any(a.startswith("inflight_") for a in i)] == []


def test_a_batch_left_unprocessed_is_a_503_and_the_redelivery_counts_once(client, post_groups, sleeps):
    body = (group("g1", count=2), group("g2", count=5))
    batches = _partial_batches(client, writes=dynamodb_handler.BATCH_ROUNDS)   # g1's occurrence put, never g2's
    assert "unprocessed" in post_groups(client, "a", *body, status=503)["details"][0]
    assert batches.calls == ["get"] + ["write"] * dynamodb_handler.BATCH_ROUNDS
    assert sleeps == [0.05, 0.1, 0.2, 0.4]   # between the rounds: none after the last one, before the 503
    done = post_groups(client, "a", *body, status=200)
    assert new_ids(done) == ["g1", "g2"]
    assert [get_group(client, i)["events"] for i in ("g1", "g2")] == [2, 5]


def test_a_result_of_more_groups_than_one_batch_takes(client, ddb, post_groups, scan_items):
    """BatchGetItem takes at most 100 keys, BatchWriteItem 25 items: 101 groups are 2 reads and 5 writes."""
    batches = _partial_batches(client)
    body = [group(f"g{i:03d}", count=i + 1) for i in range(101)]
    done = post_groups(client, "a", *body)
    assert batches.calls == ["get"] * 2 + ["write"] * 5
    assert len(new_ids(done)) == 101 and len([i for i in scan_items(ddb) if i["kind"]["S"].startswith("occ#")]) == 101
    assert [get_group(client, gid)["events"] for gid in ("g000", "g025", "g099", "g100")] == [1, 26, 100, 101]


def test_a_result_whose_indexer_died_waits_for_its_lease(client, ddb, post_groups, monkeypatch):
    """A process that dies while indexing cannot give its lease back: redeliveries get 503 until it runs out."""
    leased = ResultStore._index_leased
    monkeypatch.setattr(ResultStore, "_index_leased", lambda self, stored, lease: (_ for _ in ()).throw(
        StoreUnavailable("process died")))
    post_groups(client, "a", group("g1", count=2), status=503)
    monkeypatch.setattr(ResultStore, "_index_leased", leased)   # (undo() would also drop the AWS environment)
    assert post_groups(client, "a", group("g1", count=2), status=503)["details"][0].endswith(
        "its groups are being indexed by another request")
    assert client.get("/groups/g1").status_code == 404
    client.application.extensions["storage"].clock.now += timedelta(seconds=dynamodb_handler.INDEX_LEASE_SECONDS)
    done = post_groups(client, "a", group("g1", count=2), status=200)
    assert new_ids(done) == ["g1"] and get_group(client, "g1")["events"] == 2


def test_a_result_indexed_late_does_not_move_last_seen_back(client, post_groups):
    """Writers out of order (clocks of two pods): last_seen stays the latest result's stored_at."""
    clock = client.application.extensions["storage"].clock
    newer = post_groups(client, "new", group("g1", count=1))
    clock.now -= timedelta(minutes=5)
    older = post_groups(client, "old", group("g1", count=2))
    assert older["stored_at"] < newer["stored_at"]
    g = get_group(client, "g1")
    assert (g["last_seen"], g["events"], g["objects"]) == (newer["stored_at"], 3, 2)
    assert [r["id"] for r in g["results"]] == [newer["id"], older["id"]]
    assert listed(client, since=newer["stored_at"]) == ["g1"]


def test_retry_mail_leaves_a_result_whose_index_is_pending_to_its_redelivery(ddb, make_client, post_groups,
                                                                            monkeypatch, capsys):
    from app import retry_mail
    from app.config import Config

    client = make_client(ses_sender=SENDER, ses_recipients=RECIPIENTS)
    leased = ResultStore._index_leased
    monkeypatch.setattr(ResultStore, "_index_leased", lambda self, stored, lease: (_ for _ in ()).throw(
        StoreUnavailable("process died")))
    post_groups(client, "a", group("g1"), status=503)
    monkeypatch.setattr(ResultStore, "_index_leased", leased)   # (undo() would also drop the AWS environment)
    store = client.application.extensions["storage"].store()
    [rid] = store.mails_owed()
    config = Config(results_table=client.application.extensions["storage"].config.results_table,
                    ses_sender=SENDER, ses_recipients=RECIPIENTS)
    assert retry_mail.retry_owed_mails(store, config, boto3.client("ses"), 10) == (0, 0)
    assert "index pending" in capsys.readouterr().out and store.mails_owed() == [rid]


def test_new_marks_only_where_a_group_is_first_seen(client, post_groups):
    a = post_groups(client, "a", group("g1"), group("g2"))
    b = post_groups(client, "b", group("g2"), group("g3"), group("g1"))
    assert new_ids(a) == ["g1", "g2"] and new_ids(b) == ["g3"]
    assert [g.get("new") for g in b["groups"]] == [None, True, None]
    assert client.get(f"/results/{b['id']}").json == b
    assert client.get("/results", query_string={"limit": 1}).json["items"] == [b]
    assert client.get("/results", query_string={"key": b["key"]}).json["items"] == [b, a]


def test_one_group_listed_twice_in_a_result_counts_as_one_object(client, post_groups):
    post_groups(client, "a", group("g1", count=2, first_time="2024-01-02T00:00:00Z"),
         group("g1", count=3, first_time="2024-01-01T00:00:00Z"))
    g = get_group(client, "g1")
    assert (g["events"], g["objects"], g["first_time"]) == (5, 1, "2024-01-01T00:00:00Z")
    assert [r["count"] for r in g["results"]] == [5]


def test_a_result_without_groups_or_times_is_fine(client, post_groups, ddb, scan_items):
    stored = post_groups(client, "a")
    assert stored["groups"] == [] and listed(client) == []
    post_groups(client, "b", group("g1"))
    g = get_group(client, "g1")
    assert g["first_time"] is None and g["last_time"] is None
    assert g["results"][0]["first_time"] is None
    assert "index_pending" not in next(i for i in scan_items(ddb, "result") if i["etag"]["S"] == "a")


@pytest.mark.parametrize("changes,path", [
    ({"first_time": "yesterday"}, "first_time"), ({"last_time": "2024-13-01T00:00:00Z"}, "last_time"),
    ({"first_time": "2024-01-15T10:22:33"}, "first_time"), ({"last_time": 5}, "last_time"),
])
def test_bad_times_are_refused(client, post_groups, make_result, ddb, scan_items, changes, path):
    for body in (make_result(**changes), make_result(groups=[group("g1", **changes)])):
        resp = client.post("/results", json=body)
        assert resp.status_code == 400
        assert [d["path"] for d in resp.json["details"]] in ([path], [f"groups[0].{path}"])
    assert scan_items(ddb) == []


def test_event_times_are_shown_as_the_extractor_writes_them(client, post_groups):
    post_groups(client, "a", group("g1", first_time="2024-01-15T10:22:33.1Z", last_time="2024-01-15T12:22:33.1234567+02:00"))
    g = get_group(client, "g1")
    assert (g["first_time"], g["last_time"]) == ("2024-01-15T10:22:33.100Z", "2024-01-15T10:22:33.123456Z")
    assert (g["results"][0]["first_time"], g["results"][0]["last_time"]) == (g["first_time"], g["last_time"])


def test_times_are_accepted_and_stored_as_posted(client, post_groups):
    stored = post_groups(client, "a", group("g1", first_time="2024-01-15T10:22:33.123Z", last_time=None),
                  first_time="2024-01-15T10:22:33.123Z", last_time=None)
    assert stored["first_time"] == stored["groups"][0]["first_time"] == "2024-01-15T10:22:33.123Z"
    assert stored["last_time"] is None


def test_a_post_cannot_claim_new(client, make_result, ddb, scan_items):
    resp = client.post("/results", json=make_result(groups=[group("g1", new=True)]))
    assert resp.status_code == 400 and {"path": "groups[0].new", "message": "unexpected field"} in resp.json["details"]
    assert scan_items(ddb) == []


def test_group_and_occurrence_items_stay_out_of_the_result_readers(client, ddb, post_groups, scan_items, make_result):
    post_groups(client, "a", group("g1"))
    items = scan_items(ddb)
    assert sorted(i["kind"]["S"] for i in items) == ["group", "occ#g1", "result"]
    for item in items:
        if item["kind"]["S"] != "result":
            assert "object_key" not in item and "result" not in item
    assert len(client.get("/results", query_string={"key": make_result()["key"]}).json["items"]) == 1
    assert len(client.get("/results").json["items"]) == 1


def test_ttl_reaches_the_index(ddb, make_client, make_result, scan_items):
    client = make_client(result_ttl_days=3)
    first = client.post("/results", json=make_result(etag="a", groups=[group("g1")])).json
    client.application.extensions["storage"].clock.now += timedelta(days=1)
    second = client.post("/results", json=make_result(etag="b", groups=[group("g1")])).json
    items = {i["id"]["S"]: i for i in scan_items(ddb)}
    expiry = {r["id"]: int(items[r["id"]]["expires_at"]["N"]) for r in (first, second)}
    assert expiry[second["id"]] - expiry[first["id"]] == 86400
    assert int(items["group#g1"]["expires_at"]["N"]) == expiry[second["id"]]   # refreshed by the latest result
    assert int(items[f"occ#g1#{first['id']}"]["expires_at"]["N"]) == expiry[first["id"]]


def test_groups_are_listed_most_recently_seen_first_with_filters(client, post_groups):
    a = post_groups(client, "a", group("gw", level="WARN"), group("ge", level="ERROR"))
    b = post_groups(client, "b", group("gf", level="FATAL"))
    c = post_groups(client, "c", group("ge", level="ERROR"))
    assert listed(client) == ["ge", "gf", "gw"]
    assert listed(client, min_level="FATAL") == ["gf"]
    assert listed(client, min_level="error") == ["ge", "gf"]
    assert listed(client, min_level="WARN") == ["ge", "gf", "gw"]
    assert listed(client, since=b["stored_at"]) == ["ge", "gf"]
    assert listed(client, since=c["stored_at"]) == ["ge"]
    assert listed(client, since="2999-01-01T00:00:00Z") == []
    assert listed(client, new_since=a["stored_at"]) == ["gf"]          # first seen strictly after
    assert listed(client, new_since="2000-01-01") == ["ge", "gf", "gw"]
    assert listed(client, new_since=a["stored_at"], min_level="WARN", since=a["stored_at"]) == ["gf"]
    item = client.get("/groups").json["items"][0]
    assert set(item) == {"id", "level", "template", "sample", "events", "objects", "first_seen", "last_seen",
                         "first_time", "last_time"}
    assert (item["first_seen"], item["last_seen"], item["objects"]) == (a["stored_at"], c["stored_at"], 2)


def walk(client, **query):
    seen, pages, cursor = [], 0, None
    while True:
        resp = client.get("/groups", query_string=dict(query, **({"cursor": cursor} if cursor else {})))
        assert resp.status_code == 200, resp.json
        assert len(resp.json["items"]) <= int(query["limit"])
        seen += [g["id"] for g in resp.json["items"]]
        pages += 1
        cursor = resp.json["cursor"]
        if cursor is None:
            return seen, pages
        assert pages < 50, "cursor never ends"


def test_group_pages_with_limit_and_cursor(client, post_groups, monkeypatch):
    for i in range(7):
        post_groups(client, str(i), group(f"g{i}", level="WARN" if i % 2 else "ERROR"))
    newest_first = [f"g{i}" for i in reversed(range(7))]
    assert walk(client, limit=3) == (newest_first, 3)
    assert walk(client, limit=7)[0] == newest_first
    monkeypatch.setattr(dynamodb_handler, "FILTERED_PAGE_SIZE", 2)
    assert walk(client, limit=2, min_level="ERROR")[0] == ["g6", "g4", "g2", "g0"]


@pytest.mark.parametrize("query,path", [
    ({"limit": "0"}, "limit"), ({"limit": "501"}, "limit"), ({"limit": "x"}, "limit"),
    ({"min_level": "INFO"}, "min_level"), ({"min_level": ""}, "min_level"), ({"since": "soon"}, "since"),
    ({"since": ""}, "since"), ({"new_since": "later"}, "new_since"),
    ({"new_since": "0001-01-01T00:00:00+01:00"}, "new_since"),
])
def test_bad_group_listing_parameters_are_400(client, query, path):
    resp = client.get("/groups", query_string=query)
    assert resp.status_code == 400 and resp.json["error"] == "invalid query"
    assert [d["path"] for d in resp.json["details"]] == [path]


def test_a_cursor_the_group_listing_never_gave_names_no_page(client, post_groups):
    for i in range(3):
        post_groups(client, str(i), group(f"g{i}"))
    results_cursor = client.get("/results", query_string={"limit": 1}).json["cursor"]
    for cursor in ("!!!", "eyJhIjoxfQ", results_cursor):
        resp = client.get("/groups", query_string={"cursor": cursor})
        assert resp.status_code == 404 and resp.json["error"] == "no such page"
    groups_cursor = client.get("/groups", query_string={"limit": 1}).json["cursor"]
    assert client.get("/results", query_string={"cursor": groups_cursor}).status_code == 404


def test_a_groups_results_are_newest_first_and_capped(client, post_groups, monkeypatch):
    stored = [post_groups(client, str(i), group("g1", count=i + 1), key=f"k{i}.log") for i in range(4)]
    g = get_group(client, "g1")
    assert [r["id"] for r in g["results"]] == [r["id"] for r in reversed(stored)]
    assert g["results"][0] == {"id": stored[3]["id"], "bucket": "logs", "key": "k3.log", "count": 4,
                               "stored_at": stored[3]["stored_at"], "first_time": None, "last_time": None}
    store = client.application.extensions["storage"].store()
    assert [r["id"] for r in store.get_group("g1", results_limit=2)["results"]] == [stored[3]["id"],
                                                                                     stored[2]["id"]]


@pytest.mark.parametrize("gid", ["nope", "x" * 300, "g1%23occ"])
def test_an_unknown_group_is_404(client, post_groups, gid):
    post_groups(client, "a", group("g1"))
    resp = client.get(f"/groups/{gid}")
    assert resp.status_code == 404 and resp.json["error"] == "group not found"


@pytest.mark.parametrize("path", ["/groups", "/groups/g1"])
@pytest.mark.parametrize("authorization,status", [("", 401), ("Bearer not-a-token-we-know-0001", 401),
                                                  ("Bearer {write_token}", 403)])
def test_the_group_reads_need_the_read_token(client, post_groups, write_token, path, authorization, status):
    post_groups(client, "a", group("g1"))
    resp = client.get(path, headers={"Authorization": authorization.format(write_token=write_token)})
    assert resp.status_code == status and "items" not in resp.json and "events" not in resp.json


def test_the_document_describes_the_group_reads(client, post_groups):
    post_groups(client, "a", group("g1"))
    doc = client.get("/openapi.json").json
    for path in ("/groups", "/groups/{id}"):
        operation = doc["paths"][path]["get"]
        assert operation["security"] == [{"bearer": []}] and {"401", "403", "404"} <= set(operation["responses"])
    assert "400" in doc["paths"]["/groups"]["get"]["responses"]
    from jsonschema import Draft202012Validator
    listing = client.get("/groups").json
    schema = {**doc["components"]["schemas"]["Group"], "components": doc["components"]}
    assert all(Draft202012Validator(schema).is_valid(g) for g in listing["items"])
    detail = doc["paths"]["/groups/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert Draft202012Validator({**detail, "components": doc["components"]}).is_valid(get_group(client, "g1"))


SENDER, RECIPIENTS = "alerts@example.com", ("ops@example.com",)


def test_the_mail_lists_new_groups_first_and_marks_them(ddb, aws, make_client, post_groups):
    boto3.client("ses").verify_email_identity(EmailAddress=SENDER)
    client = make_client(ses_sender=SENDER, ses_recipients=RECIPIENTS)
    post_groups(client, "a", group("old1", count=9), group("old2", count=8))
    post_groups(client, "b", group("old1", count=9), group("fresh", count=1), group("old2", count=8))
    messages = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
    assert len(messages) == 2
    first, second = messages
    assert "2 NEW groups" in first.subject and "1 NEW group in" in second.subject
    listed_groups = [line for line in second.body.splitlines() if line.startswith("- ")]
    assert listed_groups[0].startswith("- NEW 1 x ERROR") and "template of fresh" in listed_groups[0]
    assert [("template of old1" in line, "NEW" in line) for line in listed_groups[1:]] == [(True, False),
                                                                                          (False, False)]
    assert "1 NEW (never seen before) first" in second.body
    stored = json.loads(json.dumps(client.get("/results").json["items"][0]))
    assert new_ids(stored) == ["fresh"]


def test_index_items_are_no_results(client, post_groups):
    """The group and occurrence items share the table with results: no result reader serves one (404, not 500)."""
    stored = post_groups(client, "e1", group("g1", count=2))
    for rid in ("group#g1", f"occ#g1#{stored['id']}"):
        for path in (f"/results/{quote(rid, safe='')}", f"/ui/results/{quote(rid, safe='')}"):
            assert client.get(path).status_code == 404, path
    assert client.get("/ui/groups/g1").status_code == 200
