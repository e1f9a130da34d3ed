"""Logs of 23 systems written by someone who had not read the extractor (Elasticsearch, Kafka, Cassandra, HAProxy,
MySQL, Airflow, Vault, etcd, kube-apiserver in CRI, nginx in Docker, journald JSON and short-iso, Spring Boot, Go
panics, Serilog, Django, Celery, Rails, Windows CBS, macOS `log show`, winston/pino, Nomad), with right values by hand
(`outside_logs/truth.json`): every event's line and class exact, and the truth's groups kept together and apart."""
import json
import pathlib

import pytest

HERE = pathlib.Path(__file__).resolve().parent / "outside_logs"
TRUTH = {k: v for k, v in json.loads((HERE / "truth.json").read_text()).items() if not k.startswith("_")}
# Known splits, left as they are (see the README): a trailing `, referrer: "..."` that only some nginx lines carry
# changes the token count; plain-word service names (`inventory`, `pricing`) in one slot are fewer than the merge's
# five distinct words. Strict: a fix makes these tests fail until the entry is removed.
KNOWN_SPLITS = {"nginx_docker.json", "p7_node_json.log"}


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_events_exact(name, run_cli):
    want = TRUTH[name]
    ignore = set(want.get("ignore", []))
    events = run_cli("--events", str(HERE / name))
    got = {e["line"]: e["level"] for e in events if e["line"] not in ignore}
    assert got == {int(n): level for n, level in want["events"].items() if int(n) not in ignore}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason="known split"))
                                  if n in KNOWN_SPLITS else n for n in sorted(TRUTH)])
def test_groups(name, run_cli):
    group_of = {e["line"]: e["group"] for e in run_cli("--events", str(HERE / name))}
    named = {k: [group_of.get(n) for n in lines] for k, lines in TRUTH[name]["groups"].items() if not k.startswith("_")}
    for key, gids in named.items():
        assert len(set(gids)) == 1 and None not in gids, f"group {key} split or missed: {gids}"
    firsts = [gids[0] for gids in named.values()]
    assert len(set(firsts)) == len(firsts), "two true groups share one extractor group"
