"""The compiled mask loop app._c_mask.Masker must give exactly what app.grouping's Python loop (_mask_python) gives.

grouping.mask(text) runs MASKS through the compiled Masker when app._c_mask is built; these tests compare it with
_mask_python on the texts mask() is handed while summarizing the sample logs and a generated realistic log, on every
line of those files, on generated texts, and with custom mask lists. `make install` builds the module; without it
these tests fail.
"""
import gc
import io
import re
import sys
import threading
import weakref

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import grouping
from app.grouping import MASKS, Mask
from app.log_parser import summarize

try:
    from app._c_mask import Masker
except ImportError:  # reported by the `masker` fixture: a failure, not a skip
    Masker = None

python_mask = grouping._mask_python


@pytest.fixture(scope="module")
def masker():
    if Masker is None:
        pytest.fail("app._c_mask is not built: run `make install` (setup.py build_ext --inplace)")
    assert type(grouping._masker) is Masker, "app.grouping does not use the compiled masker"
    return grouping._masker


@pytest.fixture(scope="module")
def realistic_log(make_realistic_log) -> bytes:
    return make_realistic_log(3, seed=2031)


def lines_of(data: bytes) -> list[str]:
    text = data.decode("utf-8", "surrogateescape")   # invalid bytes as lone surrogates: 2-byte-kind texts
    return text.split("\n") + data.decode("latin-1").split("\n")


def check_all(masker, texts):
    for text in texts:
        assert masker(text) == python_mask(text), text


# --- the texts of real logs -----------------------------------------------------------------------------------

def test_sample_files(masker, sample_path, mask_inputs):
    data = sample_path.read_bytes()
    check_all(masker, mask_inputs(data))
    check_all(masker, lines_of(data))


def test_realistic_log_messages(masker, realistic_log, mask_inputs):
    texts = mask_inputs(realistic_log)
    assert len(texts) > 1000
    check_all(masker, texts)


def test_realistic_log_lines(masker, realistic_log):
    check_all(masker, realistic_log.decode("utf-8", "surrogateescape").split("\n"))


def test_summary_identical_without_compiled_masker(masker, realistic_log, monkeypatch):
    """The same summary and events with the compiled templater and masker as with make_template_python, the Python
    loop and the Python squeeze (each run with an empty memo: else the second would not mask at all)."""
    from app import events
    python_calls = []

    def counting_mask_python(text, masks=MASKS):
        python_calls.append(text)
        return python_mask(text, masks)

    seen = {}
    for mode in ("compiled", "python"):
        if mode == "compiled":   # (the events module holds the templater it was imported with)
            monkeypatch.setattr(events, "make_template", templater_with_cache())
        else:
            monkeypatch.setattr(grouping, "_masker", None)
            monkeypatch.setattr(grouping, "_squeeze", None)
            monkeypatch.setattr(grouping, "_mask_python", counting_mask_python)
            monkeypatch.setattr(grouping, "_template_cache", {})
            monkeypatch.setattr(events, "make_template", grouping.make_template_python)
        found = []
        seen[mode] = (summarize(io.BytesIO(realistic_log), on_event=found.append), found)
    assert seen["compiled"] == seen["python"]
    assert seen["python"][0]["groups"] and seen["python"][1] and len(python_calls) > 1000


def test_mask_dispatch(masker, monkeypatch):
    """mask() sends MASKS, and only MASKS, to the compiled masker; other lists go through the Python loop."""
    calls = []
    monkeypatch.setattr(grouping, "_masker", lambda text: calls.append(text) or "compiled")
    assert grouping.mask("pid 42") == "compiled"
    assert grouping.mask("pid 42", MASKS) == "compiled"
    assert grouping.mask("pid 42", list(MASKS)) == "pid <N>"
    assert calls == ["pid 42", "pid 42"]
    monkeypatch.setattr(grouping, "_masker", None)
    assert grouping.mask("pid 42") == "pid <N>"


# --- generated texts ------------------------------------------------------------------------------------------

_PIECES = [
    "https://api.example.com/v1/orders?id=42&x=y", "s3://bucket/key/part-0001.gz", "bob.smith+tag@example.org",
    "123e4567-e89b-12d3-a456-426614174000", "[req-<UUID> admin demo - - -]", "[req-", "[-] ", '"quoted \\" str"',
    "'single'", "`back`", '"', "'", "`", "GET /index.html HTTP/1.1", "10.0.0.7", "192.168.1.254:8080", "1.2.3",
    "fe80::1ff:fe23:4567:890a", "::1", "::ffff:10.0.0.1", "std::map", "10:22:33", "db-1.prod.internal",
    "api.example.com", "java.io.File", "com.acme.app", "msra-sa-41/10.190.173.165:8030", "/var/log/app.log",
    "C:\\Program Files\\App\\x.exe", "\\\\server\\share\\f", "./run/a", "../b/c", "~/x", "a/b/c/d", "conf/app.yaml",
    "libssl.so.3", "file.go:123]", "2026-11-29T10:00:00.123Z", "2005-06-03-15.42.50.675872", "Sun Jul 24 02:38:22 2005",
    "Nov 29 10:00:00", "10/Oct/2000:13:55:36 -0700", "key=value", "user_id=42", "a.b-c=<IP>", "x=", "=y",
    "Class@1b6d3586", "web-7f9c8d6b5-x2k4q", "proxy-x7k9p", "blk_-6952295868487656571", "job_1445144423722_0020",
    "0xDEADbeef", "deadbeef12", "a1b2c3d4e5f6a7b8c9", "1h2m3.5s", "5m0s", "250ms", "3 seconds", "12µs", "dev sda",
    "(device dm-0)", "[sdb]", "R02-M1-N0-C:J12-U11", "vol1", "sdb1", "nvme0n1p2", "ssh2", "utf8", "L2", "eth0",
    "[    5.123456]", "8733793kB", "512MiB", "-4096", "+12", "SKU-12", "1.5 MB", "2 GB", "1024 bytes",
    "User bob not found", "user not found", "invalid user admin from", "tenant acme-1 is", "Failed password for root from",
    "Accepted publickey for deploy from", "sudo[123]:  alice : TTY=pts/0 ; COMMAND=/bin/ls -la",
    "systemd[1]: Started Daily apt upgrade and clean activities.", "comm java:", "task kworker/0:1:123 blocked",
    "FATAL EXCEPTION: OkHttp Dispatcher", "Killed process 4242 (java)", "pid 17 (nginx)", "[1, 2, 3]", "1.1.1.1 2.2.2.2",
    "<N>", "<IP>", "<*>", "١٢٣", "٣", "߀", "𝟘𝟙", "𑁦", "²³", "½", "Ⅻ", "é", "ü日本", "€", "\U0001F600", "\ud800", "İ",
    "ſ", "K", "\x00", "\t", "\r", "\n", "  ", "", "0", "007", "3.14", "1e9", "-", "_", "/", ".", ":", "@", "=", ",",
]
_SEP = st.sampled_from([" ", "", "  ", ", ", "=", "/", ":", "-", "\t", "\n", "(", ")", "[", "]", '"', "'", "."])


@st.composite
def mixed_texts(draw):
    pieces = draw(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=8)), max_size=16))
    return "".join(piece + draw(_SEP) for piece in pieces)


_SETTINGS = settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(text=mixed_texts())
def test_generated_mixed_texts(masker, text):
    assert masker(text) == python_mask(text)


@_SETTINGS
@given(text=st.one_of(st.text(max_size=60), st.text(st.characters(codec="ascii"), max_size=80),
                      st.text(st.sampled_from("0123456789abcdef-_.:/@=<>[] \"'١٢٣é日\U0001F600"), max_size=80)))
def test_generated_any_text(masker, text):
    assert masker(text) == python_mask(text)


@settings(max_examples=100, deadline=None)
@given(text=mixed_texts(), repeat=st.integers(20, 200))
def test_generated_long_texts(masker, text, repeat):
    long = (text + " ") * repeat
    assert masker(long) == python_mask(long)


def test_every_code_point_digit_guard(masker):
    """The digit guard answers as re's \\d on str for every code point, in each string kind that can hold it."""
    m = Masker([Mask("d", re.compile(r"^"), "D", "digit")])
    digit = re.compile(r"\d")
    for c in range(0x110000):
        ch = chr(c)
        wider = ("\u0100" + ch, "\U00010000" + ch) if c < 256 else ("\U00010000" + ch,) if c < 0x10000 else ()
        for text in (ch,) + wider:
            assert (m(text) != text) == (digit.search(text) is not None), hex(c)
    for c in range(256):   # a 1-byte text is tested 8 bytes at a time: c at each place, among the digits' neighbours
        for k in range(16):
            for filler in ("/:" * 8, "\xff\x80" * 8):
                text = filler[:k] + chr(c) + filler[k:]
                assert (m(text) != text) == (digit.search(text) is not None), (hex(c), k, filler)


# --- custom mask lists ----------------------------------------------------------------------------------------

def _upper(m: re.Match) -> str:
    return m.group(0).upper()


class DuckGuard:
    """Not a pattern, but has search(): mask() only calls it."""

    def search(self, text):
        return text if "duck" in text else None


CUSTOM = [
    Mask("always", re.compile(r"\s+$"), "", None),
    Mask("substr", re.compile(r"(\w+)@(\w+)"), r"<\2 at \1>", ("@", "zz")),
    Mask("substr-wide", re.compile(r"日本"), "<JP>", ("日", "\U0001F600")),
    Mask("substr-empty-string", re.compile(r"^"), "^", ("",)),
    Mask("substr-empty-tuple", re.compile(r"x"), "NEVER", ()),
    Mask("substr-long", re.compile(r"y"), "NEVER", ("a needle longer than most texts in this test",)),
    Mask("pattern", re.compile(r"[a-f]{3}"), _upper, re.compile(r"[a-f]{3}")),
    Mask("duck", re.compile(r"duck"), "goose", DuckGuard()),
    Mask("digit", re.compile(r"\d+"), "<N>", "digit"),
    Mask("digit-again", re.compile(r"<N>"), "9", "digit"),   # the text has no digit left: skipped
    Mask("adds-digit", re.compile(r"^"), "7", None),
    Mask("digit-late", re.compile(r"\d"), "#", "digit"),     # skipped: an earlier digit guard turned the flag off
]


@pytest.mark.parametrize("text", ["", "abc", "abc 12 def", "bob@host 42", "日本 ١٢٣ x", "duck 5 é", "zz", "\U0001F600",
                                  "a needle longer than most texts in this test", "9 ", "fed cab 3\n"])
def test_custom_list(masker, text):
    assert Masker(CUSTOM)(text) == python_mask(text, CUSTOM)
    assert grouping.mask(text, CUSTOM) == python_mask(text, CUSTOM)
    for k in range(len(CUSTOM)):   # every prefix and suffix: each guard kind first, last, alone
        for masks in (CUSTOM[:k], CUSTOM[k:]):
            assert Masker(masks)(text) == python_mask(text, masks), (text, [m.name for m in masks])


# Substring guards as the compiled loop searches them (memchr for a character of the needle that is not a space,
# then the whole needle compared): needles led by spaces, all spaces, one character; texts of few characters, so
# that near misses and matches at either end are common.
SUBSTRING_GUARDS = [Mask(f"guard-{k}", re.compile(r"\A"), f"<{k}>", (needle,))
                    for k, needle in enumerate([" for ", "  x", " ", "   ", "ab", "a b", "x", " fo", "or "])]


@settings(max_examples=3000, deadline=None)
@given(text=st.text(st.sampled_from(" abfoxr\té"), max_size=14))
def test_substring_guards(masker, text):
    for mask in SUBSTRING_GUARDS:   # (each alone: the replacement marks whether its guard let it run)
        assert Masker([mask])(text) == python_mask(text, [mask]) == (f"{mask.replacement}{text}" if mask.guard[0] in
                                                                      text else text), (text, mask.guard)


def test_digit_flag_follows_mask(masker):
    """The original text's digits decide the flag; a digit guard that finds none turns it off for good."""
    adds = [Mask("adds", re.compile(r"^"), "7", None), Mask("n", re.compile(r"\d"), "<N>", "digit")]
    assert python_mask("abc", adds) == "7abc" == Masker(adds)("abc")
    assert python_mask("a1", adds) == "<N>a<N>" == Masker(adds)("a1")
    masks = [Mask("drop", re.compile(r"\d"), "", "digit"), Mask("none", re.compile(r"x"), "y", "digit"),
             Mask("adds", re.compile(r"^"), "5", None), Mask("late", re.compile(r"\d"), "#", "digit")]
    assert python_mask("x1", masks) == "5x" == Masker(masks)("x1")


def test_word_facts_are_read_again_after_a_mask_changes_the_text(masker):
    """hex, long-id and duration's prefilters share one pass over the words (word_facts), kept while no mask changes
    the text: a mask between them that writes one of their words must make the later ones look again."""
    by = {m.compiled: m for m in MASKS if m.compiled is not None}
    writes = Mask("writes", re.compile(r"X"), "5ms", None)
    for masks, text, expected in (([by["hex"], writes, by["duration"]], "X y", "<DUR> y"),
                                  ([by["long-id"], Mask("writes", re.compile(r"X"), "deadbeef42", None), by["hex"]],
                                   "X y", "<HEX> y")):
        assert python_mask(text, masks) == expected == Masker(masks)(text), (masks, text)


def test_a_mask_none_of_whose_needs_occurs_is_skipped(masker):
    """Mask.needs is a promise the masker takes at its word: where none of them occurs it does not try the mask.
    (The promise here is false on purpose: the Python loop, which ignores needs, still masks.)"""
    masks = [Mask("x", re.compile(r"x"), "#", None, None, ("Q",)),
             Mask("y", re.compile(r"y"), "#", None, None, ("ab",))]
    assert Masker(masks)("x y") == "x y" != python_mask("x y", masks)
    assert Masker(masks)("xQ y") == "#Q y"   # a one-character need: followed by anything
    assert Masker(masks)("x yab") == "x #ab"
    assert Masker(masks)("x yaQ") == "# yaQ"   # ... the text's end too
    assert Masker(masks)("cb y") == "cb y"   # neither `ab` nor its crossed forms
    crossed = [Mask("z", re.compile(r"z"), "#", None, None, ("ab", "cd"))]
    assert Masker(crossed)("z ad") == "# ad" and Masker(crossed)("z cb") == "# cb"   # read crossed: tried in vain
    assert Masker(crossed)("z ac") == "z ac"


def test_needs_of_what_a_substitution_writes_are_found(masker):
    """The needs found in the text are kept across a substitution, with those of what it wrote (a character either
    side of each replacement): a need that a replacement makes, inside it or across its edges, must be found."""
    number = next(m for m in MASKS if m.name == "number")
    for need, text, expected in (("<N", "abc 5", "abc #"), (" <", "a 5!", "a #!"), (">!", "a 5!", "a #!"),
                                 (">!", "5 " * 40 + "5!", "<N> " * 40 + "#!")):   # past the 32 noted replacements
        masks = [number, Mask("after", re.compile(r"<N>(?=!)" if need == ">!" else r"<N>"), "#", None, None, (need,))]
        assert python_mask(text, masks) == expected == Masker(masks)(text), (need, text)


def test_a_guard_its_needs_imply_is_answered_by_them(masker):
    """A substring guard whose one-character strings every text the mask's needs let through holds (all the needs'
    first characters among them, or all their second ones) is not searched for where the needs were found in the
    text itself; elsewhere (a pair read crossed, a longer guard string, needs added up across a substitution) it is.
    The masks below apply wherever they are tried (their pattern matches any text), so the result shows whether
    the needs and the guard let them: their needs are not what they change, on purpose (see above)."""
    for guard, needs, texts in (
            (("a",), ("ab",), ["ab", "xab", "ba", "b"]),                # all first characters: implied
            (("b", "zz"), ("ab", "cb"), ["cb", "ab", "ac", "zzab"]),    # all second characters: implied
            (("a",), ("ab", "cd"), ["cd", "ab", "cb", "ad"]),           # `cd`: no `a`, the guard says no
            (("a", "d"), ("ab", "cd"), ["cb", "ab", "cd", "ad"]),       # `cb` is let through crossed: no `a` or `d`
            (("ab",), ("a",), ["a", "ab", "ba"]),                        # a longer guard string: searched
            (('"',), ('"',), ['x"y', "xy", '"'])):
        masks = [Mask("marks", re.compile(r"\A"), "#", guard, None, needs)]
        m = Masker(masks)
        for text in texts:
            tried = m.needs_met(text) == [0] and any(g in text for g in guard)
            assert m(text) == ("#" + text if tried else text), (guard, needs, text)
    # the email twin writes `<EMAIL>` over the `@`: the needs added up across that still hold the `@`'s, so the
    # guard of the next mask is searched in the new text
    email = next(m for m in MASKS if m.name == "email")
    masks = [email, Mask("marks", re.compile(r"\A"), "#", ("@",), None, ("@",))]
    for text, expected in (("mail a@b.com now", "mail <EMAIL> now"), ("a@b.com and x@", "#<EMAIL> and x@"),
                           ("no at sign", "no at sign")):
        assert Masker(masks)(text) == python_mask(text, masks) == expected, text


def test_needs_met_reads_each_mask_once(masker):
    masks = [Mask("a", re.compile(r"a"), "", None, None, ("a",)), Mask("none", re.compile(r"b"), "", None),
             Mask("pair", re.compile(r"c"), "", None, None, ("c:", "d-"))]
    m = Masker(masks)
    assert m.needs_met("") == [] and m.needs_met("a") == [0] and m.needs_met("c:a") == [0, 2]
    assert m.needs_met("d:") == [2] and m.needs_met("c-") == [2] and m.needs_met("c d") == []
    assert m.needs_met("\u0101 c") == [0, 2]   # not a 1-byte text: every mask is tried
    with pytest.raises(TypeError):
        m.needs_met(b"a")


def test_masker_accepts_any_sequence_of_masks(masker):
    masks = tuple((m.name, m.pattern, m.replacement, m.guard) for m in CUSTOM)
    assert Masker(masks)("bob@host 42 abc") == python_mask("bob@host 42 abc", CUSTOM)
    assert Masker([])("x 1") == "x 1"
    assert Masker(masks=iter([]))("") == ""


class OddStr(str):
    """`in` answers as its own __contains__ says: mask() asks it, so the masker must too."""

    def __contains__(self, item):
        return item == "@"


def test_str_subclass(masker):
    for text in (OddStr("bob@host 42"), OddStr("no at sign 42"), OddStr("")):
        for k in range(len(CUSTOM)):   # sub gives a plain str: each suffix puts another guard first
            assert Masker(CUSTOM[k:])(text) == python_mask(text, CUSTOM[k:]), (text, k)
        assert masker(text) == python_mask(text)


def test_bad_masks_are_refused(masker):
    with pytest.raises(ValueError):
        Masker([("name", re.compile("x"), "y")])
    with pytest.raises(TypeError):
        Masker([Mask("t", re.compile("x"), "y", ("x", 1))])
    for needs in (("",), ("abc",), ("\u0101",), ("a\u0101",), (1,)):
        with pytest.raises(ValueError, match="needs"):
            Masker([Mask("n", re.compile("x"), "y", None, None, needs)])
    with pytest.raises(TypeError, match="needs"):
        Masker([Mask("n", re.compile("x"), "y", None, None, ["x"])])
    with pytest.raises(ValueError):
        Masker([("name", re.compile("x"), "y", None, None, (), "seventh")])
    with pytest.raises(AttributeError):
        Masker([Mask("g", re.compile("x"), "y", 42)])        # no .search
    with pytest.raises(AttributeError):
        Masker([Mask("p", "not a pattern", "y", None)])      # no .sub
    with pytest.raises(TypeError):
        Masker(42)
    m = Masker([])
    with pytest.raises(TypeError):
        m(b"bytes")
    with pytest.raises(TypeError):
        m()
    with pytest.raises(TypeError):
        m("a", "b")
    with pytest.raises(TypeError):
        m(text="a")


# --- errors, references, threads -------------------------------------------------------------------------------

class Boom(Exception):
    pass


def _raise(m: re.Match) -> str:
    raise Boom(m.group(0))


class RaisingGuard:
    def search(self, text):
        raise Boom("guard")


class NotStrPattern:
    def sub(self, repl, text):
        return 42


@pytest.mark.parametrize("masks", [
    [Mask("a", re.compile(r"a"), "b", None), Mask("boom", re.compile(r"\d"), _raise, "digit")],
    [Mask("a", re.compile(r"a"), "b", None), Mask("boom", re.compile(r"x"), "y", RaisingGuard())],
    [Mask("bad", re.compile(r"a"), 42, None)],                        # re rejects the replacement
], ids=["replacement", "guard", "bad-replacement"])
def test_errors_propagate_without_leaks(masker, masks):
    m = Masker(masks)
    text = "".join(["a1 b2 ", "c3"])   # a fresh object: its reference count is ours to watch
    error = Boom if masks[-1].name == "boom" else TypeError
    with pytest.raises(error):
        python_mask(text, masks)
    before = sys.getrefcount(text)
    for _ in range(1000):
        with pytest.raises(error):
            m(text)
    assert sys.getrefcount(text) == before


def test_sub_must_give_str(masker):
    with pytest.raises(TypeError):
        Masker([Mask("p", NotStrPattern(), "y", None)])("abc")


def test_no_reference_leaks_on_success(masker):
    text = "".join(["pid 42 on host-7 at 10.0.0.1:80 ", "sdb1 vol1 user bob not found"])
    unchanged = "".join(["no", " change here"])
    masker(text)
    before = sys.getrefcount(text), sys.getrefcount(unchanged)
    for _ in range(2000):
        masker(text)
        assert masker(unchanged) == unchanged
    assert (sys.getrefcount(text), sys.getrefcount(unchanged)) == before


def test_cycle_through_replacement_is_collected(masker):
    """A replacement that refers to its masker (grouping's module globals do) makes a cycle gc must break."""
    holder = {}

    def repl(m):
        return "<%d>" % len(holder)

    holder["masker"] = Masker([Mask("r", re.compile(r"\d+"), repl, "digit")])
    holder["repl"] = repl
    assert holder["masker"]("a 1") == "a <2>"
    alive = weakref.ref(repl)
    del repl, holder
    gc.collect()
    assert alive() is None


def test_threads_share_one_masker(masker, realistic_log, mask_inputs):
    texts = mask_inputs(realistic_log)[:3000] + [p * 3 for p in _PIECES]
    expected = [python_mask(t) for t in texts]
    results, errors = {}, []

    def work(k):
        try:
            order = texts[k * 500:] + texts[:k * 500]   # each thread starts elsewhere
            if k % 2:
                order.reverse()
            got = {t: masker(t) for t in order}
            for _ in range(2):
                for t in order:
                    if masker(t) != got[t]:
                        raise AssertionError(t)
            results[k] = got
        except BaseException as e:   # reported below: an exception in a thread would not fail the test
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)   # switch threads as often as possible (inside the callable replacements too)
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert not errors, errors
    for k, got in results.items():
        for text, want in zip(texts, expected):
            if text in got:
                assert got[text] == want, (k, text)
    assert len(results) == 6


# --- the compiled templater: make_template's memo and _make_template's steps ------------------------------------

@pytest.fixture(scope="module")
def templater(masker):
    from app._c_mask import Templater
    assert type(grouping.make_template) is Templater, "app.grouping does not use the compiled templater"
    return grouping.make_template


def templater_with_cache(size: int = 4096):
    """A Templater like grouping's, with a cache of its own (the module's memo would answer from earlier tests)."""
    return type(grouping.make_template)(grouping._masker, {}, size, grouping.MESSAGE_MAX_CHARS,
                                        grouping.TEMPLATE_MAX_CHARS, grouping._make_template,
                                        klog=grouping._KLOG_STRUCTURED)


def check_templates(messages):
    fresh = templater_with_cache()
    for message in messages:
        assert fresh(message) == grouping._make_template(message), message


def test_templater_on_real_messages(templater, sample_path, realistic_log):
    for data in (sample_path.read_bytes(), realistic_log):
        check_templates(lines_of(data))


# klog's structured form (`file.go:12] "msg" k="v"`: the reference's own path), `] "` at and past the 120th
# character, long messages and templates (MESSAGE_MAX_CHARS, TEMPLATE_MAX_CHARS), blanks, non-ASCII
_TEMPLATE_PIECES = ['main.go:42] "Failed to sync pod" pod="kube-system/x-7f9c8d6b5-x2k4q" err="timeout"', '] "',
                    "] ", '"', "x" * 119, "a b\t\tc  ", "user bob not found", "vol1 sdb1", "é", "\u2003", "\ud800",
                    "10.0.0.7:8080", "/var/log/app.log", "id=42 ", "<N>", "  ", "\n", "x" * 2100, "1 " * 600]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_TEMPLATE_PIECES), st.text(max_size=12)), max_size=8).map("".join))
def test_templater_on_generated_messages(templater, message):
    check_templates([message, message.encode("ascii", "ignore").decode()])


# klog's structured form made in C (klog_match): where the regex stops matching — the name before `.go`, the line
# number, `] `, the quoted message's escapes and its 400 items, what follows the quote — and `] "` past the window.
_KLOG_BODY = st.one_of(st.text(st.sampled_from('ab \\"\n\tx1'), max_size=24),
                       st.builds(lambda k, e: "a" * k + e, st.integers(395, 402), st.sampled_from(["", "\\x", "\\"])),
                       st.builds(lambda k: '\\"' * k, st.integers(398, 401)),
                       st.builds(lambda a, b: a + "\\\n" + b, st.text("ab x", max_size=5), st.text("ab x", max_size=5)))


# Each part drawn from its valid choices (the first of its list; `]` and an empty quote among them, which break the
# form too) except at most one, drawn from all: many messages are klog's form, and each break is tried.
_KLOG_PARTS = {"name": ["main.go", "a.go", "x.go.go", "x-y_z.1.go", "v1.2.go", ".go", "x.g", "go", "a.GO"],
               "line": ["42", "1", "", "x", "4x"], "close": ["] ", "]", "]  ", ") "], "quote": ['"', "", "'"]}


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pad=st.sampled_from(["", "k8s.io/", "x" * 110, "x" * 114, "x" * 125, "a b "]), body=_KLOG_BODY,
       broken=st.sampled_from([None, None, None, *_KLOG_PARTS]), data=st.data(),
       tail=st.sampled_from(["", " ", ' err="e 1" pod=p-7f9c8d6b5-x2k4q', "\n", "\n\n", "x", "\t", " 10.0.0.7"]))
def test_templater_on_klog_messages(templater, pad, body, broken, data, tail):
    part = {key: data.draw(st.sampled_from(values if key == broken else values[:5 if key == "name" else 2]), key)
            for key, values in _KLOG_PARTS.items()}
    message = f'{pad}{part["name"]}:{part["line"]}{part["close"]}"{body}{part["quote"]}{tail}'
    check_templates([message, message.replace("\n", " ")])


def test_templater_makes_klog_messages_itself(templater):
    """With the klog pattern, a message in klog's structured form is made in C (the failing reference is not
    asked); without it, the reference answers it; a changed pattern is refused."""
    def failing(message):
        raise RuntimeError("reference failed")

    Templater = type(templater)
    made = Templater(grouping._masker, {}, 8, 2000, 500, failing, klog=grouping._KLOG_STRUCTURED)
    message = 'controller.go:217] "Observed a panic" err="boom 42" pod="ns/web-7f9c8d6b5-x2k4q"'
    assert made(message) == grouping._make_template(message) == 'controller.go:<N>] "Observed a panic" err=<*> pod=<*>'
    assert made('x.go:1] "a" b') == 'x.go:<N>] "a" b' and made('a b] "c" d') == "a b] <STR> d"   # (no match: masked)
    with pytest.raises(RuntimeError, match="reference failed"):
        Templater(grouping._masker, {}, 8, 2000, 500, failing)(message)
    with pytest.raises(ValueError, match="KLOG_STRUCTURED"):
        Templater(grouping._masker, {}, 8, 2000, 500, failing, klog=re.compile(grouping._KLOG_STRUCTURED.pattern + "x"))
    with pytest.raises(ValueError, match="KLOG_STRUCTURED"):
        Templater(grouping._masker, {}, 8, 2000, 500, failing, klog=re.compile(grouping._KLOG_STRUCTURED.pattern, re.I))


def test_templater_cache_is_the_module_memo_bounded(templater):
    assert templater.cache is grouping._template_cache and templater.cache_size == grouping.TEMPLATE_CACHE_SIZE
    small = templater_with_cache(3)
    messages = [f"Failed to load order {n} for user{n % 2}" for n in range(10)] * 2
    assert [small(m) for m in messages] == [grouping._make_template(m) for m in messages]
    assert 0 < len(small.cache) <= 3
    assert small(messages[-1]) is small(messages[-1])   # a hit answers the stored template


def test_templater_refuses_bad_input(templater):
    Templater = type(templater)
    with pytest.raises(TypeError):
        templater(b"bytes")
    with pytest.raises(TypeError):
        templater()
    with pytest.raises(TypeError, match="Masker"):
        Templater(python_mask, {}, 8, 2000, 500, grouping._make_template)
    with pytest.raises(ValueError):
        Templater(grouping._masker, {}, 0, 2000, 500, grouping._make_template)
    with pytest.raises(ValueError):
        Templater(grouping._masker, {}, 8, 100, 500, grouping._make_template)   # under the klog window


def test_templater_passes_errors_on(templater):
    def failing(message):
        raise RuntimeError("reference failed")

    broken = type(templater)(grouping._masker, {}, 8, 2000, 500, failing)
    assert broken("x 1") == "x <N>"                      # made in C
    with pytest.raises(RuntimeError, match="reference failed"):
        broken("é 1")                                    # not ASCII: the reference answers
    assert "é 1" not in broken.cache
