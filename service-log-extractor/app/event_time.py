"""An event line's own time: the timestamp its envelope or header states, read as UTC.

``line_time(raw, reference) -> datetime | None`` reads one raw physical line (the envelope for Docker, CRI,
journald and syslog records); ``format_time(dt) -> str`` gives the canonical form of the Summary
(``YYYY-MM-DDTHH:MM:SS[.mmm|.ffffff]Z``). Only the first and last event of each group are read, each line once
(app.scan): nothing here runs per event.

Which timestamp is the line's own:
  * a JSON line: journald's ``__REALTIME_TIMESTAMP`` (µs), else the first of TIME_KEYS that parses (Docker's
    envelope ``time`` is one of them); a Docker line without one: the header of its ``log`` text;
  * any other line: the first time form (FORMS) that starts within the line's head (HEAD_START characters) with
    only header fields before it (a syslog PRI, bracketed fields, level or source words, a Redis ``pid:role``);
    a date inside the message text is not the line's time; else a logfmt ``time=``/``ts=``/``t=`` in the head.

Values: a time without an offset is UTC (named zones other than UTC/GMT are not read: UTC too); an epoch number's
unit is decided by its magnitude (s below 1e11, ms below 1e14, µs below 1e17, else ns), and one below
EPOCH_MIN_SECONDS is not a wall-clock time (an uptime, a counter); a form without a year (syslog ``Mmm dd``, klog
``MMDD``, logcat ``MM-DD``) takes the latest year that puts it not after ``reference`` + YEAR_TOLERANCE
(late-December lines in a January object fall in the previous year). Fractions beyond microseconds are truncated;
a leap second (:60) is read as :59.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

HEAD_START = 64          # a header time starts within this many characters of the line
HEAD_CHARS = 160         # the part of a line a header time lies in
LOGFMT_CHARS = 512       # the part of a line searched for a logfmt time key
YEAR_TOLERANCE = timedelta(days=1)
EPOCH_MIN_SECONDS = 10 ** 8   # 1973-03-03: smaller epoch numbers are uptimes or counters, not times

# JSON keys holding a record's time, in the order they are tried (ECS, Bunyan/pino, zap, Serilog CLEF, MongoDB,
# log4j2 JsonLayout, python-json-logger).
TIME_KEYS = ("time", "timestamp", "ts", "@timestamp", "@t", "t", "date", "datetime", "asctime", "timeMillis",
             "instant")
JOURNALD_KEY = "__REALTIME_TIMESTAMP"

_MONTH_NAMES = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES.split("|"), 1)}
_WEEKDAYS = "Mon|Tue|Wed|Thu|Fri|Sat|Sun"
# The clock part most forms share; `f`: a decimal fraction of a second.
_CLOCK = r"(?P<H>\d\d):(?P<M>\d\d):(?P<S>\d\d)(?:[.,](?P<f>\d{1,9})|:(?P<ms>\d{3}))?"


class TimeForm(NamedTuple):
    """One timestamp form: a pattern whose named groups give the parts. Y year, m month number or b month name,
    d day, H M S, f fraction digits, ms milliseconds as an integer, p AM/PM, z offset (`Z`, `UTC`, `GMT`,
    `+05:30`, `-0700`, `+05`). Without Y the year rule applies (module docstring). ``first``: the characters a
    match can start with (the head search tries a form only where one stands)."""
    name: str
    pattern: re.Pattern
    first: str


_ZONE = r"(?P<z>Z|\ ?(?:UTC|GMT)(?![A-Za-z])|\ ?[+-]\d\d:?\d\d|[+-]\d\d)?"

FORMS: list[TimeForm] = [
    # ISO 8601 / RFC 3339 (`T` or space, `.` or `,`), log4j/Python `2024-01-15 10:22:33,123`, CRI, rsyslog, RFC 5424;
    # nginx's error log and Go's log package `2024/01/15 10:22:33`.
    TimeForm("iso", re.compile(rf"(?<![\d.])(?P<Y>\d{{4}})(?P<sep>[-/])(?P<m>\d\d)(?P=sep)(?P<d>\d\d)[Tt ]{_CLOCK}"
                               rf"{_ZONE}(?!\d)", re.X), "0123456789"),
    # `YYYYMMDD-HH:MM:SS:mmm` (`:` then milliseconds as an integer) or `.fff`.
    TimeForm("compact", re.compile(r"(?<![\d.])(?P<Y>\d{4})(?P<m>\d\d)(?P<d>\d\d)-(?P<H>\d{1,2}):(?P<M>\d{1,2}):"
                                   r"(?P<S>\d{1,2})(?::(?P<ms>\d{1,3})|\.(?P<f>\d{1,9}))?(?!\d)"), "0123456789"),
    # syslog `Mmm dd HH:MM:SS`, ctime and Apache's error log `[Wed Oct 11 14:32:52.123456 2000]`, java.util.logging
    # `Jan 15, 2024 10:22:33 AM`.
    TimeForm("month-name", re.compile(
        rf"(?<![\w])(?:(?:{_WEEKDAYS}),?\ +)?(?P<b>{_MONTH_NAMES})\ +(?P<d>\d{{1,2}}),?\ +(?:(?P<Y>\d{{4}})\ +)?"
        rf"(?P<H>\d{{1,2}}):(?P<M>\d\d):(?P<S>\d\d)(?:[.,](?P<f>\d{{1,9}}))?(?:\ ?(?P<p>[AP]M))?"
        rf"(?:\ +(?P<Y2>\d{{4}})(?!\w))?(?!\d)", re.X), "ADFJMNOSTW"),
    # Two-digit years: Hadoop HDFS `081109 203615` (yyMMdd HHmmss), Spark/log4j `yy/MM/dd HH:mm:ss` `17/06/09 20:10:40`.
    TimeForm("short-year", re.compile(r"(?<![\d.:/-])(?P<y>\d\d)(?:(?P<m>[01]\d)(?P<d>[0-3]\d) (?P<H>[0-2]\d)(?P<M>[0-5]\d)"
                                      r"(?P<S>[0-5]\d)|/(?P<m2>[01]\d)/(?P<d2>[0-3]\d) (?P<H2>[0-2]\d):(?P<M2>[0-5]\d):"
                                      r"(?P<S2>[0-5]\d))(?![\d:])"), "0123456789"),
    # klog/glog `E0115 10:22:33.123456`.
    TimeForm("klog", re.compile(r"(?<![\w])[IWEFD](?P<m>\d\d)(?P<d>\d\d) (?P<H>\d\d):(?P<M>\d\d):(?P<S>\d\d)"
                                r"(?:\.(?P<f>\d{1,9}))?(?!\d)"), "IWEFD"),
    # Android logcat `11-27 10:07:00.100` (no year).
    TimeForm("month-day", re.compile(rf"(?<![\w.:/-])(?P<m>[01]\d)-(?P<d>[0-3]\d) {_CLOCK}(?!\d)"), "01"),
    # Day first with a month name: Apache/nginx access and HAProxy `10/Oct/2000:13:55:36 -0700`, Django
    # `15/Jan/2024 10:22:33`, Redis `27 Nov 2026 08:00:00.018`, Tomcat's catalina.out `28-Nov-2026 22:22:33.123`.
    TimeForm("day-month-name", re.compile(
        rf"(?<![\w])(?P<d>\d{{1,2}})(?P<sep>[/ -])(?P<b>{_MONTH_NAMES})(?P=sep)(?P<Y>\d{{4}})[: ]{_CLOCK}"
        rf"(?:\ (?P<z>[+-]\d{{4}}))?(?!\d)", re.X), "0123456789"),
]

# What may stand before a header time: a syslog PRI (and RFC 5424 version), bracketed or parenthesised fields, level
# or source words (`ERROR`, `E,` of Ruby's Logger, `Warning:`), a Redis `pid:role`, a compose `service |`.
_HEAD_PREFIX = re.compile(r"""(?:
    \s | <\d{1,3}>(?:\d{1,2}\ )? | \[[^\[\]]{0,64}\] | \([^()]{0,64}\)
  | (?:[A-Z]{1,9}|[A-Z][a-z]{1,8})[:,]?(?=[\s\[(]) | \d{1,7}:[A-Z](?=\ ) | [\w.-]{1,40}\ +\|(?=\ ) | [|:-]
)*[\[(]?""", re.X)
# Where a time form may start: a digit not after a digit, or a capital letter not after a letter.
_STARTS = re.compile(r"(?<!\d)\d|(?<![A-Za-z])[A-Z]")
_BY_FIRST = {c: tuple(f for f in FORMS if c in f.first) for c in "".join(f.first for f in FORMS)}
_LOGFMT_START = re.compile(r"[\w.@-]+=")
_LOGFMT = re.compile(r'(?:^|\s)(?:time|ts|t)=(?:"(?P<q>[^"]{1,64})"|(?P<v>[^\s"]{1,64}))')
_NUMBER = re.compile(r"\d{1,20}(?:\.\d{1,9})?")
# A JSON time key in a line json cannot read (cut at the line limit): `"key": "value"` or `"key": number`.
_JSON_KEY = re.compile(r'"(?P<k>__REALTIME_TIMESTAMP|' + "|".join(re.escape(k) for k in TIME_KEYS) +
                       r')"\s*:\s*(?:"(?P<s>[^"\\]{1,64})"|(?P<n>\d{1,20}(?:\.\d{1,9})?)\b)')
_EPOCH_UNITS = ((Decimal(10) ** 11, 1), (Decimal(10) ** 14, 10 ** 3), (Decimal(10) ** 17, 10 ** 6))
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def format_time(dt: datetime) -> str:
    """``dt`` (aware, any zone) as the Summary's UTC form: ``2024-01-15T10:22:33Z``, ``...33.123Z`` when the
    microseconds are a whole non-zero number of milliseconds, ``...33.123456Z`` otherwise when non-zero."""
    dt = dt.astimezone(timezone.utc)
    base = f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}"
    us = dt.microsecond
    if not us:
        return base + "Z"
    return f"{base}.{us // 1000:03d}Z" if us % 1000 == 0 else f"{base}.{us:06d}Z"


def line_time(raw: str, reference: datetime | None = None) -> datetime | None:
    """The time a raw log line states for itself (see the module docstring), as an aware UTC datetime, or None
    when it has none that parses. ``reference`` (aware; naive is taken as UTC; None: now) gives the year of forms
    without one. Never raises on any input."""
    if reference is None:
        reference = datetime.now(timezone.utc)
    elif reference.tzinfo is None:
        reference = reference.replace(tzinfo=timezone.utc)
    else:
        reference = reference.astimezone(timezone.utc)
    if raw.lstrip()[:1] == "{":
        found, text = _json_time(raw.strip(), reference)
        if found is not None or text is None:
            return found
        raw = text
    return _header_time(raw, reference) or _logfmt_time(raw, reference)


def value_time(value, reference: datetime) -> datetime | None:
    """A time field's value (a JSON string, number or object, a logfmt value) as an aware UTC datetime, or None.
    Strings: a time form at the start, or a number; numbers: epoch by magnitude; objects: MongoDB ``{"$date": v}``,
    ``{"$numberLong": "ms"}``, log4j2 ``{"epochSecond", "nanoOfSecond"}``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal, float)):
        return _epoch(Decimal(repr(value)) if isinstance(value, float) else Decimal(value))
    if isinstance(value, str):
        value = value.strip()
        if _NUMBER.fullmatch(value):
            return _epoch(Decimal(value))
        for form in FORMS:
            m = form.pattern.match(value)
            if m is not None:
                return _build(m, reference)
        return None
    if isinstance(value, dict):
        if "$date" in value:
            return value_time(value["$date"], reference)
        if "$numberLong" in value:
            return value_time(value["$numberLong"], reference)
        seconds, nanos = value.get("epochSecond"), value.get("nanoOfSecond", 0)
        if isinstance(seconds, int) and isinstance(nanos, int) and not isinstance(seconds, bool):
            return _epoch(Decimal(seconds) + Decimal(nanos) / 10 ** 9, unit=1)
    return None


def _json_time(line: str, reference: datetime) -> tuple[datetime | None, str | None]:
    """(time, None); or (None, text whose header to read instead): a Docker record's log text when the record has
    no time, the line itself when it is no JSON object (cut at the line limit, or only braces); or (None, None)."""
    try:
        obj = json.loads(line, parse_float=Decimal)
    except (ValueError, RecursionError):   # (a line of nested brackets goes deeper than the parser may)
        obj = None
    if not isinstance(obj, dict):
        for m in _JSON_KEY.finditer(line):   # the keys as text
            value = m.group("s") if m.group("s") is not None else m.group("n")
            if m.group("k") == JOURNALD_KEY:
                found = _epoch(Decimal(value), unit=10 ** 6) if value.isdecimal() else None  # (Decimal("³") raises)
            else:
                found = value_time(value, reference)
            if found is not None:
                return found, None
        return None, line
    realtime = obj.get(JOURNALD_KEY)
    if isinstance(realtime, str) and realtime.isdecimal():
        return _epoch(Decimal(realtime), unit=10 ** 6), None
    for key in TIME_KEYS:
        if key in obj:
            found = value_time(obj[key], reference)
            if found is not None:
                return found, None
    log = obj.get("log")
    return None, (log if isinstance(log, str) else None)


def _header_time(line: str, reference: datetime) -> datetime | None:
    """The first form that starts at a position of the head where a time can start (a digit not after a digit, a
    capital letter) with only header fields before it; at one position, the first form of FORMS."""
    head = line[:HEAD_CHARS]
    if _LOGFMT_START.match(head):   # `key=value` pairs from the start: no header time (the pairs may hold one)
        return None
    for start in _STARTS.finditer(head, 0, HEAD_START + 1):
        p = start.start()
        c = head[p]
        for form in _BY_FIRST.get(c, ()):
            m = form.pattern.match(head, p)
            if m is not None and _HEAD_PREFIX.fullmatch(head, 0, p):
                return _build(m, reference)
    return None


def _logfmt_time(line: str, reference: datetime) -> datetime | None:
    m = _LOGFMT.search(line, 0, LOGFMT_CHARS)
    if m is None:
        return None
    return value_time(m.group("q") if m.group("q") is not None else m.group("v"), reference)


def _epoch(value: Decimal, unit: int | None = None) -> datetime | None:
    """An epoch number; ``unit`` (per second: 1, 10**3, 10**6, 10**9) or else by magnitude."""
    try:
        if unit is None:
            unit = next((u for bound, u in _EPOCH_UNITS if value < bound), 10 ** 9)
        seconds = value / unit
        if not seconds.is_finite() or seconds < EPOCH_MIN_SECONDS:
            return None
        micros = int(value * (10 ** 6) // unit)
        return _EPOCH + timedelta(microseconds=micros)
    except (OverflowError, InvalidOperation, ValueError):
        return None


def _build(m: re.Match, reference: datetime) -> datetime | None:
    g = m.groupdict()
    if g.get("y") is not None:   # a two-digit year: 20yy (the form's second variant names its parts m2, d2, ...)
        g = {**g, "Y": "20" + g["y"], **{k: g[k + "2"] or g[k] for k in ("m", "d", "H", "M", "S")}}
    try:
        month = int(g["m"]) if g.get("m") else _MONTHS[g["b"]]
        day, hour, minute = int(g["d"]), int(g["H"]), int(g["M"])
        second = min(int(g["S"]), 59)
        if g.get("p"):
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if g["p"] == "PM" else 0)
        fraction = g.get("f")
        micros = int(fraction[:6].ljust(6, "0")) if fraction else int(g["ms"]) * 1000 if g.get("ms") else 0
        zone = _zone(g.get("z"))
        if zone is None:
            return None
        year = g.get("Y") or g.get("Y2")
        if year is not None:
            dt = datetime(int(year), month, day, hour, minute, second, micros, tzinfo=zone)
        else:
            dt = _without_year(month, day, hour, minute, second, micros, reference)
        return None if dt is None else dt.astimezone(timezone.utc)
    except (ValueError, OverflowError, KeyError):
        return None


def _zone(text: str | None) -> timezone | None:
    """The offset of a zone suffix; UTC when absent; None when out of range."""
    text = (text or "").strip()
    if not text or text in ("Z", "UTC", "GMT"):
        return timezone.utc
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if text[0] == "-" else offset)


def _without_year(month, day, hour, minute, second, micros, reference: datetime) -> datetime | None:
    """The latest year (from the reference's next one, back eight years for Feb 29) that puts the time not after
    reference + YEAR_TOLERANCE."""
    limit = reference + YEAR_TOLERANCE
    for year in range(reference.year + 1, reference.year - 8, -1):
        try:
            dt = datetime(year, month, day, hour, minute, second, micros, tzinfo=timezone.utc)
        except ValueError:
            continue
        if dt <= limit:
            return dt
    return None
