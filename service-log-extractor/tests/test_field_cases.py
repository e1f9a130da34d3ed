"""The field cases (tests/field_cases/, copied byte for byte from the shared field-cases folder): each input is run
through the extractor CLI, with and without --events, and checked against cases.json, the values CONTRACTS.md gives
for it - the same checks as the folder's check.py."""
import json
import pathlib

import pytest

FIELD_CASES = pathlib.Path(__file__).resolve().parent / "field_cases"
CASES = {name: want for name, want in json.loads((FIELD_CASES / "cases.json").read_text()).items()
         if not name.startswith("_")}


def test_every_case_has_its_input():
    assert CASES
    assert sorted(CASES) == sorted(p.name for p in FIELD_CASES.glob("*.log"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_field_case(name, run_cli):
    want = CASES[name]
    path = FIELD_CASES / name
    event_list = run_cli("--events", path)
    events = {e["line"]: e for e in event_list}
    assert len(events) == len(event_list), "two events on one line"
    summaries = run_cli(path)
    assert len(summaries) == 1
    summary = summaries[0]
    groups = {g["id"]: g for g in summary["groups"]}

    if "events" in want:
        assert {str(n): e["level"] for n, e in sorted(events.items())} == want["events"]
    if "stack_traces" in want:
        assert summary["stack_traces"] == want["stack_traces"]
    if "lines" in want:
        assert summary["lines"] == want["lines"]
    if "groups_total" in want:
        assert summary["groups_total"] == want["groups_total"]

    same = want.get("same_group", [])
    group_sets = []
    for lines in same:
        assert all(n in events for n in lines), f"lines {lines} should all be events"
        gids = {events[n]["group"] for n in lines}
        assert len(gids) == 1, f"lines {lines} should share one group"
        group_sets.append(gids)
    for i in range(len(group_sets)):
        for j in range(i + 1, len(group_sets)):
            assert not group_sets[i] & group_sets[j], f"lines {same[i]} and {same[j]} should be different groups"

    for ch in want.get("no_bytes_in_templates", []):
        for g in summary["groups"]:
            assert ch not in g["template"], f"{ch!r} in template {g['template']!r}"
            assert ch not in g["sample"], f"{ch!r} in sample {g['sample']!r}"

    for n, text in want.get("template_contains", {}).items():
        event = events.get(int(n))
        assert event is not None, f"line {n} should be an event"
        group = groups.get(event["group"])
        assert group is not None and text in group["template"], f"template of line {n} should contain {text!r}"
