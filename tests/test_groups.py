"""Across files, through the real stack: the group index (`GET /groups`, `GET /groups/<id>`), `new` flags, and
the event times the extractor reads from each line (CONTRACTS.md: Summary, Storage HTTP API)."""
from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone

import pytest
import requests

# Letters no mask takes for a number, a hex id or a name: a word unique to one test keeps its groups apart from the
# groups every other test in this session's stack makes.
_LETTERS = "ghjkmnpqrstvwxz"


@pytest.fixture
def word():
    return "".join(random.choice(_LETTERS) for _ in range(12))


def _upload(stack, name: str, body: bytes) -> dict:
    key = stack.unique_key(name)
    stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=body)
    [result] = stack.wait_for_results(key)
    return result


def _group_of(result: dict, needle: str) -> dict:
    [group] = [g for g in result["groups"] if needle in g["template"]]
    return group


def _get(stack, path: str, **params) -> requests.Response:
    return stack.reader.get(f"{stack.storage}{path}", params=params, timeout=10)


def _error_lines(word: str, n: int, minute: int) -> bytes:
    return b"".join(f"2026-03-0{minute % 9 + 1} 10:{minute:02d}:{i:02d},250 ERROR [main] com.acme.Ledger - "
                    f"Ledger {word} refused entry for order {1000 + i}\n".encode() for i in range(n))


def test_three_objects_sharing_an_error_are_one_group(stack, word):
    results = []
    for n, minute in ((2, 1), (3, 2), (4, 3)):
        body = b"2026-03-01 09:00:00,000 INFO [main] com.acme.App - start\n" + _error_lines(word, n, minute)
        results.append(_upload(stack, f"shared-{n}.log", body))
    groups = [_group_of(r, word) for r in results]
    assert len({g["id"] for g in groups}) == 1, "the same level and template must give the same id in every object"
    assert [g.get("new", False) for g in groups] == [True, False, False]
    gid = groups[0]["id"]

    resp = _get(stack, f"/groups/{gid}")
    assert resp.status_code == 200, resp.text
    group = resp.json()
    assert group["id"] == gid and group["level"] == "ERROR" and word in group["template"]
    assert group["events"] == 2 + 3 + 4 and group["objects"] == 3
    assert group["first_seen"] == results[0]["stored_at"] and group["last_seen"] == results[2]["stored_at"]
    assert group["first_time"] == "2026-03-02T10:01:00.250Z"
    assert group["last_time"] == "2026-03-04T10:03:03.250Z"
    assert [r["id"] for r in group["results"]] == [r["id"] for r in reversed(results)]   # newest first
    assert [r["count"] for r in group["results"]] == [4, 3, 2]
    assert [r["key"] for r in group["results"]] == [r["key"] for r in reversed(results)]

    listed = [g for g in _get(stack, "/groups", limit=500).json()["items"] if g["id"] == gid]
    assert len(listed) == 1 and listed[0]["events"] == 9 and listed[0]["objects"] == 3
    assert {k: listed[0][k] for k in ("level", "template", "sample", "first_seen", "last_seen")} == \
        {k: group[k] for k in ("level", "template", "sample", "first_seen", "last_seen")}


def test_redelivery_counts_nothing_twice(stack, word):
    body = _error_lines(word, 3, 5)
    key = stack.unique_key("redelivered.log")
    stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=body)
    [first] = stack.wait_for_results(key)
    gid = _group_of(first, word)["id"]

    # The extractor's POST again, as after a lost answer: 200 with the stored result, nothing counted.
    resent = {k: v for k, v in first.items() if k not in ("id", "stored_at")}
    resent["groups"] = [{k: v for k, v in g.items() if k != "new"} for g in first["groups"]]
    resp = requests.post(f"{stack.storage}/results", json=resent, timeout=10,
                         headers={"Authorization": f"Bearer {stack.env['RESULTS_WRITE_TOKEN']}"})
    assert resp.status_code == 200, resp.text
    assert _group_of(resp.json(), word).get("new") is True   # the stored answer, as first stored

    # The same object version through the whole pipeline again; a changed upload behind it in the same message
    # group shows when it has been handled.
    stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=body)
    stack.wait_until_events_handled()
    stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=body + _error_lines(word, 1, 6))
    newest, oldest = stack.wait_for_results(key, count=2)
    assert oldest["id"] == first["id"] and _group_of(newest, word).get("new", False) is False
    group = _get(stack, f"/groups/{gid}").json()
    assert group["events"] == 3 + 4 and group["objects"] == 2
    assert [r["id"] for r in group["results"]] == [newest["id"], first["id"]]


def test_groups_listing_filters_and_cursor(stack, word):
    warn = _upload(stack, "warn.log", f"2026-04-01 08:00:00,000 WARN [main] com.acme.Pool - Pool {word} "
                                      f"nearly full\n".encode())
    boundary = datetime.fromisoformat(warn["stored_at"].replace("Z", "+00:00"))
    error = _upload(stack, "error.log", f"2026-04-01 08:00:01,000 ERROR [main] com.acme.Pool - Pool {word} "
                                        f"exhausted\n".encode())
    fatal = _upload(stack, "fatal.log", f"2026-04-01 08:00:02,000 FATAL [main] com.acme.Pool - Pool {word} "
                                        f"corrupt, stopping\n".encode())
    ids = {name: _group_of(r, word)["id"] for name, r in (("warn", warn), ("error", error), ("fatal", fatal))}

    def ours(**params) -> list[str]:
        """Our groups in listing order, paging with the cursor at `limit`."""
        seen, cursor = [], None
        for _ in range(1000):
            page = _get(stack, "/groups", **params, **({"cursor": cursor} if cursor else {}))
            assert page.status_code == 200, page.text
            body = page.json()
            seen += [g["id"] for g in body["items"] if g["id"] in ids.values()]
            cursor = body["cursor"]
            if not cursor:
                return seen
        raise AssertionError("the cursor never ran out")

    assert ours(limit=1) == [ids["fatal"], ids["error"], ids["warn"]]   # most recently seen first, one a page
    assert ours(limit=2, min_level="ERROR") == [ids["fatal"], ids["error"]]
    assert ours(limit=500, min_level="FATAL") == [ids["fatal"]]
    since = (boundary + timedelta(microseconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert ours(limit=500, since=since) == [ids["fatal"], ids["error"]]
    assert ours(limit=500, new_since=since) == [ids["fatal"], ids["error"]]
    future = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    assert _get(stack, "/groups", since=future).json() == {"items": [], "cursor": None}

    assert _get(stack, "/groups", limit=0).status_code == 400
    assert _get(stack, "/groups", min_level="LOUD").status_code == 400
    assert _get(stack, "/groups", new_since="yesterday").status_code == 400
    assert _get(stack, "/groups", cursor="bm90LWEtY3Vyc29y").status_code == 404
    missing = _get(stack, "/groups/000000000000")
    assert missing.status_code == 404 and "error" in missing.json()


def test_groups_need_the_read_token(stack):
    for path in ("/groups", "/groups/000000000000"):
        assert requests.get(f"{stack.storage}{path}", timeout=10).status_code == 401
        writer = {"Authorization": f"Bearer {stack.env['RESULTS_WRITE_TOKEN']}"}
        assert requests.get(f"{stack.storage}{path}", headers=writer, timeout=10).status_code == 403


def _year_back(reference: datetime, days_ahead: int) -> tuple[datetime, int]:
    """A moment `days_ahead` after `reference`, and the year a year-less stamp of that month and day belongs to:
    a year earlier, since a log cannot hold lines from after the object was written."""
    ahead = reference + timedelta(days=days_ahead)
    return ahead, ahead.year - 1


# (file name, body, group first_time, group last_time) per timestamp form of the issue; `{word}` keeps them apart.
TIME_FORMS = [
    ("iso-offset.log", "2026-05-01T12:00:00.5+02:00 ERROR disk {word} failed\n"
                       "2026-05-01T12:00:09,75-03:30 ERROR disk {word} failed\n",
     "2026-05-01T10:00:00.500Z", "2026-05-01T15:30:09.750Z"),
    ("log4j.log", "2026-05-02 08:15:30,123 ERROR [main] com.acme.Sync - Sync {word} broke\n"
                  "2026-05-02 08:15:31,456 ERROR [main] com.acme.Sync - Sync {word} broke\n",
     "2026-05-02T08:15:30.123Z", "2026-05-02T08:15:31.456Z"),
    ("pino.log", '{{"level":50,"time":1777651200123,"msg":"queue {word} stalled"}}\n'
                 '{{"level":50,"time":1777651260000,"msg":"queue {word} stalled"}}\n',
     "2026-05-01T16:00:00.123Z", "2026-05-01T16:01:00Z"),
    ("docker.log", '{{"log":"ERROR cache {word} lost\\n","stream":"stderr","time":"2026-05-03T04:05:06.123456789Z"}}\n'
                   '{{"log":"ERROR cache {word} lost\\n","stream":"stderr","time":"2026-05-03T04:05:07Z"}}\n',
     "2026-05-03T04:05:06.123456Z", "2026-05-03T04:05:07Z"),
    ("cri.log", "2026-05-04T01:02:03.000000001Z stderr F ERROR shard {word} offline\n"
                "2026-05-04T01:02:04.5Z stderr F ERROR shard {word} offline\n",
     "2026-05-04T01:02:03Z", "2026-05-04T01:02:04.500Z"),
    ("nginx.log", "2026/05/05 06:07:08 [error] 77#77: *1 upstream {word} timed out\n"
                  "2026/05/05 06:07:09 [error] 77#77: *2 upstream {word} timed out\n",
     "2026-05-05T06:07:08Z", "2026-05-05T06:07:09Z"),
    ("apache.log", "[Wed May 06 07:08:09.123456 2026] [core:error] [pid 9] AH00124: loop {word} detected\n"
                   "[Wed May 06 07:08:10.000001 2026] [core:error] [pid 9] AH00124: loop {word} detected\n",
     "2026-05-06T07:08:09.123456Z", "2026-05-06T07:08:10.000001Z"),
    ("healthapp.log", "20260507-10:11:12:345|Step_{word}|30002312|ERROR sensor {word} unreadable\n"
                      "20260507-10:11:13:000|Step_{word}|30002312|ERROR sensor {word} unreadable\n",
     "2026-05-07T10:11:12.345Z", "2026-05-07T10:11:13Z"),
]


@pytest.mark.parametrize("name,body,first_time,last_time", TIME_FORMS, ids=[f[0] for f in TIME_FORMS])
def test_event_times_in_utc(stack, word, name, body, first_time, last_time):
    result = _upload(stack, name, body.format(word=word).encode())
    group = _group_of(result, word)
    assert (group["first_time"], group["last_time"]) == (first_time, last_time)
    assert (result["first_time"], result["last_time"]) == (first_time, last_time)
    listed = _get(stack, f"/groups/{group['id']}").json()
    assert (listed["first_time"], listed["last_time"]) == (first_time, last_time)


def test_year_less_times_take_the_year_from_the_object(stack, word):
    """syslog `Mmm dd HH:MM:SS` and klog `MMDD HH:MM:SS.uuuuuu` carry no year: a date after the object's
    LastModified belongs to the year before (December lines in a January object)."""
    probe = stack.unique_key("clock")
    stack.s3.put_object(Bucket=stack.bucket, Key=probe, Body=b"")
    reference = stack.s3.head_object(Bucket=stack.bucket, Key=probe)["LastModified"]
    ahead, year = _year_back(reference, 40)
    before = reference - timedelta(days=3)
    syslog = (f"{ahead:%b} {ahead.day:2d} 23:59:58 web1 app[12]: error: mirror {word} unreachable\n"
              f"{before:%b} {before.day:2d} 00:00:01 web1 app[12]: error: mirror {word} unreachable\n")
    group = _group_of(_upload(stack, "syslog.log", syslog.encode()), word)
    assert group["first_time"] == f"{year}-{ahead:%m-%d}T23:59:58Z"
    assert group["last_time"] == f"{before:%Y-%m-%d}T00:00:01Z"
    klog = f"E{ahead:%m%d} 13:14:15.123456    1 reflector.go:1] watch {word} failed\n"
    group = _group_of(_upload(stack, "klog.log", klog.encode()), word)
    assert group["first_time"] == group["last_time"] == f"{year}-{ahead:%m-%d}T13:14:15.123456Z"


def test_lines_without_a_time_give_null(stack, word):
    result = _upload(stack, "untimed.log", f"ERROR widget {word} jammed on 2026-01-01\n".encode())
    group = _group_of(result, word)
    assert group["first_time"] is None and group["last_time"] is None
    assert result["first_time"] is None and result["last_time"] is None
    assert json.loads(json.dumps(result)) == result
