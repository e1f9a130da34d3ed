"""Groups events that are occurrences of the same error: a small template miner in the spirit of Drain3.

Parts, each usable (and tested) on its own:

  * ``MASKS``: data, a list of ``Mask(name, pattern, replacement, guard, compiled)`` that ``mask(text)`` applies in
    order;
  * ``make_template(message) -> str``: the message with its variable parts masked (memoised); the per-event step;
  * ``group_id(level, template) -> str``: a group's short stable id;
  * ``tokenize``, ``is_variable_token`` and ``merge_groups(groups) -> (groups, {old id: new id})``: the Drain-like
    step, run once over the groups when the summary is made, never per event: groups of one level whose templates
    have the same number of tokens and differ in one token that looks variable fall together, with ``<*>`` there;
  * ``GroupTable``: the bounded per-group counts (``add`` per event, ``add_group`` for a run of one group's
    events, ``top``, ``merged``).

Memory choice: at most ``MAX_TRACKED_GROUPS`` groups are tracked with count/first/last line/sample, in order
of first appearance (a group first seen after the table is full is not listed, its events still count in
``counts``). ``groups_total`` stays honest without a set of every id: ids are counted exactly up to
``EXACT_DISTINCT_LIMIT`` distinct groups, beyond that by a HyperLogLog estimate (~1 % error, 16 KiB). Each tracked
group also holds references to the raw lines of its first and last event (app.scan has app.event_time read their
times, each line once): lines the scan made anyway, at most two per group, each cut to its head and tail beyond
app.events.RAW_MAX_CHARS (2,048), so about 40 MiB at worst for 10,000 groups.
"""
from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from typing import Callable, NamedTuple, Union

MAX_TRACKED_GROUPS = 10_000
EXACT_DISTINCT_LIMIT = 100_000
MESSAGE_MAX_CHARS = 2_000    # of a message, masked into a template
TEMPLATE_MAX_CHARS = 500
SAMPLE_MAX_CHARS = 1_000     # summaries go to DynamoDB (400 KB items): keep 50 groups well below that


class Mask(NamedTuple):
    """One masking rule: ``pattern.sub(replacement, text)``, applied only to a text that passes ``guard``.

    ``guard`` keeps the per-message cost low: a tuple of substrings (one must occur), a compiled pattern (must be
    found; cheaper than ``pattern``), ``"digit"`` (the text still holds a digit) or None (always applies).
    ``compiled`` names the mask's compiled twin in app/_c_mask.c, which the compiled masker uses on ASCII text: a
    prefilter (a necessary condition for ``pattern`` to match, tested first: where it fails the mask is skipped,
    guard and all) and/or a matcher (``pattern`` matched by hand: it does the substitution, with ``replacement``
    as a template of text and ``\\1``). The Python loop ignores it; the results are the same either way
    (tests/test_compiled_twins.py compares each twin with its mask). A twin records the pattern and guard it was
    written for: the compiled masker refuses a mask whose regex changed until its twin is looked at again.

    ``needs``: strings of one or two characters, one of which occurs in every text below U+0100 the mask changes
    (where its guard passes and its pattern matches: a need may rest on the guard, as name-after-keyword's and
    repeats' do); empty: no such promise. Wider text is never skipped. The compiled masker finds the needs of all masks in one
    pass over a text and skips each mask none of whose needs occurs, before its guard and prefilter (it may read two
    needs `ab` and `cd` of one mask as also `ad` and `cb`: a mask is then tried where it need not be, never skipped
    where it must not be). The Python loop ignores them; tests/test_compiled_twins.py checks every mask's promise.
    """
    name: str
    pattern: re.Pattern
    replacement: Union[str, Callable[[re.Match], str]]
    guard: Union[tuple, re.Pattern, str, None] = None
    compiled: Union[str, None] = None
    needs: tuple[str, ...] = ()


_DIGIT = re.compile(r"\d")
_HTTP_METHODS = "GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|CONNECT|TRACE|PROPFIND"
# Host names: labels ending in a common public or cluster-internal suffix, not a reversed-domain Java/Android
# package (`com.acme.app`, `org.gradle.internal`) and not followed by more labels (`java.io.File`).
_HOST_SUFFIXES = ("com", "net", "org", "io", "internal", "local", "localdomain", "lan", "corp", "svc")
# File names without a path: only with an extension of data, config, archive, binary or source files, so that
# Java classes (`java.io.File`), packages and config keys (`tls.key_file`) stay words.
_FILE_EXTENSIONS = ("log|txt|csv|tsv|json|xml|ya?ml|toml|conf|cfg|ini|properties|db|sqlite3?|sql|so|dll|exe|jar|war"
                    "|ear|class|py|go|java|js|ts|rb|php|sh|c|cc|cpp|h|hpp|rs|gz|zip|tar|tgz|bz2|xz|zst|7z|rar|pid"
                    "|sock|lock|tmp|bak|swp|dat|bin|img|iso|qcow2|vmdk|vhdx?|pem|crt|p12|rpm|deb|apk|parquet|avro"
                    "|orc|html?|css|png|jpe?g|gif|pdf|dmp|out|err|trc|dbf|wal")
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# Kubernetes generated name suffixes use this alphabet (no vowels, no 0/1/3): `web-7f9c8d6b5-x2k4q`, `proxy-x7k9p`.
_K8S = "[bcdfghjklmnpqrstvwxz2456789]"
# Letters+digits that name a kind or version, not an instance (`ssh2`, `utf8`, `ipv6`, `sha256`, `x86`, `ext4`,
# `L2` cache, `python3`): they stay. Other words ending in digits are numbered instances (`vol1`, `sdb1`, `node7`).
_KIND_WITH_DIGITS = frozenset("ssh http https ipv utf ucs sha md crc base tls ssl x amd arm aarch win int uint float"
                              " ext raid ddr usb pcie oauth python java php perl ec s h l i".split())


_BLOCK_DEVICE = re.compile(r"x?[shv]d[a-z]{1,2}|nvme|mmcblk|loop")   # the letters of `sdb1`, `nvme0n1`, `loop3`


def _numbered_name(m: re.Match) -> str:
    """`vol1` -> `vol<N>`, `sdb1`/`nvme1n1` -> `<DEV>`; `ssh2`, `utf8`, `L2` unchanged (see _KIND_WITH_DIGITS)."""
    letters = m.group(1)
    if letters.lower() in _KIND_WITH_DIGITS:
        return m.group(0)
    return "<DEV>" if _BLOCK_DEVICE.fullmatch(letters) else letters + "<N>"


def _pairs(firsts: str, seconds: str) -> tuple[str, ...]:
    """Every character of ``firsts`` followed by one of ``seconds``: a mask's needs (Mask.needs) in short."""
    return tuple(a + b for a in firsts for b in seconds)


_DIGITS = "0123456789"
_HEX_DIGITS = "0123456789abcdefABCDEF"
_HOST_STARTS = "".join(sorted({suffix[0] for suffix in _HOST_SUFFIXES}))
_EXTENSION_STARTS = "".join(sorted({alternative[0] for alternative in _FILE_EXTENSIONS.split("|")}))


# Order matters: composite values (URLs, e-mails, UUIDs, quoted strings, IPs, host names, paths, dates) before the
# numbers they contain; numbers, then rules that read placeholders (`process <N> (java)`), last. A mask replaces a
# whole token (or the value after `key=`) with a `<KIND>` placeholder, the same way wherever it stands.
MASKS: list[Mask] = [
    Mask("url", re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]{1,15}://[^\s\"'<>]+"), "<URL>", ("://",), compiled="url",
         needs=(":/",)),
    # `nginx.service`, `postgresql@14-main.service`
    Mask("systemd-unit", re.compile(r"(?<![\w.@-])[\w@.-]+\.(?:service|socket|timer|mount)\b(?!\()"), "<UNIT>",
         (".service", ".socket", ".timer", ".mount"), compiled="systemd-unit", needs=_pairs(".", "stm")),
    # (Starts only where a name starts, and never gives back: trying it inside every word was 5x slower.)
    Mask("email", re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]+(?:\.[\w-]+)+"), "<EMAIL>", ("@",), compiled="email",
         needs=("@",)),
    Mask("uuid", re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"),
         "<UUID>", ("-",), compiled="uuid", needs=_pairs(_HEX_DIGITS, "-")),
    # oslo.log's request context: `[req-<UUID> <user> <project> - - -]`, `[req-<UUID> - - - - -]`, or `[-]` outside a
    # request: which one a line has does not make it another event.
    Mask("openstack-context", re.compile(r"\[req-<UUID>(?: [^\]\s]{1,64}){0,6}\]|(?<!\S)\[-\](?= )"), "[<CTX>]",
         ("[req-<UUID>", "[-] "), needs=("[r", "[-")),
    Mask("double-quoted", re.compile(r'"(?:[^"\\]|\\.){0,400}"'), "<STR>", ('"',), compiled="double-quoted",
         needs=('"',)),
    Mask("single-quoted", re.compile(r"(?<!\w)'[^'\n]{0,400}'(?!\w)"), "<STR>", ("'",), compiled="single-quoted",
         needs=("'",)),
    Mask("backquoted", re.compile(r"`[^`\n]{0,400}`"), "<STR>", ("`",), needs=("`",)),
    # An unquoted HTTP request line (Apache `Invalid URI in request GET /x HTTP/1.1`): nginx quotes the same.
    Mask("http-request", re.compile(rf"\b(?:{_HTTP_METHODS}) +\S+ +HTTP/\d(?:\.\d)?\b"), "<REQ>", (" HTTP/",),
         needs=("P/",)),
    # Guards that start with a literal character (`.`, `:`) are found by a fast scan: far cheaper than the mask.
    Mask("ipv4", re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b"), "<IP>",   # with its port
         re.compile(r"\.\d{1,3}\.\d"), compiled="ipv4", needs=_pairs(".", _DIGITS)),
    # IPv6, compressed too (`fe80::1ff:fe23:4567:890a`, `::1`, `::`, `::ffff:<IP>`): hex groups and colons with `::`
    # or 3+ colons, not inside a name (`std::map`), not a time (`10:22:33`).
    Mask("ipv6", re.compile(r"(?<![\w:])(?=[0-9a-fA-F:]*::|(?:[0-9a-fA-F]{1,4}:){3})[0-9a-fA-F]{0,4}"
                            r"(?::[0-9a-fA-F]{0,4}){2,7}(?:<IP>)?(?![\w:])"), "<IP>",
         re.compile(r":[0-9a-fA-F]{1,4}:[0-9a-fA-F]{1,4}:|::"), compiled="ipv6", needs=_pairs(":", _HEX_DIGITS + ":")),
    Mask("host", re.compile(r"(?<![\w.-])(?!(?:com|org|net|io)\.)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                            rf"(?:{'|'.join(_HOST_SUFFIXES)})\b(?![.-]?\w)"), "<HOST>",
         re.compile(rf"\.(?:{'|'.join(_HOST_SUFFIXES)})\b"), compiled="host", needs=_pairs(".", _HOST_STARTS)),
    # Java's InetAddress: `hostname/10.0.0.7:8030` (Hadoop `Old: msra-sa-41/<IP>`, `from MININT-KZH36TW/<IP>`).
    Mask("java-host-address", re.compile(r"(?<![\w./-])[A-Za-z][\w.-]*/(?=<IP>)"), "<HOST>/", ("/<IP>",),
         compiled="java-host-address", needs=("/<",)),
    # Whole paths, whatever their segments hold (`run-a`, `sim.rts`, `2023-11-15`, `//`, a `<UUID>` already masked):
    # Windows (spaces inside a directory name, as in `Program Files`), UNC, absolute, `./` `../` `~/` relative, and
    # bare `a/b/c` with a letter. A lone `/<IP>` (ZooKeeper's `election address /<IP>`) is no path.
    Mask("windows-path", re.compile(
        r"\b[A-Za-z]:[\\/](?:[^\s\"'<>|\\/*?:]+(?: [^\s\"'<>|\\/*?:]+)*[\\/])*[^\s\"'<>|\\/*?:]*"
        r"|(?<![\w\\])\\\\[\w.$-]+(?:\\[^\s\"'<>|\\/*?:]+)+"), "<PATH>", (":\\", ":/", "\\\\"),
         compiled="windows-path", needs=(":\\", ":/", "\\\\")),
    Mask("path", re.compile(r"(?<![\w.:/<>-])(?:\.\.?|~)?/+[\w.@%+~-]+(?:/+(?:[\w.@%+~-]|<[A-Z]+>)+)*/?"), "<PATH>",
         ("/",), compiled="path", needs=("/",)),
    Mask("relative-path", re.compile(r"(?<![\w.:/<>@%+~-])(?=[\w.@%+~/-]*[A-Za-z_])[\w@%+~-][\w.@%+~-]*+"
                                     r"(?:/(?:[\w.@%+~-]|<[A-Z]+>)+){2,}/?"), "<PATH>", re.compile(r"/[^\s/]+/"),
         compiled="relative-path", needs=("/",)),
    # A file name alone or under one directory (`app.log`, `conf/app-prod.yaml`, `libssl.so.3`); not `file.go:123`
    # (a source location names the call site: it is part of the event).
    Mask("file", re.compile(rf"(?<![\w./\\:<>@-])(?:[\w@%+~-][\w.@%+~-]*/)?[\w@%+~-][\w.@%+~-]*\.(?:{_FILE_EXTENSIONS})"
                            r"(?:\.\d+)*(?![\w.-]*\w)(?!:\d)"), "<PATH>", re.compile(rf"\.(?:{_FILE_EXTENSIONS})\b"),
         compiled="file", needs=_pairs(".", _EXTENSION_STARTS)),
    # ISO 8601 (and BG/L's `2005-06-03-15.42.50.675872`), syslog/ctime/Java `Sun Jul 24 02:38:22 [CET] 2005`,
    # Apache `10/Oct/2000:13:55:36 -0700`: a date in the message, as timestamps in headers are already cut.
    Mask("timestamp", re.compile(
        r"\b\d{4}-[01]\d-[0-3]\d(?:[T ][0-2]\d:[0-5]\d(?::[0-5]\d)?(?:[.,]\d+)?(?:Z|[+-][0-2]\d:?[0-5]\d)?"
        r"|-[0-2]\d\.[0-5]\d\.[0-5]\d(?:\.\d+)?)?(?![\w:])"
        rf"|\b(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? )?(?:{_MONTHS}) +[0-3]?\d,?(?: \d{{4}})? [0-2]\d:[0-5]\d:[0-5]\d"
        r"(?:[.,]\d+)?(?: (?:[A-Z]{2,5}|[+-]\d{4})(?= \d{4}\b))?(?: \d{4})?\b"
        rf"|\b[0-3]\d/(?:{_MONTHS})/\d{{4}}:[0-2]\d:[0-5]\d:[0-5]\d(?: [+-]\d{{4}})?"), "<DATE>",
         re.compile(r":[0-5]\d:|-[01]\d-"), compiled="timestamp", needs=_pairs(":", "012345") + _pairs("-", "01")),
    Mask("key-value", re.compile(r"(?<![\w.-])([\w.-]++)=(?:<[A-Z]+>|[^\s,;&)\]]+)"), r"\1=<*>", ("=",),
         compiled="key-value", needs=("=",)),
    # Java's Object.toString(): `Class@1b6d3586` (the hash has 1 to 8 hex digits, letters only or digits only too).
    Mask("java-identity-hash", re.compile(r"\b([A-Z][\w$]*)@[0-9a-f]{1,8}\b"), r"\1@<HEX>", ("@",),
         compiled="java-identity-hash", needs=("@",)),
    Mask("k8s-pod", re.compile(
        rf"(?<![\w.-])[a-z][a-z0-9]*(?:-[a-z0-9]+)*?-(?:(?={_K8S}*\d){_K8S}{{6,10}}-{_K8S}{{5}}"   # deployment
        rf"|{_K8S}{{6,10}}-(?={_K8S}*\d){_K8S}{{5}}|(?={_K8S}*\d){_K8S}{{5}})(?![a-z0-9]|[.-][a-z0-9])"), "<POD>",
         re.compile(rf"-{_K8S}{{5}}(?![a-z0-9])"), compiled="k8s-pod", needs=_pairs("-", _K8S[1:-1])),
    # Ids made of a word prefix and (signed) numbers: HDFS `blk_-6952295868487656571`, Hadoop `job_1445144423722_0020`,
    # `attempt_..._m_000000_0`, `DFSClient_NONMAPREDUCE_1537864556_1`, Spark `rdd_2_3`, `broadcast_0_piece0`.
    Mask("prefixed-id", re.compile(r"\b([A-Za-z]+(?:_[A-Za-z][A-Za-z0-9]*)*_)[-+]?\d+"
                                   r"(?:_[A-Za-z]{0,8}_?\d+)*\b"), r"\1<N>", re.compile(r"_[-+]?\d"),
         compiled="prefixed-id", needs=_pairs("_", _DIGITS + "+-")),
    # Hex from 6 digits (short commit ids, Java/Android identity hashes) when it mixes letters and digits.
    Mask("hex", re.compile(r"\b0[xX][0-9a-fA-F]+\b|\b(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{6,}\b"),
         "<HEX>", re.compile(r"[0-9a-fA-F]{6}|0[xX]"), compiled="hex", needs=tuple(_DIGITS)),
    Mask("long-id", re.compile(r"\b(?=\w{16})(?=\w*\d)(?=\w*[a-zA-Z])\w{16,}\b"), "<ID>", "digit",
         compiled="long-id", needs=tuple(_DIGITS)),
    # Durations, Go's composite ones too (`5m0s`, `1h2m3.5s`).
    Mask("duration", re.compile(r"\b(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+\b"
                                r"|\b\d+(?:\.\d+)?\s(?:ms|secs?|seconds?|mins?|minutes?|hours?|days?)\b"), "<DUR>",
         re.compile(r"\d(?:[nuµm]?s|[mh])\b|\d\s(?:ms|sec|min|hour|day)"), compiled="duration", needs=tuple(_DIGITS)),
    # Linux block devices without a partition number where the kernel names one: `dev sda`, `(device dm-0)`,
    # `[sdb]` (with digits, `sdc1`, `nvme0n1p2`, `mmcblk0p1`, `loop3`, they are numbered names: see below).
    Mask("block-device", re.compile(r"(?:(?<=dev )|(?<=device )|(?<=disk )|(?<=\[)|(?<=\())"
                                    r"(?:x?[shv]d[a-z]{1,2}|dm-\d+)(?=[\]),:\s]|$)"), "<DEV>",
         ("sd", "hd", "vd", "dm-"), compiled="block-device", needs=("sd", "hd", "vd", "dm")),
    # Blue Gene/L hardware locations: rack, midplane, node/link/service card (hex), card, connector, unit:
    # `R02-M1-N0-C:J12-U11`, `R63-M0-NC-I:J18-U01`, `R02-M1-L0-U00-A`.
    Mask("bgl-location", re.compile(r"\bR[0-9A-F]{2}-M\d(?:[-:][A-Z][0-9A-F]{0,2})*\b"), "<LOC>",
         re.compile(r"R[0-9A-F]{2}-M\d"), compiled="bgl-location", needs=("-M",)),
    # Numbered instances: `vol1`, `eth0`, `node7`, BG/L `bglio11` -> `vol<N>`, `eth<N>` ...; block devices `sdb1`,
    # `nvme1n1` -> `<DEV>`.
    Mask("numbered-name", re.compile(r"\b([A-Za-z]++)\d++(?:[A-Za-z]++\d++)*+\b"), _numbered_name, "digit",
         compiled="numbered-name", needs=tuple(_DIGITS)),
    # dmesg pads its uptime stamp: `[    5.123456]`, `[12345.123456]`.
    Mask("kernel-uptime", re.compile(r"\[ *\d+\.\d+\]"), "[<N>]", re.compile(r"\[ *\d+\.\d"), compiled="kernel-uptime",
         needs=_pairs("[", " " + _DIGITS)),
    # Numbers; one glued to a short unit keeps the unit: `8733793kB`, `512MiB` -> `<N>kB`, `<N>MiB`.
    Mask("number", re.compile(r"\b\d+(?:[.:]\d+)*(?:\b|(?=[a-zA-Z]{1,3}\b))"), "<N>", "digit", compiled="number",
         needs=tuple(_DIGITS)),
    # The sign of a number that starts its token (`offset -4096`, `error -110`), not a dash within a name (`SKU-12`).
    Mask("number-sign", re.compile(r"(?<![\w.+-])[-+](?=<N>)"), "", ("-<N>", "+<N>"), compiled="number-sign",
         needs=("-<", "+<")),
    # A size printed with the unit that suits it (Spark `computed 1.5 MB so far`, YARN `1.0 GB of 2 GB`): the unit
    # varies with the value. (A unit glued to the number, `8733793kB`, is kept: the format fixes it.)
    Mask("size", re.compile(r"<N> (?:[KMGTPE]i?B|kB|bytes)\b"), "<SIZE>",
         re.compile(r"<N> (?:[KMGTPEk]i?B|bytes)\b"), compiled="size", needs=_pairs(" ", "KMGTPEkb")),
    # A name after `user`/`tenant`/`account`/`customer` (`User bob not found`, `invalid user admin from <IP>`) when
    # what follows shows it is a name: a verb or preposition, punctuation or the end of the message. Status words
    # (`user not found`, `account locked`, `user deleted`, `customer exists`) are not names.
    Mask("name-after-keyword", re.compile(
        r"\b((?i:user|username|tenant|account|customer)) "
        r"(?!(?i:not|no|is|was|has|had|does|did|can|cannot|could|with|from|for|in|on|at|to|of|and|or|the|a|an|id|name"
        r"|session|already|account|profile|data|request|exists?|unknown|invalid|missing|inactive|active|required"
        r"|denied|mismatch|limit|quota|\w{3,}ed|\w+ing)\b)([\w@+-]+(?:\.[\w@+-]+)*)"
        r"(?=$|[,:;)\]]|\.(?:\s|$)| (?:not|is|was|has|had|does|did|doesn't|cannot|can't|from|in|on|at|to|for|with"
        r"|without|after|before|via|because)\b)"), r"\1 <NAME>",
         ("ser ", "SER ", "enant ", "ENANT ", "ccount ", "CCOUNT ", "ustomer ", "USTOMER "),
         compiled="name-after-keyword", needs=("r ", "R ", "t ", "T ")),
    # sshd names the account without the word user: `Failed password for root from <IP>`, `Accepted publickey for
    # deploy from <IP>` (`for invalid user x` is the rule above).
    Mask("ssh-account", re.compile(r"\b((?:Failed|Accepted) [\w-]+ for) (?!invalid user )[\w.@+-]+(?= from )"),
         r"\1 <NAME>", ("Failed ", "Accepted "), compiled="ssh-account", needs=("Fa", "Ac")),
    # sudo's log line names the invoking user, and ends with the command and its arguments (any number of tokens).
    Mask("sudo-user", re.compile(r"\b(sudo(?:\[<N>\])?:) +[\w.@-]+ :"), r"\1 <NAME> :", ("sudo",), needs=("ud",)),
    Mask("sudo-command", re.compile(r"\b(COMMAND=)<\*>.*"), r"\1<*>", ("COMMAND=<*>",), needs=("D=",)),
    # systemd's job messages name the unit by its Description, free text of any length.
    Mask("systemd-description", re.compile(
        r"\b(systemd(?:\[<N>\])?: (?:Failed to start|Failed to stop|Started|Starting|Stopped|Stopping|Reloading"
        r"|Reloaded|Dependency failed for|Reached target|Stopped target)) \S.*\.$"), r"\1 <UNIT>.", ("systemd",),
         compiled="systemd-description", needs=("md",)),
    # The kernel names the current process `comm NAME:` (ext4, xfs) and a hung task `task NAME:PID blocked`.
    Mask("kernel-comm", re.compile(r"\b(comm) [^\s:]{1,16}:|\b(task) \S{1,40}?:(?=<N> blocked)"), r"\1\2 <NAME>:",
         ("comm ", " blocked"), needs=("m ", "bl")),
    # Android's uncaught-exception handler names the thread: `FATAL EXCEPTION: OkHttp Dispatcher`.
    Mask("android-crash-thread", re.compile(r"\b(FATAL EXCEPTION:) \S.*"), r"\1 <NAME>", ("FATAL EXCEPTION: ",),
         needs=("N:",)),
    # A process named after its pid, Linux style: `Killed process 4242 (java)`, `pid 17 (nginx)`.
    Mask("process-name", re.compile(r"\b((?i:process|pid|task) <N>) \([\w./:<>-]{1,64}\)"), r"\1 (<NAME>)",
         ("<N> (",), compiled="process-name", needs=(" (",)),
    # Lists of one kind of value (`[<N>, <N>, <N>]`, `<IP> <IP>`) become one placeholder: their length varies.
    Mask("repeats", re.compile(r"(<[A-Z]+>)(?:(?:\s*[,;|]\s*|\s+)\1)+"), r"\1", (", <", "> <", ",<", ";<", "|<"),
         compiled="repeats", needs=_pairs(" ,;|", "<")),
]
# klog structured logging: `file.go:123] "Message" key="value" ...`; the quoted message is the template.
_KLOG_STRUCTURED = re.compile(r'([\w.-]+\.go:\d+\] )("(?:[^"\\]|\\.){1,400}")(?= |$)')
_SPACES = re.compile(r"\s{2,}|[^\S ]")   # runs of blanks and single tabs/newlines (a lone space stays as is)


def mask(text: str, masks: list[Mask] = MASKS) -> str:
    """``text`` with every mask of ``masks`` applied in order (each only when its guard passes).

    MASKS goes through the compiled loop (app/_c_mask.c) where it is built, any other list through _mask_python:
    the same steps either way."""
    if masks is MASKS and _masker is not None:
        return _masker(text)
    return _mask_python(text, masks)


def _mask_python(text: str, masks: list[Mask] = MASKS) -> str:
    """mask() in Python: the reference the compiled loop follows step by step."""
    digits = _DIGIT.search(text) is not None   # masking only removes digits: once none, none later
    for _name, pattern, repl, guard, *_compiled in masks:
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
        elif guard is not None and guard.search(text) is None:
            continue
        text = pattern.sub(repl, text)
    return text


try:  # MASKS read once: the interpreter's work per mask (~30% of mask()'s time) then runs in C
    from ._c_mask import Masker as _Masker
    from ._c_mask import Templater as _Templater
    from ._c_mask import squeeze as _squeeze   # _SPACES.sub(" ", text).strip() of an ASCII text
except ImportError:  # the compiled core is not built: _mask_python does it all
    _masker = _squeeze = _Templater = None
else:
    _masker = _Masker(MASKS)


TEMPLATE_CACHE_SIZE = 4096
_template_cache: dict[str, str] = {}


def make_template(message: str) -> str:
    """The message with its variable parts masked, so that occurrences of one error compare equal.

    In: an event's message (the line minus timestamp/level/thread header). Out: its template, whitespace runs made
    one space, at most TEMPLATE_MAX_CHARS long. Memoised: logs repeat the same message verbatim (e.g. "connection
    refused"), and masking is the costliest step per event. The cache is bounded; when full it starts over (no LRU
    bookkeeping per hit). Where the compiled core is built, ``make_template`` is its Templater (app/_c_mask.c), which
    gives the same templates through the same cache; this function stays as ``make_template_python``.
    """
    template = _template_cache.get(message)
    if template is None:
        if len(_template_cache) >= TEMPLATE_CACHE_SIZE:
            _template_cache.clear()
        template = _template_cache[message] = _make_template(message)
    return template


make_template_python = make_template   # the reference; the compiled templater (below) stands in for it


def _make_template(message: str) -> str:
    # (app/_c_mask.c's Templater does these steps itself for ASCII messages, klog's form too: a change here goes there)
    text = message[:MESSAGE_MAX_CHARS]
    m = _KLOG_STRUCTURED.match(text) if '] "' in text[:120] else None
    if m:
        text = mask(m.group(1)) + m.group(2) + mask(text[m.end():])
    else:
        text = mask(text)
    squeezed = _squeeze(text) if _squeeze is not None else None   # (None: not ASCII, or no compiled core)
    if squeezed is None:
        squeezed = valid_text(_SPACES.sub(" ", text).strip())   # (the compiled squeeze answers ASCII text only)
    return squeezed[:TEMPLATE_MAX_CHARS]


if _Templater is not None:   # make_template with its memo and _make_template's steps in C (~1 us a message less)
    make_template = _Templater(_masker, _template_cache, TEMPLATE_CACHE_SIZE, MESSAGE_MAX_CHARS,  # noqa: F811
                               TEMPLATE_MAX_CHARS, _make_template, klog=_KLOG_STRUCTURED)


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
    """The line as a group's sample: cut to SAMPLE_MAX_CHARS (then ending in `…`), lone surrogates as U+FFFD."""
    line = valid_text(line)
    return line if len(line) <= SAMPLE_MAX_CHARS else line[:SAMPLE_MAX_CHARS] + "…"


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(text: str) -> str:
    """``text`` with each lone surrogate (a str holds one only from a JSON escape such as ``\\ud800``: decoding
    bytes gives none) as U+FFFD, as invalid UTF-8 is decoded: the strings of a summary must encode as UTF-8 (the CLI's
    stdout, storage, mail, the web view)."""
    if text.isascii() or _LONE_SURROGATE.search(text) is None:
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)


# ------------------------------------------------------------------------------------------------------------------
# Merging groups (Drain's one-position similarity, made conservative), once per summary
# ------------------------------------------------------------------------------------------------------------------
WILDCARD = "<*>"
# Templates of fewer tokens never merge: with one or two words besides the first, one differing word is most of
# the message (`Connection refused` / `Connection reset`), not a parameter.
MERGE_MIN_TOKENS = 3
# Distinct plain words (letters only) at one position from which that position counts as a parameter anyway.
# Event enumerations in one slot are short: OpenStack's `VM Started|Paused|Resumed|Stopped (Lifecycle Event)` are
# four distinct Loghub templates, as are read/write lock, refused/reset, load/save; user, thread or rule names run
# to many more values. So 5: one more than the longest such enumeration we know of.
MERGE_PLAIN_WORDS = 5
# A merge can make two groups differ in one position where they differed in two; passes repeat until none merges,
# at most this many (each pass files every cluster at each of its positions).
MERGE_MAX_PASSES = 4

_PLACEHOLDER = re.compile(r"<(?:[A-Z]+|\*)>")
_VALUE_CHARS = re.compile(r"[-_.@/\\:=#%+~&$]")   # inside a token: paths, ids, names with separators, key=value
_EDGE_CHARS = "()[]{},;:!?.\"'"                  # around a word: punctuation of the sentence, not of the value
_CLASS_NAME = re.compile(r"(?:[a-z_]\w*\.)+[A-Z][\w$]*")   # `java.io.IOException`: names an error kind


def tokenize(template: str) -> list[str]:
    """A template's tokens: split on single spaces (make_template leaves no other blanks), so that
    ``" ".join(tokenize(t)) == t``."""
    return template.split(" ")


def is_variable_token(token: str) -> bool:
    """Whether a token of a template looks like a value rather than a word of the message.

    True with a digit, a placeholder (`<N>`, `<*>`, `x=<*>`) or a separator typical of values inside it (`-`, `_`,
    `.`, `@`, `/`, `:`, `=` ...: paths, ids, host/pod/rule names); false for plain words, whatever punctuation of
    the sentence surrounds them (`Started`, `(Lifecycle`, `redis:`), and for qualified class names
    (`java.io.IOException`: an exception type names the error).
    """
    if _DIGIT.search(token) is not None or ("<" in token and _PLACEHOLDER.search(token) is not None):
        return True
    core = token.strip(_EDGE_CHARS)
    if _CLASS_NAME.fullmatch(core):
        return False
    return _VALUE_CHARS.search(core) is not None


def select_merge(values: list[str]) -> list[str]:
    """Of the distinct tokens found at one position of otherwise equal templates, those to merge into `<*>`.

    All of them when at least MERGE_PLAIN_WORDS are plain words (the position is a parameter); else the variable
    looking ones, counting a word whose plural or singular is there too (printf's `%d attempt%s`: `attempt;` and
    `attempts;`), when there are two or more of them; else none (plain words stay apart: `Started` / `Paused`).
    """
    words = {v.strip(_EDGE_CHARS) for v in values}
    variable = [v for v in values if is_variable_token(v) or _plural_partner(v.strip(_EDGE_CHARS)) in words]
    if len(values) - len(variable) >= MERGE_PLAIN_WORDS:
        return list(values)
    return variable if len(variable) >= 2 else []


def _plural_partner(word: str) -> str:
    return word[:-1] if word.endswith("s") else word + "s"


class _Cluster:
    """Groups of one level whose templates are merged into ``tokens``."""
    __slots__ = ("level", "tokens", "members")

    def __init__(self, level: str, tokens: tuple[str, ...], members: list[dict]):
        self.level = level
        self.tokens = tokens
        self.members = members


# Up to this many tokens, _merge_pass keys a template at a position by a copy of its other tokens: O(tokens^2) per
# cluster but in C, cheaper than _chain_ids's O(tokens) in Python below about 100 tokens (measured).
_SLICED_MAX_TOKENS = 96


def _chain_ids(tokens: tuple[str, ...], prefixes: dict, suffixes: dict) -> tuple[list[int], list[int]]:
    """(ids of tokens[:i], ids of tokens[i:]) for i in 0..len(tokens): equal ids, equal token runs (interned as
    (id of the run one shorter, token) in ``prefixes``/``suffixes``), so that comparing two templates but at one
    position is comparing two ints, and filing costs O(tokens) per cluster."""
    head = [0]
    for token in tokens:
        head.append(prefixes.setdefault((head[-1], token), len(prefixes) + 1))
    tail = [0]
    for token in reversed(tokens):
        tail.append(suffixes.setdefault((tail[-1], token), len(suffixes) + 1))
    tail.reverse()
    return head, tail


def _merge_pass(clusters: dict[int, _Cluster], next_id: int) -> int:
    """One pass over the token positions, left to right, merging in place; returns the next free cluster id
    (unchanged when nothing merged). Only clusters of one level and length can merge, so each such class is worked
    apart; at each position its live clusters are filed by their tokens but that one (a bucket holds exactly the
    templates equal except there), and a cluster merged at a position is filed again from the next one on. The
    clusters that come out do not depend on the order of the classes or buckets: merges at one position are
    disjoint, and what a merge makes (tokens, members) depends only on its bucket."""
    classes: dict[tuple[str, int], list[int]] = defaultdict(list)
    for cid, cluster in clusters.items():
        if len(cluster.tokens) >= MERGE_MIN_TOKENS:
            classes[(cluster.level, len(cluster.tokens))].append(cid)
    for (level, n), live in classes.items():
        if len(live) < 2:
            continue
        # The key of a cluster at a position: its tokens but that one, as a tuple (copied and hashed in C: the
        # cheaper for the usual lengths), or for long templates as two ints (_chain_ids: O(tokens) per cluster).
        sliced = n <= _SLICED_MAX_TOKENS
        chains: dict[int, tuple[list[int], list[int]]] = {}
        if not sliced:
            prefixes: dict[tuple[int, str], int] = {}
            suffixes: dict[tuple[int, str], int] = {}
            for cid in live:
                chains[cid] = _chain_ids(clusters[cid].tokens, prefixes, suffixes)
        for pos in range(1, n):   # never position 0: the first token is the message's subject or source
            if sliced:
                keys = [t[:pos] + t[pos + 1:] for t in [clusters[cid].tokens for cid in live]]
            else:
                keys = [(head[pos], tail[pos + 1]) for head, tail in [chains[cid] for cid in live]]
            if len(set(keys)) == len(keys):   # no two differ only at pos (the usual case: checked in C)
                continue
            buckets: dict[object, list[int]] = {}
            for key, cid in zip(keys, live):
                bucket = buckets.get(key)
                if bucket is None:
                    buckets[key] = [cid]
                else:
                    bucket.append(cid)
            first_new = next_id
            for cids in buckets.values():
                if len(cids) < 2:
                    continue
                chosen = set(select_merge([clusters[cid].tokens[pos] for cid in cids]))
                if not chosen:
                    continue
                tokens = clusters[cids[0]].tokens
                members = []
                for cid in cids:
                    if clusters[cid].tokens[pos] in chosen:
                        members.extend(clusters.pop(cid).members)
                merged = clusters[next_id] = _Cluster(level, tokens[:pos] + (WILDCARD,) + tokens[pos + 1:], members)
                if not sliced:
                    chains[next_id] = _chain_ids(merged.tokens, prefixes, suffixes)
                next_id += 1
            if next_id > first_new:   # the merged ones go last: cids stay ascending, as in the clusters dict
                live = [cid for cid in live if cid in clusters] + list(range(first_new, next_id))
    return next_id


def merge_groups(groups: list[dict]) -> tuple[list[dict], dict[str, str]]:
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
    O(groups * tokens) Python steps per pass (see _merge_pass); the result does not depend on the order of ``groups``.
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


def _carry_raws(group: dict, first: dict, last: dict) -> None:
    """The raw lines of a merged group's first and last events (when the members carry them)."""
    if "first_raw" in first:
        group["first_raw"] = first["first_raw"]
    if "last_raw" in last:
        group["last_raw"] = last["last_raw"]


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


_RAW_KEYS = ("first_raw", "last_raw")


class GroupTable:
    """Per-group counts for the summary; see the module docstring for the memory bound."""

    def __init__(self, max_tracked: int | None = None, exact_limit: int | None = None):
        self._groups: dict[str, dict] = {}
        self._max_tracked = MAX_TRACKED_GROUPS if max_tracked is None else max_tracked
        self._distinct = DistinctCounter(EXACT_DISTINCT_LIMIT if exact_limit is None else exact_limit)

    def add(self, gid: str, level: str, template: str, line_no: int, sample_line: str, raw: str | None = None) -> None:
        """One event. ``raw``: the physical line it starts on, kept (a reference, never parsed here) for the group's
        first and last event as ``first_raw``/``last_raw`` (app.scan reads their times, each line once)."""
        group = self._groups.get(gid)
        if group is not None:   # (inline: a sequential scan runs this once per event)
            group["count"] += 1
            group["last_line"] = line_no
            group["last_raw"] = raw
            return
        self.add_group(gid, level, template, 1, line_no, line_no, sample_line, raw, raw)

    def add_group(self, gid: str, level: str, template: str, count: int, first_line: int, last_line: int,
                  sample_line: str, first_raw: str | None, last_raw: str | None) -> bool:
        """``count`` events of one group at once (count >= 1), with exactly the effect of that many ``add`` calls:
        the first at ``first_line`` (``sample_line``, ``first_raw``), the last at ``last_line`` (``last_raw``). The
        events between change only the count, and the distinct counter sees an id once or many times alike. True
        when this starts tracking the group (its ``first_raw`` is then kept to the end)."""
        group = self._groups.get(gid)
        if group is not None:
            group["count"] += count
            group["last_line"] = last_line
            group["last_raw"] = last_raw
            return False
        self._distinct.add(int(gid, 16))
        if len(self._groups) < self._max_tracked:
            self._groups[gid] = {"id": gid, "level": level, "template": template, "count": count,
                                 "first_line": first_line, "last_line": last_line, "sample": make_sample(sample_line),
                                 "first_raw": first_raw, "last_raw": last_raw}
            return True
        return False

    def add_sums(self, groups: dict[str, list], line_offset: int = 0) -> list[str | None]:
        """add_group for each group of an app.scan.GroupSums (``{gid: [level, template, sample, count, traces,
        first_line, last_line, first_raw, last_raw]}``, lines shifted by ``line_offset``), in its order, with the
        known groups updated here (a stitch of a chunk's sums met ~450 groups, most of them known, and two Python
        calls each were most of its cost). Returns the ``first_raw`` of each group this starts tracking."""
        tracked = self._groups
        started = []
        for gid, (level, template, sample, count, _, first, last, first_raw, last_raw) in groups.items():
            group = tracked.get(gid)
            if group is not None:
                group["count"] += count
                group["last_line"] = line_offset + last
                group["last_raw"] = last_raw
            elif self.add_group(gid, level, template, count, line_offset + first, line_offset + last, sample,
                                first_raw, last_raw):
                started.append(first_raw)
        return started

    @property
    def total(self) -> int:
        return self._distinct.count()

    def top(self, n: int) -> list[dict]:
        """The n most frequent tracked groups (copies without the raw lines), as added (not merged); ties in order of
        first appearance."""
        ranked = sorted(self._groups.values(), key=lambda g: (-g["count"], g["first_line"]))
        return [{k: v for k, v in g.items() if k not in _RAW_KEYS} for g in ranked[:max(n, 0)]]

    def raw_lines(self) -> list[str]:
        """The raw lines of every tracked group's first and last event (those known)."""
        return [raw for g in self._groups.values() for raw in (g["first_raw"], g["last_raw"]) if raw is not None]

    def merged(self) -> tuple[list[dict], dict[str, str]]:
        """merge_groups over all tracked groups: (merged groups, most frequent first, each with ``first_raw`` and
        ``last_raw``; {tracked id: merged id})."""
        return merge_groups(list(self._groups.values()))
