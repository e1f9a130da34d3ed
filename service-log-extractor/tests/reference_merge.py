"""The merge of groups as app.grouping did it before its per-class rewrite (commit dacc7f3): polynomial hashes of
the tokens before and after each position, every cluster filed at every position up front. Kept as the reference
tests/test_grouping.py compares merge_groups with (same merged groups, same order, same mapping)."""
from collections import defaultdict

from app.grouping import (MERGE_MAX_PASSES, MERGE_MIN_TOKENS, TEMPLATE_MAX_CHARS, WILDCARD, _carry_raws, _Cluster,
                          group_id, select_merge, tokenize)

_HASH_MOD = (1 << 61) - 1
_HASH_BASE = 1_000_003


def _index(cid: int, cluster: _Cluster, by_pos: list[dict[int, list[int]]], start: int) -> None:
    """Files a cluster under one bucket per position >= start: the templates of one level and length whose tokens
    are equal except at that position share it. The bucket key is an int made of polynomial hashes of the tokens
    before and after the position, so filing costs O(tokens) per cluster, not O(tokens^2); what shares a bucket is
    compared exactly before merging."""
    tokens = cluster.tokens
    n = len(tokens)
    if n < MERGE_MIN_TOKENS:
        return
    hashes = [hash(t) for t in tokens]
    prefix = [hash((cluster.level, n)) % _HASH_MOD]
    for h in hashes:
        prefix.append((prefix[-1] * _HASH_BASE + h) % _HASH_MOD)
    suffix = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        suffix[i] = (suffix[i + 1] * _HASH_BASE + hashes[i]) % _HASH_MOD
    start = max(start, 1)   # never position 0: the first token is the message's subject or source
    for pos, key in enumerate([(p << 61) | q for p, q in zip(prefix[start:n], suffix[start + 1:])], start):
        buckets = by_pos[pos]
        bucket = buckets.get(key)
        if bucket is None:
            buckets[key] = [cid]
        else:
            bucket.append(cid)


def _merge_pass(clusters: dict[int, _Cluster], next_id: int) -> int:
    """One left-to-right pass over the token positions, merging in place. Returns the next free cluster id (unchanged
    when nothing merged)."""
    length = max((len(c.tokens) for c in clusters.values()), default=0)
    by_pos: list[dict[int, list[int]]] = [{} for _ in range(length)]
    for cid, cluster in list(clusters.items()):
        _index(cid, cluster, by_pos, 1)
    for pos in range(1, length):
        for bucket in list(by_pos[pos].values()):
            if len(bucket) < 2:
                continue
            live = [clusters[cid] for cid in dict.fromkeys(bucket) if cid in clusters]
            if len(live) < 2 or not select_merge([c.tokens[pos] for c in live]):
                continue
            exact: dict[tuple, list[int]] = defaultdict(list)   # the hashes' verdict, checked
            for cid in dict.fromkeys(bucket):
                c = clusters.get(cid)
                if c is not None:
                    exact[(c.level, c.tokens[:pos], c.tokens[pos + 1:])].append(cid)
            for (level, before, after), cids in exact.items():
                if len(cids) < 2:
                    continue
                chosen = set(select_merge([clusters[cid].tokens[pos] for cid in cids]))
                if not chosen:
                    continue
                members = []
                for cid in cids:
                    if clusters[cid].tokens[pos] in chosen:
                        members.extend(clusters.pop(cid).members)
                merged = _Cluster(level, before + (WILDCARD,) + after, members)
                clusters[next_id] = merged
                _index(next_id, merged, by_pos, pos + 1)
                next_id += 1
    return next_id


def merge_groups_reference(groups: list[dict]) -> tuple[list[dict], dict[str, str]]:
    """Merges groups whose templates differ in one variable-looking token, as a template miner would.

    In: group dicts as GroupTable tracks them (``{"id", "level", "template", "count", "first_line", "last_line",
    "sample"}``, and optionally ``"first_raw"``, ``"last_raw"``: the raw lines of the first and last event), not
    modified. Out: ``(merged, mapping)``: the groups after merging, most frequent first (ties: first
    seen first), and ``{input id: output id}`` for every input id (itself when its group did not merge).

    Rules (see MERGE_* and select_merge): same level, same number of tokens (at least MERGE_MIN_TOKENS), tokens
    equal except at one position other than the first; merged when the tokens there look variable
    (is_variable_token) or are many distinct plain words. The merged group has `<*>` at that position, id
    group_id(level, template), counts summed, the least first_line and greatest last_line, the sample (and
    first_raw) of the member seen first, and the last_raw of the member with the greatest last_line. Cost
    O(groups * tokens) per pass; the result does not depend on the order of ``groups``.
    """
    clusters: dict[int, _Cluster] = {}
    by_template: dict[tuple[str, str], _Cluster] = {}
    for g in groups:
        cluster = by_template.get((g["level"], g["template"]))
        if cluster is None:
            cluster = by_template[(g["level"], g["template"])] = _Cluster(
                g["level"], tuple(tokenize(g["template"])), [])
            clusters[len(clusters)] = cluster
        cluster.members.append(g)
    next_id = len(clusters)
    for _ in range(MERGE_MAX_PASSES):
        before = next_id
        next_id = _merge_pass(clusters, next_id)
        if next_id == before:
            break
    out: dict[str, dict] = {}
    mapping: dict[str, str] = {}
    for cluster in clusters.values():
        members = cluster.members
        if len(members) == 1:
            group = dict(members[0])
        else:
            members.sort(key=lambda g: (g["first_line"], g["template"], g["id"]))
            template = " ".join(cluster.tokens)[:TEMPLATE_MAX_CHARS]
            last = max(members, key=lambda g: g["last_line"])   # (ties: the first seen, as sorted above)
            group = {"id": group_id(cluster.level, template), "level": cluster.level, "template": template,
                     "count": sum(g["count"] for g in members), "first_line": members[0]["first_line"],
                     "last_line": last["last_line"], "sample": members[0]["sample"]}
            _carry_raws(group, members[0], last)
        other = out.get(group["id"])
        if other is not None:   # only when a merged template was cut to TEMPLATE_MAX_CHARS onto another one
            first = min(other, group, key=lambda g: (g["first_line"], g["template"]))
            last = max(other, group, key=lambda g: g["last_line"])
            group = dict(first, count=other["count"] + group["count"], last_line=last["last_line"])
            _carry_raws(group, first, last)
        out[group["id"]] = group
        for g in members:
            mapping[g["id"]] = group["id"]
    merged = sorted(out.values(), key=lambda g: (-g["count"], g["first_line"], g["level"], g["template"]))
    return merged, mapping
