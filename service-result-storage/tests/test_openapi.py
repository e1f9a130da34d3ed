"""/openapi.json describes every route, from the same schemas that validate requests; POST /results holds up
under arbitrary bodies (hypothesis): never a 5xx, and nothing written unless it answers 2xx."""
import json
import re
from datetime import timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from app.schema import LEVELS

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


def test_document_covers_every_route(client, make_result):
    doc = client.get("/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    routes = {re.sub(r"<[^>]+>", "{}", rule.rule) for rule in client.application.url_map.iter_rules()
              if rule.endpoint != "static" and not rule.endpoint.startswith("ui.")}  # the HTML web view: no API
    assert routes == {re.sub(r"\{[^}]+\}", "{}", path) for path in doc["paths"]}
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    assert Draft202012Validator(doc["components"]["schemas"]["Result"]).is_valid(make_result())


def _post(client, body):
    return client.post("/results", data=json.dumps(body), content_type="application/json")


def _check(client, ddb, scan_items, body):
    before, results_before = len(scan_items(ddb)), len(scan_items(ddb, "result"))
    response = _post(client, body)
    assert response.status_code < 500, (body, response.get_json())
    if response.status_code >= 400:
        assert len(scan_items(ddb)) == before and response.get_json()["error"]
    else:
        assert len(scan_items(ddb, "result")) <= results_before + 1


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                           lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children,
                                                                                              max_size=4),
                           max_leaves=20)


@FUZZ
@given(body=json_values)
def test_arbitrary_json_never_fails_the_server(client, ddb, scan_items, body):
    _check(client, ddb, scan_items, body)


@FUZZ
@given(data=st.data(), value=json_values)
def test_one_field_replaced_never_fails_the_server(client, ddb, scan_items, make_result, data, value):
    body = make_result()
    field = data.draw(st.sampled_from(sorted(body)), label="field")
    body[field] = value
    _check(client, ddb, scan_items, body)


_counts = st.integers(min_value=0, max_value=2**63 - 1)
_line = st.integers(min_value=1, max_value=2**63 - 1)
# RFC 3339 times with any offset (the group index compares them in UTC), or null
_time = st.none() | st.builds(
    lambda moment, minutes: moment.replace(tzinfo=timezone(timedelta(minutes=minutes))).isoformat(),
    st.datetimes(), st.integers(min_value=-23 * 60, max_value=23 * 60))
_times = {"first_time": _time, "last_time": _time}
_group = st.fixed_dictionaries({"id": st.text(min_size=1, max_size=300), "level": st.sampled_from(LEVELS),
                                "template": st.text(), "count": _line, "first_line": _line, "last_line": _line,
                                "sample": st.text()}, optional=_times)
result_shaped = st.fixed_dictionaries(
    {"lines": _counts, "bytes": _counts, "counts": st.fixed_dictionaries({level: _counts for level in LEVELS}),
     "stack_traces": _counts, "groups": st.lists(_group, max_size=5), "groups_total": _counts,
     "bucket": st.text(min_size=1, max_size=255), "key": st.text(min_size=1, max_size=1024)},
    optional={"etag": st.none() | st.text(min_size=1), "version_id": st.none() | st.text(min_size=1),
              "size": st.none() | _counts, "incomplete": st.booleans(), "error": st.none() | st.text(), **_times})


@FUZZ
@given(body=result_shaped)
def test_result_shaped_bodies_are_stored_or_rejected_for_a_stated_reason(client, ddb, scan_items, body):
    """Any text in keys, samples and templates (DynamoDB rejects some: empty keys, lone surrogates), the
    largest numbers: a 201/200 with one item, or a 4xx naming the problem."""
    _check(client, ddb, scan_items, body)
