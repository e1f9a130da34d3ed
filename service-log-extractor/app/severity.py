"""Reads a log line's own severity field and the message behind its header.

``classify(line)`` returns ``(level, message, flags)``:
  level    FATAL / ERROR / WARN (an event), OTHER (a recognised non-event level: INFO, DEBUG, NOTICE, ...)
           or None (the line has no severity field);
  message  for events: the line without its header (timestamp, pid, host, thread), unmasked;
  flags    HAS_TRACE (a JSON event carrying a stack trace field) | WANTS_NEXT (.NET console logger: the
           message is on the next, indented line).

Formats with a fixed layout (klog, logcat, syslog <PRI>, JSON lines, .NET console) are matched first.
Everything else goes through a header scan that walks the leading tokens (timestamps, numbers, bracketed
fields, a few words such as host/app/logger) and stops at the first level word; an upper-case level word
counts anywhere in that header, a lower/mixed-case one only where formats put it (`[error]`, `[core:warn]`,
`level=error`, `error:` at the start of the line or of the message). A word like "error" further into the
message never counts. Lines without any hint of an event level skip the scan (cheap prefilter).
"""
from __future__ import annotations

import csv
import json
import re

try:  # the compiled fast path (app/_c_classify.c); without it the Python code below answers every line
    from ._c_classify import fast as _fast
except ImportError:
    _fast = None

FATAL, ERROR, WARN, OTHER = "FATAL", "ERROR", "WARN", "OTHER"
HAS_TRACE, WANTS_NEXT = 1, 2
HEAD_CHARS = 512          # the header scan and the prefilter look at this much of a line
MAX_HEADER_WORDS = 4      # free words (host, app, logger, thread) allowed before the level

_LEVELS = {
    **dict.fromkeys(("fatal", "critical", "crit", "emerg", "emergency", "alert", "panic", "ftl", "fata", "pani"),
                    FATAL),
    # zap's `dpanic` ("particularly important errors": a panic in development only, an error in production)
    **dict.fromkeys(("error", "err", "severe", "erro", "eror", "dpanic"), ERROR),
    **dict.fromkeys(("warn", "warning", "wrn"), WARN),
    **dict.fromkeys(("info", "information", "informational", "inf", "notice", "note", "debug", "dbg", "debu",
                     "trace", "trc", "trac", "verbose", "vrb", "fine", "finer", "finest", "config", "log",
                     "statement", "detail", "hint", "context", "default"), OTHER),
}
_DOTNET_LEVELS = {"fail": ERROR, "crit": FATAL, "warn": WARN, "info": OTHER, "dbug": OTHER, "trce": OTHER}
_LETTER = {"V": OTHER, "D": OTHER, "I": OTHER, "S": OTHER, "W": WARN, "E": ERROR, "F": FATAL, "A": FATAL}
_TIME_WORDS = frozenset(
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august "
    "september october november december mon tue wed thu fri sat sun monday tuesday wednesday thursday "
    "friday saturday sunday am pm utc gmt z cet cest eet eest est edt cst cdt mst mdt pst pdt bst ist jst msk".split())
_UPPER_LEVEL_WORDS = "|".join(sorted((w.upper() for w in _LEVELS), key=len, reverse=True))



def has_event_hint(text: str) -> bool:
    """Cheap prefilter: a line without any of these cannot be an event (no need for the header scan).

    Plain substring tests on the lower-cased text: ~10x faster than a case-insensitive regex search.
    """
    low = text.lower()
    return ("err" in low or "eror" in low or "warn" in low or "wrn" in low or "fata" in low or "ftl" in low or "crit" in low
            or "emerg" in low or "alert" in low or "pani" in low or "severe" in low or "fail" in low)


# ... and such a line resets the multi-line context when it looks like a non-event header line. Three patterns,
# each tried only when the line holds text it needs (one case-insensitive alternation over the whole head cost
# ~10 us a line, and most lines inside an event hold none of these).
_OTHER_HINT_UPPER = re.compile(
    r"\b(?:INFO|DEBUG|TRACE|NOTICE|VERBOSE|FINEST|FINER|FINE|CONFIG|INF|DBG|VRB|TRC|DEBU|TRAC)\b|\bLOG:")
_OTHER_HINT_UPPER_STEMS = ("INF", "DEBU", "TRAC", "NOTICE", "VERBOSE", "FINE", "CONFIG", "DBG", "VRB", "TRC", "LOG:")
_OTHER_HINT_BRACKET = re.compile(r"(?i:\[(?:info|debug|notice|trace|note)\]|:(?:info|debug|notice|trace)\])")
_OTHER_HINT_KEY = re.compile(r"(?i:\b(?:level|lvl|severity)=)")


def has_other_hint(head: str) -> bool:
    """True when ``head`` holds a non-event level word or field (INFO, ``[debug]``, ``level=``): such a line ends
    the event above (OTHER) even where the header scan is not run."""
    if "]" in head and _OTHER_HINT_BRACKET.search(head):
        return True
    if "=" in head and _OTHER_HINT_KEY.search(head):
        return True
    for stem in _OTHER_HINT_UPPER_STEMS:
        if stem in head:
            return _OTHER_HINT_UPPER.search(head) is not None
    return False

# Fast path for the commonest header: timestamp/number tokens, then an upper-case level word or a bracketed level
# (`2026-11-27 10:00:00,123 ERROR ...`, `2026/11/27 10:00:00 [error] ...`). Returns what the token scan returns;
# anything else falls through to it (tests compare both on every sample).
_NUMERIC_HEADER = re.compile(
    r"(?:\d[^\s\[\]()<>|]*\s+){1,16}(?:([A-Z]+)(?=[\s\[\]()<>|:,;/]|$)|\[([^\[\]]{0,120})\])")
# Fast path for logfmt led by its timestamp: `time=2026-11-27T10:00:00Z level=error msg=...`.
_LOGFMT_HEADER = re.compile(r'(?:time|ts|t|timestamp|at|date)=[^\s\[\]()<>|"]+ (level|lvl|severity)=("?)([A-Za-z]+)')
_OTHER_HINT_WORDS = frozenset(
    "INFO DEBUG TRACE NOTICE VERBOSE FINEST FINER FINE CONFIG INF DBG VRB TRC DEBU TRAC".split())

_KLOG = re.compile(r"([IWEF])(?:0[1-9]|1[0-2])[0-3]\d \d\d:\d\d:\d\d\.\d+\s+\d+ ([^\]\s]+)\] ?(.*)", re.S)
_LOGCAT_TIME = re.compile(r"(?:\d{4}-)?\d\d-\d\d\s+\d\d:\d\d:\d\d\.\d+\s+")
_LOGCAT_THREADTIME = re.compile(r"(?:[\w.]+\s+)??\d+\s+\d+ +([VDIWEFAS]) \s*(.*?)\s*: ?(.*)", re.S)
# brief/time/process formats `E/Tag( 123): msg`; the pid-less `-v tag` form only with a one-word tag.
_LOGCAT_BRIEF = re.compile(r"([VDIWEFAS])/(?:([^(:]*?)\s*\(\s*\d+\)|([\w.$-]+))\s*: ?(.*)", re.S)
_DOTNET = re.compile(r"(fail|crit|warn|info|dbug|trce): (.*)", re.S)
_DOTNET_CATEGORY_ONLY = re.compile(r"[\w.`+<>-]+\[\d+\]\s*$")
# PHP error log: `[27-Nov-2026 10:00:00 UTC] PHP Fatal error:  Uncaught ...`
_PHP = re.compile(r"(?:\[[^\]]{0,64}\]\s*)?PHP (Fatal error|Parse error|Recoverable fatal error|Catchable fatal error"
                  r"|Warning|Notice|Deprecated|Strict Standards): +(.*)", re.S)
_PHP_LEVELS = {"Fatal error": FATAL, "Parse error": ERROR, "Recoverable fatal error": ERROR,
               "Catchable fatal error": ERROR, "Warning": WARN}

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<kv>(?i:level|lvl|severity|loglevel|log\.level)="?[A-Za-z]+)
  | \[(?P<br>[^\[\]]{0,120})\]
  | \((?P<pa>[^()]{0,120})\)
  | <(?P<an>[^<>]{0,40})>
  | (?P<num>[#*+-]?\d[^\s\[\]()<>|]*)
  | (?P<sep>[-|:>=~*]+(?=\s|$)|[»•|])
  | (?P<word>[^\s\[\]()<>|]+)
  | (?P<junk>.)
""", re.X | re.S)
_ALPHA = re.compile(r"[A-Za-z]+")
# Level names read as a column with a single space behind them (app.candidates finds the event ones right after
# a time's last digit or `Z`).
_COLUMN_WORDS = frozenset(("error", "err", "warning", "warn", "fatal", "info", "information", "debug", "trace",
                           "notice", "verbose"))
_AFTER_TIME = re.compile(r".{0,2}?[0-9Z],? (?=\w)", re.S)   # the 3 characters before a level right after a time
_LEVEL_TERMINATORS = frozenset(("", ":", ",", ";", "/", "|"))
_APACHE_MODULE_LEVEL = re.compile(r"[\w.-]*:([A-Za-z]+)")
_UPPER_LEVEL_IN_BRACKET = re.compile(rf"(?<![\w.-])({_UPPER_LEVEL_WORDS})(?![\w.-])")
# Header debris between the level and the message: numbers (pid), [thread]/[component], separators.
# Brackets nest one level deep in thread names (ZooKeeper's `[QuorumPeer[myid=3]/0:0:0:0:0:0:0:0:2181:...@368]`).
_HEADER_DEBRIS = re.compile(
    r"(?:\s+|[-:|>=~*]+(?=\s)|--+|\[(?:[^\[\]]|\[[^\[\]]{0,120}\]){0,200}\]|\d[\w#.:,/-]*|[#*]\d+:?)*")
# Monolog/Laravel/Symfony write the level glued to the channel: `production.ERROR:`, `app.WARNING:`.
_CHANNEL_LEVEL = re.compile(r"[\w-]+\.([A-Z]+):?")
# logfmt's level key wherever it stands among the pairs (`ts=... caller=... component=... level=error`).
_LOGFMT_SEARCH_CHARS = 4096
# A logfmt line: two key=value pairs to begin with. Its pairs are read with quotes respected, so that
# `msg="parsing level=error" level=info` is an INFO line.
_LOGFMT_LINE = re.compile(r'[\w.@-]+=(?:"(?:[^"\\]|\\.)*"|[^\s"]*) +[\w.@-]+=')
_LOGFMT_PAIR = re.compile(r'([\w.@-]+)=("(?:[^"\\]|\\.)*"|[^\s"]*)')
_LOGFMT_LEVEL_KEYS = frozenset(("level", "lvl", "severity", "loglevel", "log.level"))
# A CSV row (PostgreSQL csvlog, Event Viewer exports, CSV appenders) whose severity is a column of its own.
_CSV_MIN_COMMAS = 3
_CSV_MAX_FIELDS = 16

_JSON_LEVEL = re.compile(
    r'"(?i:level|severity|lvl|loglevel|log\.level|levelname|log_level|@l)"\s*:\s*"?([A-Za-z]+|\d+)')
# MongoDB 4.4+ structured log: `{"t":{"$date":...},"s":"E","c":"STORAGE","id":22435,"ctx":...,"msg":...}`;
# severity F/E/W/I and D1..D5.
_MONGO = re.compile(r'\{"t":\{"\$date":"[^"]*"\},\s*"s":"([FEWID]\d?)\s*"')
# Redis: `1:M 29 Nov 2026 10:00:00.123 # msg` (2.x: `[1] 29 Nov 10:00:00.123 # msg`); `.` debug, `-` verbose,
# `*` notice, `#` warning.
_REDIS = re.compile(r"(?:\d+:[XCSM]|\[\d+\]) \d{1,2} [A-Z][a-z]{2} (?:\d{4} )?\d\d:\d\d:\d\d(?:\.\d+)? ([.*#-]) (.*)", re.S)
# Ruby's Logger: `E, [2026-11-29T10:00:00.123456 #1234] ERROR -- progname: message`; Rails puts tags (a request
# id) in brackets before the message.
_RUBY = re.compile(r"[DIWEFAU], \[[^\]]{0,64}\] +([A-Z]+) -- [^:]{0,120}: ?(.*)", re.S)
_RUBY_TAGS = re.compile(r"(?:\[[^\]]{0,80}\] ?)+")
_JSON_LEVEL_KEYS = ("level", "severity", "lvl", "loglevel", "log.level", "levelname", "log_level", "@l")
_JSON_MESSAGE_KEYS = ("msg", "message", "@m", "@mt", "event", "text", "log", "short_message")
_JSON_ERROR_KEYS = ("error", "err", "exception", "exc_info", "error.message")
_JSON_TRACE_KEYS = ("stack_trace", "stacktrace", "stack", "exc_info", "exception", "error.stack_trace", "err", "error",
                    "error.stack", "@x")
_JSON_STRING = re.compile(r'"(?:msg|message)"\s*:\s*"((?:[^"\\]|\\.){0,2000})"')
_LOGFMT_VALUE = re.compile(r'(?:^|\s)(msg|message|error|err)=(?:"((?:[^"\\]|\\.)*)"|(\S+))')


def level_of_word(word: str) -> str | None:
    """Severity class of a level name written in any case (None if the word is not a level)."""
    return _LEVELS.get(word.lower())


# Syslog: one parser for app.records (which unwraps it) and classify (a `<PRI>` line handed to it directly).
_PRI = re.compile(r"<(\d{1,3})>(.*)", re.S)
_RFC5424 = re.compile(r"1 \S+ \S+ (\S+) \S+ \S+ (?:-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: (.*))?$", re.S)
_RFC3164 = re.compile(
    r"(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d))"
    r" ([\w.:-]+) ([\w./@-]+)(?:\[\d+\])?: ?(.*)", re.S)
MONTHS = frozenset("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())
_BOM = "\ufeff"


def syslog_level(severity: int) -> str:
    """Severity class of a syslog severity 0-7 (RFC 5424 table: 0-2 emerg/alert/crit, 3 err, 4 warning)."""
    return FATAL if severity <= 2 else ERROR if severity == 3 else WARN if severity == 4 else OTHER


def _syslog_3164(text: str) -> tuple[str, str] | None:
    """(tag, message) of an RFC 3164 line, or None. A level word where the host or tag should be means the line is
    a plain log header after all (`2026-11-29T10:00:00Z main ERROR: ...`)."""
    m = _RFC3164.match(text)
    if m is None or level_of_word(m.group(1)) or level_of_word(m.group(2)):
        return None
    return m.group(2), m.group(3)


def parse_syslog(line: str) -> tuple[str | None, str | None, str] | None:
    """(level from the PRI or None, tag or None, message) of a syslog line (RFC 5424, RFC 3164 also with an RFC 3339
    time, a bare `<PRI>`), or None when the line is not one. app.records unwraps with it; classify reads a `<PRI>`
    line it is handed directly (an envelope inside an envelope) with it too."""
    first = line[0]
    if first == "<":
        m = _PRI.match(line)
        if m is None or int(m.group(1)) >= 192:
            return None
        level, rest = syslog_level(int(m.group(1)) % 8), m.group(2)
        m5 = _RFC5424.match(rest)
        if m5:
            app = m5.group(1)
            return level, (None if app == "-" else app), (m5.group(2) or "").lstrip(_BOM)
        parsed = _syslog_3164(rest)
        if parsed:
            return level, parsed[0], parsed[1]
        return level, None, rest
    if (first.isdigit() and line[10:11] == "T") or line[:3] in MONTHS:
        parsed = _syslog_3164(line)
        if parsed:
            return None, parsed[0], parsed[1]
    return None

def classify(line: str, context: bool = True) -> tuple[str | None, str, int]:
    """Severity and message of one non-blank, non-indented line (see module docstring).

    With ``context=False`` (no event is open, so OTHER and None have the same effect) a line without any
    event hint returns None without checking for a non-event level.
    """
    if _fast is not None:
        r = _fast(line, context)
        if r is not None:
            return r
    first = line[0]
    if first in "IWEF":
        m = _KLOG.match(line)
        if m:
            return _LETTER[m.group(1)], f"{m.group(2)}] {m.group(3)}", 0
    if first.isdigit():
        ts = _LOGCAT_TIME.match(line)
        if ts:
            m = _LOGCAT_THREADTIME.match(line, ts.end())
            if m:
                return _LETTER[m.group(1)], f"{m.group(2)}: {m.group(3)}", 0
            m = _LOGCAT_BRIEF.match(line, ts.end())
            if m:
                return _LETTER[m.group(1)], f"{m.group(2) or m.group(3)}: {m.group(4)}", 0
        if line[1:3].find(":") >= 0 or line[1:6].find(":") >= 0:
            m = _REDIS.match(line)
            if m:
                return (WARN if m.group(1) == "#" else OTHER), m.group(2), 0
        result = _numeric_header(line)
        if result is not None:
            return result
    elif first in "VDIWEFAS":
        m = _LOGCAT_BRIEF.match(line)
        if m:
            return _LETTER[m.group(1)], f"{m.group(2) or m.group(3)}: {m.group(4)}", 0
    if first in "DIWEFAU" and line[1:4] == ", [":
        m = _RUBY.match(line)
        if m:
            level = _LEVELS.get(m.group(1).lower(), OTHER)
            return level, ("" if level == OTHER else _RUBY_TAGS.sub("", m.group(2), 1)), 0
    if first == "[" and line[1:2].isdigit():
        m = _REDIS.match(line)
        if m:
            return (WARN if m.group(1) == "#" else OTHER), m.group(2), 0
    if first == "<":
        parsed = parse_syslog(line)
        if parsed is not None and parsed[0] is not None:
            level, tag, message = parsed
            return (OTHER, "", 0) if level == OTHER else (level, f"{tag}: {message}" if tag else message, 0)
    elif first == "{":
        result = _classify_json(line)
        if result is not None:
            return result
    elif first in "fcwidt":
        m = _DOTNET.match(line)
        if m:
            rest = m.group(2)
            return _DOTNET_LEVELS[m.group(1)], rest, WANTS_NEXT if _DOTNET_CATEGORY_ONLY.match(rest) else 0
    if first in "tad":
        m = _LOGFMT_HEADER.match(line)
        if m:
            level = _LEVELS.get(m.group(3).lower())
            if level == OTHER:
                return OTHER, "", 0
            if level is not None:
                return level, _logfmt_message(line), 0
    head = line[:HEAD_CHARS]
    if not has_event_hint(head):
        return (OTHER if context and has_other_hint(head) else None), "", 0
    return _scan_header(line)


def _numeric_header(line: str) -> tuple[str, str, int] | None:
    """The fast path (see _NUMERIC_HEADER), or None to take the token scan. Where the token scan would not be
    reached (no event hint), OTHER is returned only for the words has_other_hint finds, as classify would."""
    m = _NUMERIC_HEADER.match(line)
    if m is None or m.end() > 400:  # the token scan stops at HEAD_CHARS / 32 tokens: stay well inside
        return None
    word = m.group(1)
    if word is not None:
        level = _LEVELS.get(word.lower())
        if level is None or (level == OTHER and word not in _OTHER_HINT_WORDS):
            return None
        if level == OTHER:
            return OTHER, "", 0
        end = m.end()
        return level, _message_after(line, end + 1 if line[end:end + 1] in (":", ",", ";", "/") else end), 0
    level = _bracket_level(m.group(2))
    if level is None or level == OTHER:
        return None
    return level, _message_after(line, m.end()), 0


def _logfmt_level(line: str) -> tuple[str | None, str, int] | None:
    """The level of a logfmt line from its level key (None: no level key; not called for other lines)."""
    for m in _LOGFMT_PAIR.finditer(line, 0, _LOGFMT_SEARCH_CHARS):
        if m.group(1).lower() in _LOGFMT_LEVEL_KEYS:
            level = level_of_word(m.group(2).strip('"'))
            if level is not None:
                return level, (_logfmt_message(line) if level != OTHER else ""), 0
    return None


def _csv_level(line: str) -> tuple[str | None, str, int] | None:
    """The level of a CSV row from its first field that is exactly a level name (PostgreSQL csvlog's severity,
    Event Viewer's Level); the message is the longest text field after it."""
    head = line[:HEAD_CHARS * 4]
    if head.count(",") < _CSV_MIN_COMMAS:
        return None
    try:
        fields = next(csv.reader([head]))[:_CSV_MAX_FIELDS]
    except (csv.Error, StopIteration):
        return None
    for i, field in enumerate(fields):
        level = _LEVELS.get(field.strip().lower())
        if level is not None and (field.isupper() or field.istitle()):
            if level == OTHER:
                return OTHER, "", 0
            rest = [f for f in fields[i + 1:] if f and not f.isdigit()]
            return level, (max(rest, key=len) if rest else line), 0
    return None


def _scan_header(line: str) -> tuple[str | None, str, int]:
    result = _scan_header_tokens(line)
    if result[0] is None and "," in line:
        return _csv_level(line) or result
    return result


def _scan_header_tokens(line: str) -> tuple[str | None, str, int]:
    head = line[:HEAD_CHARS]
    if "=" in head and _LOGFMT_LINE.match(line):
        return _logfmt_level(line) or (None, "", 0)
    if "PHP " in head:
        m = _PHP.match(line)
        if m:
            return _PHP_LEVELS.get(m.group(1), OTHER), m.group(2), 0
    pos = 0
    words = 0
    after_colon = False   # previous token ended with ':' (a syslog tag, "app:"): a message starts here
    timed = False         # a number/timestamp token came before: a level column may follow
    tokens = 0
    while pos < len(head) and tokens < 32:
        m = _TOKEN.match(head, pos)
        pos = m.end()
        kind = m.lastgroup
        if kind == "ws":
            continue
        tokens += 1
        if kind == "kv":
            level = level_of_word(m.group("kv").split("=", 1)[1].lstrip('"'))
            if level is not None:
                return level, (_logfmt_message(line) if level != OTHER else ""), 0
            words += 1
        elif kind == "br":
            level = _bracket_level(m.group("br"))
            if level is not None:
                return level, _message_after(line, pos), 0
        elif kind == "an":
            level = level_of_word(m.group("an").strip())
            if level is not None:
                return level, _message_after(line, pos), 0
        elif kind == "word":
            word = m.group("word")
            alpha = _ALPHA.match(word)
            if alpha:
                name = alpha.group()
                rest = word[alpha.end():alpha.end() + 1]
                level = _LEVELS.get(name.lower()) if rest in _LEVEL_TERMINATORS else None
                if level is not None:
                    lenient = rest == ":" and (words == 0 or after_colon)
                    # The first word after the timestamp, in any case, is a level column (Windows CBS `Info`,
                    # `Warning`; Go's `2026/11/29 10:00:00 error ...`), and it decides the line: padded to a column
                    # width, or one of the common level names (`Alert sent`, `Panic recovered` read as messages).
                    column = words == 0 and (head[pos:pos + 1] == "\t" or (
                        timed and not rest and head[pos:pos + 1] == " " and (head[pos + 1:pos + 2] == " " or (
                            name.lower() in _COLUMN_WORDS and _AFTER_TIME.match(head, max(0, m.start() - 3))))))
                    if name.isupper() or lenient or column:
                        return level, _message_after(line, m.start() + alpha.end() + 1 if rest else pos), 0
                if name.lower() in _TIME_WORDS and len(name) == len(word.rstrip(",.")):
                    after_colon = False
                    continue
                if rest == "." and "." in word:
                    glued = _CHANNEL_LEVEL.fullmatch(word)
                    level = _LEVELS.get(glued.group(1).lower()) if glued else None
                    if level is not None:
                        return level, _message_after(line, pos), 0
            if any(c.isdigit() for c in word):
                continue  # ids and node names (`R11-M1-N2-C:J03-U11`) are header fields, not free words
            words += 1
            if words > MAX_HEADER_WORDS:
                break
            after_colon = word.endswith(":")
            continue
        elif kind == "sep":
            after_colon = m.group("sep").endswith(":")
            continue
        elif kind == "num":
            timed = True
        after_colon = False
    return None, "", 0


def _bracket_level(content: str) -> str | None:
    text = content.strip()
    level = _LEVELS.get(text.lower())
    if level is not None:
        return level
    m = _APACHE_MODULE_LEVEL.fullmatch(text)
    if m:
        return _LEVELS.get(m.group(1).lower())
    m = _UPPER_LEVEL_IN_BRACKET.search(text)
    return _LEVELS[m.group(1).lower()] if m else None


def _message_after(line: str, pos: int) -> str:
    """The message that follows a level field, without the pid/thread/component fields after it."""
    end = _HEADER_DEBRIS.match(line, pos).end()
    return line[end:] if end < len(line) else line[pos:].strip()


def _logfmt_message(line: str) -> str:
    parts = {}
    for m in _LOGFMT_VALUE.finditer(line):
        parts.setdefault(m.group(1), m.group(2) if m.group(2) is not None else m.group(3))
    msg = parts.get("msg") or parts.get("message")
    err = parts.get("error") or parts.get("err")
    if msg or err:
        return ": ".join(p for p in (msg, err) if p)
    return line


def _classify_json(line: str) -> tuple[str | None, str, int] | None:
    """JSON lines: level from level/severity/lvl/log.level (any case, numeric pino/bunyan levels too), MongoDB's
    one-letter `s`."""
    if line.startswith('{"t":'):
        mongo = _MONGO.match(line)
        if mongo:
            level = _LETTER.get(mongo.group(1)[0], OTHER)
            if level == OTHER:
                return OTHER, "", 0
            try:
                obj = json.loads(line)
            except ValueError:
                obj = None
            fields = {k.lower(): v for k, v in obj.items()} if isinstance(obj, dict) else {}
            return level, _json_message(fields, line) if fields else line, _json_flags(fields)
    m = _JSON_LEVEL.search(line)
    if m is not None:
        level = _json_level_value(m.group(1))
        if level is None or level == OTHER:
            return OTHER, "", 0
    elif not has_event_hint(line):
        return None, "", 0
    try:
        obj = json.loads(line)
    except ValueError:
        obj = None
    if not isinstance(obj, dict):
        if m is None:
            return None  # not JSON after all: let the header scan look at it
        s = _JSON_STRING.search(line)
        return level, (s.group(1) if s else line), 0
    fields = {k.lower(): v for k, v in obj.items()}
    if m is not None:
        value = next((fields[k] for k in _JSON_LEVEL_KEYS if k in fields), None)
        if value is None and isinstance(fields.get("log"), dict):
            value = {k.lower(): v for k, v in fields["log"].items()}.get("level")
        if value is not None:
            syslog_scale = "short_message" in fields  # GELF: `level` is a syslog severity 0-7
            level = _json_level_value(str(value), syslog_scale)
            if level is None or level == OTHER:
                return OTHER, "", 0
    elif isinstance(fields.get("log"), str) and fields["log"].strip():
        # Docker json-file wrapper: the log line itself is the "log" string.
        inner = fields["log"].rstrip("\n")
        return classify(inner) if inner[:1].strip() else (None, "", 0)
    else:
        return None, "", 0
    return level, _json_message(fields, line), _json_flags(fields)


def _json_level_value(value: str, syslog_scale: bool = False) -> str | None:
    """A JSON level field's class: a name, or a number on pino/bunyan's scale (10 trace .. 30 info, 40 warn,
    50 error, 60 fatal) or, for GELF, syslog's (0-2 FATAL, 3 ERROR, 4 WARN, 5-7 OTHER)."""
    if value.isdecimal():   # (not isdigit: int("³") raises)
        n = int(value)
        if syslog_scale or n < 10:
            return syslog_level(n) if n <= 7 else OTHER
        return FATAL if n >= 60 else ERROR if n >= 50 else WARN if n >= 40 else OTHER
    return level_of_word(value)


def _json_message(fields: dict, line: str) -> str:
    msg = next((fields[k] for k in _JSON_MESSAGE_KEYS if isinstance(fields.get(k), str) and fields[k]), None)
    err = next((fields[k] for k in _JSON_ERROR_KEYS if isinstance(fields.get(k), str) and fields[k]), None)
    if isinstance(fields.get("error"), dict):
        nested = {k.lower(): v for k, v in fields["error"].items()}
        err = err or next((nested[k] for k in ("message", "msg") if isinstance(nested.get(k), str)), None)
    if err:
        err = err.strip().split("\n", 1)[0]
    if msg or err:
        return ": ".join(p for p in (msg, err) if p)
    return line


def _json_flags(fields: dict) -> int:
    """HAS_TRACE when a stack trace field (top level, or inside an `err`/`error`/`exception` object as pino,
    bunyan, ECS and structlog write it) holds a multi-line trace or a list of frames."""
    for key in _JSON_TRACE_KEYS:
        value = fields.get(key)
        if isinstance(value, dict):
            value = next((v for k, v in value.items() if "stack" in k.lower() or k.lower() == "trace"), None)
        if isinstance(value, (str, list)) and ("\n" in value if isinstance(value, str) else value):
            return HAS_TRACE
    full = fields.get("full_message")   # GELF
    return HAS_TRACE if isinstance(full, str) and "\n" in full.strip() else 0
