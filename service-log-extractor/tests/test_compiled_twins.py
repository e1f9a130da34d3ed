"""The compiled twins of the masks (app/_c_mask.c) against the patterns they stand for.

A mask of app.grouping.MASKS may name a compiled twin (``Mask.compiled``) that the compiled masker uses on ASCII
text: a prefilter, which must answer True wherever the mask's guard passes and its pattern matches (a necessary
condition for the mask to change the text), and, where it stands in for the guard, only where the guard passes;
and/or a matcher, whose substitution must equal ``pattern.sub(replacement, text)``. Each twin is checked here on
its own, on texts generated from the characters and pieces its pattern reads, on the texts the scan masks in real logs
(after the earlier masks, so with placeholders), and on the lines of the samples; test_compiled_mask.py then
compares the whole masker with the Python loop. Without `make install` these tests fail (the masker fixture).
"""
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app import grouping
from app.grouping import MASKS

try:
    from app import _c_mask
except ImportError:  # reported by the twin fixture: a failure, not a skip
    _c_mask = None

BY_TWIN = {m.compiled: m for m in MASKS if m.compiled is not None}


@pytest.fixture(scope="module")
def twins() -> dict:
    if _c_mask is None:
        pytest.fail("app._c_mask is not built: run `make install` (setup.py build_ext --inplace)")
    return {name: flags for name, *flags in _c_mask.twins()}


def test_every_twin_is_named_by_one_mask_and_every_name_exists(twins):
    assert set(twins) == set(BY_TWIN)
    assert len(BY_TWIN) == sum(m.compiled is not None for m in MASKS)   # no two masks share a twin
    assert all(prefilter or matcher for prefilter, matcher, _ in twins.values())
    assert all(prefilter for prefilter, _, replaces_guard in twins.values() if replaces_guard)


_DIGIT = re.compile(r"\d")
# Twins whose prefilter is their mask's guard spelled out in C (the others are necessary conditions of the pattern).
GUARD_MIRRORS = {"ipv6", "host", "relative-path", "bgl-location", "kernel-uptime", "size", "duration"}


def guard_passes(mask, text: str) -> bool:
    guard = mask.guard
    if guard == "digit":
        return _DIGIT.search(text) is not None
    if type(guard) is tuple:
        return any(g in text for g in guard)
    return guard is None or guard.search(text) is not None


# Twins whose prefilter the masker answers from one pass over the words (_c_mask.word_facts): that pass must answer as
# each of their prefilters does.
WORD_FACTS = {"hex", "long-id", "numbered-name", "duration"}


def check_twin(twins, name: str, text: str) -> None:
    """The twin's promises for one ASCII text."""
    mask = BY_TWIN[name]
    has_prefilter, has_matcher, replaces_guard = twins[name]
    if has_prefilter:
        may_match = _c_mask.prefilter(name, text)
        if name in WORD_FACTS:
            assert (name in _c_mask.word_facts(text)) == may_match, (name, text)
        if not may_match:
            assert not guard_passes(mask, text) or mask.pattern.search(text) is None, (name, text)
        elif replaces_guard:
            assert guard_passes(mask, text), (name, text)
        if name in GUARD_MIRRORS:
            assert may_match == guard_passes(mask, text), (name, text)
    if has_matcher:
        assert _c_mask.substitute(name, mask.replacement, text) == mask.pattern.sub(mask.replacement, text), (
            name, text)


# Texts at the edges of what some twins decide (lengths, separators, where a run ends), each checked as every text is.
BOUNDARY_TEXTS = {
    "duration": ["5ms", "5msx", "5ms_", "5ms.", "5ns", "5us", "5u", "5uss", "5m", "5mx", "5m_", "5h", "5hx", "5s", "5sx",
                 "5mh", "5 ms", "5 msx", "5 sec", "5 se", "5 min", "5 mi", "5 hour", "5 hou", "5 day", "5 da",
                 "5\x1cday", "5\x1fms", "5\x0bsec", "5\tmin", "5\nhour", "5  ms", "x5", "5", "ms5", "a5s", "_5s",
                 "1.5s", "1h2m3.5s", "5mss", "5m s", "5ms5", "55ms", "5m\n"],
    "ssh-account": ["Failed password for root from <IP>", "Failed password for invalid user x from <IP>",
                    "Failed password for invalid user  from x", "Failed password for invalid  user x from y",
                    "Accepted publickey for deploy from <IP>", "Accepted  publickey for x from y", "xFailed a for b from c",
                    "_Failed a for b from c", ".Failed a for b from c", "Failed a-b for c.d@e+f-g from h",
                    "Failed a for b from", "Failed a for b  from c", "Failed a for  b from c", "Failed  for b from c",
                    "Failed a for from c", "Failed a/b for c from d", "Failed a for b/c from d", "Failed a for b from c",
                    "Failed a fore b from c", "Failed a for b fromc", "Accepted a for b from c Failed d for e from f",
                    "Failed a for Failed b for c from d from e"],
    "k8s-pod": ["web-7d4b9c-x2k9p", "web-7d4b9c-xbkzp", "web-5d8b6c7f9d-bcdfg", "web-bcdfgh-bcdfg", "SKU-62962",
                "sku-62962", "notify-52569.jsonl", "notify-52569.", "notify-52569-", "notify-52569-x", "a-2bcdf.x",
                "a-2bcdf-1", "-2bcdf", "a-2bcdf", "A-2bcdf", "_-2bcdf", "a-bcd2f", "a-bcdf2g", "ab2-bcdfg",
                "a-b2cdfghjklm-bcdfg", "a-b2cdfghjklmn-bcdfg", "a-bc2-bcdfg", "web-7d4b9c-x2k9p.svc", "x.web-4bcdf",
                "a-2bcdfghjkl-bcdfg", "a-2bcdfg-bcdfg", "a-2bcdf-bcdfg"],
    "block-device": ["dev sda", "dev sda1", "threshold", "[sdb]", "(dm-0)", "device xvdb1", "disk hdz", "dev xd",
                     "sd", "[xsd", "[xsda]", "(vdz)", "dev  sda", "devsda", "a dev sda", "mydev sda", "disk dm-",
                     "disk dm-x", "[dm-12]", "(sdab,", "[hd]", "device hda:", "xdev sdb", "[ sdb]", "[vda1]"],
    "java-host-address": ["h/<IP>", "host-1.a_b/<IP>", "x/<IP", "x/<IPv6>", "1x/<IP>", "_x/<IP>", "a/b/<IP>", "a//<IP>",
                          "-a/<IP>", ".a/<IP>", "/a/<IP>", "a-/<IP>", "a./<IP>", "(a/<IP>)", "a/<IP>/<IP>", "~a/<IP>",
                          "a b/<IP> c/<IP>"],
    "process-name": ["process <N> (" + "a" * 64 + ")", "process <N> (" + "a" * 65 + ")", "PID <N> (x)", "Task <N> ()",
                     "subtask <N> (a)", "task <N>  (a)", "pid <N> (a b)", "process <N> (<PATH>)"],
    "prefixed-id": ["a_1_b2", "job_1445144423722_0020", "blk_-123", "cus_6851dd322f0e", "rdd_2_3", "a_1x", "a_1_",
                    "x_+5 y", "_1", "a__1"],
    "repeats": ["<N>|<N>", "<N> | <N>", "<N>;<N>", "<N>,<N>", "<IP> <IP>", "<N>,  <N>", "<N> <IP>", "<N>\x1c<N>",
                "<N>, <N>x", "<N><N>", "<N>,|<N>"],
    "windows-path": ["\\\\a\\b", "\\\\ab\\c", "\\\\a\\", "\\\\a\\ ", "C:\\x", "xC:\\", "1:/", "\\\\\\a\\b",
                     "a\\\\b\\c", "(\\\\a\\b)"],
    "timestamp": ["2026-01-02", "x 2026-01-02", "_2026-01-02", "12026-01-02", "ip-10-1-2-3", "12:34:56", "2026-01-42",
                  "2026-21-02"],
    "systemd-description": ["systemd[<N>]: Started a.", "systemd: Started a.\n", "systemd: Started a", "systemd."],
    "numbered-name": ["vol1", "sdb1", "nvme1n1", "mmcblk0p1", "loop3", "xvdab2", "xsda1", "sdabc1", "SDB1", "ssh2",
                      "UTF8", "L2", "Python3", "i18n", "a1b", "a1b2", "ab12cd", "abc1_", "x_1", "node7.", "eth0,eth1",
                      "k8s", "-a1", "$a1", "a1$", "9a1"],
    "email": ["a@b.c", "a@b.", "a@b", "@b.c", "a.@b.c-", ".a@b.c", "a+b-c@d-e.f.g", "a@@b.c", "a@b..c", "a@b.c.",
              "x@y.z@w.v", "a@-.-", "a_@_._"],
    "java-identity-hash": ["Foo@1b6d3586", "Foo@1b6d35861", "Foo@1B6D", "foo@1f", "Foo$Bar@ab", "$Foo@1", "_Foo@1",
                           "Foo@", "Foo@g", "a.Foo@12345678.x", "FOO@abcdefab_", "F@a-"],
    "systemd-unit": ["a.service", "a.services", "a.service(", ".service", " .service", "a@.socket", "a-.timer",
                     "a..mount", "a.mount_", "nginx.service.d", "a.Service"],
    "relative-path": ["a/b/c", "a/b", "a/b/", "a/b/c/", "a/b/c//", "a/b/c/ d", "a/<N>/c", "a/<Ab>/c", "a/b/<N",
                      "a/b/<>", "a/b/<N>x", "1/2/3", "1/a/3", "1/2/3a", ".a/b/c", "x.a/b/c", ":a/b/c", "<a/b/c",
                      ">a/b/c", "a//b/c", "_/1/2", "%/1/2", "@x/<N>/<IP>/", "a/b/c:d", "-/-/-", "~a/b/c",
                      "a/b/c/d/e", "x y/z/w"],
    "name-after-keyword": ["user bob", "User bob.", "USER bob", "uSeR bob", "xuser bob", "username bob", "user  bob",
                           "user -x", "user @x", "account: x", "Customer x", "tenant x", "the user", "user",
                           "CUSTOMER bob", "TENANT x", "ACCOUNT x", "USERNAME x", "Username x", "uSERNAME x",
                           "aCCOUNT x", "user bob\n", "user bob\n\n", "user x..", "user x.\t", "user x.y.",
                           "user bob Is x", "user bob is", "user bob isx", "user existss", "user exists", "user abced",
                           "user bed", "user used", "user USED", "user abed", "user sing", "user Created", "user RUNNING", "user ing", "user bob-x y", "user no-reply@x.com",
                           "user bob without", "user bob within", "user bob can't", "user bob doesn't", "user 42)",
                           "customer a.b.c;", "user _ed", "user b@b.c:", "user b+c]", "user b,"],
}


@pytest.mark.parametrize("name", sorted(BOUNDARY_TEXTS))
def test_twin_on_boundary_texts(twins, name):
    for text in BOUNDARY_TEXTS[name]:
        check_twin(twins, name, text)


# Pieces of the values the masks look for, their near misses, and what earlier masks leave behind.
_PIECES = [
    "://", "http", "https://a.b/c?d=e&f", "s3://bucket/k", "x+y.z-w://", "abcdefghijklmnopq://x",
    "123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-42661417400", "-", "--",
    '"', "'", "\\", '\\"', "\\\n", "\n", '"a b"', "'it'", "x'y'", "'y'z",
    "10.0.0.7", "192.168.1.254:8080", "1.2.3.4:123456", "1.2.3.4567", "1234.1.1.1", "1.2.3", "1.2.3.4.5", ":",
    "/var/log/x", "./a", "../b", "~/c", "//", "/", "a/b", "/<N>/", "/<UUID>", "<PATH>", "...", ".", "~", ":/", "</x",
    "src/main/App.java", "a/b/c/", "1/2/3", "x/<N>/y", "a/<N", "/<Ab>",
    "a.log", "app.log.1", "file.go:123", "x.c", "tls.key_file", "a.b-c", "conf/app.yaml",
    "key=value", "a.b-c=<IP>", "x=", "=y", "k=<N>", "k=<Nx", "k=<>", "=", "k=v,w", "k=v;w", "k=v)", "k=v]", "k=v&w",
    "0x1F", "0X", "0xg", "deadbeef", "DEADBEEF12", "abcdef", "a1b2c3", "123456", "a1b2c3d4e5f6a7b8c9", "_",
    "1h2m3s", "5ms", "2 sec", "3 hours", "4 day", "10 min", "250us", "7ns",
    "vol1", "sdb1", "a1b2", "ab12cd", "x_1", "L2",
    "<N>", "-<N>", "+<N>", "x-<N>", ".<N>", "<IP>", "<*>", "<STR>", "<HEX>",
    "Failed password for root from ", "Accepted key for x from ", " for ", " from ", "Failed ", "Accepted ",
    "invalid user ", "for invalid user ", "/<IP>", "host-1/<IP>", "a.b/<IP>", "x/<IP", "<HOST>/<IP>",
    "12", "1.5", "3.14.15", "1:2:3", "8733793kB", "512MiB", "1abcd", "7x", "42_", "1.2.3abcd",
    " ", "\t", "\x1c", "\x0b", ",", ";", "&", ")", "]", "(", "[", "@", "%", "+",
    ":12:", ":61:", "-01-", "-21-", "::", "fe80::1", "a:b:c:", "1:ffff:2:", "12345:1:2:", ".com", ".comx", ".io.",
    ".localdomain", ".locals", ".svc-", "<N> KiB", "<N> kB", "<N> KB", "<N> bytes", "<N> Bx", "<N> KiBs", "R02-M1",
    "RAF-M", "-x7k9p", "-abcde", "-bcdfg1", "/a/", "/ a/", "//", "[ 5.1", "[5.", "[  12.x", "_-1", "_+", "_x", "_7",
    "Sun Jul 24 02:58:22 2005", "Nov  9 10:59:09", "10/Oct/2000:13:55:36 -0700", "2026-11-29T10:00:00Z",
    "2005-06-03-15.42.50",
    "db-1.prod.internal", "api.example.com", "com.acme.app", "io.k8s.svc", "a.b.com.", "x.io", "my_host.example.com",
    "-a.com", "a-.b.com", "a.com-b", "a.com.x", "a.com..", "a.local.b.localdomain", "b" * 64 + ".com", "B.NET",
    "1.5 secs", "2 min", "1.5.3s", "5mh", "1ms5s", "10 days", "3 dayz", "4 hours.", "7.5 ms", "1.5s", "1m",
    "process <N> (java)", "PID <N> (x)", "Task <N> ()", "task <N> (a b)", "xpid <N> (y)", "process <N> (", "(", ")",
    "systemd[<N>]: Started x", "systemd: Failed to start ", "systemd: Reached target ", ".", ".\n", "systemd",
    "C:\\x", "c:/", "1:\\", "\\\\srv\\share", "\\\\ x", "\\\\a\\", "\\\\a\\ ", "a\\\\b\\c", "\\",
    "<N>, <N>", "<IP> <IP>", "<N>;<N>", "<N> | <N>", "<N>,  <N>", "<N>\t<N>", "<N>,<IP>", "<NN>", "<n>",
    "2026-01-02", "12026-01-02", "x2026-01-32", "ip-10-1-2", "9999-19-39", "x_123_abc", "_12a", "a_-5", "job_1_m_2",
    "nvme0n1", "mmcblk", "loop", "xvd", "hda", "ssh", "utf", "Python", "node", "eth",
    "bob@example.com", "a.b+c@d-e.f", "@", "@x", "x@", ".com", "Foo", "Foo$1", "@1b6d3586", "@deadbeef",
    ".service", ".socket", ".timer", ".mount", "nginx", "@14-main",
    "user ", "User ", "USER ", "username ", "tenant ", "Account ", "customer ", "ser ", "ccount ", " not found",
    " from ", " is ", " admin", "bob", " failed", " without", " can't", " doesn't", "ed", "ing", " Is", "name",
]
_SEP = st.sampled_from(["", " ", "  ", ".", ":", "/", "-", "=", "_", "a", "Z", "0", "9", "f", '"', "'", "\n", "\t",
                        ",", "(", ")", "<", ">"])
_ALPHABET = "0123456789abcdefxyzABCDEFXZ_-+.:/\\\"'<>=,;&)]([@%~$ \t\n\x1cN"


@st.composite
def pieced_texts(draw):
    pieces = draw(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(_ALPHABET, max_size=6)), max_size=14))
    return "".join(piece + draw(_SEP) for piece in pieces)


_TEXTS = st.one_of(pieced_texts(), st.text(_ALPHABET, max_size=60), st.text(st.characters(codec="ascii"),
                                                                               max_size=60))
_SETTINGS = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", sorted(BY_TWIN))
def test_twin_on_generated_texts(twins, name):
    @_SETTINGS
    @given(text=_TEXTS)
    @example('"' + "x" * 400 + '"')           # the quoted masks' 400-character limit, at and past it
    @example('"' + "x" * 401 + '"')
    @example("'" + "x" * 400 + "'")
    @example("'" + "x" * 401 + "'")
    @example('"' + "\\x" * 400 + '"')
    @example("a" * 15 + "://x")
    @example("a" * 16 + "://x")
    @example("1.2.3.4:12345 1.2.3.4:123456")
    def run(text):
        check_twin(twins, name, text)

    run()


@pytest.mark.parametrize("name", sorted(BY_TWIN))
def test_twin_on_long_texts(twins, name):
    """Texts past the matcher's stack buffer (1 KiB): its output grows on the heap."""
    for piece in ("10.0.0.7 ", "k=v ", "/a/b ", '"q" ', "0xff ", "12 ", "-<N> ", "x://y ", "'s' ",
                  "123e4567-e89b-12d3-a456-426614174000 ", "a1b2c3d4e5f6a7b8c9 "):
        for repeat in (1, 100, 1000):
            check_twin(twins, name, piece * repeat)


def test_word_facts_name_those_twins_only(twins):
    text = "deadbeef42 a1b2c3d4e5f6g7h8i9 vol1 5ms"   # all four at once
    assert sorted(_c_mask.word_facts(text)) == sorted(WORD_FACTS)
    assert WORD_FACTS <= {name for name, (has_prefilter, _, _) in twins.items() if has_prefilter}
    for text, names in (("", []), ("no words with digits", []), ("0x1f", ["hex"]), ("took 5 sec", ["duration"]),
                        ("eth0", ["numbered-name"]), ("abcdefghij0123456x", ["long-id"])):
        assert _c_mask.word_facts(text) == names, text
    with pytest.raises(TypeError):
        _c_mask.word_facts("caf\u00e9 5ms")


# --- Mask.needs: the compiled masker skips a mask where none of its needs occurs (one pass for all masks) ---------

def crossed(needs: tuple, text: str) -> bool:
    """Where the compiled masker finds a mask's needs (Masker.needs_met): its pairs read crossed, a one-character
    need followed by anything (the text's end too)."""
    firsts = {need[0] for need in needs}
    if any(len(need) == 1 for need in needs):
        return any(c in firsts for c in text)
    seconds = {need[1] for need in needs}
    return any(a in firsts and b in seconds for a, b in zip(text, text[1:]))


def check_needs(index: int, text: str) -> bool:
    """Mask.needs' promise for one text below U+0100 (where the mask changes it, one of its needs occurs), and where
    the compiled masker finds them. Returns whether the mask changed the text. (Wider text is never skipped: the
    promise is not made for it, `\\d` taking other digits.)"""
    mask = MASKS[index]
    if len(text) > 0 and max(text) > "\xff":
        return False
    changed = guard_passes(mask, text) and mask.pattern.sub(mask.replacement, text) != text
    if changed:
        assert any(need in text for need in mask.needs), (mask.name, text)
    assert (index in grouping._masker.needs_met(text)) == crossed(mask.needs, text), (mask.name, text)
    return changed


# A text each mask changes, so that its promise is put to the test at least once (the generated texts rarely make
# some masks change anything); a mask without one fails the test below.
NEEDS_EXAMPLES = {
    "url": "see http://x.io/a now", "systemd-unit": "nginx.service failed", "email": "to bob@x.io now",
    "uuid": "id 123e4567-e89b-12d3-a456-426614174000", "openstack-context": "[req-<UUID> a b - - -] x",
    "double-quoted": 'say "hi"', "single-quoted": "say 'hi'", "backquoted": "run `ls`",
    "http-request": "Invalid URI in request GET /x HTTP/1.1", "ipv4": "from 10.0.0.7:80", "ipv6": "from fe80::1 x",
    "host": "at db.example.com now", "java-host-address": "old h1/<IP>", "windows-path": "C:\\Program Files\\x.exe",
    "path": "open /var/log/x", "relative-path": "in a/b/c", "file": "read app.log now",
    "timestamp": "at 2026-01-02 10:00:00", "key-value": "code=42", "java-identity-hash": "Foo@1b6d3586",
    "k8s-pod": "pod web-7d4b9c-x2k9p", "prefixed-id": "blk_-123", "hex": "sha deadbeef42",
    "long-id": "id abcdefghij0123456x", "duration": "took 5ms", "block-device": "dev sda x",
    "bgl-location": "R02-M1-N0-C:J12-U11", "numbered-name": "on eth0", "kernel-uptime": "[    5.123456] x",
    "number": "got 42", "number-sign": "offset -<N>", "size": "used <N> MB", "name-after-keyword": "user bob not found",
    "ssh-account": "Failed password for root from <IP>", "sudo-user": "sudo: bob : TTY=x",
    "sudo-command": "COMMAND=<*> rm -rf", "systemd-description": "systemd[<N>]: Started Foo Bar.",
    "kernel-comm": "comm bash: x", "android-crash-thread": "FATAL EXCEPTION: main",
    "process-name": "Killed process <N> (java)", "repeats": "[<N>, <N>]",
}


@pytest.mark.parametrize("index", range(len(MASKS)), ids=[mask.name for mask in MASKS])
def test_needs_on_a_text_each_mask_changes(twins, index):
    assert check_needs(index, NEEDS_EXAMPLES[MASKS[index].name])


def test_every_mask_has_needs():
    """(A mask without them is tried on every text: MASKS gives each one.)"""
    assert all(mask.needs for mask in MASKS)


_LATIN1 = st.text(st.sampled_from(_ALPHABET + "\xa0\x85\xe9\xff\xb2"), max_size=40)


@pytest.mark.parametrize("index", range(len(MASKS)), ids=[mask.name for mask in MASKS])
def test_needs_on_generated_texts(twins, index):
    @_SETTINGS
    @given(text=st.one_of(_TEXTS, _LATIN1))
    def run(text):
        check_needs(index, text)

    run()
    for texts in BOUNDARY_TEXTS.values():
        for text in texts:
            check_needs(index, text)


def masked_texts(mask_inputs, data: bytes) -> list[tuple[int, str]]:
    """(mask index, text) for every mask that the texts the scan masks in data reach: each text as that mask gets
    it, after the earlier masks."""
    out = []
    for text in dict.fromkeys(mask_inputs(data)):
        for index, mask in enumerate(MASKS):
            out.append((index, text))
            text = mask.pattern.sub(mask.replacement, text)
    return out


def _check_real(twins, mask_inputs, data: bytes) -> int:
    checked = 0
    for index, text in masked_texts(mask_inputs, data):
        check_needs(index, text)
        name = MASKS[index].compiled
        if name is not None and text.isascii():
            check_twin(twins, name, text)
            checked += 1
    for line in data.decode("latin-1").split("\n"):
        if line.isascii():
            for name in BY_TWIN:
                check_twin(twins, name, line)
    return checked


def test_twins_on_realistic_log(twins, make_realistic_log, mask_inputs):
    assert _check_real(twins, mask_inputs, make_realistic_log(2, seed=7171)) > 10_000


def test_twins_on_samples(twins, sample_path, mask_inputs):
    _check_real(twins, mask_inputs, sample_path.read_bytes())


def _spelt_out(alternative: str) -> list[str]:
    """The words an alternative of plain letters with `x?` optional letters matches: `ya?ml` -> yaml, yml."""
    words = [""]
    for i, c in enumerate(alternative):
        if c == "?":
            continue
        optional = alternative[i + 1:i + 2] == "?"
        words = [w + c for w in words] + (words if optional else [])
    return words


def test_twin_data_follows_grouping(twins):
    """The host suffixes, the file extensions and the Kubernetes name alphabet are data of app.grouping that three
    prefilters spell out in C: each must answer as the guard (the pattern, for the extensions) built from that data
    does, for every suffix, every extension and its near misses, and every character. The numbered-name twin copies
    the kind words and the block-device pattern of its replacement function."""
    host = BY_TWIN["host"]
    for suffix in grouping._HOST_SUFFIXES:
        for text in (f"a.{suffix}", f"a.{suffix} b", f"a.{suffix}x", f"a.{suffix}_", f"a.{suffix}-b"):
            assert _c_mask.prefilter("host", text) == guard_passes(host, text), text
    file = next(m for m in grouping.MASKS if m.name == "file")
    words = {w for alt in grouping._FILE_EXTENSIONS.split("|") for w in _spelt_out(alt)}
    for word in sorted(words | {w[:-1] for w in words} | {w + "x" for w in words} | {w.upper() for w in words}):
        text = f"x.{word} y"
        assert _c_mask.prefilter("file", text) == (file.pattern.search(text) is not None), text
    kinds, block_device = _c_mask.numbered_name_data()
    assert kinds == grouping._KIND_WITH_DIGITS and block_device == grouping._BLOCK_DEVICE.pattern
    pod = BY_TWIN["k8s-pod"]
    for c in "abcdefghijklmnopqrstuvwxyz0123456789":   # (with a digit in the group, as the prefilter also asks)
        for text in (f"x-{c * 4}2", f"x-{c * 4}2 ", f"x-bcd2{c}", f"x-{c}bc2f-", f"x-bcd2g{c}", f"a-{c}bcdfg2-bcdfg"):
            assert _c_mask.prefilter("k8s-pod", text) == guard_passes(pod, text), text


@pytest.mark.parametrize("change", ["pattern", "guard"])
def test_a_twin_refuses_a_changed_mask(twins, change):
    """A twin is written for one regex and guard: a mask whose pattern or guard changed is refused when the masker is
    built (its twin must be looked at again), rather than masking ASCII text the old way."""
    for mask in BY_TWIN.values():
        assert _c_mask.Masker([mask])("x") == "x"   # the real masks are accepted
        if change == "pattern":
            changed = mask._replace(pattern=re.compile(mask.pattern.pattern + "(?:)"))
        else:
            changed = mask._replace(guard=("something else",))
        with pytest.raises(ValueError, match="written for another pattern or guard"):
            _c_mask.Masker([changed])


def test_non_ascii_text_goes_to_the_pattern(twins):
    """The twins read ASCII only: the masker hands other text to the patterns (\\w, \\d, \\s are Unicode there)."""
    for text in ("é1 10.0.0.7", "x ١٢٣", "k=v\u00a0w", "\u00b5s 5µs"):
        assert grouping._masker(text) == grouping._mask_python(text)
        with pytest.raises(ValueError):
            _c_mask.substitute("number", "<N>", text)


def test_twin_calls_refuse_bad_input(twins):
    with pytest.raises(ValueError):
        _c_mask.prefilter("no-such-twin", "x")
    with pytest.raises(ValueError):
        _c_mask.prefilter("url", "x")            # url has a matcher only
    with pytest.raises(ValueError):
        _c_mask.substitute("file", "<PATH>", "x")   # file has a prefilter only
    with pytest.raises(ValueError):
        _c_mask.substitute("number", r"\2", "1")     # only text and \1 expand
    with pytest.raises(ValueError):
        _c_mask.substitute("number", r"\10", "1")
    with pytest.raises(ValueError):
        _c_mask.substitute("number", r"\1", "1")        # only key-value's matcher sets group 1
    with pytest.raises(TypeError):
        _c_mask.prefilter("number-sign")
    url = BY_TWIN["url"]
    with pytest.raises(ValueError, match="replacement"):
        _c_mask.Masker([url._replace(replacement=lambda m: "x")])   # a callable cannot be expanded
    with pytest.raises(ValueError):
        _c_mask.Masker([("n", MASKS[0].pattern, "x", None, "no-such-twin")])
    numbered = BY_TWIN["numbered-name"]
    with pytest.raises(ValueError, match="replacement function"):
        _c_mask.Masker([numbered._replace(replacement=lambda m: m.group(0))])   # not the function it was written for
    with pytest.raises(ValueError, match="replacement function"):
        _c_mask.substitute("numbered-name", "<N>", "vol1")


_BLANKS = st.text(st.sampled_from(" \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2003ab<>"), max_size=40)


@_SETTINGS
@given(text=st.one_of(_BLANKS, st.text(st.characters(codec="ascii"), max_size=40),
                     # words and single spaces, now and then two (an empty word) or another blank: squeeze's 8-byte test
                     st.lists(st.sampled_from(["ab", "", "x7=<N>", "\t", "longerword"]), max_size=30).map(" ".join)))
def test_squeeze_is_the_spaces_expression(twins, text):
    """squeeze() is _make_template's `_SPACES.sub(" ", text).strip()` on ASCII text, and declines any other."""
    squeezed = _c_mask.squeeze(text)
    if text.isascii():
        assert squeezed == grouping._SPACES.sub(" ", text).strip()
    else:
        assert squeezed is None
