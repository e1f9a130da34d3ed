"""Groups events that are occurrences of the same error: message template, group id, bounded group table.

Memory choice: at most ``MAX_TRACKED_GROUPS`` groups are tracked with count/first/last line/sample, in order
of first appearance (a group first seen after the table is full is not listed, its events still count in
``counts``). ``groups_total`` stays honest without a set of every id: ids are counted exactly up to
``EXACT_DISTINCT_LIMIT`` distinct groups, beyond that by a HyperLogLog estimate (~1 % error, 16 KiB).
"""
from __future__ import annotations

import hashlib
import math
import re

MAX_TRACKED_GROUPS = 10_000
EXACT_DISTINCT_LIMIT = 100_000
MESSAGE_MAX_CHARS = 2_000    # of a message, masked into a template
TEMPLATE_MAX_CHARS = 500
SAMPLE_MAX_CHARS = 1_000     # summaries go to DynamoDB (400 KB items): keep 50 groups well below that

# Order matters: composite values (URLs, emails, UUIDs, IPs, host names) before the numbers they contain. Each
# mask has a guard (substrings, "digit" or a cheaper pattern) so that a message skips the substitutions that cannot
# apply.
_DIGIT = re.compile(r"\d")
_HTTP_METHODS = "GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|CONNECT|TRACE|PROPFIND"
# Host names: labels ending in a common public or cluster-internal suffix, not a reversed-domain Java/Android
# package (`com.acme.app`, `org.gradle.internal`) and not followed by more labels (`java.io.File`).
_HOST_SUFFIXES = ("com", "net", "org", "io", "internal", "local", "localdomain", "lan", "corp", "svc")
_MASKS = [
    (("://",), re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]{1,15}://[^\s\"'<>]+"), "<URL>"),
    ((".service", ".socket", ".timer", ".mount"),
     re.compile(r"(?<![\w.@-])[\w@.-]+\.(?:service|socket|timer|mount)\b"), "<UNIT>"),  # systemd, `a@1.service`
    (("@",), re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "<EMAIL>"),
    (("-",), re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"), "<UUID>"),
    (('"',), re.compile(r'"(?:[^"\\]|\\.){0,400}"'), "<STR>"),
    (("'",), re.compile(r"(?<!\w)'[^'\n]{0,400}'(?!\w)"), "<STR>"),
    (("`",), re.compile(r"`[^`\n]{0,400}`"), "<STR>"),
    # An unquoted HTTP request line (Apache `Invalid URI in request GET /x HTTP/1.1`): nginx quotes the same.
    ((" HTTP/",), re.compile(rf"\b(?:{_HTTP_METHODS}) +\S+ +HTTP/\d(?:\.\d)?\b"), "<REQ>"),
    ("digit", re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b"), "<IP>"),
    ((":",), re.compile(r"\b(?:[0-9a-fA-F]{1,4}:){3,7}[0-9a-fA-F]{1,4}\b|(?<![\w:])::1\b"), "<IP>"),
    (re.compile(rf"\.(?:{'|'.join(_HOST_SUFFIXES)})\b"),
     re.compile(r"(?<![\w.-])(?!(?:com|org|net|io)\.)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                rf"(?:{'|'.join(_HOST_SUFFIXES)})\b(?![.-]?\w)"), "<HOST>"),
    (("/", "\\"), re.compile(r"\b[A-Za-z]:\\[^\s\"']+|(?<![\w.:/])(?:/[\w.@%+~-]+){2,}/?"), "<PATH>"),
    (("=",), re.compile(r"\b([\w.-]+)=(?:<[A-Z]+>|[^\s,;&)\]]+)"), r"\1=<*>"),
    # Hex from 6 digits (short commit ids, Java/Android identity hashes) when it mixes letters and digits.
    ("digit", re.compile(r"\b0[xX][0-9a-fA-F]+\b"
                         r"|\b(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{6,}\b"), "<HEX>"),
    ("digit", re.compile(r"\b(?=\w*\d)(?=\w*[a-zA-Z])\w{16,}\b"), "<ID>"),
    # Durations, Go's composite ones too (`5m0s`, `1h2m3.5s`).
    ("digit", re.compile(r"\b(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+\b"
                         r"|\b\d+(?:\.\d+)?\s(?:ms|secs?|seconds?|mins?|minutes?|hours?|days?)\b"), "<DUR>"),
    # Numbers; one glued to a short unit keeps the unit: `8733793kB`, `512MiB` -> `<N>kB`, `<N>MiB`.
    ("digit", re.compile(r"\b\d+(?:[.:]\d+)*(?:\b|(?=[a-zA-Z]{1,3}\b))"), "<N>"),
]
# A name after `user`/`tenant`/`account`/`customer` (`User bob not found`, `invalid user admin from <IP>`) when
# what follows shows it is a name: a verb or preposition, punctuation or the end of the message. Status words
# (`user not found`, `account locked`, `user deleted`, `customer exists`) are not names.
_NAME_AFTER_KEYWORD = re.compile(
    r"\b((?i:user|username|tenant|account|customer)) "
    r"(?!(?i:not|no|is|was|has|had|does|did|can|cannot|could|with|from|for|in|on|at|to|of|and|or|the|a|an|id|name"
    r"|session|already|account|profile|data|request|exists?|unknown|invalid|missing|inactive|active|required"
    r"|denied|mismatch|limit|quota|\w{3,}ed|\w+ing)\b)([\w@+-]+(?:\.[\w@+-]+)*)"
    r"(?=$|[,:;)\]]|\.(?:\s|$)| (?:not|is|was|has|had|does|did|doesn't|cannot|can't|from|in|on|at|to|for|with"
    r"|without|after|before|via|because)\b)")
_NAME_GUARD = ("ser ", "SER ", "enant ", "ENANT ", "ccount ", "CCOUNT ", "ustomer ", "USTOMER ")
# A process named after its pid, Linux style: `Killed process 4242 (java)`, `pid 17 (nginx)`.
_PROCESS_NAME = re.compile(r"\b((?i:process|pid|task) <N>) \([\w./:-]{1,64}\)")
# Lists of one kind of value (`[<N>, <N>, <N>]`, `<IP> <IP>`) become one placeholder: their length varies.
_REPEATS = re.compile(r"(<[A-Z]+>)(?:(?:\s*[,;|]\s*|\s+)\1)+")
# klog structured logging: `file.go:123] "Message" key="value" ...`; the quoted message is the template.
_KLOG_STRUCTURED = re.compile(r'([\w.-]+\.go:\d+\] )("(?:[^"\\]|\\.){1,400}")(?= |$)')
_SPACES = re.compile(r"\s{2,}|[^\S ]")   # runs of blanks and single tabs/newlines (a lone space stays as is)


def _mask(text: str) -> str:
    digits = _DIGIT.search(text) is not None   # masking only removes digits: once none, none later
    for guard, pattern, repl in _MASKS:
        if guard == "digit":
            if not digits or _DIGIT.search(text) is None:
                digits = False
                continue
        elif type(guard) is tuple:
            for g in guard:
                if g in text:
                    break
            else:
                continue
        elif guard.search(text) is None:
            continue
        text = pattern.sub(repl, text)
    for g in _NAME_GUARD:
        if g in text:
            text = _NAME_AFTER_KEYWORD.sub(r"\1 <NAME>", text)
            break
    if "<" in text:
        if "<N> (" in text:
            text = _PROCESS_NAME.sub(r"\1 (<NAME>)", text)
        if ", <" in text or "> <" in text or ",<" in text or ";<" in text or "|<" in text:
            text = _REPEATS.sub(r"\1", text)
    return text


TEMPLATE_CACHE_SIZE = 4096
_template_cache: dict[str, str] = {}


def make_template(message: str) -> str:
    """The message with its variable parts masked, so that occurrences of one error compare equal.

    Memoised: logs repeat the same message verbatim (e.g. "connection refused"), and masking is the costliest
    step per event. The cache is bounded; when full it starts over (no LRU bookkeeping per hit).
    """
    template = _template_cache.get(message)
    if template is None:
        if len(_template_cache) >= TEMPLATE_CACHE_SIZE:
            _template_cache.clear()
        template = _template_cache[message] = _make_template(message)
    return template


def _make_template(message: str) -> str:
    text = message[:MESSAGE_MAX_CHARS]
    m = _KLOG_STRUCTURED.match(text) if '] "' in text[:120] else None
    if m:
        text = _mask(m.group(1)) + m.group(2) + _mask(text[m.end():])
    else:
        text = _mask(text)
    return _SPACES.sub(" ", text).strip()[:TEMPLATE_MAX_CHARS]


_group_id_cache: dict[tuple[str, str], str] = {}


def group_id(level: str, template: str) -> str:
    """Short stable id: 12 hex chars of sha1(level NUL template). Memoised like make_template (groups repeat)."""
    key = (level, template)
    gid = _group_id_cache.get(key)
    if gid is None:
        if len(_group_id_cache) >= TEMPLATE_CACHE_SIZE:
            _group_id_cache.clear()
        gid = _group_id_cache[key] = hashlib.sha1(f"{level}\0{template}".encode("utf-8", "replace")).hexdigest()[:12]
    return gid


def make_sample(line: str) -> str:
    return line if len(line) <= SAMPLE_MAX_CHARS else line[:SAMPLE_MAX_CHARS] + "…"


class DistinctCounter:
    """Counts distinct 48-bit ids: exactly up to ``exact_limit``, then with HyperLogLog (p=14)."""

    _P = 14
    _M = 1 << _P

    def __init__(self, exact_limit: int):
        self._exact: set[int] | None = set()
        self._exact_limit = exact_limit
        self._registers: bytearray | None = None
        self._floor = 0  # exact count when switching: an estimate never reports fewer

    def add(self, value: int) -> None:
        if self._exact is not None:
            self._exact.add(value)
            if len(self._exact) > self._exact_limit:
                self._floor = len(self._exact)
                self._registers = bytearray(self._M)
                for v in self._exact:
                    self._hll_add(v)
                self._exact = None
        else:
            self._hll_add(value)

    def _hll_add(self, value: int) -> None:
        # Ids are hex digits of sha1, already uniform; mix once more so ids of 48 bits fill 64.
        h = int.from_bytes(hashlib.blake2b(value.to_bytes(8, "big"), digest_size=8).digest(), "big")
        idx = h >> (64 - self._P)
        rest = h & ((1 << (64 - self._P)) - 1)
        rank = (64 - self._P) - rest.bit_length() + 1
        if rank > self._registers[idx]:
            self._registers[idx] = rank

    def count(self) -> int:
        if self._exact is not None:
            return len(self._exact)
        m = self._M
        estimate = (0.7213 / (1 + 1.079 / m)) * m * m / sum(2.0 ** -r for r in self._registers)
        zeros = self._registers.count(0)
        if estimate <= 2.5 * m and zeros:
            estimate = m * math.log(m / zeros)
        return max(self._floor, round(estimate))


class GroupTable:
    """Per-group counts for the summary; see the module docstring for the memory bound."""

    def __init__(self, max_tracked: int | None = None, exact_limit: int | None = None):
        self._groups: dict[str, dict] = {}
        self._max_tracked = MAX_TRACKED_GROUPS if max_tracked is None else max_tracked
        self._distinct = DistinctCounter(EXACT_DISTINCT_LIMIT if exact_limit is None else exact_limit)

    def add(self, gid: str, level: str, template: str, line_no: int, sample_line: str) -> None:
        group = self._groups.get(gid)
        if group is not None:
            group["count"] += 1
            group["last_line"] = line_no
            return
        self._distinct.add(int(gid, 16))
        if len(self._groups) < self._max_tracked:
            self._groups[gid] = {"id": gid, "level": level, "template": template, "count": 1,
                                 "first_line": line_no, "last_line": line_no, "sample": make_sample(sample_line)}

    @property
    def total(self) -> int:
        return self._distinct.count()

    def top(self, n: int) -> list[dict]:
        """Most frequent first; ties in order of first appearance."""
        ranked = sorted(self._groups.values(), key=lambda g: (-g["count"], g["first_line"]))
        return [dict(g) for g in ranked[:max(n, 0)]]
