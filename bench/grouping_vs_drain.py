"""Grouping quality: the extractor's event grouping against the Drain log-template miner (drain3).

The labelled log comes from ``bench/corpus.py`` (fixed seed; its docstring says how it was written: from public
format documentation and real log samples, independently of the extractor's rules): FATAL/ERROR/WARN events of
~130 true templates in 26 formats (Loghub HDFS, Hadoop, Zookeeper, Spark, OpenStack, BGL, Apache, Android,
Windows CBS; log4j/logback, Python logging, klog, logfmt, hclog, PostgreSQL, Redis, MongoDB, pino, Monolog,
nginx, syslog RFC 3164/5424, journald JSON), some inside Docker json-file or Kubernetes CRI envelopes, multi-line
ones with stack traces, INFO/DEBUG noise between them. Each event's label is its true template. Then the events
are grouped by

  * ours:  ``app.log_parser.summarize(..., on_event=...)`` on the whole log: the scanner's own event detection,
           unwrapping, message extraction and grouping (the group id it reports per event);
  * Drain: ``drain3.TemplateMiner`` with its default config and with a tuned one (the masking instructions of
           drain3's examples/drain3.ini, sim_th 0.4 and 0.5), fed once per true event with the event's unwrapped
           header line minus its timestamp (envelope removed: this compares grouping, not unwrapping).

and prints per method: groups found vs true templates, Grouping Accuracy (GA, as in the Loghub benchmark: the
fraction of events whose predicted group holds exactly the events of their true group) and pairwise precision /
recall / F1 over pairs of events put in the same group. An event our scanner missed counts as a group of its
own (one it put at another level keeps the group it got, and is counted). Nothing here is timed.

  .venv/bin/python bench/grouping_vs_drain.py [--events N] [--seed S] [--details]

``--details`` lists, for ours, the true templates split over several groups and the groups mixing several
templates (with the templates of our summary's groups), and the events missed or put at another level.
"""
from __future__ import annotations

import argparse
import io
import logging
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "service-log-extractor"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from app import log_parser  # noqa: E402
from corpus import FORMAT_NAMES, build_corpus  # noqa: E402

try:
    from drain3 import TemplateMiner  # noqa: E402
    from drain3.masking import MaskingInstruction  # noqa: E402
    from drain3.template_miner_config import TemplateMinerConfig  # noqa: E402
except ImportError:  # pragma: no cover
    sys.exit("drain3 is missing: .venv/bin/pip install -r requirements-dev.txt")


def run_ours(text: str):
    """Our scanner on the whole log: {line: (level, group)} and {group id: template} from its summary."""
    found = {}

    def on_event(e):
        found[e["line"]] = (e["level"], e["group"])

    summary = log_parser.summarize(io.BytesIO(text.encode()), on_event=on_event, max_groups=100000)
    templates = {g["id"]: g.get("template") for g in summary.get("groups", [])}
    return found, templates


# drain3 examples/drain3.ini masking instructions (ID, IP, SEQ, SEQ, HEX, NUM)
_DRAIN_MASKS = [
    (r"((?<=[^A-Za-z0-9])|^)(([0-9a-f]{2,}:){3,}([0-9a-f]{2,}))((?=[^A-Za-z0-9])|$)", "ID"),
    (r"((?<=[^A-Za-z0-9])|^)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})((?=[^A-Za-z0-9])|$)", "IP"),
    (r"((?<=[^A-Za-z0-9])|^)([0-9a-f]{6,} ?){3,}((?=[^A-Za-z0-9])|$)", "SEQ"),
    (r"((?<=[^A-Za-z0-9])|^)([0-9A-F]{4} ?){4,}((?=[^A-Za-z0-9])|$)", "SEQ"),
    (r"((?<=[^A-Za-z0-9])|^)(0x[a-f0-9A-F]+)((?=[^A-Za-z0-9])|$)", "HEX"),
    (r"((?<=[^A-Za-z0-9])|^)([\-\+]?\d+)((?=[^A-Za-z0-9])|$)", "NUM"),
]


def drain_config(tuned: bool, sim_th: float = 0.4) -> TemplateMinerConfig:
    config = TemplateMinerConfig()            # drain3's defaults: sim_th 0.4, depth 4, no masking
    if tuned:
        config.masking_instructions = [MaskingInstruction(p, m) for p, m in _DRAIN_MASKS]
        config.mask_prefix, config.mask_suffix = "<:", ":>"
        config.drain_sim_th = sim_th
        config.drain_extra_delimiters = ["_"]
        config.drain_max_clusters = 1024
    return config


def run_drain(inputs: list[str], config: TemplateMinerConfig) -> list[int]:
    miner = TemplateMiner(config=config)
    return [miner.add_log_message(s)["cluster_id"] for s in inputs]


# --------------------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------------------
def _pairs(k: int) -> int:
    return k * (k - 1) // 2


def score(truth: list, pred: list) -> dict:
    """Loghub grouping accuracy and pairwise precision/recall/F1 of a clustering against the labels."""
    true_sets, pred_sets = defaultdict(set), defaultdict(set)
    for i, (t, p) in enumerate(zip(truth, pred)):
        true_sets[t].add(i)
        pred_sets[p].add(i)
    correct = sum(len(members) for p, members in pred_sets.items()
                  if members == true_sets[truth[next(iter(members))]])
    cells = Counter(zip(truth, pred))
    tp = sum(_pairs(c) for c in cells.values())
    pred_pairs = sum(_pairs(len(s)) for s in pred_sets.values())
    true_pairs = sum(_pairs(len(s)) for s in true_sets.values())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"groups": len(pred_sets), "true": len(true_sets), "ga": correct / len(truth),
            "p": precision, "r": recall, "f1": f1}


def details(events, pred, found, templates, tpls, out):
    by_true, by_pred = defaultdict(Counter), defaultdict(Counter)
    for e, p in zip(events, pred):
        by_true[e["label"]][p] += 1
        by_pred[p][e["label"]] += 1

    def name(g):
        if isinstance(g, tuple):
            return f"<{g[0]}>"
        return repr(templates.get(g, g))[:160]

    print("\n-- formats: " + ", ".join(FORMAT_NAMES[s] for s in sorted({t.source for t in tpls})), file=out)
    print("-- ours: true templates split over several groups", file=out)
    for label, groups in sorted(by_true.items(), key=lambda kv: tpls[kv[0]].key):
        if len(groups) > 1:
            print(f"  {tpls[label].key} ({sum(groups.values())} events): {len(groups)} groups, e.g.", file=out)
            for g, c in groups.most_common(4):
                print(f"      {c:5}  {name(g)}", file=out)
    print("-- ours: groups mixing several true templates", file=out)
    for p, labels in by_pred.items():
        if len(labels) > 1 and not isinstance(p, tuple):
            print(f"  {name(p)}: {', '.join(f'{tpls[k].key} x{c}' for k, c in labels.most_common())}", file=out)
    print("-- ours: events missed / at another level, per true template", file=out)
    miss, lvl = Counter(), Counter()
    for e in events:
        got = found.get(e["line"])
        if got is None:
            miss[e["label"]] += 1
        elif got[0] != e["level"]:
            lvl[(e["label"], e["level"], got[0])] += 1
    for label, c in miss.most_common():
        print(f"  missed {c:5}  {tpls[label].key}", file=out)
    for (label, want, got), c in lvl.most_common():
        print(f"  level  {c:5}  {tpls[label].key}: {want} reported as {got}", file=out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=20261127)
    ap.add_argument("--details", action="store_true")
    args = ap.parse_args(argv)
    logging.getLogger("drain3").setLevel(logging.ERROR)

    text, events, tpls = build_corpus(args.events, args.seed)
    found, templates = run_ours(text)
    truth = [e["label"] for e in events]

    # Ours: an event the scanner missed counts as a group of its own; one at another level keeps its group.
    missed = wrong_level = 0
    ours = []
    for e in events:
        got = found.get(e["line"])
        if got is None:
            missed += 1
            ours.append(("missed", e["line"]))
            continue
        if got[0] != e["level"]:
            wrong_level += 1
        ours.append(got[1])
    extra = len(set(found) - {e["line"] for e in events})

    inputs = [e["drain_input"] for e in events]
    rows = [("ours (summarize, the scanner's own groups)", "whole log", score(truth, ours))]
    for name, config in (("drain3 default", drain_config(False)),
                         ("drain3 tuned (masks, sim_th 0.4)", drain_config(True, 0.4)),
                         ("drain3 tuned (masks, sim_th 0.5)", drain_config(True, 0.5))):
        rows.append((name, "line minus timestamp", score(truth, run_drain(inputs, config))))

    n_lines = text.count("\n")
    sources = {tpls[i].source for i in set(truth)}
    levels = Counter(e["level"] for e in events)
    print(f"corpus: {n_lines} lines, {len(events)} events ({levels['FATAL']} FATAL, {levels['ERROR']} ERROR, "
          f"{levels['WARN']} WARN) from {len(set(truth))} true templates in {len(sources)} formats (seed {args.seed}), "
          "INFO/DEBUG noise between them")
    print(f"scanner: {len(events) - missed} of {len(events)} events found, {missed} missed, {wrong_level} at another "
          f"level, {extra} extra (reported on lines that start no true event)")
    print("inputs: ours = the whole log (envelopes, noise, multi-line records); Drain = one string per true event, "
          "its unwrapped\n        header line minus the timestamp\n")
    w = max(len(r[0]) for r in rows)
    print(f"{'method':{w}}  {'input':21} {'groups':>6} {'true':>5}  {'GA':>6} {'pairP':>6} {'pairR':>6} {'pairF1':>6}")
    for name, inp, s in rows:
        print(f"{name:{w}}  {inp:21} {s['groups']:6d} {s['true']:5d}  {s['ga']:6.3f} {s['p']:6.3f} {s['r']:6.3f} "
              f"{s['f1']:6.3f}")
    ours_s = rows[0][2]
    best = max(rows[1:], key=lambda r: (r[2]["ga"], r[2]["f1"]))
    best_f1 = max(rows[1:], key=lambda r: r[2]["f1"])
    ok = ours_s["ga"] >= best[2]["ga"] and ours_s["f1"] >= best_f1[2]["f1"]
    print(f"\nverdict: ours GA {ours_s['ga']:.3f} vs best Drain GA {best[2]['ga']:.3f} ({best[0]}), "
          f"ratio {ours_s['ga'] / best[2]['ga']:.2f}x; pairwise F1 {ours_s['f1']:.3f} vs {best_f1[2]['f1']:.3f} "
          f"-> {'at least as good as Drain' if ok else 'BELOW Drain'}")
    if args.details:
        details(events, ours, found, templates, tpls, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
