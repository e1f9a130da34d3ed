"""The compiled fast path app._c_envelope.docker_record answers exactly as Unwrapper._docker's Python code, or declines.

docker_record(line) returns the (stream, text, complete) that _docker hands to _join, or None ("let Python do it").
These tests compare it with _docker run with the fast path switched off (records._docker_fast = None), on every
Docker line of the sample logs, of a generated realistic log, and of generated (and mangled) Docker lines; and the
realistic log's whole summary with and without it. `make install` builds the module; without it these tests fail.
"""
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import records
from app.log_parser import summarize
from app.text import utf16_encoding

try:
    from app._c_envelope import docker_record as FAST
except ImportError:  # reported by the `fast` fixture: a failure, not a skip
    FAST = None

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def fast():
    if FAST is None:
        pytest.fail("app._c_envelope is not built: run `make install` (setup.py build_ext --inplace)")
    assert records._docker_fast is FAST, "app.records does not use the compiled fast path"
    return FAST


class _Joins(records.Unwrapper):
    """An Unwrapper that records what _docker hands to _join instead of joining it."""

    def _join(self, line_no, stream, text, complete, raw):
        self.joined = (stream, text, complete)


def python_record(line: str):
    """The reference: _docker's Python code (fast path off); the _join arguments, or None where it declines."""
    saved, records._docker_fast = records._docker_fast, None
    try:
        unwrapper = _Joins(lambda *args: None)
        unwrapper.joined = None
        handled = unwrapper._docker(1, line)
    finally:
        records._docker_fast = saved
    assert handled == (unwrapper.joined is not None)
    return unwrapper.joined


def check(fast, line: str) -> bool:
    """Asserts the fast path declines line or agrees with Python on it; returns whether it answered."""
    got = fast(line)
    if got is None:
        return False
    assert type(got) is tuple and len(got) == 3, got
    assert type(got[0]) is str and type(got[1]) is str and type(got[2]) is bool, got
    assert got == python_record(line), line
    return True


def docker_lines(data: bytes) -> list[str]:
    encoding = utf16_encoding(data)
    text = data[2:].decode(encoding, "replace") if encoding else data.decode("utf-8", "replace")
    return [line.removesuffix("\r") for line in text.split("\n") if line.startswith('{"log":')]


@pytest.fixture(scope="module")
def realistic_log(make_realistic_log) -> bytes:
    return make_realistic_log(3, seed=2029)


# -- fixed cases --------------------------------------------------------------------------------------------------

ANSWERED = [
    '{"log":"2026-11-29 10:00:00,000 ERROR [main] X - msg\\n","stream":"stderr","time":"2026-11-29T10:00:00.1Z"}',
    '{"log":"partial chunk without newline","stream":"stdout","time":"t"}',
    '{"log":"","stream":"stdout","time":"t"}',
    '{"log":"\\n","stream":"stdout","time":"t"}',
    '{"log":"a\\r\\n","stream":"stdout","time":"t"}',
    '{"log":"a\\n\\r\\n\\n","stream":"stdout","time":"t"}',
    '{"log":"a\\r\\r\\n\\n","stream":"stdout","time":"t"}',
    '{"log":"\\r\\n","stream":"stdout","time":"t"}',
    '{"log":"tab\\there \\"quoted\\" back\\\\slash \\/ \\b \\f end\\n","stream":"stdout","time":"t"}',
    '{"log":"\\u001b[31mERROR\\u001b[0m colour\\n","stream":"stdout","time":"t"}',
    '{"log":"\\u001b]0;title\\u0007osc \\u001b]8;;http://x\\u001b\\\\link\\u001b]8;;\\u001b\\\\\\n","stream":"stdout"}',
    '{"log":"lone \\u001b esc \\u001b[ \\u001b( B \\u001b#8 \\u001b\\n","stream":"stdout","time":"t"}',
    '{"log":"nul\\u0000 inside \\u001b\\u0000[31m glued by NUL removal\\n","stream":"stdout","time":"t"}',
    '{"log":"hex case \\uFEFF\\ufeff \\uAbCd \\u00Ff\\n","stream":"stdout","time":"t"}',
    '{"log":"\\u00e9t\\u00e9 \\u4e2d\\u6587 \\ud83d\\ude00 \\uD83D\\uDE00\\n","stream":"stdout","time":"t"}',
    '{"log":"raw é 中文 😀\\n","stream":"stdout","time":"t"}',
    '{"log":"lone \\ud800 high, \\udc00 low, \\udc00\\ud800 reversed, \\ud800\\ud800\\udc00\\n","stream":"x"}',
    '{"log":"high then escaped backslash \\ud800\\\\udc00\\n","stream":"stdout"}',
    '{"log":"high then an escape that is not \\\\u: \\ud800\\\\dc00 \\ud800\\/dc00\\n","stream":"stdout"}',
    '{"log":"no stream key\\n"}',
    '{"time":"t","stream":"stderr","log":"key order\\n"}',
    '{"log":"x\\n","stream":"std\\u006fut","time":"t"}',
    '{"log":"x\\n","stream":"","time":"t"}',
    '{"log":"x\\n","stream":"stdout","time":"t","attrs":"a string extra key"}',
    '{"log":"first","stream":"stdout","log":"last wins\\n","stream":"stderr"}',
    ' \t{ "log" : "spaced\\n" ,\r\n"stream" :"stdout" , "time":"t" } \n\r\t',
    '{"log":"ESC at the end \\u001b","stream":"stdout"}',
    '{"log":"OSC without end \\u001b]0;title\\n","stream":"stdout"}',
    '{"log":"OSC cut by newline \\u001b]0;ti\\ntle\\u0007 rest","stream":"stdout"}',
    '{"log":"CSI params \\u001b[?25l\\u001b[1;31;4m\\u001b[ !p\\u001b[12","stream":"stdout"}',
]

DECLINED = [
    "",
    "{",
    "{}",
    '{"log":1,"stream":"stdout"}',
    '{"log":null}',
    '{"log":["a"]}',
    '{"log":{"a":"b"}}',
    '{"log":"x","stream":1}',
    '{"log":"x","attrs":{"tag":"t"}}',
    '{"log":"x","n":NaN}',
    '{"log":"x","n":true}',
    '{"log":"bad escape \\x41"}',
    '{"log":"bad unicode \\u12g4"}',
    '{"log":"short unicode \\u12"}',
    '{"log":"raw\tcontrol"}',
    '{"log":"unterminated}',
    '{"log":"x"} trailing',
    '{"log":"x"}{"log":"y"}',
    '{"log":"x",}',
    '{"log":"x" "stream":"s"}',
    '{"\\u006cog":"escaped key"}',
    '{"log":"a","\\u006cog":"an escaped key that json.loads reads as the last log"}',
    '{"log":"a","str\\u0065am":"stderr"}',
    '{"stream":"stdout"}',
    '["log"]',
    '"log"',
    '\ufeff{"log":"x"}',
    '{"log"\x0b:"vertical tab is no JSON whitespace"}',
    '{"log":"x"}\xa0',
]


def test_answers_common_lines(fast):
    for line in ANSWERED:
        assert fast(line) is not None, line
        assert check(fast, line), line


def test_declines_what_it_does_not_read(fast):
    for line in DECLINED:
        assert fast(line) is None, line
    assert fast(b'{"log":"x\\n"}') is None     # not a str
    assert fast(None) is None


def test_every_escape_and_control_character(fast):
    for c in map(chr, range(0x80)):
        # after a backslash: json's eight escapes, and \u with the hex digits "bcde"; anything else is invalid
        assert check(fast, '{"log":"a\\' + c + 'bcde\\n"}') == (c in '"\\/bfnrtu'), repr(c)
        # raw in a string: json's strict mode refuses control characters; `\b` after a raw backslash is an escape
        assert check(fast, '{"log":"a' + c + 'b\\n"}') == (c >= " " and c != '"'), repr(c)


def test_every_short_escape_sequence(fast):
    # every ASCII pair after ESC, ESC [ and ESC ]: the edges of each character class of app.text._ANSI_TEXT
    for lead in ("\x1b", "\x1b[", "\x1b]", "\x1b[1;"):
        for a in map(chr, range(0x80)):
            for b in map(chr, range(0x80)):
                assert check(fast, json.dumps({"log": "x" + lead + a + b + "y\n", "stream": "stdout"})), (lead, a, b)


def test_docker_split_line_is_joined(fast):
    got = []
    unwrapper = records.Unwrapper(lambda *args: got.append(args))
    lines = ['{"log":"first half ","stream":"stdout"}', '{"log":"second half\\r\\n","stream":"stdout"}',
             '{"log":"next\\n","stream":"stdout"}']
    for n, line in enumerate(lines, 1):
        unwrapper.feed(n, line)
    unwrapper.finish()
    assert got == [(1, "first half second half", None, None, lines[0]), (3, "next", None, None, lines[2])]


# -- real lines ----------------------------------------------------------------------------------------------------


def test_sample_files(fast, sample_path):
    for line in docker_lines(sample_path.read_bytes()):
        check(fast, line)


def test_realistic_log_lines(fast, realistic_log):
    lines = docker_lines(realistic_log)
    assert len(lines) > 1000
    answered = sum(check(fast, line) for line in lines)
    share = answered / len(lines)
    print(f"fast path answered {answered} of {len(lines)} Docker lines ({share:.2%})")
    assert share > 0.99


def test_summary_identical_without_fast_path(fast, realistic_log, monkeypatch):
    calls = []

    def counting(line):
        calls.append(1)
        return fast(line)

    seen = {}
    for mode, fn in (("python", None), ("fast", counting)):
        monkeypatch.setattr(records, "_docker_fast", fn)
        found = []
        seen[mode] = (summarize(io.BytesIO(realistic_log), on_event=found.append), found)
    assert calls, "summarize never reached the fast path"
    assert seen["fast"][1], "no events found"
    assert seen["fast"] == seen["python"]


# -- generated lines -----------------------------------------------------------------------------------------------

ANSI = ["\x1b[31m", "\x1b[0m", "\x1b[1;33;40m", "\x1b[?25l", "\x1b[ !p", "\x1b[", "\x1b]", "\x1b]0;title\x07",
        "\x1b]8;;http://example.com\x1b\\", "\x1b]0;cut\n", "\x1b(B", "\x1b#8", "\x1b", "\x1b\x1b[m", "\x1b\x00[2J",
        "\x1b~", "\x1b ~", "\x1b[~", "\x1b[?@", "\x1b[0/~",
        "\x1b]" + "x" * 511 + "\x07", "\x1b]" + "x" * 512 + "\x07", "\x1b]" + "y" * 513 + "\x1b\\"]   # OSC length limit
CHARS = st.one_of(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.characters(max_codepoint=0x1F),
    st.sampled_from("\"\\/\n\r\t\x00\x1b\x07\x7f\u2028\ufeff"),
    st.characters(min_codepoint=0x80, max_codepoint=0xFFFF),          # includes lone surrogates
    st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF),
)
LOG_TEXT = st.lists(st.one_of(st.text(CHARS, max_size=12), st.sampled_from(ANSI),
                              st.sampled_from(["ERROR", " [main] ", "\tat x.Y(Y.java:1)", "\r\n", "\n"])),
                    max_size=12).map("".join)
STREAM = st.one_of(st.sampled_from(["stdout", "stderr", ""]), st.text(CHARS, max_size=6))
SEPARATORS = st.sampled_from([(",", ":"), (", ", ": "), (",", ": "), (" , ", " : ")])


@st.composite
def docker_dicts(draw):
    items = [("log", draw(LOG_TEXT)), ("stream", draw(STREAM)), ("time", "2026-11-29T10:00:00.123456789Z")]
    extra = draw(st.lists(st.tuples(st.sampled_from(["attrs", "tag", "lo", "logs", "Log", "streams"]),
                                    st.text(CHARS, max_size=5)), max_size=2))
    items += extra
    items = draw(st.permutations(items)) if draw(st.booleans()) else items
    if draw(st.booleans()):
        items = [item for item in items if item[0] != "stream"]
    return dict(items)


@given(docker_dicts(), st.booleans(), SEPARATORS)
@SETTINGS
def test_generated_docker_lines(fast, obj, ensure_ascii, separators):
    line = json.dumps(obj, ensure_ascii=ensure_ascii, separators=separators)
    assert check(fast, line), line   # the common shape: always answered
    assert check(fast, line + " \r\n\t")


# One-byte lines (every character below 0x100) take the reader that writes the text as 1-byte characters; what it
# leaves to the UCS-4 reader (an escape above 0xFF or of ESC) must come out the same too.
LATIN1 = st.one_of(st.characters(min_codepoint=0x20, max_codepoint=0x7E), st.characters(min_codepoint=0x80,
                                                                                        max_codepoint=0xFF),
                   st.sampled_from("\"\\/\n\r\t\x00\x1b\x7f"))
LATIN1_TEXT = st.lists(st.one_of(st.text(LATIN1, max_size=20), st.sampled_from(["\u00e9", "\u0100", "\ud83d\ude00",
                                                                               "\u0000", "\u001b[0m", "\u00ff"])),
                       max_size=8).map("".join)


@given(LATIN1_TEXT, st.booleans(), st.sampled_from(["stdout", "stderr", "\u00e9"]), st.sampled_from(["\\n", "", "\\r\\n\\n"]))
@SETTINGS
def test_one_byte_lines(fast, text, ensure_ascii, stream, end):
    line = json.dumps({"log": text, "stream": stream}, ensure_ascii=ensure_ascii)
    line = line.replace('", "stream"', end + '", "stream"', 1)
    assert check(fast, line), line
    # str.isascii() reads the str's own flag, not its characters: an all-ASCII text made as Latin-1 (equal all the
    # same) would break what relies on the flag (the compiled masks take ASCII texts only)
    got = fast(line)[1]
    assert got.isascii() == all(ord(c) < 0x80 for c in got)


def test_one_byte_strings_scanned_eight_at_a_time(fast):
    """The string scan of a 1-byte line reads 8 characters at a time to the first it must look at: each such character
    (a quote, a backslash, a control character) at each place of a block, after characters on either side of 0x20 and
    0x80 (where the word tricks' borrows start)."""
    fillers = ["a", "\x7f", "\x80", "\xa0", "\xff", " ", "!", "#", "[", "]"]
    escapes, invalid = ['\\"', "\\\\", "\\n", "\\u00e9", "\\u001f"], ["\x1f", "\x00", "\x19", '"']
    for filler in fillers:
        for special in escapes + invalid:
            for at in range(18):
                body = filler * at + special + filler * (17 - at)
                value, key = '{"log":"' + body + '\\n","stream":"stdout"}', '{"' + body + '":"x","log":"y"}'
                if special in invalid:   # json.loads refuses a raw control character and a stray quote
                    assert fast(value) is None and python_record(value) is None, value
                    assert fast(key) is None and python_record(key) is None, key
                else:
                    assert check(fast, value), value
                    assert fast(key) is None, key   # (a key with an escape is declined: it could spell "log")


@given(docker_dicts(), st.booleans(), st.integers(0, 10**6), st.integers(0, 9),
       st.sampled_from(list('"\\{}[],: \t\n\r\x0b\x00\x1fu0dD8cCx/n') + ["\\u", "\\ud800", "\\udc00", "NaN", "null"]))
@SETTINGS
def test_mangled_docker_lines(fast, obj, ensure_ascii, where, how, piece):
    line = json.dumps(obj, ensure_ascii=ensure_ascii, separators=(",", ":"))
    k = where % (len(line) + 1)
    if how == 0:
        line = line[:k]                                   # truncated
    elif how == 1:
        line = line[:k] + piece + line[k:]                # inserted
    elif how == 2:
        line = line[:k] + piece + line[k + 1:]            # replaced
    elif how == 3:
        line = line[:k] + line[k + 1:]                    # deleted
    elif how == 4:
        line = line + piece                               # trailing garbage
    elif how == 5:
        line = '{"log":"dup",' + line[1:]                 # a duplicate key before the real one
    elif how == 6:
        line = line[:-1] + ',"log":' + json.dumps(piece) + "}"   # a duplicate key after it
    elif how == 7:
        line = line.replace('"log"', '"\\u006cog"', 1)    # an escaped key
    elif how == 8:
        line = line.replace('":"', '":' + piece + '"', 1)   # a value of another type or a mangled string
    else:
        line = line.replace(",", " ,\t", 1)              # whitespace json allows
    check(fast, line)


VALUES = st.one_of(st.text(CHARS, max_size=8), st.integers(), st.none(), st.booleans(), st.floats(),
                   st.lists(st.text(max_size=3), max_size=2), st.dictionaries(st.text(max_size=3), st.text(max_size=3),
                                                                                max_size=2))


@given(st.lists(st.tuples(st.sampled_from(["log", "stream", "time", "attrs"]), VALUES), min_size=1, max_size=5),
       SEPARATORS)
@SETTINGS
def test_any_value_types_and_duplicate_keys(fast, pairs, separators):
    comma, colon = separators
    line = "{" + comma.join(json.dumps(k) + colon + json.dumps(v) for k, v in pairs) + "}"
    answered = check(fast, line)
    if all(isinstance(v, str) for _, v in pairs) and any(k == "log" for k, _ in pairs):
        assert answered, line


@given(st.lists(st.one_of(st.text(CHARS, max_size=4), st.sampled_from(['{"log":"', '","stream":"', '"}', "\\u", "\\"])),
                max_size=12).map("".join))
@SETTINGS
def test_any_text(fast, tail):
    check(fast, '{"log":' + tail)
    check(fast, '{"log":"' + tail + '"}')


# --- journald_record: the journald JSON export line ---

try:
    from app._c_envelope import journald_record as JOURNALD_FAST
except ImportError:
    JOURNALD_FAST = None


@pytest.fixture(scope="module")
def journald_fast():
    if JOURNALD_FAST is None:
        pytest.fail("app._c_envelope is not built: run `make install` (setup.py build_ext --inplace)")
    assert records._journald_fast is JOURNALD_FAST, "app.records does not use the compiled journald reader"
    return JOURNALD_FAST


def python_journald(line: str):
    saved, records._journald_fast = records._journald_fast, None
    try:
        return records.journald_record(line)
    finally:
        records._journald_fast = saved


def check_journald(fast, line: str) -> bool:
    """Asserts the compiled reader declines line or agrees with Python on it; returns whether it answered."""
    got = fast(line)
    if got is None:
        return False
    assert got == python_journald(line), line
    assert type(got[0]) is str and all(type(x) in (str, type(None)) for x in got[1:]), got
    return True


JOURNALD_VALUES = ["3", "4", "6", "0", "7", "8", "007", "00000000000000000003", "99999999999999999999", "", " 3", "3 ",
                   "-1", "+3", "\u00b3", "\u0663", "x", "app", "", "a\u001b[31mb", "nul\u0000x", "\n", "x\ny\n"]
journald_value = st.one_of(st.sampled_from(JOURNALD_VALUES), st.text(CHARS, max_size=6),
                           st.sampled_from([3, None, True, [104, 105], ["a", "b"], {"x": 1}]))
journald_pairs = st.lists(st.tuples(
    st.sampled_from(["MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "_COMM", "_PID", "__CURSOR", "message", "Priority",
                     "_SYSTEMD_UNIT"]), journald_value), min_size=1, max_size=8)


@given(journald_pairs, st.sampled_from([(",", ":"), (", ", ": "), (" ,", " :")]), st.booleans())
@SETTINGS
def test_generated_journald_lines(journald_fast, pairs, separators, ensure_ascii):
    comma, colon = separators
    line = "{" + comma.join(json.dumps(k, ensure_ascii=ensure_ascii) + colon + json.dumps(v, ensure_ascii=ensure_ascii)
                            for k, v in pairs) + "}"
    answered = check_journald(journald_fast, line)
    keys = {k for k, _ in pairs}
    plain = all(isinstance(v, str) for _, v in pairs)
    priority = dict(pairs).get("PRIORITY")
    if plain and "MESSAGE" in keys and (priority is None or priority == "" or priority.isascii() and priority.isdigit()):
        assert answered, line   # every all-string line with a plain PRIORITY is read in C


@given(st.text(CHARS, max_size=40))
@SETTINGS
def test_journald_lines_cut_or_mangled(journald_fast, tail):
    for line in ('{"MESSAGE":"x"' + tail, '{"MESSAGE":' + tail, '{"PRIORITY":"3","MESSAGE":"' + tail + '"}', tail):
        check_journald(journald_fast, line)


@pytest.mark.parametrize("line", [
    '{"MESSAGE":"x","SYSLOG_IDENTIFIER":"","_COMM":"sshd"}', '{"MESSAGE":"x","SYSLOG_IDENTIFIER":""}',
    '{"MESSAGE":"x","SYSLOG_IDENTIFIER":"","_COMM":""}', '{"_COMM":"cron","MESSAGE":"x","SYSLOG_IDENTIFIER":"CRON"}',
    '{"MESSAGE":"a\\u001b[31mred\\u001b[0m b","PRIORITY":"3"}', '{"MESSAGE":"nul\\u0000here"}',
    '{"MESSAGE":"\\u001b]0;title\\u0007x"}', '{"MESSAGE":"one\\ntwo\\n","PRIORITY":"4","_PID":"7"}',
    '{"MESSAGE":"x","PRIORITY":"2"}', '{"MESSAGE":"x","PRIORITY":"5"}', '{"MESSAGE":"x","PRIORITY":"1","PRIORITY":"9"}',
])
def test_journald_edges(journald_fast, line):
    assert check_journald(journald_fast, line), line


def test_journald_on_sample_and_realistic_lines(journald_fast, realistic_log, sample_path):
    lines = [line for line in realistic_log.decode("utf-8", "replace").splitlines() if '"MESSAGE"' in line]
    lines += [line for line in sample_path.read_text("utf-8", "replace").splitlines() if '"MESSAGE"' in line]
    answered = sum(check_journald(journald_fast, line) for line in lines)
    assert answered >= 0.95 * sum(line.startswith("{") for line in lines if '"MESSAGE"' in line) - 1
