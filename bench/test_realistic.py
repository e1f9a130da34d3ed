"""Tests of bench/realistic.py: determinism, event shares, fresh values, formats, valid JSON, and a ground truth that
an independent reader of the file (below: the formats' documented shapes, not the extractor) reproduces exactly."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from realistic import FORMAT_NAMES, generate_realistic

MB = 4


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("realistic") / "r.log"
    truth = generate_realistic(path, MB, seed=7)
    data = path.read_bytes()
    return path, truth, data, Oracle().read(data)


# ------------------------------------------------------------------------------------------------------------
# The oracle: unwrap envelopes, then classify each record by its format's own level field
# ------------------------------------------------------------------------------------------------------------
LV = r"(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL)"
HEADERS = [   # (format, regex with the level in group 1)
    ("log4j2", re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} " + LV + r"\s+\[")),
    ("spring", re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\s+" + LV + r" \d+ --- \[")),
    ("python", re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - \S+ - " + LV + " - ")),
    ("flask", re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] " + LV + r" in \w+: ")),
    ("gunicorn", re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000\] \[\d+\] \[" + LV + r"\] ")),
    ("logrus", re.compile(r'^time="[^"]+" level=(\w+) msg=')),
    ("klog", re.compile(r"^([IWEF])\d{4} \d\d:\d\d:\d\d\.\d{6}\s+\d+ [\w.]+:\d+\] ")),
    ("logfmt", re.compile(r"^(?:ts=\S+ caller=\S+ (?:[^\n]* )?)?level=(\w+) ")),
    ("dotnet", re.compile(r"^(trce|dbug|info|warn|fail|crit): [\w.]+\[\d+\]$")),
    ("nginx", re.compile(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[(\w+)\] \d+#\d+: ")),
    ("nginx-access", re.compile(r'^\S+ - \S+ \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] "()')),
    ("apache", re.compile(r"^\[\w{3} \w{3} \d\d \d\d:\d\d:\d\d\.\d{6} \d{4}\] \[(?:\w+:)?(\w+)\] \[pid ")),
    ("postgres", re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC \[\d+\] "
                            r"(DEBUG\d|LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC):  ")),
    ("redis", re.compile(r"^\d+:[MSCX] \d\d \w{3} \d{4} \d\d:\d\d:\d\d\.\d{3} ([.*#-]) ")),
    ("syslog", re.compile(r"^<(\d{1,3})>(?:1 \d{4}-|\w{3} [ \d]\d \d\d:)")),
]
WORDS = {"WARN": "WARN", "WARNING": "WARN", "W": "WARN", "#": "WARN", "warn": "WARN", "warning": "WARN",
         "ERROR": "ERROR", "E": "ERROR", "error": "ERROR", "fail": "ERROR",
         "FATAL": "FATAL", "CRITICAL": "FATAL", "F": "FATAL", "PANIC": "FATAL", "fatal": "FATAL", "panic": "FATAL",
         "crit": "FATAL", "alert": "FATAL", "emerg": "FATAL"}
BARE = [(re.compile(r"^Traceback \(most recent call last\):$"), "ERROR"), (re.compile(r'^Exception in thread "'), "ERROR"),
        (re.compile(r"^(panic: |fatal error: )"), "FATAL")]
TRACE_LINE = re.compile(r'^(\tat |Traceback \(most recent call last\):|goroutine \d+ \[|\s+at |  File ")')
CRI = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z) (stdout|stderr) ([PF]) (.*)$", re.S)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
SYSLOG_SEV = {0: "FATAL", 1: "FATAL", 2: "FATAL", 3: "ERROR", 4: "WARN"}


def json_class(obj: dict) -> tuple[str, str | None, bool]:
    """(format, class or None, carries a stack trace in a field) of a JSON log line."""
    if "@t" in obj:
        return "serilog", WORDS.get({"Warning": "WARN", "Error": "ERROR", "Fatal": "FATAL"}.get(obj.get("@l"), "")), \
            "@x" in obj
    if "PRIORITY" in obj:
        return "journald", SYSLOG_SEV.get(int(obj["PRIORITY"])), False
    if "t" in obj and "s" in obj:
        return "mongodb", WORDS.get(obj["s"]), False
    level = obj["level"]
    stack = "stacktrace" in obj or isinstance(obj.get("err"), dict) and "stack" in obj["err"]
    if isinstance(level, int):
        fmt = "bunyan" if "v" in obj else "pino"
        return fmt, {40: "WARN", 50: "ERROR", 60: "FATAL"}.get(level), stack
    return "zap", WORDS.get(level), stack


class Oracle:
    def __init__(self):
        self.events = Counter()
        self.formats = Counter()
        self.records = 0
        self.bare = 0
        self.traces_multiline = 0
        self.traces_json = 0
        self.header_lines: list[bytes] = []
        self.json_lines = 0
        self.lines = 0
        self._open = None          # the open event: [has trace] or None
        self._cri: list[str] = []

    def read(self, data: bytes) -> "Oracle":
        raw = data.split(b"\n")
        assert raw[-1] == b""
        for raw_line in raw[:-1]:
            self.lines += 1
            if raw_line.startswith(b'{"log":'):
                obj = json.loads(raw_line)
                self.json_lines += 1
                self.logical(obj["log"][:-1] if obj["log"].endswith("\n") else obj["log"], raw_line)
                continue
            text = raw_line.decode("utf-8", "replace")
            m = CRI.match(text)
            if m:
                self._cri.append(m.group(4))
                if m.group(3) == "F":
                    joined, self._cri = "".join(self._cri), []
                    self.logical(joined, raw_line)
                continue
            self.logical(text[:-1] if text.endswith("\r") else text, raw_line)
        return self

    def logical(self, text: str, raw_line: bytes) -> None:
        text = ANSI.sub("", text)
        fmt, cls, json_trace = None, None, False
        if text.startswith("{"):
            obj = json.loads(text)
            self.json_lines += 1
            fmt, cls, json_trace = json_class(obj)
        else:
            for name, rx in HEADERS:
                m = rx.match(text)
                if m:
                    fmt = name
                    cls = SYSLOG_SEV.get(int(m.group(1)) % 8) if name == "syslog" else WORDS.get(m.group(1))
                    break
        if fmt is not None:                       # a record's first line
            self.records += 1
            self.formats[fmt] += 1
            self.header_lines.append(raw_line)
            self._open = None
            if cls:
                self.events[cls] += 1
                self._open = [False]
                if json_trace:
                    self.traces_json += 1
            return
        if self._open is None:
            for rx, bare_cls in BARE:
                if rx.match(text):                # an exception with no logger header above it
                    self.events[bare_cls] += 1
                    self.bare += 1
                    self.formats["bare-" + bare_cls] += 1
                    self._open = [True]
                    self.traces_multiline += 1
                    return
            return
        if not self._open[0] and TRACE_LINE.match(text):   # continuation of the open event
            self._open[0] = True
            self.traces_multiline += 1


# ------------------------------------------------------------------------------------------------------------
def test_deterministic_for_a_seed(tmp_path):
    a, b, c = tmp_path / "a.log", tmp_path / "b.log", tmp_path / "c.log"
    ta, tb = generate_realistic(a, 1, seed=3), generate_realistic(b, 1, seed=3)
    generate_realistic(c, 1, seed=4)
    assert a.read_bytes() == b.read_bytes()
    assert ta == tb
    assert a.read_bytes() != c.read_bytes()


def test_size_and_lines(sample):
    path, truth, data, oracle = sample
    assert MB * 2**20 <= len(data) < MB * 2**20 + 128 * 1024   # stops just past the target (whole records)
    assert truth["bytes"] == len(data)
    assert truth["lines"] == data.count(b"\n") == oracle.lines
    assert data.endswith(b"\n")


def test_event_shares_in_band(sample):
    _, truth, _, _ = sample
    ev, records, lines = truth["events"], truth["records"], truth["lines"]
    total = sum(ev.values())
    assert 0.12 <= total / records <= 0.20
    assert 0.10 <= ev["WARN"] / records <= 0.14
    assert 0.02 <= ev["ERROR"] / records <= 0.04
    assert 0.001 <= ev["FATAL"] / records <= 0.003
    assert total / lines >= 0.10                     # the issue: >= 10% of the log's lines are events
    assert ev["WARN"] > ev["ERROR"] > ev["FATAL"] > 0


def test_truth_matches_an_independent_reading(sample):
    _, truth, _, oracle = sample
    assert oracle.records == truth["records"]          # every record recognised, exactly one header each
    assert dict(oracle.events) == truth["events"]
    assert oracle.traces_multiline == truth["stack_traces_multiline"]
    assert oracle.traces_json == truth["stack_traces_in_json_field"]
    assert truth["stack_traces"] == oracle.traces_multiline + oracle.traces_json > 100
    assert oracle.bare > 0                             # bare tracebacks / JVM uncaught / Go panics present


def test_every_format_present(sample):
    _, truth, data, oracle = sample
    assert set(truth["formats"]) == set(FORMAT_NAMES) and len(FORMAT_NAMES) >= 15
    assert all(n > 0 for n in truth["formats"].values())
    for fmt in ["log4j2", "spring", "python", "flask", "gunicorn", "logrus", "klog", "logfmt", "dotnet", "nginx",
                "nginx-access", "apache", "postgres", "redis", "syslog", "serilog", "journald", "mongodb", "pino",
                "bunyan", "zap", "bare-ERROR", "bare-FATAL"]:
        assert oracle.formats[fmt] > 0, fmt
    assert re.search(rb"^<\d+>1 \d{4}-", data, re.M) and re.search(rb"^<\d+>[A-Z][a-z]{2} [ \d]\d ", data, re.M)
    assert b'"stream":"stderr"' in data and b'"stream":"stdout"' in data
    assert re.search(rb"Z stdout P ", data) and re.search(rb"Z stderr F (panic|fatal error): ", data)
    assert re.search(rb"Z stderr F goroutine \d+ \[running\]:", data)
    assert b"\nCaused by: " in data and re.search(rb"\n\t\.\.\. \d+ more\n", data)
    assert b'{"log":"\\tat ' in data                    # a Java trace split over Docker json lines
    assert b"STATEMENT:  " in data and b"\x1b[" in data
    assert truth["templates"] >= 150


def test_crlf_only_in_one_format(sample):
    _, _, data, _ = sample
    crlf = [l for l in data.split(b"\n") if l.endswith(b"\r")]
    assert len(crlf) > 100
    assert all(re.match(rb"^\[\w{3} \w{3} \d\d ", l) for l in crlf)


def test_some_invalid_utf8_never_in_json(sample):
    _, truth, data, _ = sample
    bad = []
    for line in data.split(b"\n"):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(line)
    assert 0 < len(bad) == truth["invalid_utf8_lines"] < truth["lines"] / 1000
    assert not [l for l in bad if l.startswith(b"{") or b" stdout " in l or b" stderr " in l]


def test_json_lines_are_valid(sample):
    _, _, data, oracle = sample
    count = 0
    for line in data.split(b"\n"):
        if line.startswith(b"{"):
            json.loads(line.decode("utf-8"))           # strict UTF-8, strict JSON
            count += 1
    assert count > 1000 and oracle.json_lines > count  # (the oracle also parsed the JSON inside envelopes)


def test_cri_partial_chunks_end_with_a_full_one(sample):
    _, _, data, _ = sample
    lines = data.split(b"\n")
    partial = [i for i, l in enumerate(lines) if re.match(rb"^\S+Z (stdout|stderr) P ", l)]
    assert partial
    for i in partial:
        nxt = lines[i + 1]
        assert re.match(rb"^\S+Z (stdout|stderr) [PF] ", nxt)
        assert len(lines[i].split(b" ", 3)[3]) == 16384


def test_fresh_values(sample):
    _, truth, data, oracle = sample
    heads = Counter(oracle.header_lines)
    repeated = sum(n for n in heads.values() if n > 1)
    assert repeated / len(oracle.header_lines) < 0.001      # record lines: fresh values on every one
    lines = Counter(data.split(b"\n"))
    repeated_all = sum(n for n in lines.values() if n > 1)
    # all lines: stack frames included, which repeat as in real logs (~6-10% of lines over seeds)
    assert repeated_all / truth["lines"] < 0.15
    # no line-pool: the distinct lines are nearly all of them
    assert len(lines) > 0.85 * truth["lines"]


def test_cli(tmp_path):
    out = tmp_path / "cli.log"
    res = subprocess.run([sys.executable, str(Path(__file__).with_name("realistic.py")), str(out), "1"],
                         check=True, capture_output=True, text=True)
    truth = json.loads(res.stdout)
    assert truth["lines"] == out.read_bytes().count(b"\n")
    assert set(truth["events"]) == {"FATAL", "ERROR", "WARN"}
