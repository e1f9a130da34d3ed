import functools
import hashlib
import json
import re
from datetime import datetime

import pytest

from app.dynamodb_handler import MAX_RESULT_BYTES


def expected_id(bucket, key, ident):
    return hashlib.sha256(f"{bucket}\n{key}\n{ident}".encode()).hexdigest()[:32]


def test_valid_result_is_stored_and_readable(client, ddb, make_result, scan_items):
    posted = make_result()
    resp = client.post("/results", json=posted)
    assert resp.status_code == 201, resp.json
    stored = resp.json
    assert stored["id"] == expected_id("logs", posted["key"], posted["etag"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", stored["stored_at"])
    # every group is seen here first: storage marks them new
    assert {k: v for k, v in stored.items() if k not in ("id", "stored_at")} == {
        **posted, "groups": [{**g, "new": True} for g in posted["groups"]]}
    assert resp.headers["Location"] == f"/results/{stored['id']}"

    assert client.get(f"/results/{stored['id']}").json == stored
    [item] = scan_items(ddb, "result")
    assert item["kind"] == {"S": "result"}
    assert item["object_key"] == {"S": posted["key"]}
    assert item["bucket"] == {"S": "logs"}
    assert item["etag"] == {"S": posted["etag"]}
    assert "version_id" not in item and "expires_at" not in item
    assert (item["fatal"], item["error"], item["warn"]) == ({"N": "1"}, {"N": "3"}, {"N": "2"})
    assert item["size"] == {"N": "4000"}
    assert "index_pending" not in item and json.loads(item["new_groups"]["S"]) == [0, 1, 2]
    assert json.loads(item["result"]["S"]) == {**stored, "groups": posted["groups"]}


def test_id_falls_back_to_version_id(client, make_result):
    resp = client.post("/results", json=make_result(etag=None, version_id="v1"))
    assert resp.status_code == 201
    assert resp.json["id"] == expected_id("logs", make_result()["key"], "v1")


def test_optional_fields_are_accepted(client, make_result):
    resp = client.post("/results", json=make_result(incomplete=True, error="truncated gzip stream", size=None))
    assert resp.status_code == 201
    assert resp.json["incomplete"] is True and resp.json["error"] == "truncated gzip stream"


def test_ttl_sets_expires_at(ddb, make_client, make_result, scan_items):
    client = make_client(result_ttl_days=7)
    stored = client.post("/results", json=make_result()).json
    [item] = scan_items(ddb, "result")
    stored_at = datetime.fromisoformat(stored["stored_at"])
    assert int(item["expires_at"]["N"]) == int(stored_at.timestamp()) + 7 * 86400


def test_redelivery_answers_200_with_the_stored_result_and_writes_nothing(client, ddb, make_result, scan_items):
    first = client.post("/results", json=make_result())
    again = client.post("/results", json=make_result())
    # Same object version, even if a re-scan would count differently: the first stored result wins.
    changed = client.post("/results", json=make_result(lines=1))
    assert first.status_code == 201
    assert again.status_code == 200 and again.json == first.json
    assert changed.status_code == 200 and changed.json == first.json
    assert len(scan_items(ddb, "result")) == 1
    metrics = client.get("/metrics").text
    assert "storage_stored_total 1.0" in metrics and "storage_duplicates_total 2.0" in metrics


def test_a_redelivery_costs_one_conditional_put_and_no_read(client, ddb, make_result):
    """The conditional put hands back the stored item (ReturnValuesOnConditionCheckFailure=ALL_OLD)."""
    first = client.post("/results", json=make_result())
    calls = []
    dynamodb = client.application.extensions["storage"].client("dynamodb")
    dynamodb.meta.events.register("before-call.dynamodb.*", lambda model, **kw: calls.append(model.name))
    again = client.post("/results", json=make_result())
    assert again.status_code == 200 and again.json == first.json
    assert calls == ["PutItem"]


def test_other_object_versions_are_separate_results(client, ddb, make_result, scan_items):
    assert client.post("/results", json=make_result(etag="a")).status_code == 201
    assert client.post("/results", json=make_result(etag="b")).status_code == 201
    assert client.post("/results", json=make_result(etag="a", bucket="other")).status_code == 201
    assert len(scan_items(ddb, "result")) == 3


# The bodies below are built from the `make_result` fixture when a test runs: an entry that needs it is a function of
# make_result giving the body (the plain values are bodies themselves). Wrapped in a partial, which has no __name__,
# so pytest keeps naming these cases body0, body1, ... as before.

def _from_make_result(build):
    return functools.partial(build)


def _without(field):
    def build(make_result):
        body = make_result()
        del body[field]
        return body
    return _from_make_result(build)


def _changed(**changes):
    return _from_make_result(lambda make_result: make_result(**changes))


def _group(**changes):
    return _from_make_result(lambda make_result: make_result(groups=[{**make_result()["groups"][0], **changes}]))


_valid_result_json = _from_make_result(lambda make_result: json.dumps(make_result()).encode())


INVALID = [
    (_without("lines"), "lines", "required field is missing"),
    (_without("counts"), "counts", "required field is missing"),
    (_without("bucket"), "bucket", "required field is missing"),
    (_changed(counts={"FATAL": 0, "ERROR": 1}), "counts.WARN", "required field is missing"),
    (_changed(counts={"FATAL": 0, "ERROR": -1, "WARN": 0}), "counts.ERROR", "must be >= 0, got -1"),
    (_changed(counts={"FATAL": 0, "ERROR": 1, "WARN": 0, "INFO": 3}), "counts.INFO", "unexpected field"),
    (_changed(lines="12"), "lines", "expected integer, got string"),
    (_changed(lines=True), "lines", "expected integer, got boolean"),
    (_changed(bytes=1.5), "bytes", "expected integer, got number"),
    (_changed(stack_traces=None), "stack_traces", "expected integer, got null"),
    (_changed(groups={}), "groups", "expected array, got object"),
    (_changed(groups_total=-2), "groups_total", "must be >= 0, got -2"),
    (_changed(bucket=""), "bucket", "must not be empty"),
    (_changed(key=7), "key", "expected string, got integer"),
    (_changed(etag=None, version_id=None), "", "at least one of etag or version_id must be a non-null string"),
    (_without("etag"), "", "at least one of etag or version_id must be a non-null string"),
    (_changed(size="big"), "size", "expected integer or null, got string"),
    (_changed(incomplete="yes"), "incomplete", "expected boolean, got string"),
    (_changed(extra=1), "extra", "unexpected field"),
    (_changed(id="abc"), "id", "unexpected field"),
    (_group(level="INFO"), "groups[0].level", '"INFO" is not one of FATAL, ERROR, WARN'),
    (_group(count=0), "groups[0].count", "must be >= 1, got 0"),
    (_group(count=False), "groups[0].count", "expected integer, got boolean"),
    (_group(color="red"), "groups[0].color", "unexpected field"),
    (_changed(groups=[{"id": "x"}]), "groups[0].level", "required field is missing"),
    (_from_make_result(lambda make_result: [make_result()]), "", "expected object, got array"),
    ("text", "", "expected object, got string"),
]


def test_integral_floats_are_integers_and_stored_as_ints(client, ddb, make_result):
    """JSON Schema calls 14465.0 an integer: accepted, and stored (and answered) as 14465."""
    group = {**make_result()["groups"][0], "count": 3.0, "first_line": 10.0, "last_line": 90.0}
    body = make_result(lines=14465.0, bytes=9000.0, size=100.0, stack_traces=1.0, groups_total=3.0,
                       counts={"FATAL": 1.0, "ERROR": 3.0, "WARN": 2.0}, groups=[group])
    resp = client.post("/results", json=body)
    assert resp.status_code == 201
    stored = client.get(f"/results/{resp.json['id']}").json
    assert stored["lines"] == 14465 and type(stored["lines"]) is int and stored["groups"][0]["count"] == 3
    assert '"lines":14465,' in client.get(f"/results/{resp.json['id']}").get_data(as_text=True).replace(" ", "")


def test_inconsistent_totals_are_made_consistent_not_refused(client, ddb, make_result, caplog):
    """Cross-field rules JSON Schema cannot state (the document states them in words) hold in what is stored."""
    group = {**make_result()["groups"][0], "first_line": 9, "last_line": 3}
    resp = client.post("/results", json=make_result(groups=[group, make_result()["groups"][1]], groups_total=1))
    assert resp.status_code == 201
    assert resp.json["groups_total"] == 2 and resp.json["groups"][0]["last_line"] == 9
    assert any(r.getMessage() == "result adjusted" for r in caplog.records)


@pytest.mark.parametrize("body,path,message", INVALID)
def test_invalid_results_are_rejected_with_readable_details(client, ddb, make_result, scan_items, body, path,
                                                            message):
    if callable(body):
        body = body(make_result)
    resp = client.post("/results", json=body)
    assert resp.status_code == 400
    assert resp.json["error"] == "invalid result"
    assert {"path": path, "message": message} in resp.json["details"]
    assert scan_items(ddb) == []


def test_all_problems_are_reported_sorted(client, ddb, make_result):
    body = make_result(lines=-1, bytes="x", extra=True)
    del body["key"]
    details = client.post("/results", json=body).json["details"]
    assert [d["path"] for d in details] == ["bytes", "extra", "key", "lines"]


@pytest.mark.parametrize("data,content_type,status", [
    (b"not json", "application/json", 400),
    (b"", "application/json", 400),
    (b'{"lines": 1', "application/json", 400),
    (b"\xff\xfe\x00garbage", "application/json", 400),
    (_valid_result_json, "text/plain", 415),
    (_valid_result_json, None, 415),
])
def test_unparsable_bodies_are_rejected(client, ddb, make_result, scan_items, data, content_type, status):
    if callable(data):
        data = data(make_result)
    resp = client.post("/results", data=data, content_type=content_type)
    assert resp.status_code == status
    assert resp.json["error"] and resp.json["details"]
    assert scan_items(ddb) == []


def test_lone_surrogates_are_rejected(client, ddb, make_result, scan_items):
    raw = json.dumps(make_result(key="bad\ud800key"))  # ensure_ascii keeps it as the escape \ud800
    resp = client.post("/results", data=raw, content_type="application/json")
    assert resp.status_code == 400
    assert scan_items(ddb) == []


def test_huge_body_is_rejected_with_413(client, ddb, make_result, scan_items):
    body = make_result(groups=[{**make_result()["groups"][0], "sample": "x" * (1024 * 1024)}])
    resp = client.post("/results", json=body)
    assert resp.status_code == 413
    assert resp.json["error"] == "body too large" and resp.json["details"]
    assert scan_items(ddb) == []
    assert "storage_rejected_total 1.0" in client.get("/metrics").text


def test_result_too_big_for_an_item_is_truncated(client, ddb, make_result, scan_items):
    groups = [{"id": f"g{i}", "level": "ERROR", "template": f"failure {i} <N>", "count": 1000 - i,
               "first_line": 1, "last_line": 2, "sample": "s" * 3000} for i in range(300)]
    body = make_result(groups=groups, groups_total=500)
    assert len(json.dumps(body)) > MAX_RESULT_BYTES
    resp = client.post("/results", json=body)
    assert resp.status_code == 201
    stored = resp.json
    assert stored["truncated"] is True
    assert stored["groups_total"] == 500
    assert len(stored["groups"]) == 300  # shortening the tail's samples was enough here
    assert stored["groups"][0]["sample"] == "s" * 3000
    assert len(stored["groups"][-1]["sample"]) < 3000
    [item] = scan_items(ddb, "result")
    assert len(item["result"]["S"].encode()) <= MAX_RESULT_BYTES
    assert json.loads(item["result"]["S"]) == {**stored, "groups": [
        {k: v for k, v in g.items() if k != "new"} for g in stored["groups"]]}
    assert all(g["new"] for g in stored["groups"]) and client.get(f"/results/{stored['id']}").json == stored


def test_truncation_drops_groups_from_the_tail_when_samples_are_not_enough(client, ddb, make_result, scan_items):
    groups = [{"id": f"g{i}", "level": "WARN", "template": "t" * 1500, "count": 1, "first_line": 1,
               "last_line": 1, "sample": "s" * 150} for i in range(400)]
    resp = client.post("/results", json=make_result(groups=groups, groups_total=400))
    assert resp.status_code == 201
    stored = resp.json
    assert stored["truncated"] is True and 0 < len(stored["groups"]) < 400
    assert [g["id"] for g in stored["groups"]] == [f"g{i}" for i in range(len(stored["groups"]))]
    [item] = scan_items(ddb, "result")
    assert len(item["result"]["S"].encode()) <= MAX_RESULT_BYTES


def test_missing_table_means_503_and_nothing_lost_silently(aws, make_client, make_result):
    client = make_client(results_table="does-not-exist")
    resp = client.post("/results", json=make_result())
    assert resp.status_code == 503
    assert resp.json["error"] == "storage backend unavailable"
    assert resp.headers["Retry-After"]
    assert client.get("/results/abc").status_code == 503
    assert client.get("/results").status_code == 503


def test_event_times_are_stored_in_utc(client, make_result):
    """A writer's offset is applied: the stored times are UTC in the extractor's form (the contract's)."""
    body = make_result()
    body["first_time"], body["last_time"] = "2026-11-28T10:00:00+02:00", "2026-11-28T12:30:00.250-01:00"
    body["groups"][0]["first_time"], body["groups"][0]["last_time"] = "2026-11-28T08:00:00.123456Z", None
    resp = client.post("/results", json=body)
    assert resp.status_code == 201, resp.get_json()
    stored = resp.get_json()
    assert (stored["first_time"], stored["last_time"]) == ("2026-11-28T08:00:00Z", "2026-11-28T13:30:00.250Z")
    assert (stored["groups"][0]["first_time"], stored["groups"][0]["last_time"]) == ("2026-11-28T08:00:00.123456Z",
                                                                                     None)
