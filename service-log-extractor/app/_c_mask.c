/* Compiled loop of app.grouping.mask (module app._c_mask).
 *
 * Masker(masks) takes a list of Mask(name, pattern, replacement, guard[, compiled]) once; masker(text) then does,
 * mask by mask and in order, what grouping._mask_python does: test the guard, and where it passes call
 * pattern.sub(replacement, text) through the bound method. The guards:
 *
 *   "digit"    the text holds a character sre's \d matches on str (Py_UNICODE_ISDECIMAL), with mask()'s early
 *              out: once a digit guard finds none (or the original text had none), later digit guards fail;
 *   tuple      one of its strings occurs in the text;
 *   None       always passes;
 *   otherwise  guard.search(text) is not None (the bound method is taken once).
 *
 * A mask that names a compiled twin (Mask.compiled; the TWINS table below) is handled here on ASCII text: its
 * prefilter first (a necessary condition for the mask to change the text; where it fails the mask is skipped, and
 * where the twin stands in for the guard the guard is not run), then its matcher, when it has one, does the
 * substitution instead of pattern.sub. The twins are exact by argument (each one's comment) and by test
 * (tests/test_compiled_twins.py); a twin records the pattern it was written for, and Masker refuses a mask whose
 * pattern has changed since. Other text, and masks without a twin, go to the re module as in the Python loop.
 *
 * To add a twin: write its prefilter and/or matcher below with a comment saying why it answers as sre does, add it
 * to TWINS with the sha1 of its pattern's source, name it in the Mask (compiled="..."), and give the twin tests
 * pieces of what its pattern reads (_PIECES there); a prefilter that copies the guard goes in GUARD_MIRRORS there,
 * one that copies data of app.grouping gets a check in test_twin_data_follows_grouping. A mask whose replacement is
 * a function gets a replacer, that function written out (numbered-name), named in TWINS by the function's name.
 *
 * A Masker is immutable once built and a call keeps its state on the C stack: one masker serves any number of
 * threads (each call holds the GIL, as the re calls need it anyway).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>   /* offsetof */
#include <stdint.h>
#include <string.h>
#include "structmember.h"   /* PyMemberDef, T_PYSSIZET, READONLY (3.11 has no Py_T_* names yet) */

#include "_c_charset.h"   /* in_set */
#include "_c_twin.h"   /* same_regex: the klog pattern the templater stands for */

typedef enum { G_ALWAYS, G_DIGIT, G_SUBSTR, G_SEARCH } GuardKind;

typedef int (*Prefilter)(const unsigned char *s, Py_ssize_t n);
struct Twin;

typedef struct {
    GuardKind kind;
    const struct Twin *twin;   /* NULL, or the mask's compiled twin (below): on ASCII text, its prefilter is tested
                                  first, and its matcher, when it has one, does the substitution */
    char *tmpl;                /* the replacement for the matcher (parse_template) */
    Py_ssize_t tmpl_len;
    PyObject *guard;   /* G_SUBSTR: the tuple of str; G_SEARCH: the bound guard.search; else NULL */
    PyObject *sub;     /* the bound pattern.sub */
    PyObject *repl;    /* its first argument: a str template or a callable */
    uint64_t need;     /* its bit in needs_found() (Mask.needs), or 0: never skipped for its needs */
    int guard_in_needs;   /* G_SUBSTR whose one-character strings every text its needs let through holds (see
                             guard_in_needs): it passes untested on an exact str of 1-byte characters whose needs
                             were found in it (not added up across a substitution) */
} Entry;

/* Mask.needs, for one pass over a 1-byte text (needs_found): for each character c, the bits of the masks with a
 * need that starts with c (`first`) and those with a need that ends with c (`second`); a need of one character c
 * is c followed by anything, the text's end (its NUL) too: its bit is in c's `first` and in every `second`. A mask's
 * pairs are so read crossed (`ab` and `cd` also as `ad` and `cb`): more texts pass, none is refused that holds one
 * of its needs. The first 64 masks with needs get a bit; any after them are never skipped. */
typedef struct {
    uint64_t first, second;
} NeedRow;

typedef struct {
    PyObject_VAR_HEAD   /* ob_size: the number of entries */
    vectorcallfunc vectorcall;   /* masker(text) without an argument tuple */
    NeedRow needs[256];
    Entry entries[];
} Masker;

/* The bits of the masks whose needs occur in the 1-byte text s[:n] (and s[n], which must be readable: the
 * str's NUL, or the character after a part of one): a pair where one of the mask's first characters is followed
 * by one of its second ones, or one of its single characters. One pass, whatever the number of masks: the guards
 * and prefilters of the masks it rules out each read the text again. */
static uint64_t needs_found(const Masker *m, const Py_UCS1 *s, Py_ssize_t n) {
    uint64_t found = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        found |= m->needs[s[i]].first & m->needs[s[i + 1]].second;
    return found;
}

/* needs_found() of a str, which the masker uses: all bits for a text that is not 1-byte (never skipped). */
static uint64_t text_needs(const Masker *m, PyObject *text) {
    return PyUnicode_KIND(text) == PyUnicode_1BYTE_KIND
           ? needs_found(m, PyUnicode_1BYTE_DATA(text), PyUnicode_GET_LENGTH(text)) : ~(uint64_t)0;
}

/* ---------------------------------------------------------------------------------------------------------
 * Guards */

/* The first ASCII digit of the 1-byte text s[:n] at or after i, n when none: eight bytes a test (SWAR, byte-order
 * free), then one at a time. Latin-1 holds no decimal digit besides 0-9 (², ¹, ³ are not). */
static Py_ssize_t next_digit(const unsigned char *s, Py_ssize_t i, Py_ssize_t n) {
    const uint64_t ones = 0x0101010101010101u, highs = ones * 0x80, low7 = ones * 0x7f;
    for (; n - i >= 8; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        const uint64_t x7 = x & low7;   /* (no carry between bytes: each is below 0x80 here) */
        if ((x7 + ones * (0x80 - '0')) & ~(x7 + ones * (0x80 - '9' - 1)) & ~x & highs)   /* '0' <= byte <= '9' */
            break;
    }
    while (i < n && s[i] - (unsigned)'0' >= 10u)
        i++;
    return i;
}

/* sre's \d on str is Py_UNICODE_ISDECIMAL; the ASCII test first keeps the usual text off the Unicode tables. */
static int has_digit(PyObject *text) {
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (kind == PyUnicode_1BYTE_KIND)   /* the masks' guard asks for each text; most have none */
        return next_digit(data, 0, n) < n;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 128 ? c - (Py_UCS4)'0' < 10u : Py_UNICODE_ISDECIMAL(c))
            return 1;
    }
    return 0;
}

/* needle in haystack, both Latin-1 (1-byte kind: equal bytes are equal code points). memchr for one character of
 * the needle does most of the work (guards are a few characters long): not a space, which most texts hold at every
 * word (" for ", " HTTP/"), each place then a memcmp call. (glibc's memmem took three times as long here.) */
static int contains_ucs1(const Py_UCS1 *h, Py_ssize_t n, const Py_UCS1 *s, Py_ssize_t m) {
    if (m == 0)
        return 1;
    if (m > n)
        return 0;
    if (m == 1)
        return memchr(h, s[0], (size_t)n) != NULL;
    Py_ssize_t a = 0;   /* the anchor: the needle's first character that is not a space, if any */
    while (a < m - 1 && s[a] == ' ')
        a++;
    const Py_UCS1 *p = h + a, *last = h + (n - m) + a;   /* where the anchor may stand */
    while (p <= last) {
        p = memchr(p, s[a], (size_t)(last - p) + 1);
        if (p == NULL)
            return 0;
        if (memcmp(p - a, s, (size_t)m) == 0)
            return 1;
        p++;
    }
    return 0;
}

/* The first i in [from, to) with s[i] == c, or -1: the prefilters below visit only the places where the character
 * their pattern needs stands (memchr skips the rest many bytes at a time). */
static inline Py_ssize_t next_byte(const unsigned char *s, Py_ssize_t from, Py_ssize_t to, unsigned char c) {
    if (from >= to)
        return -1;
    const unsigned char *p = memchr(s + from, c, (size_t)(to - from));
    return p == NULL ? -1 : p - s;
}

/* Any string of the tuple occurs in text (`g in text`): 1, none: 0, error: -1. The items were checked to be str. */
static int any_substring(PyObject *text, PyObject *tuple) {
    const int exact = PyUnicode_CheckExact(text);   /* a str subclass may define its own __contains__ */
    const int one_byte = PyUnicode_KIND(text) == PyUnicode_1BYTE_KIND;
    const Py_ssize_t n = PyTuple_GET_SIZE(tuple);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *g = PyTuple_GET_ITEM(tuple, i);
        int found;
        if (!exact)
            found = PySequence_Contains(text, g);
        else if (one_byte && PyUnicode_KIND(g) == PyUnicode_1BYTE_KIND)
            found = contains_ucs1(PyUnicode_1BYTE_DATA(text), PyUnicode_GET_LENGTH(text),
                                  PyUnicode_1BYTE_DATA(g), PyUnicode_GET_LENGTH(g));
        else
            found = PyUnicode_Contains(text, g);
        if (found != 0)
            return found;   /* 1, or -1 with an exception set */
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------------------------
 * Prefilters: necessary conditions for a mask's pattern to match, on ASCII text
 *
 * A mask whose Mask.compiled names a twin with one of these is skipped, before its guard, when the text is ASCII
 * and the prefilter answers 0: its pattern cannot match, so pattern.sub would return the text unchanged. Each
 * answers 1 ("may match") at least wherever the pattern matches; on ASCII text sre's \w is [A-Za-z0-9_], \d is [0-9] and
 * \b lies between a \w and a non-\w character. Non-ASCII text never reaches them (\w, \s, \d are Unicode there).
 * tests/test_compiled_twins.py checks each against its mask on generated and real texts. */
/* One table lookup per test (these run on every character of every message, some forty times over). */
enum { C_D = 1, C_ALPHA = 2, C_W = 4, C_HEX = 8, C_SPACE = 16, C_ALNUM = 32 };
static const unsigned char CLASS[256] = {
    ['0' ... '9'] = C_D | C_W | C_HEX | C_ALNUM,
    ['a' ... 'f'] = C_ALPHA | C_W | C_HEX | C_ALNUM, ['A' ... 'F'] = C_ALPHA | C_W | C_HEX | C_ALNUM,
    ['g' ... 'z'] = C_ALPHA | C_W | C_ALNUM, ['G' ... 'Z'] = C_ALPHA | C_W | C_ALNUM,
    ['_'] = C_W,
    [' '] = C_SPACE, ['\t' ... '\r'] = C_SPACE, [0x1c ... 0x1f] = C_SPACE,   /* sre's \s on ASCII str */
};
static inline int is_d(unsigned char c) { return (CLASS[c] & C_D) != 0; }
static inline int is_alpha(unsigned char c) { return (CLASS[c] & C_ALPHA) != 0; }
static inline int is_w(unsigned char c) { return (CLASS[c] & C_W) != 0; }
/* no word character just before s[i] / at s[e] (e <= n): where a run of word characters may start / ends */
static inline int word_start(const unsigned char *s, Py_ssize_t i) { return i == 0 || !is_w(s[i - 1]); }
static inline int word_end(const unsigned char *s, Py_ssize_t n, Py_ssize_t e) { return e == n || !is_w(s[e]); }
static inline int is_hex(unsigned char c) { return (CLASS[c] & C_HEX) != 0; }

/* The length of the word w when s[:n] starts with it, else 0 (w is not empty). No strlen: most words fail at their
 * first character. */
static inline Py_ssize_t prefix_len(const unsigned char *s, Py_ssize_t n, const char *w) {
    Py_ssize_t t = 0;
    for (; w[t] != 0; t++)
        if (t >= n || s[t] != (unsigned char)w[t])
            return 0;
    return t;
}

/* s[:n] is the word w (n > 0). */
static inline int equals_word(const unsigned char *s, Py_ssize_t n, const char *w) { return prefix_len(s, n, w) == n; }

/* long-id `\b(?=\w{16})(?=\w*\d)(?=\w*[a-zA-Z])\w{16,}\b`: a whole word of 16+ characters with a digit and a
 * letter (exact). */
static int pf_long_id(const unsigned char *s, Py_ssize_t n) {
    Py_ssize_t i = 0;
    while (i < n) {
        if (!is_w(s[i])) { i++; continue; }
        Py_ssize_t start = i;
        while (i < n && is_w(s[i]))
            i++;
        if (i - start < 16)   /* (most words: their letters and digits need no look) */
            continue;
        int digit = 0, alpha = 0;
        for (Py_ssize_t k = start; k < i; k++) {
            digit |= is_d(s[k]);
            alpha |= is_alpha(s[k]);
        }
        if (digit && alpha)
            return 1;
    }
    return 0;
}

/* numbered-name `\b([A-Za-z]++)\d++(?:[A-Za-z]++\d++)*+\b`: a whole word of letters and digits only that starts with
 * a letter and ends with a digit (exact). */
static int pf_numbered_name(const unsigned char *s, Py_ssize_t n) {
    Py_ssize_t i = 0;
    while (i < n) {
        if (!is_w(s[i])) { i++; continue; }
        const int letter_first = is_alpha(s[i]);
        int underscore = 0;
        for (; i < n && is_w(s[i]); i++)
            underscore |= s[i] == '_';
        if (letter_first && !underscore && is_d(s[i - 1]))
            return 1;
    }
    return 0;
}

/* hex `\b0[xX][0-9a-fA-F]+\b|\b(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{6,}\b`: a whole word that is
 * 0x and hex digits, or 6+ hex digits with a letter and a digit among them (exact). */
static int pf_hex(const unsigned char *s, Py_ssize_t n) {
    Py_ssize_t i = 0;
    while (i < n) {
        if (!is_w(s[i])) { i++; continue; }
        if (!is_hex(s[i])) {   /* neither form starts so (`0x` starts with a digit): skip the word */
            while (i < n && is_w(s[i]))
                i++;
            continue;
        }
        const Py_ssize_t start = i;
        int all_hex = 1, digit = 0, letter = 0, tail_hex = 1;   /* tail: from start + 2 on */
        for (; i < n && is_w(s[i]); i++) {
            const int h = is_hex(s[i]);
            all_hex &= h;
            if (i >= start + 2)
                tail_hex &= h;
            digit |= is_d(s[i]);
            letter |= h && !is_d(s[i]);
        }
        const Py_ssize_t len = i - start;
        if (all_hex && len >= 6 && digit && letter)
            return 1;
        if (len >= 3 && s[start] == '0' && (s[start + 1] | 0x20) == 'x' && tail_hex)
            return 1;
    }
    return 0;
}

static int hex_run(const unsigned char *s, Py_ssize_t n, Py_ssize_t at, Py_ssize_t len) {
    if (at + len > n)
        return 0;
    for (Py_ssize_t k = at; k < at + len; k++)
        if (!is_hex(s[k]))
            return 0;
    return 1;
}

/* uuid `\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b` (exact). */
static int pf_uuid(const unsigned char *s, Py_ssize_t n) {
    for (Py_ssize_t i = 8; i + 28 <= n; i++) {   /* i: the first dash */
        const unsigned char *dash = memchr(s + i, '-', (size_t)(n - 28 - i) + 1);
        if (dash == NULL)
            return 0;
        i = dash - s;
        const Py_ssize_t a = i - 8;
        if ((a == 0 || !is_w(s[a - 1])) && hex_run(s, n, a, 8) && hex_run(s, n, i + 1, 4) && s[i + 5] == '-' &&
            hex_run(s, n, i + 6, 4) && s[i + 10] == '-' && hex_run(s, n, i + 11, 4) && s[i + 15] == '-' &&
            hex_run(s, n, i + 16, 12) && (i + 28 == n || !is_w(s[i + 28])))
            return 1;
    }
    return 0;
}

/* number-sign `(?<![\w.+-])[-+](?=<N>)` (exact). */
static int pf_number_sign(const unsigned char *s, Py_ssize_t n) {
    for (Py_ssize_t j = next_byte(s, 1, n - 2, '<'); j >= 0; j = next_byte(s, j + 1, n - 2, '<')) {
        const Py_ssize_t i = j - 1;   /* the sign */
        if ((s[i] == '-' || s[i] == '+') && s[i + 2] == 'N' && s[i + 3] == '>' &&
            (i == 0 || !(is_w(s[i - 1]) || in_set(s[i - 1], ".+-"))))
            return 1;
    }
    return 0;
}

/* path `(?<![\w.:/<>-])(?:\.\.?|~)?/+[\w.@%+~-]+...`: a run of slashes followed by a name character, led by nothing,
 * `.`, `..` or `~`, before which stands none of the lookbehind's characters (exact as to where a match starts). */
static int path_start_ok(const unsigned char *s, Py_ssize_t at) {   /* at: where the match would start */
    return at == 0 || !(is_w(s[at - 1]) || in_set(s[at - 1], ".:/<>-"));
}

static int pf_path(const unsigned char *s, Py_ssize_t n) {
    for (Py_ssize_t k = next_byte(s, 0, n, '/'); k >= 0; k = next_byte(s, k + 1, n, '/')) {
        if (k > 0 && s[k - 1] == '/')
            continue;
        Py_ssize_t end = k;
        while (end < n && s[end] == '/')
            end++;
        if (end == n || !(is_w(s[end]) || in_set(s[end], ".@%+~-")))
            continue;
        if (path_start_ok(s, k))
            return 1;
        if (k >= 1 && (s[k - 1] == '.' || s[k - 1] == '~') && path_start_ok(s, k - 1))
            return 1;
        if (k >= 2 && s[k - 1] == '.' && s[k - 2] == '.' && path_start_ok(s, k - 2))
            return 1;
    }
    return 0;
}

/* app.grouping._FILE_EXTENSIONS, its optional letters spelt out; the tests check this list against it. */
static const char *const FILE_EXTENSIONS[] = {
    "log", "txt", "csv", "tsv", "json", "xml", "yaml", "yml", "toml", "conf", "cfg", "ini", "properties", "db",
    "sqlite", "sqlite3", "sql", "so", "dll", "exe", "jar", "war", "ear", "class", "py", "go", "java", "js", "ts", "rb",
    "php", "sh", "c", "cc", "cpp", "h", "hpp", "rs", "gz", "zip", "tar", "tgz", "bz2", "xz", "zst", "7z", "rar", "pid",
    "sock", "lock", "tmp", "bak", "swp", "dat", "bin", "img", "iso", "qcow2", "vmdk", "vhd", "vhdx", "pem", "crt",
    "p12", "rpm", "deb", "apk", "parquet", "avro", "orc", "htm", "html", "css", "png", "jpg", "jpeg", "gif", "pdf",
    "dmp", "out", "err", "trc", "dbf", "wal", NULL};

/* EXTENSIONS_BY_FIRST[c]: the indexes + 1 in FILE_EXTENSIONS of the extensions starting with c, 0 after the last
 * (fill_extensions). A dotted word is compared with those few, not with all ninety. */
#define EXTENSIONS_A_LETTER 15
static unsigned char EXTENSIONS_BY_FIRST[128][EXTENSIONS_A_LETTER + 1];

static int fill_extensions(void) {
    memset(EXTENSIONS_BY_FIRST, 0, sizeof EXTENSIONS_BY_FIRST);
    for (size_t k = 0; FILE_EXTENSIONS[k] != NULL; k++) {
        unsigned char *bucket = EXTENSIONS_BY_FIRST[(unsigned char)FILE_EXTENSIONS[k][0] & 127];
        size_t used = strlen((const char *)bucket);
        if (used == EXTENSIONS_A_LETTER || k + 1 > 255) {
            PyErr_SetString(PyExc_SystemError, "_c_mask: FILE_EXTENSIONS outgrew EXTENSIONS_BY_FIRST");
            return -1;
        }
        bucket[used] = (unsigned char)(k + 1);
    }
    return 0;
}

static int is_file_extension(const unsigned char *w, Py_ssize_t len) {
    if (len <= 0 || w[0] >= 128)
        return 0;
    for (const unsigned char *k = EXTENSIONS_BY_FIRST[w[0]]; *k; k++)
        if (equals_word(w, len, FILE_EXTENSIONS[*k - 1]))
            return 1;
    return 0;
}

/* file `...[\w@%+~-][\w.@%+~-]*\.(?:EXT)(?:\.\d+)*(?![\w.-]*\w)(?!:\d)`: a `.` after a name character, then an
 * extension that is the whole word there (a shorter alternative leaves a word character next, which the first
 * lookahead refuses), then `.digits` groups, after which neither a word (through `.` and `-`) nor `:digit` follows. */
static int pf_file(const unsigned char *s, Py_ssize_t n) {
    for (Py_ssize_t p = next_byte(s, 1, n - 1, '.'); p >= 0; p = next_byte(s, p + 1, n - 1, '.')) {
        if (!is_w(s[p + 1]) || !(is_w(s[p - 1]) || in_set(s[p - 1], ".@%+~-")))
            continue;
        Py_ssize_t q = p + 1;
        while (q < n && is_w(s[q]))
            q++;
        if (!is_file_extension(s + p + 1, q - p - 1))
            continue;
        while (q + 1 < n && s[q] == '.' && is_d(s[q + 1])) {   /* (?:\.\d+)*, greedy: only its longest run can pass */
            q++;
            while (q < n && is_d(s[q]))
                q++;
        }
        if (q < n && is_w(s[q]))
            continue;
        if (q + 1 < n && s[q] == ':' && is_d(s[q + 1]))
            continue;
        int word_follows = 0;
        for (Py_ssize_t r = q; r < n && (is_w(s[r]) || s[r] == '.' || s[r] == '-'); r++)
            if (is_w(s[r])) {
                word_follows = 1;
                break;
            }
        if (!word_follows)
            return 1;
    }
    return 0;
}

/* ipv4 `\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b`: four runs of 1-3 digits joined by dots, the first at a word
 * start (the last may be longer: left to the pattern). */
static inline Py_ssize_t run_of(int (*in)(unsigned char), const unsigned char *s, Py_ssize_t n, Py_ssize_t at) {
    Py_ssize_t k = at;   /* the length of the run of `in` characters at `at` */
    while (k < n && in(s[k]))
        k++;
    return k - at;
}

static Py_ssize_t digit_run(const unsigned char *s, Py_ssize_t n, Py_ssize_t at) { return run_of(is_d, s, n, at); }

static int pf_ipv4(const unsigned char *s, Py_ssize_t n) {
    if (memchr(s, '.', (size_t)n) == NULL)   /* (the dots are what most texts lack) */
        return 0;
    for (Py_ssize_t i = 0; i + 7 <= n; i++) {
        if (!is_d(s[i]) || (i > 0 && is_w(s[i - 1])))
            continue;
        Py_ssize_t k = i;
        int groups = 0;
        for (; groups < 4; groups++) {
            const Py_ssize_t len = digit_run(s, n, k);
            if (len < 1 || (groups < 3 && len > 3))
                break;
            k += len;
            if (groups < 3) {
                if (k >= n || s[k] != '.')
                    break;
                k++;
            }
        }
        if (groups == 4)
            return 1;
    }
    return 0;
}

/* duration's guard `\d(?:[nuµm]?s|[mh])\b|\d\s(?:ms|sec|min|hour|day)` on ASCII text, exactly (it is a
 * necessary condition for the pattern: each of the pattern's alternatives ends in a digit, a unit and `\b`, or a
 * digit, `\s` and a spelled-out unit). At a digit: `[nuµm]?s` is the optional letter then `s`, or `s` alone (sre
 * backtracks from the one to the other); every unit letter is a word character, so the `\b` after it is the text's
 * end or a non-word character; `\s` on str is also \x1c-\x1f. Answering for the guard spares its regex search,
 * which sre runs at every character (no literal to look for first): ~12,000 instructions a message. */
static inline int is_space(unsigned char c) { return (CLASS[c] & C_SPACE) != 0; }


/* u[:left] starts with a unit the duration guard spells out after a blank: `ms|sec|min|hour|day`. */
static int spelled_unit(const unsigned char *u, Py_ssize_t left) {
    return (left >= 2 && memcmp(u, "ms", 2) == 0) || (left >= 3 && (memcmp(u, "sec", 3) == 0 ||
           memcmp(u, "min", 3) == 0 || memcmp(u, "day", 3) == 0)) || (left >= 4 && memcmp(u, "hour", 4) == 0);
}

static int pf_duration(const unsigned char *s, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i + 1 < n; i++) {
        if (!is_d(s[i]))
            continue;
        const unsigned char c = s[i + 1];
        if ((c == 'n' || c == 'u' || c == 'm') && i + 2 < n && s[i + 2] == 's' && word_end(s, n, i + 3))
            return 1;
        if ((c == 's' || c == 'm' || c == 'h') && word_end(s, n, i + 2))
            return 1;
        if (is_space(c) && spelled_unit(s + i + 2, n - (i + 2)))
            return 1;
    }
    return 0;
}

/* The four prefilters above that look at whole words (hex, long-id, numbered-name, duration), answered in one pass
 * over the text's words that hold a digit (each of the four needs one): a bit each (WORD_FACTS) where that
 * prefilter answers 1. Each alone walks every word again;
 * the masker asks all four of the same text whenever no mask between them changed it (Masker's `version`), so this
 * pass is what those four cost (the tests compare every bit with its prefilter). At a word's end:
 * - hex: all hex digits, 6 or more, a digit and a letter among them; or `0x` and hex digits after it;
 * - long-id: 16 or more characters, a digit and a letter among them;
 * - numbered-name: letters and digits only, a letter first and a digit last;
 * - duration: the word ends in a digit and `[nuµm]?s`, `m` or `h` (the unit is all word characters, so `\b` after
 *   it is the word's end), or in a digit followed by one blank and a spelled-out unit (pf_duration at that digit). */
enum { WF_HEX = 1, WF_LONG_ID = 2, WF_NUMBERED_NAME = 4, WF_DURATION = 8 };

static unsigned word_facts(const unsigned char *s, Py_ssize_t n) {
    unsigned facts = 0;
    /* Each fact needs a digit in its word (`0x` has one too): only the words holding one are looked at, found
     * from their digits (next_digit reads eight bytes a test; most words hold none). */
    for (Py_ssize_t d = next_digit(s, 0, n), i; d < n; d = next_digit(s, i, n)) {
        Py_ssize_t start = d;
        while (start > 0 && is_w(s[start - 1]))   /* (back to the word's start: after the last word looked at) */
            start--;
        unsigned cls = CLASS[s[start]];
        unsigned all = cls, any = cls;   /* the classes every character / some character of the word has */
        for (i = start + 1; i < n && ((cls = CLASS[s[i]]) & C_W); i++) {
            all &= cls;
            any |= cls;
        }
        const Py_ssize_t len = i - start;
        const int letter = (any & C_ALPHA) != 0;   /* (a digit it has) */
        if (letter) {
            if ((all & C_HEX) && len >= 6)
                facts |= WF_HEX;
            if (len >= 16)
                facts |= WF_LONG_ID;
        }
        if (len >= 3 && s[start] == '0' && (s[start + 1] | 0x20) == 'x' && hex_run(s, n, start + 2, len - 2))
            facts |= WF_HEX;
        const unsigned char last = s[i - 1];
        if ((all & C_ALNUM) && is_alpha(s[start]) && is_d(last))
            facts |= WF_NUMBERED_NAME;
        if (len >= 2 && (((last == 's' || last == 'm' || last == 'h') && is_d(s[i - 2])) ||
                         (len >= 3 && last == 's' && (s[i - 2] == 'n' || s[i - 2] == 'u' || s[i - 2] == 'm') &&
                          is_d(s[i - 3]))))
            facts |= WF_DURATION;
        else if (is_d(last) && i + 1 < n && is_space(s[i]) && spelled_unit(s + i + 1, n - (i + 1)))
            facts |= WF_DURATION;   /* pf_duration's `\d\s(?:ms|sec|min|hour|day)` */
        if (facts == (WF_HEX | WF_LONG_ID | WF_NUMBERED_NAME | WF_DURATION))
            break;
    }
    return facts;
}

static int contains(const unsigned char *s, Py_ssize_t n, const char *needle) {
    return contains_ucs1(s, n, (const Py_UCS1 *)needle, (Py_ssize_t)strlen(needle));
}

/* ssh-account `\b((?:Failed|Accepted) [\w-]+ for) (?!invalid user )[\w.@+-]+(?= from )`. */
static int pf_ssh_account(const unsigned char *s, Py_ssize_t n) {
    return (contains(s, n, "Failed ") || contains(s, n, "Accepted ")) && contains(s, n, " for ") &&
           contains(s, n, " from ");
}

/* ---------------------------------------------------------------------------------------------------------
 * Matchers: a mask's pattern matched by hand on ASCII text
 *
 * matcher(s, n, i, &m) answers whether the pattern matches at i, as sre would when its search reaches i (the
 * lookbehinds read the text before i, as sre's do), and sets where the match ends and its group 1. The masker then
 * does what pattern.sub does: matches left to right, each search going on where the last match ended (none of
 * these patterns matches the empty string), the replacement a template of literal text and `\1`. Each comment
 * gives the pattern and why the hand-made match is the one sre's backtracking finds; the tests compare every
 * matcher with its pattern's sub on generated and real texts. */
typedef struct {
    Py_ssize_t end, g1_start, g1_end;
} Match;

typedef int (*Matcher)(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m);

/* A growable output buffer for substitute() and the replacers. */
typedef struct {
    char *data;   /* starts as `stack`; on the heap once grown */
    Py_ssize_t len, cap;
    char *stack;
} Buffer;

static int buffer_put(Buffer *b, const void *src, Py_ssize_t len) {
    if (b->len + len > b->cap) {
        const Py_ssize_t cap = (b->cap + len) * 2;
        char *grown = b->data == b->stack ? PyMem_Malloc((size_t)cap) : PyMem_Realloc(b->data, (size_t)cap);
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        if (b->data == b->stack)
            memcpy(grown, b->stack, (size_t)b->len);
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, src, (size_t)len);
    b->len += len;
    return 0;
}

/* A replacement computed from the match (a twin of a callable replacement): writes it to the buffer, as the
 * callable's return value; 0, or -1 with an exception. `start` is where the match begins. */
typedef int (*Replacer)(Buffer *b, const unsigned char *s, Py_ssize_t start, const Match *m);



/* number `\b\d+(?:[.:]\d+)*(?:\b|(?=[a-zA-Z]{1,3}\b))`. A shorter \d+ than a whole run of digits leaves a digit
 * next, where neither ending holds; so the candidate ends are the ends of the digit runs, tried from the greedy
 * last back to the first. An end before `.`/`:` is a \b; the last end needs a \b or 1-3 letters and then a \b. */
static int m_number(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    if (!is_d(s[i]) || !word_start(s, i))
        return 0;
    Py_ssize_t j = i, first = -1;
    while (j < n && is_d(s[j]))
        j++;
    first = j;
    while (j + 1 < n && (s[j] == '.' || s[j] == ':') && is_d(s[j + 1])) {
        j++;
        while (j < n && is_d(s[j]))
            j++;
    }
    if (word_end(s, n, j)) {
        m->end = j;
        return 1;
    }
    Py_ssize_t letters = 0;
    while (j + letters < n && is_alpha(s[j + letters]) && letters <= 3)
        letters++;
    if (letters >= 1 && letters <= 3 && word_end(s, n, j + letters)) {
        m->end = j;
        return 1;
    }
    if (j == first)
        return 0;
    for (Py_ssize_t p = j - 1; p >= first; p--)   /* the last separator: a \b before it */
        if (s[p] == '.' || s[p] == ':') {
            m->end = p;
            return 1;
        }
    return 0;   /* (unreachable: a repetition began with a separator) */
}

/* ipv4 `\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b`. Each of the first three runs is followed by its `.`, so a run of
 * 4+ digits fails (fewer digits leave a digit next); the fourth is 1-3 digits; a port of 1-5 digits is taken when a
 * \b follows it, else the match ends before the `:` (a \b). */
static int m_ipv4(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    if (!is_d(s[i]) || !word_start(s, i))
        return 0;
    Py_ssize_t p = i;
    for (int g = 0; g < 4; g++) {
        const Py_ssize_t r = digit_run(s, n, p);
        if (r < 1 || r > 3)
            return 0;
        p += r;
        if (g < 3) {
            if (p >= n || s[p] != '.')
                return 0;
            p++;
        }
    }
    if (p < n && s[p] == ':') {
        const Py_ssize_t r = digit_run(s, n, p + 1);
        m->end = r >= 1 && r <= 5 && word_end(s, n, p + 1 + r) ? p + 1 + r : p;
        return 1;
    }
    if (!word_end(s, n, p))
        return 0;
    m->end = p;
    return 1;
}

/* uuid `\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b` (fixed length). */
static int m_uuid(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    if (i + 36 > n || !is_hex(s[i]) || !word_start(s, i))
        return 0;
    if (!(hex_run(s, n, i, 8) && s[i + 8] == '-' && hex_run(s, n, i + 9, 4) && s[i + 13] == '-' &&
          hex_run(s, n, i + 14, 4) && s[i + 18] == '-' && hex_run(s, n, i + 19, 4) && s[i + 23] == '-' &&
          hex_run(s, n, i + 24, 12) && word_end(s, n, i + 36)))
        return 0;
    m->end = i + 36;
    return 1;
}

/* double-quoted `"(?:[^"\\]|\\.){0,400}"`. No unit takes an unescaped `"`, and a shorter run of units ends where
 * the next unit starts (not a `"`): only the greedy run can be closed. `.` takes anything but a newline. */
static int m_double_quoted(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    if (s[i] != '"')
        return 0;
    Py_ssize_t k = i + 1;
    for (int units = 0; units < 400 && k < n && s[k] != '"'; units++) {
        if (s[k] == '\\') {
            if (k + 1 >= n || s[k + 1] == '\n')
                return 0;   /* the run stops at this backslash, which is no `"` */
            k += 2;
        } else {
            k++;
        }
    }
    if (k >= n || s[k] != '"')
        return 0;
    m->end = k + 1;
    return 1;
}

/* single-quoted `(?<!\w)'[^'\n]{0,400}'(?!\w)`: only the greedy run can be followed by a `'`. */
static int m_single_quoted(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    if (s[i] != '\'' || !word_start(s, i))
        return 0;
    Py_ssize_t k = i + 1;
    while (k < n && k - (i + 1) < 400 && s[k] != '\'' && s[k] != '\n')
        k++;
    if (k >= n || s[k] != '\'' || !word_end(s, n, k + 1))
        return 0;
    m->end = k + 1;
    return 1;
}

/* url `\b[a-zA-Z][a-zA-Z0-9+.-]{1,15}://[^\s"'<>]+`. `:` is not in the scheme's class, so only the whole run of
 * scheme characters (1-15 of them) can be followed by `://`. */
static int is_scheme_char(unsigned char c) { return is_alpha(c) || is_d(c) || c == '+' || c == '.' || c == '-'; }

static int m_url(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    if (!is_alpha(s[i]) || !word_start(s, i))
        return 0;
    Py_ssize_t j = i + 1;
    while (j < n && j - (i + 1) <= 15 && is_scheme_char(s[j]))   /* a 16th scheme character already fails */
        j++;
    if (j - (i + 1) < 1 || j - (i + 1) > 15 || j + 3 > n || memcmp(s + j, "://", 3) != 0)
        return 0;
    Py_ssize_t k = j + 3;
    while (k < n && !is_space(s[k]) && s[k] != '"' && s[k] != '\'' && s[k] != '<' && s[k] != '>')
        k++;
    if (k == j + 3)
        return 0;
    m->end = k;
    return 1;
}

/* path `(?<![\w.:/<>-])(?:\.\.?|~)?/+[\w.@%+~-]+(?:/+(?:[\w.@%+~-]|<[A-Z]+>)+)*` and `/?`. Every part is greedy and
 * nothing after it can fail, so the longest path is the match; a run of slashes not followed by a name character
 * (or `<NAME>`) ends it, one `/` of it taken by the final `/?`. */
static int is_path_char(unsigned char c) { return is_w(c) || (c != 0 && strchr(".@%+~-", c) != NULL); }

static Py_ssize_t placeholder_end(const unsigned char *s, Py_ssize_t n, Py_ssize_t k) {   /* `<[A-Z]+>` at k */
    if (k >= n || s[k] != '<')
        return -1;
    Py_ssize_t u = k + 1;
    while (u < n && s[u] - (unsigned)'A' < 26u)
        u++;
    return u > k + 1 && u < n && s[u] == '>' ? u + 1 : -1;
}

static int m_path(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    if (!path_start_ok(s, i))
        return 0;
    Py_ssize_t p = i;
    if (s[p] == '.')
        p += p + 2 < n && s[p + 1] == '.' && s[p + 2] == '/' ? 2 : 1;
    else if (s[p] == '~')
        p++;
    if (p >= n || s[p] != '/')
        return 0;
    while (p < n && s[p] == '/')
        p++;
    if (p >= n || !is_path_char(s[p]))
        return 0;
    while (p < n && is_path_char(s[p]))
        p++;
    for (;;) {
        Py_ssize_t q = p;
        while (q < n && s[q] == '/')
            q++;
        if (q == p)
            break;
        Py_ssize_t r = q;
        for (;;) {
            if (r < n && is_path_char(s[r])) {
                r++;
                continue;
            }
            const Py_ssize_t after = placeholder_end(s, n, r);
            if (after < 0)
                break;
            r = after;
        }
        if (r == q)
            break;
        p = r;
    }
    if (p < n && s[p] == '/')
        p++;
    m->end = p;
    return 1;
}

/* key-value `(?<![\w.-])([\w.-]++)=(?:<[A-Z]+>|[^\s,;&)\]]+)`: the whole key (possessive), `=`, then a
 * placeholder if one is there, else the longest run of value characters (at least one). */
static int is_key_char(unsigned char c) { return is_w(c) || c == '.' || c == '-'; }

static int m_key_value(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    if (!is_key_char(s[i]) || (i > 0 && is_key_char(s[i - 1])))
        return 0;
    Py_ssize_t j = i;
    while (j < n && is_key_char(s[j]))
        j++;
    if (j >= n || s[j] != '=')
        return 0;
    m->g1_start = i;
    m->g1_end = j;
    const Py_ssize_t after = placeholder_end(s, n, j + 1);
    if (after >= 0) {
        m->end = after;
        return 1;
    }
    Py_ssize_t u = j + 1;
    while (u < n && !is_space(s[u]) && !in_set(s[u], ",;&)]"))
        u++;
    if (u == j + 1)
        return 0;
    m->end = u;
    return 1;
}

/* hex and long-id: whole words (see their prefilters). */
static Py_ssize_t word_end_at(const unsigned char *s, Py_ssize_t n, Py_ssize_t i) {
    while (i < n && is_w(s[i]))
        i++;
    return i;
}

static int m_hex(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    if (!is_w(s[i]) || !word_start(s, i))
        return 0;
    const Py_ssize_t e = word_end_at(s, n, i);
    if (!pf_hex(s + i, e - i))   /* the word alone: pf_hex answers exactly for it */
        return 0;
    m->end = e;
    return 1;
}

static int m_long_id(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    if (!is_w(s[i]) || !word_start(s, i))
        return 0;
    const Py_ssize_t e = word_end_at(s, n, i);
    if (!pf_long_id(s + i, e - i))
        return 0;
    m->end = e;
    return 1;
}

/* number-sign `(?<![\w.+-])[-+](?=<N>)`. */
static int m_number_sign(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    if (!(s[i] == '-' || s[i] == '+') || i + 3 >= n || memcmp(s + i + 1, "<N>", 3) != 0 ||
        (i > 0 && (is_w(s[i - 1]) || in_set(s[i - 1], ".+-"))))
        return 0;
    m->end = i + 1;
    return 1;
}

/* numbered-name `\b([A-Za-z]++)\d++(?:[A-Za-z]++\d++)*+\b`. Every quantifier is possessive, so there is one way to
 * try each start and no backtracking: a word start (`\b` before a letter), the letters (group 1), the digits (at
 * least one), then whole letters-then-digits pairs for as long as both parts are there (a pair whose letters are
 * not followed by a digit is not taken), and the match stands only where a `\b` follows. */
static int m_numbered_name(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    if (!is_alpha(s[i]) || !word_start(s, i))
        return 0;
    Py_ssize_t j = i;
    while (j < n && is_alpha(s[j]))
        j++;
    m->g1_start = i;
    m->g1_end = j;
    if (j >= n || !is_d(s[j]))
        return 0;
    while (j < n && is_d(s[j]))
        j++;
    for (;;) {   /* (?:[A-Za-z]++\d++)*+ */
        Py_ssize_t k = j;
        while (k < n && is_alpha(s[k]))
            k++;
        if (k == j || k >= n || !is_d(s[k]))
            break;
        while (k < n && is_d(s[k]))
            k++;
        j = k;
    }
    if (!word_end(s, n, j))
        return 0;
    m->end = j;
    return 1;
}

/* The replacement of app.grouping._numbered_name, written out: the match unchanged where its letters, lowered, are
 * in _KIND_WITH_DIGITS (`ssh2`, `utf8`, `L2`); `<DEV>` where they are a block device's (_BLOCK_DEVICE's fullmatch:
 * `x?[shv]d[a-z]{1,2}|nvme|mmcblk|loop`); else the letters and `<N>`. Both data are copied here from app.grouping:
 * tests/test_compiled_twins.py checks them against it (test_twin_data_follows_grouping). */
static const char *const KIND_WITH_DIGITS[] = {
    "ssh", "http", "https", "ipv", "utf", "ucs", "sha", "md", "crc", "base", "tls", "ssl", "x", "amd", "arm", "aarch",
    "win", "int", "uint", "float", "ext", "raid", "ddr", "usb", "pcie", "oauth", "python", "java", "php", "perl",
    "ec", "s", "h", "l", "i", NULL};
#define BLOCK_DEVICE_PATTERN "x?[shv]d[a-z]{1,2}|nvme|mmcblk|loop"

static int is_kind_with_digits(const unsigned char *w, Py_ssize_t len) {
    for (const char *const *k = KIND_WITH_DIGITS; *k != NULL; k++) {
        if ((Py_ssize_t)strlen(*k) != len)
            continue;
        Py_ssize_t t = 0;
        while (t < len && (w[t] | 0x20) == (unsigned char)(*k)[t])   /* w holds letters only: | 0x20 lowers them */
            t++;
        if (t == len)
            return 1;
    }
    return 0;
}

static int is_block_device(const unsigned char *w, Py_ssize_t len) {
    if ((len == 4 && memcmp(w, "nvme", 4) == 0) || (len == 6 && memcmp(w, "mmcblk", 6) == 0) ||
        (len == 4 && memcmp(w, "loop", 4) == 0))
        return 1;
    const Py_ssize_t p = len > 0 && w[0] == 'x';   /* `x?` is greedy, and no [shv] is an `x`: one way to read it */
    if (len - p < 3 || len - p > 4 || !in_set(w[p], "shv") || w[p + 1] != 'd')
        return 0;
    for (Py_ssize_t t = p + 2; t < len; t++)
        if (w[t] < 'a' || w[t] > 'z')
            return 0;
    return 1;
}

static int r_numbered_name(Buffer *b, const unsigned char *s, Py_ssize_t start, const Match *m) {
    const unsigned char *letters = s + m->g1_start;
    const Py_ssize_t len = m->g1_end - m->g1_start;
    if (is_kind_with_digits(letters, len))
        return buffer_put(b, s + start, m->end - start);
    if (is_block_device(letters, len))
        return buffer_put(b, "<DEV>", 5);
    return buffer_put(b, letters, len) < 0 ? -1 : buffer_put(b, "<N>", 3);
}

/* For the drift test: the data r_numbered_name copies from app.grouping. */
static PyObject *numbered_name_data(PyObject *module, PyObject *unused) {
    PyObject *kinds = PyFrozenSet_New(NULL);
    for (const char *const *k = KIND_WITH_DIGITS; kinds != NULL && *k != NULL; k++) {
        PyObject *word = PyUnicode_FromString(*k);
        if (word == NULL || PySet_Add(kinds, word) < 0)
            Py_CLEAR(kinds);
        Py_XDECREF(word);
    }
    if (kinds == NULL)
        return NULL;
    return Py_BuildValue("(Ns)", kinds, BLOCK_DEVICE_PATTERN);
}

/* Prefilters that are their mask's guard, on ASCII text (Twin.replaces_guard: the guard's regex is then not run;
 * tests/test_compiled_twins.py checks each answers as the guard does). */

/* timestamp: the guard `:[0-5]\d:|-[01]\d-` where the pattern can match. Its syslog, ctime and Apache forms hold
 * `:[0-5]\d:` (the minutes); its ISO form holds `-[01]\d-` only as `\b\d{4}-[01]\d-[0-3]\d`, so a `-[01]\d-` counts
 * only there (`ip-10-1-2-3` does not). */
static int pf_timestamp(const unsigned char *s, Py_ssize_t n) {
    for (Py_ssize_t i = next_byte(s, 0, n - 3, ':'); i >= 0; i = next_byte(s, i + 1, n - 3, ':'))
        if (s[i + 1] >= '0' && s[i + 1] <= '5' && is_d(s[i + 2]) && s[i + 3] == ':')
            return 1;
    for (Py_ssize_t i = next_byte(s, 0, n - 3, '-'); i >= 0; i = next_byte(s, i + 1, n - 3, '-')) {
        if ((s[i + 1] == '0' || s[i + 1] == '1') && is_d(s[i + 2]) && s[i + 3] == '-' && i >= 4 &&
            i + 5 < n && s[i + 4] >= '0' && s[i + 4] <= '3' && is_d(s[i + 5]) && is_d(s[i - 1]) && is_d(s[i - 2]) &&
            is_d(s[i - 3]) && is_d(s[i - 4]) && (i == 4 || !is_w(s[i - 5])))
            return 1;
    }
    return 0;
}

static Py_ssize_t hex_run_len(const unsigned char *s, Py_ssize_t n, Py_ssize_t at) { return run_of(is_hex, s, n, at); }

/* ipv6 `:[0-9a-fA-F]{1,4}:[0-9a-fA-F]{1,4}:|::`: a run of hex digits longer than 4 leaves a hex digit where the
 * `:` must be, whatever {1,4} takes. */
static int pf_ipv6(const unsigned char *s, Py_ssize_t n) {
    for (Py_ssize_t i = next_byte(s, 0, n - 1, ':'); i >= 0; i = next_byte(s, i + 1, n - 1, ':')) {
        if (s[i + 1] == ':')
            return 1;
        const Py_ssize_t a = hex_run_len(s, n, i + 1);
        if (a < 1 || a > 4 || i + 1 + a >= n || s[i + 1 + a] != ':')
            continue;
        const Py_ssize_t b = hex_run_len(s, n, i + 2 + a);
        if (b >= 1 && b <= 4 && i + 2 + a + b < n && s[i + 2 + a + b] == ':')
            return 1;
    }
    return 0;
}

/* host `\.(?:com|net|org|io|internal|local|localdomain|lan|corp|svc)\b`: app.grouping._HOST_SUFFIXES, which the
 * tests check this list against. */
static const char *const HOST_SUFFIXES[] = {"com", "net", "org", "io", "internal", "local", "localdomain", "lan",
                                            "corp", "svc", NULL};

static int pf_host(const unsigned char *s, Py_ssize_t n) {
    for (Py_ssize_t i = next_byte(s, 0, n - 2, '.'); i >= 0; i = next_byte(s, i + 1, n - 2, '.')) {
        if (!is_alpha(s[i + 1]))
            continue;
        for (const char *const *w = HOST_SUFFIXES; *w; w++) {
            const Py_ssize_t len = prefix_len(s + i + 1, n - i - 1, *w);
            if (len > 0 && word_end(s, n, i + 1 + len))
                return 1;
        }
    }
    return 0;
}

/* size `<N> (?:[KMGTPEk]i?B|bytes)\b` */
static int pf_size(const unsigned char *s, Py_ssize_t n) {
    for (Py_ssize_t i = next_byte(s, 0, n - 4, '<'); i >= 0; i = next_byte(s, i + 1, n - 4, '<')) {
        if (memcmp(s + i, "<N> ", 4) != 0)
            continue;
        const Py_ssize_t j = i + 4;
        if (in_set(s[j], "KMGTPEk")) {
            if (j + 2 < n && s[j + 1] == 'i' && s[j + 2] == 'B' && word_end(s, n, j + 3))
                return 1;
            if (j + 1 < n && s[j + 1] == 'B' && word_end(s, n, j + 2))
                return 1;
        } else if (j + 5 <= n && memcmp(s + j, "bytes", 5) == 0 && word_end(s, n, j + 5)) {
            return 1;
        }
    }
    return 0;
}

/* bgl-location `R[0-9A-F]{2}-M\d` */
static int is_upper_hex(unsigned char c) { return is_d(c) || (c >= 'A' && c <= 'F'); }

static int pf_bgl_location(const unsigned char *s, Py_ssize_t n) {
    for (Py_ssize_t j = next_byte(s, 3, n - 2, '-'); j >= 0; j = next_byte(s, j + 1, n - 2, '-')) {
        const Py_ssize_t i = j - 3;   /* the R */
        if (s[i] == 'R' && is_upper_hex(s[i + 1]) && is_upper_hex(s[i + 2]) && s[i + 4] == 'M' && is_d(s[i + 5]))
            return 1;
    }
    return 0;
}

/* k8s-pod: its guard `-[bcdfghjklmnpqrstvwxz2456789]{5}(?![a-z0-9])` (the alphabet is app.grouping._K8S, checked
 * by the tests) where the pattern can also end there: a name's [a-z0-9] before the `-`, no `[.-][a-z0-9]` after the
 * group (`report-45265.pdf`), and a digit in the group (the look-ahead `(?=K*\d)` before it cannot look past it, as
 * no [a-z0-9] may follow) or else in the 6-10 characters of the ReplicaSet hash before the `-` (the same look-ahead,
 * stopped by that `-`). The guard alone (`SKU-62962`, `-check`) let the pattern run in vain: a third of the masks
 * sre still ran on a realistic log. */
static int is_k8s(unsigned char c) { return c != 0 && strchr("bcdfghjklmnpqrstvwxz2456789", c) != NULL; }
static int is_lower_or_digit(unsigned char c) { return is_d(c) || (c >= 'a' && c <= 'z'); }

static int pf_k8s_pod(const unsigned char *s, Py_ssize_t n) {
    for (Py_ssize_t i = next_byte(s, 0, n - 5, '-'); i >= 0; i = next_byte(s, i + 1, n - 5, '-')) {
        Py_ssize_t k = 1;
        int digit = 0;
        while (k <= 5 && is_k8s(s[i + k]))
            digit |= is_d(s[i + k++]);
        if (k != 6 || (i + 6 < n && is_lower_or_digit(s[i + 6])))
            continue;   /* not the guard's match */
        if (i == 0 || !is_lower_or_digit(s[i - 1]) ||
            (i + 7 < n && (s[i + 6] == '.' || s[i + 6] == '-') && is_lower_or_digit(s[i + 7])))
            continue;
        for (Py_ssize_t j = i - 1; !digit && j >= 0 && i - j <= 10 && is_k8s(s[j]); j--)
            digit = is_d(s[j]);
        if (digit)
            return 1;
    }
    return 0;
}

/* block-device `(?:(?<=dev )|(?<=device )|(?<=disk )|(?<=\[)|(?<=\())(?:x?[shv]d[a-z]{1,2}|dm-\d+)(?=...)`: a device
 * name's start right after one of the look-behinds (what follows the name is not looked at), found from its `d`
 * (`dm-`, or the second or third letter). The guard alone (`sd`, `hd`, `vd`, `dm-` anywhere: `threshold`) let the
 * pattern run in vain. */
static int device_context(const unsigned char *s, Py_ssize_t k) {   /* a look-behind holds at k */
    if (k < 1)
        return 0;
    return s[k - 1] == '[' || s[k - 1] == '(' ||
           (s[k - 1] == ' ' && ((k >= 4 && memcmp(s + k - 4, "dev ", 4) == 0) ||
                                (k >= 7 && memcmp(s + k - 7, "device ", 7) == 0) ||
                                (k >= 5 && memcmp(s + k - 5, "disk ", 5) == 0)));
}

static int pf_block_device(const unsigned char *s, Py_ssize_t n) {
    for (Py_ssize_t d = next_byte(s, 0, n, 'd'); d >= 0; d = next_byte(s, d + 1, n, 'd')) {
        if (n - d >= 4 && s[d + 1] == 'm' && s[d + 2] == '-' && is_d(s[d + 3]) && device_context(s, d))
            return 1;   /* dm-\d */
        if (d >= 1 && n - d >= 2 && in_set(s[d - 1], "shv") && s[d + 1] >= 'a' && s[d + 1] <= 'z' &&
            (device_context(s, d - 1) || (d >= 2 && s[d - 2] == 'x' && device_context(s, d - 2))))
            return 1;   /* x?[shv]d[a-z] */
    }
    return 0;
}

/* relative-path `/[^\s/]+/` */
static int pf_relative_path(const unsigned char *s, Py_ssize_t n) {
    for (Py_ssize_t i = next_byte(s, 0, n - 2, '/'); i >= 0; i = next_byte(s, i + 1, n - 2, '/')) {
        Py_ssize_t k = i + 1;
        while (k < n && s[k] != '/' && !is_space(s[k]))
            k++;
        if (k > i + 1 && k < n && s[k] == '/')
            return 1;
    }
    return 0;
}

/* kernel-uptime `\[ *\d+\.\d` */
static int pf_kernel_uptime(const unsigned char *s, Py_ssize_t n) {
    for (Py_ssize_t i = next_byte(s, 0, n, '['); i >= 0; i = next_byte(s, i + 1, n, '[')) {
        Py_ssize_t k = i + 1;
        while (k < n && s[k] == ' ')
            k++;
        const Py_ssize_t digits = digit_run(s, n, k);
        if (digits >= 1 && k + digits + 1 < n && s[k + digits] == '.' && is_d(s[k + digits + 1]))
            return 1;
    }
    return 0;
}

/* prefixed-id: the guard `_[-+]?\d` where the pattern `\b([A-Za-z]+(?:_[A-Za-z][A-Za-z0-9]*)*_)[-+]?\d+
 * (?:_[A-Za-z]{0,8}_?\d+)*\b` can match: after a letter or digit, and the run of digits is followed by the end,
 * a non-word character or `_` (a shorter run leaves a digit next, where neither \b nor the group's `_` can be). */
static int pf_prefixed_id(const unsigned char *s, Py_ssize_t n) {
    for (Py_ssize_t i = next_byte(s, 1, n - 1, '_'); i >= 0; i = next_byte(s, i + 1, n - 1, '_')) {
        if (!(is_alpha(s[i - 1]) || is_d(s[i - 1])))
            continue;
        Py_ssize_t k = i + 1;
        if (s[k] == '-' || s[k] == '+')
            k++;
        if (k >= n || !is_d(s[k]))
            continue;
        k += digit_run(s, n, k);
        if (k == n || !is_w(s[k]) || s[k] == '_')
            return 1;
    }
    return 0;
}

/* host `(?<![\w.-])(?!(?:com|org|net|io)\.)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:SUFFIXES)\b
 * (?![.-]?\w)`. `.` is not in a label's class, so a label followed by its `.` is a whole run of label characters
 * (1-63, a letter or digit at each end). The `+` takes every such label it can, then gives them back one at a time;
 * after k labels, a suffix followed by \b is the whole word there, and `(?![.-]?\w)` must hold after it. */
static int is_label_char(unsigned char c) { return is_alpha(c) || is_d(c) || c == '-'; }

static int m_host(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    if (!(is_alpha(s[i]) || is_d(s[i])) || (i > 0 && (is_w(s[i - 1]) || s[i - 1] == '.' || s[i - 1] == '-')))
        return 0;
    static const char *const not_first[] = {"com.", "org.", "net.", "io.", NULL};
    for (const char *const *w = not_first; *w; w++) {
        if (prefix_len(s + i, n - i, *w) > 0)
            return 0;
    }
    int labels = 0;
    Py_ssize_t q = i;   /* after the loop: where the text after the last label begins */
    for (;;) {
        Py_ssize_t e = q;
        while (e < n && is_label_char(s[e]))
            e++;
        const Py_ssize_t len = e - q;
        if (len < 1 || len > 63 || s[q] == '-' || s[e - 1] == '-' || e >= n || s[e] != '.')
            break;
        q = e + 1;
        labels++;
    }
    for (int k = labels; k >= 1; k--) {   /* q: where the text after k labels begins */
        const Py_ssize_t e = word_end_at(s, n, q);
        int suffix = 0;
        for (const char *const *w = HOST_SUFFIXES; *w && !suffix; w++)
            suffix = e > q && equals_word(s + q, e - q, *w);
        if (suffix && !(e + 1 < n && (s[e] == '.' || s[e] == '-') && is_w(s[e + 1]))) {
            m->end = e;
            return 1;
        }
        q -= 1;   /* back over the k-th label's `.` to where that label begins */
        while (q > i && is_label_char(s[q - 1]))
            q--;
    }
    return 0;
}

/* duration `\b(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+\b|\b\d+(?:\.\d+)?\s(?:ms|secs?|seconds?|mins?|minutes?|hours?
 * |days?)\b` on ASCII text (no µ). First form: each group's unit is the first of ns/us/ms/s/m/h that is there (a
 * shorter unit leaves a letter next, where neither another group, which starts with a digit, nor \b can follow);
 * fewer digits leave a digit next; so the groups parse one way, and the match is all of them if \b follows, else
 * none. Second form: the word after the blank is one of the units whole (each alternative needs \b after it). */
static Py_ssize_t duration_group(const unsigned char *s, Py_ssize_t n, Py_ssize_t k) {   /* its end, or -1 */
    if (k >= n || !is_d(s[k]))
        return -1;
    while (k < n && is_d(s[k]))
        k++;
    if (k + 1 < n && s[k] == '.' && is_d(s[k + 1])) {
        k++;
        while (k < n && is_d(s[k]))
            k++;
    }
    if (k + 1 < n && (s[k] == 'n' || s[k] == 'u' || s[k] == 'm') && s[k + 1] == 's')
        return k + 2;
    if (k < n && (s[k] == 's' || s[k] == 'm' || s[k] == 'h'))
        return k + 1;
    return -1;
}

static int m_duration(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    if (!is_d(s[i]) || !word_start(s, i))
        return 0;
    Py_ssize_t end = i, next;
    while ((next = duration_group(s, n, end)) >= 0)
        end = next;
    if (end > i && word_end(s, n, end)) {
        m->end = end;
        return 1;
    }
    Py_ssize_t k = i;
    while (k < n && is_d(s[k]))
        k++;
    if (k + 1 < n && s[k] == '.' && is_d(s[k + 1])) {   /* (?:\.\d+)? taken only when a blank follows it */
        Py_ssize_t d = k + 1;
        while (d < n && is_d(s[d]))
            d++;
        if (d < n && is_space(s[d]))
            k = d;
    }
    if (k >= n || !is_space(s[k]))
        return 0;
    const Py_ssize_t p = k + 1, e = word_end_at(s, n, p);
    static const char *const units[] = {"ms", "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes",
                                        "hour", "hours", "day", "days", NULL};
    for (const char *const *u = units; *u; u++)
        if (e > p && equals_word(s + p, e - p, *u)) {
            m->end = e;
            return 1;
        }
    return 0;
}

/* process-name `\b((?i:process|pid|task) <N>) \([\w./:<>-]{1,64}\)` (exact: the class holds neither `)` nor a
 * space, so only its whole run, 1 to 64 long, can be followed by the `)`). Stands in for the guard `<N> (`. */
static int pf_process_name(const unsigned char *s, Py_ssize_t n) {
    static const char *const words[] = {"process", "pid", "task", NULL};
    for (Py_ssize_t j = next_byte(s, 1, n - 5, '<'); j >= 0; j = next_byte(s, j + 1, n - 5, '<')) {   /* "<N> (" */
        if (s[j - 1] != ' ' || memcmp(s + j, "<N> (", 5) != 0)
            continue;
        int word = 0;
        for (const char *const *w = words; *w && !word; w++) {
            const Py_ssize_t len = (Py_ssize_t)strlen(*w), at = j - 1 - len;
            if (at < 0 || (at > 0 && is_w(s[at - 1])))
                continue;
            word = 1;
            for (Py_ssize_t k = 0; k < len && word; k++)
                word = (s[at + k] | 0x20) == (*w)[k];
        }
        if (!word)
            continue;
        Py_ssize_t k = j + 5;
        while (k < n && (is_w(s[k]) || in_set(s[k], "./:<>-")))
            k++;
        if (k - (j + 5) >= 1 && k - (j + 5) <= 64 && k < n && s[k] == ')')
            return 1;
    }
    return 0;
}

/* systemd-description `\b(systemd(?:\[<N>\])?: (?:Failed to start|...)) \S.*\.$`: "systemd" occurs and the text
 * ends with `.` (`$` also before a final newline). Stands in for the guard `systemd`. */
static int pf_systemd_description(const unsigned char *s, Py_ssize_t n) {
    const int dot_end = (n >= 1 && s[n - 1] == '.') || (n >= 2 && s[n - 1] == '\n' && s[n - 2] == '.');
    return dot_end && contains(s, n, "systemd");
}

/* windows-path `\b[A-Za-z]:[\\/]...|(?<![\w\\])\\\\[\w.$-]+(?:\\[^\s"'<>|\\/ *?:]+)+` (the space before `*` is
 * not in the class: it keeps this comment open) (exact: a drive letter at a word
 * start, `:` and a slash, after which everything is optional; or two backslashes not after a word character or a
 * backslash, a run of [\w.$-] (which holds no backslash: only the whole run can be followed by one), a backslash and
 * a character of the last class). Stands in for the guard (`:\`, `:/` or `\\` occurs). */
static int pf_windows_path(const unsigned char *s, Py_ssize_t n) {
    for (Py_ssize_t j = next_byte(s, 1, n - 1, ':'); j >= 0; j = next_byte(s, j + 1, n - 1, ':')) {   /* C:\ */
        const Py_ssize_t i = j - 1;
        if (is_alpha(s[i]) && (i == 0 || !is_w(s[i - 1])) && (s[j + 1] == '\\' || s[j + 1] == '/'))
            return 1;
    }
    for (Py_ssize_t i = next_byte(s, 0, n - 2, '\\'); i >= 0; i = next_byte(s, i + 1, n - 2, '\\')) {   /* \\host */
        if (s[i + 1] == '\\' && (i == 0 || !(is_w(s[i - 1]) || s[i - 1] == '\\'))) {
            Py_ssize_t k = i + 2;
            while (k < n && (is_w(s[k]) || in_set(s[k], ".$-")))
                k++;
            if (k > i + 2 && k + 1 < n && s[k] == '\\' && !is_space(s[k + 1]) && !in_set(s[k + 1], "\"'<>|\\/*?:"))
                return 1;
        }
    }
    return 0;
}

/* repeats `(<[A-Z]+>)(?:(?:\s*[,;|]\s*|\s+)\1)+` (exact: a placeholder, then blanks and one of `,;|` and blanks, or
 * blanks only, then the same placeholder; each \s* or \s+ can only take its whole run of blanks, as what must
 * follow it is no blank). The guard still runs: it asks for fewer separators than the pattern allows. */
static int same_placeholder(const unsigned char *s, Py_ssize_t n, Py_ssize_t at, const unsigned char *p,
                            Py_ssize_t len) {
    return at + len <= n && memcmp(s + at, p, (size_t)len) == 0;
}

static int pf_repeats(const unsigned char *s, Py_ssize_t n) {
    for (Py_ssize_t i = next_byte(s, 0, n - 2, '<'); i >= 0; i = next_byte(s, i + 1, n - 2, '<')) {
        if (!(s[i + 1] >= 'A' && s[i + 1] <= 'Z'))
            continue;
        Py_ssize_t e = i + 1;
        while (e < n && s[e] >= 'A' && s[e] <= 'Z')
            e++;
        if (e >= n || s[e] != '>')
            continue;
        const Py_ssize_t len = ++e - i;
        Py_ssize_t k = e;
        while (k < n && is_space(s[k]))
            k++;
        if (k < n && in_set(s[k], ",;|")) {
            Py_ssize_t k2 = k + 1;
            while (k2 < n && is_space(s[k2]))
                k2++;
            if (same_placeholder(s, n, k2, s + i, len))
                return 1;
        }
        if (k > e && same_placeholder(s, n, k, s + i, len))
            return 1;
    }
    return 0;
}

/* systemd-unit `(?<![\w@.-])[\w@.-]+\.(?:service|socket|timer|mount)\b(?!\()`, guard (".service", ".socket",
 * ".timer", ".mount"): a `.` and one of the four words with a \b after it (the word's own `.service` is the guard's
 * substring), and before the `.` a character of the name (`[\w@.-]+` takes at least one). */
static int pf_systemd_unit(const unsigned char *s, Py_ssize_t n) {
    static const char *const kinds[] = {"service", "socket", "timer", "mount"};
    for (const unsigned char *p = memchr(s, '.', (size_t)n); p != NULL;
         p = memchr(p + 1, '.', (size_t)(n - (p + 1 - s)))) {
        const Py_ssize_t i = p - s;
        if (i == 0 || !(is_w(s[i - 1]) || in_set(s[i - 1], "@.-")))
            continue;
        for (int k = 0; k < 4; k++) {
            const Py_ssize_t len = prefix_len(s + i + 1, n - i - 1, kinds[k]);
            if (len > 0 && word_end(s, n, i + 1 + len))
                return 1;
        }
    }
    return 0;
}

/* The keywords of name-after-keyword, lower case (its prefilter and its matcher). */
#define WORD(w) {w, sizeof(w) - 1}
static const struct {
    const char *word;
    Py_ssize_t len;
} NAME_KEYWORDS[] = {WORD("user"), WORD("username"), WORD("tenant"), WORD("account"), WORD("customer")};
#undef WORD

/* s[i:i+len(word)] is `word` (lower case letters) in any case */
static int ieq_word(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, const char *word, Py_ssize_t len) {
    if (n - i < len)
        return 0;
    for (Py_ssize_t t = 0; t < len; t++)
        if ((s[i + t] | 0x20) != (unsigned char)word[t])   /* the words are letters: | 0x20 lowers only those */
            return 0;
    return 1;
}

/* name-after-keyword `\b((?i:user|username|tenant|account|customer)) (?!...)([\w@+-]+...)(?=...)`, guard ("ser ",
 * "SER ", "enant ", "ENANT ", "ccount ", "CCOUNT ", "ustomer ", "USTOMER "): the pattern needs a space with one of
 * the five words (any case) before it, that word at a \b, and a `[\w@+-]` after it; where that is found the guard
 * is tested too (its substrings are case-sensitive, the pattern is not), so this answers for the guard. */
static int pf_name_after_keyword(const unsigned char *s, Py_ssize_t n) {
    static const char *const guard[] = {"ser ", "SER ", "enant ", "ENANT ", "ccount ", "CCOUNT ", "ustomer ",
                                        "USTOMER "};
    static const Py_ssize_t guard_len[] = {4, 4, 6, 6, 7, 7, 8, 8};
    int found = 0;
    for (const unsigned char *p = memchr(s, ' ', (size_t)n); p != NULL && !found;
         p = memchr(p + 1, ' ', (size_t)(n - (p + 1 - s)))) {
        const Py_ssize_t i = p - s;
        /* each word ends in r, t or e: most spaces follow none of them */
        const unsigned char last = i == 0 ? 0 : s[i - 1] | 0x20;
        if ((last != 'r' && last != 't' && last != 'e') || i + 1 >= n ||
            !(is_w(s[i + 1]) || in_set(s[i + 1], "@+-")))
            continue;
        for (size_t k = 0; k < sizeof NAME_KEYWORDS / sizeof NAME_KEYWORDS[0] && !found; k++) {
            const Py_ssize_t len = NAME_KEYWORDS[k].len, at = i - len;
            found = at >= 0 && word_start(s, at) && ieq_word(s, n, at, NAME_KEYWORDS[k].word, len);
        }
    }
    if (!found)
        return 0;
    for (int g = 0; g < 8; g++)
        if (contains_ucs1(s, n, (const Py_UCS1 *)guard[g], guard_len[g]))
            return 1;
    return 0;
}

/* email `(?<![\w.+-])[\w.+-]++@[\w-]+(?:\.[\w-]+)+`. The possessive run starts where the lookbehind lets it (the
 * start of a run of `[\w.+-]`) and takes the whole run, which must end at the `@`. After it, `[\w-]+` can only give back
 * to a `[\w-]` character, never to the `.` the group needs: it takes its whole run; then each `\.[\w-]+` takes a
 * `.` and a whole run, for as long as there is one (greedy, and nothing follows that could make it give back). */
static inline int is_email_name(unsigned char c) { return is_w(c) || c == '.' || c == '+' || c == '-'; }
static inline int is_email_domain(unsigned char c) { return is_w(c) || c == '-'; }

static int m_email(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    if (!is_email_name(s[i]) || (i > 0 && is_email_name(s[i - 1])))
        return 0;
    Py_ssize_t j = i;
    while (j < n && is_email_name(s[j]))
        j++;
    if (j >= n || s[j] != '@')
        return 0;
    Py_ssize_t k = ++j;
    while (k < n && is_email_domain(s[k]))
        k++;
    if (k == j)
        return 0;
    Py_ssize_t end = -1;
    while (k + 1 < n && s[k] == '.' && is_email_domain(s[k + 1])) {
        k++;
        while (k < n && is_email_domain(s[k]))
            k++;
        end = k;
    }
    if (end < 0)
        return 0;
    m->end = end;
    return 1;
}

/* java-identity-hash `\b([A-Z][\w$]*)@[0-9a-f]{1,8}\b`: from a word start, a capital and the whole run of `[\w$]`
 * (`@` is not in it, so it cannot give back), the `@`, then 1-8 lower-case hex digits with a \b after: fewer than
 * the whole run of them leaves a hex digit (a \w) next, so only the whole run, if it is 1-8 long, ends at a \b. */
static int m_java_identity_hash(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    if (!(s[i] >= 'A' && s[i] <= 'Z') || !word_start(s, i))
        return 0;
    Py_ssize_t j = i + 1;
    while (j < n && (is_w(s[j]) || s[j] == '$'))
        j++;
    if (j >= n || s[j] != '@')
        return 0;
    Py_ssize_t k = j + 1;
    while (k < n && k - (j + 1) < 8 && (is_d(s[k]) || (s[k] >= 'a' && s[k] <= 'f')))
        k++;
    if (k == j + 1 || !word_end(s, n, k))
        return 0;
    m->g1_start = i;
    m->g1_end = j;
    m->end = k;
    return 1;
}

/* java-host-address `(?<![\w./-])[A-Za-z][\w.-]*` and `/(?=<IP>)` (one pattern; split here, as its `*` and `/` would
 * close this comment): at a letter with none of [\w./-] before it, the whole run of [\w.-] (the slash is not in it,
 * so it cannot give back), the slash, and `<IP>` after it. */
static int m_java_host_address(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    if (!is_alpha(s[i]) || (i > 0 && (is_w(s[i - 1]) || in_set(s[i - 1], "./-"))))
        return 0;
    Py_ssize_t k = i + 1;
    while (k < n && (is_w(s[k]) || s[k] == '.' || s[k] == '-'))
        k++;
    if (n - k < 5 || memcmp(s + k, "/<IP>", 5) != 0)
        return 0;
    m->end = k + 1;
    return 1;
}

/* ssh-account `\b((?:Failed|Accepted) [\w-]+ for) (?!invalid user )[\w.@+-]+(?= from )`: neither run's class holds
 * the space that must follow it, so each run is whole (a shorter one leaves a class character where the space is
 * needed); group 1 ends after `for`. The look-ahead needs no test: at `invalid user ` the name's run is `invalid`,
 * and ` user` follows it where ` from ` must. */
static int m_ssh_account(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    if (!word_start(s, i))
        return 0;
    Py_ssize_t k = prefix_len(s + i, n - i, "Failed ");
    if (k == 0 && (k = prefix_len(s + i, n - i, "Accepted ")) == 0)
        return 0;
    const Py_ssize_t run = k += i;   /* `[\w-]+ for` */
    while (k < n && (is_w(s[k]) || s[k] == '-'))
        k++;
    if (k == run || n - k < 5 || memcmp(s + k, " for ", 5) != 0)
        return 0;
    const Py_ssize_t g1_end = k + 4, name = k += 5;
    while (k < n && (is_w(s[k]) || in_set(s[k], ".@+-")))
        k++;
    if (k == name || n - k < 6 || memcmp(s + k, " from ", 6) != 0)
        return 0;
    m->g1_start = i;
    m->g1_end = g1_end;
    m->end = k;
    return 1;
}

/* systemd-unit `(?<![\w.@-])[\w@.-]+\.(?:service|socket|timer|mount)\b(?!\()`: the look-behind puts a match at the
 * start of a run of [\w@.-] only (inside one the character before is in the class). From there `[\w@.-]+` takes the
 * whole run and gives back one character at a time, so the match that sre finds ends at the rightmost dot of the
 * run, at least one character in, followed by one of the four words (each is all word characters, so inside the
 * run; their first two letters tell them apart) with a \b after (a non-word character or the end: the run may go
 * on with `.`, `@` or `-`) that is not `(`. After a match the rest of the run follows a word character: no other. */
static inline int is_unit(unsigned char c) { return is_w(c) || c == '@' || c == '.' || c == '-'; }

static int m_systemd_unit(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    static const char *const KINDS[] = {"service", "socket", "timer", "mount"};
    if (!is_unit(s[i]) || (i > 0 && is_unit(s[i - 1])))
        return 0;
    Py_ssize_t j = i;
    while (j < n && is_unit(s[j]))
        j++;
    for (Py_ssize_t d = j - 1; d > i; d--) {
        if (s[d] != '.')
            continue;
        for (size_t k = 0; k < sizeof KINDS / sizeof KINDS[0]; k++) {
            const Py_ssize_t len = (Py_ssize_t)strlen(KINDS[k]), e = d + 1 + len;
            if (e <= j && memcmp(s + d + 1, KINDS[k], (size_t)len) == 0 && word_end(s, n, e) &&
                !(e < n && s[e] == '(')) {
                m->end = e;
                return 1;
            }
        }
    }
    return 0;
}

/* relative-path `(?<![\w.:/<>@%+~-])(?=[\w.@%+~/-]*[A-Za-z_])[\w@%+~-][\w.@%+~-]*+(?:/(?:[\w.@%+~-]|<[A-Z]+>)+){2,}/?`.
 * The look-ahead: the run of [\w.@%+~/-] from i holds a letter or `_` (the greedy class gives back until one is
 * next). Then one [\w@%+~-] and the possessive run of [\w.@%+~-], which never gives back. Each segment is `/` and
 * the most items that follow: an item is a class character or a whole `<[A-Z]+>` (neither `/` nor `<` is in the
 * class, so at each character at most one alternative can start, and giving an item back leaves it next, where
 * the segment loop would take it: sre's first try, the greedy one, is the match). With two or more segments
 * nothing after can fail but `/?`, which takes a `/` left over (one that starts no segment); with fewer, no
 * shorter try has more segments: no match at i. */
static inline int is_path_item(unsigned char c) {
    return is_w(c) || c == '.' || c == '@' || c == '%' || c == '+' || c == '~' || c == '-';
}

static int m_relative_path(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    const unsigned char c = s[i];
    if (c == '.' || !is_path_item(c))
        return 0;
    if (i > 0) {
        const unsigned char b = s[i - 1];
        if (is_path_item(b) || b == ':' || b == '/' || b == '<' || b == '>')
            return 0;
    }
    Py_ssize_t k = i;
    while (k < n && (is_path_item(s[k]) || s[k] == '/') && !(is_alpha(s[k]) || s[k] == '_'))
        k++;
    if (k == n || !(is_alpha(s[k]) || s[k] == '_'))
        return 0;
    Py_ssize_t j = i + 1;
    while (j < n && is_path_item(s[j]))
        j++;
    int segments = 0;
    while (j < n && s[j] == '/') {
        Py_ssize_t e = j + 1;
        for (;;) {
            if (e < n && is_path_item(s[e])) {
                e++;
                continue;
            }
            if (e + 2 < n && s[e] == '<' && s[e + 1] >= 'A' && s[e + 1] <= 'Z') {
                Py_ssize_t q = e + 2;
                while (q < n && s[q] >= 'A' && s[q] <= 'Z')
                    q++;
                if (q < n && s[q] == '>') {
                    e = q + 1;
                    continue;
                }
            }
            break;
        }
        if (e == j + 1)
            break;   /* a `/` with no item after: the `/?` below may take it */
        segments++;
        j = e;
    }
    if (segments < 2)
        return 0;
    m->end = j < n && s[j] == '/' ? j + 1 : j;
    return 1;
}

/* name-after-keyword `\b((?i:user|username|tenant|account|customer)) (?!(?i:STOP)\b)([\w@+-]+(?:\.[\w@+-]+)*)
 * (?=$|[,:;)\]]|\.(?:\s|$)| (?:NEXT)\b)`, STOP and NEXT the word lists below. At a word start, at most one keyword
 * is followed by the space (`user` and `username` differ right there). The look-ahead on the next word fails when
 * the run of \w there, in any case, is a STOP word (each is all \w and needs a \b after it: the whole run), or
 * ends in `ed` with 3+ characters before or in `ing` with 1+ (`\w{3,}ed\b`, `\w+ing\b`: the greedy run gives back
 * to its end only). The name is the greedy `[\w@+-]+(?:\.[\w@+-]+)*`: giving back leaves a name character or a
 * dot followed by one next, which none of the look-ahead's forms accepts, so only its greedy end can match.
 * `$` is the end or a final `\n` before it; NEXT is case-sensitive (the (?i:) covers the first two groups only). */
static const char *const NAME_STOP[] = {
    "not", "no", "is", "was", "has", "had", "does", "did", "can", "cannot", "could", "with", "from", "for", "in", "on",
    "at", "to", "of", "and", "or", "the", "a", "an", "id", "name", "session", "already", "account", "profile", "data",
    "request", "exist", "exists", "unknown", "invalid", "missing", "inactive", "active", "required", "denied",
    "mismatch", "limit", "quota"};
static const char *const NAME_NEXT[] = {
    "not", "is", "was", "has", "had", "does", "did", "doesn't", "cannot", "can't", "from", "in", "on", "at", "to",
    "for", "with", "without", "after", "before", "via", "because"};

static inline int is_name_char(unsigned char c) { return is_w(c) || c == '@' || c == '+' || c == '-'; }

static int m_name_after_keyword(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Match *m) {
    if (!word_start(s, i))
        return 0;
    Py_ssize_t k = -1;
    for (size_t w = 0; w < sizeof NAME_KEYWORDS / sizeof NAME_KEYWORDS[0] && k < 0; w++) {
        const Py_ssize_t len = NAME_KEYWORDS[w].len;
        if (ieq_word(s, n, i, NAME_KEYWORDS[w].word, len) && i + len < n && s[i + len] == ' ')
            k = i + len + 1;
    }
    if (k < 0)
        return 0;
    Py_ssize_t r = k;   /* the run of \w of the next word */
    while (r < n && is_w(s[r]))
        r++;
    const Py_ssize_t run = r - k;
    if ((run >= 5 && ieq_word(s, n, r - 2, "ed", 2)) || (run >= 4 && ieq_word(s, n, r - 3, "ing", 3)))
        return 0;
    for (size_t w = 0; w < sizeof NAME_STOP / sizeof NAME_STOP[0]; w++)
        if ((Py_ssize_t)strlen(NAME_STOP[w]) == run && ieq_word(s, n, k, NAME_STOP[w], run))
            return 0;
    Py_ssize_t e = k;
    while (e < n && is_name_char(s[e]))
        e++;
    if (e == k)
        return 0;
    while (e + 1 < n && s[e] == '.' && is_name_char(s[e + 1])) {
        e++;
        while (e < n && is_name_char(s[e]))
            e++;
    }
    int ok = e == n || (e == n - 1 && s[e] == '\n') || in_set(s[e], ",:;)]") ||
             (s[e] == '.' && (e + 1 == n || is_space(s[e + 1])));
    for (size_t w = 0; !ok && s[e] == ' ' && w < sizeof NAME_NEXT / sizeof NAME_NEXT[0]; w++) {
        const Py_ssize_t len = (Py_ssize_t)strlen(NAME_NEXT[w]);
        ok = n - (e + 1) >= len && memcmp(s + e + 1, NAME_NEXT[w], (size_t)len) == 0 && word_end(s, n, e + 1 + len);
    }
    if (!ok)
        return 0;
    m->g1_start = i;
    m->g1_end = k - 1;
    m->end = e;
    return 1;
}

typedef struct Twin {
    const char *name;
    Prefilter prefilter;   /* or NULL */
    Matcher matcher;       /* or NULL */
    int replaces_guard;    /* the prefilter answers True only where the mask's guard passes: the guard is not run */
    int group1;            /* the matcher sets group 1 (a replacement may use `\1`) */
    const char *source;    /* what the twin was written for: 12 hex digits of sha1(pattern NUL guard), see
                              mask_fingerprint; Masker refuses a mask whose pattern or guard has changed since */
    Replacer replacer;     /* NULL: the replacement is a template (parse_template); else the matcher's mask has a
                              callable replacement, this one written out */
    const char *replaces;  /* with a replacer: the __qualname__ of the callable it stands for (Masker checks it) */
    /* The characters a match can start with, for the matcher (none given: any): those of the CLASS bits and those
     * listed. substitute() calls the matcher only there (a call at every character was most of its time). */
    unsigned char start_class;
    const char *start_chars;
    /* The characters before which no match can start (the pattern's look-behind or `\b`, which the matcher tests
     * first): those of the CLASS bits and those listed. substitute() does not call the matcher after them, so
     * that a run of word characters costs one call, at its start, instead of one a character. */
    unsigned char after_class;
    const char *after_chars;
    unsigned word_fact;    /* its prefilter's bit in word_facts (0: none); the masker asks word_facts instead */
} Twin;

/* The compiled twins a Mask.compiled may name (app.grouping.MASKS names each after its mask). */
static const Twin TWINS[] = {
    {"url", NULL, m_url, 0, 0, "b9b344c97535", .start_class = C_ALPHA,
     .after_class = C_W},
    {"uuid", pf_uuid, m_uuid, 0, 0, "9122fcf384d6", .start_class = C_HEX,
     .after_class = C_W},
    {"double-quoted", NULL, m_double_quoted, 0, 0, "f5a979d9d362", .start_chars = "\""},
    {"single-quoted", NULL, m_single_quoted, 0, 0, "3489baf54ba4", .start_chars = "'",
     .after_class = C_W},
    {"ipv4", pf_ipv4, m_ipv4, 1, 0, "50e9d51aa719", .start_class = C_D,
     .after_class = C_W},
    {"ipv6", pf_ipv6, NULL, 1, 0, "2f6716f232fc"},
    {"host", pf_host, m_host, 1, 0, "243ed911f666", .start_class = C_ALPHA | C_D,
     .after_class = C_W, .after_chars = ".-"},
    {"path", pf_path, m_path, 0, 0, "a3f857096677", .start_chars = "./~",
     .after_class = C_W, .after_chars = ".:/<>-"},
    {"relative-path", pf_relative_path, m_relative_path, 1, 0, "8115b88b850f", .start_class = C_W,
     .start_chars = "@%+~-",
     .after_class = C_W, .after_chars = ".@%+~-:/<>"},
    {"file", pf_file, NULL, 0, 0, "cfdbb82da326"},
    {"timestamp", pf_timestamp, NULL, 1, 0, "0877d40a3cc9"},
    {"key-value", NULL, m_key_value, 0, 1, "5e2d66368054", .start_class = C_W, .start_chars = ".-",
     .after_class = C_W, .after_chars = ".-"},
    {"k8s-pod", pf_k8s_pod, NULL, 1, 0, "cdceeb2109d0"},
    {"prefixed-id", pf_prefixed_id, NULL, 1, 0, "b5937ff0c069"},
    {"hex", pf_hex, m_hex, 1, 0, "7ce2a355e41b", .start_class = C_HEX,
     .after_class = C_W, .word_fact = WF_HEX},
    {"long-id", pf_long_id, m_long_id, 0, 0, "e8be3a6b6e07", .start_class = C_W,
     .after_class = C_W, .word_fact = WF_LONG_ID},
    {"duration", pf_duration, m_duration, 1, 0, "cb25bbf9dbea", .start_class = C_D,
     .after_class = C_W, .word_fact = WF_DURATION},
    {"bgl-location", pf_bgl_location, NULL, 1, 0, "7382339a1425"},
    {"numbered-name", pf_numbered_name, m_numbered_name, 0, 1, "5e1a33ee8834", r_numbered_name, "_numbered_name",
     .start_class = C_ALPHA,
     .after_class = C_W, .word_fact = WF_NUMBERED_NAME},
    {"kernel-uptime", pf_kernel_uptime, NULL, 1, 0, "a5699dabdd19"},
    {"number", NULL, m_number, 0, 0, "8df86edbface", .start_class = C_D,
     .after_class = C_W},
    {"number-sign", pf_number_sign, m_number_sign, 0, 0, "4fcb6b487652", .start_chars = "+-",
     .after_class = C_W, .after_chars = ".+-"},
    {"size", pf_size, NULL, 1, 0, "3a15fad8d4e4"},
    {"ssh-account", pf_ssh_account, m_ssh_account, 0, 1, "2a1106e01cf7", .start_chars = "FA",
     .after_class = C_W},
    {"process-name", pf_process_name, NULL, 1, 0, "a772d7128ebf"},
    {"systemd-description", pf_systemd_description, NULL, 1, 0, "0ff87fda166f"},
    {"windows-path", pf_windows_path, NULL, 1, 0, "7dc4e76df6dc"},
    {"repeats", pf_repeats, NULL, 0, 0, "1b7e685b2ae0"},
    {"systemd-unit", pf_systemd_unit, m_systemd_unit, 1, 0, "deb66084e021", .start_class = C_W,
     .start_chars = "@.-",
     .after_class = C_W, .after_chars = "@.-"},
    {"name-after-keyword", pf_name_after_keyword, m_name_after_keyword, 1, 1, "4e201a1060c8",
     .start_chars = "uUtTaAcC",
     .after_class = C_W},
    {"email", NULL, m_email, 0, 0, "fb18ac20fcd8", .start_class = C_W, .start_chars = ".+-",
     .after_class = C_W, .after_chars = ".+-"},
    {"java-identity-hash", NULL, m_java_identity_hash, 0, 1, "1eb4cbdb9db6", .start_class = C_ALPHA,
     .after_class = C_W},
    {"java-host-address", NULL, m_java_host_address, 0, 0, "f659eb8cc395", .start_class = C_ALPHA,
     .after_class = C_W, .after_chars = "./-"},
    {"block-device", pf_block_device, NULL, 0, 0, "fecd5dcf83f2"},
};

/* STARTS[k][c]: a match of TWINS[k]'s matcher can start with the character c (Twin.start_class, start_chars);
 * AFTER[k][c]: none can start just after c (Twin.after_class, after_chars). */
static unsigned char STARTS[sizeof TWINS / sizeof TWINS[0]][256];
static unsigned char AFTER[sizeof TWINS / sizeof TWINS[0]][256];

static void fill_starts(void) {
    for (size_t k = 0; k < sizeof TWINS / sizeof TWINS[0]; k++) {
        const Twin *t = &TWINS[k];
        const int any = t->start_class == 0 && t->start_chars == NULL;
        for (int c = 0; c < 256; c++)
            STARTS[k][c] = any || (CLASS[c] & t->start_class) || (c != 0 && t->start_chars != NULL &&
                                                                   strchr(t->start_chars, c) != NULL);
        for (int c = 0; c < 256; c++)
            AFTER[k][c] = (CLASS[c] & t->after_class) || (c != 0 && t->after_chars != NULL &&
                                                         strchr(t->after_chars, c) != NULL);
    }
}

/* The twin a Mask.compiled names; NULL with ValueError/TypeError when there is none of that name. */
static const Twin *find_twin(PyObject *name) {
    if (!PyUnicode_Check(name)) {
        PyErr_Format(PyExc_TypeError, "Masker: a compiled twin is named by a str, not %.100s", Py_TYPE(name)->tp_name);
        return NULL;
    }
    const char *utf8 = PyUnicode_AsUTF8(name);
    if (utf8 == NULL)
        return NULL;
    for (size_t k = 0; k < sizeof TWINS / sizeof TWINS[0]; k++)
        if (strcmp(TWINS[k].name, utf8) == 0)
            return &TWINS[k];
    PyErr_Format(PyExc_ValueError, "Masker: no compiled twin named %R", name);
    return NULL;
}

/* sha1(pattern.pattern NUL guard text)[:12], the guard text being guard.pattern for a regex guard and str(guard)
 * otherwise: a new str, or NULL with an exception. */
static PyObject *mask_fingerprint(PyObject *pattern, PyObject *guard) {
    PyObject *source = PyObject_GetAttrString(pattern, "pattern");
    PyObject *guard_text = PyObject_HasAttrString(guard, "pattern") ? PyObject_GetAttrString(guard, "pattern")
                                                                    : PyObject_Str(guard);
    PyObject *joined = NULL, *data = NULL, *hashlib = NULL, *digest = NULL, *hex = NULL, *out = NULL;
    if (source == NULL || guard_text == NULL || !PyUnicode_Check(source) || !PyUnicode_Check(guard_text)) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "Masker: a mask with a compiled twin needs str pattern and guard sources");
        goto done;
    }
    if ((joined = PyUnicode_FromFormat("%U%c%U", source, 0, guard_text)) == NULL ||
        (data = PyUnicode_AsUTF8String(joined)) == NULL || (hashlib = PyImport_ImportModule("hashlib")) == NULL ||
        (digest = PyObject_CallMethod(hashlib, "sha1", "O", data)) == NULL ||
        (hex = PyObject_CallMethod(digest, "hexdigest", NULL)) == NULL)
        goto done;
    out = PyUnicode_Substring(hex, 0, 12);
done:
    Py_XDECREF(source);
    Py_XDECREF(guard_text);
    Py_XDECREF(joined);
    Py_XDECREF(data);
    Py_XDECREF(hashlib);
    Py_XDECREF(digest);
    Py_XDECREF(hex);
    return out;
}

/* 0 when the mask's pattern and guard are those the twin was written for; else -1 with ValueError (a regex that
 * changed needs its twin looked at again: tests/test_compiled_twins.py, then the fingerprint in TWINS). */
static int check_fingerprint(const Twin *twin, PyObject *pattern, PyObject *guard) {
    PyObject *fingerprint = mask_fingerprint(pattern, guard);
    if (fingerprint == NULL)
        return -1;
    const int same = PyUnicode_CompareWithASCIIString(fingerprint, twin->source) == 0;
    if (!same)
        PyErr_Format(PyExc_ValueError,
                     "Masker: the compiled twin %s was written for another pattern or guard (fingerprint %s, this "
                     "mask's %U): check the twin against the new regex, then update its fingerprint in TWINS",
                     twin->name, twin->source, fingerprint);
    Py_DECREF(fingerprint);
    return same ? 0 : -1;
}

/* A twin with a replacer stands for one callable: the replacement must be a function of that __qualname__ (a
 * renamed or other callable is refused, as a changed pattern is). 0, or -1 with ValueError. */
static int check_replacer(const Twin *twin, PyObject *repl) {
    PyObject *name = PyFunction_Check(repl) ? ((PyFunctionObject *)repl)->func_qualname : NULL;
    if (name != NULL && PyUnicode_Check(name) && PyUnicode_CompareWithASCIIString(name, twin->replaces) == 0)
        return 0;
    PyErr_Format(PyExc_ValueError, "Masker: the compiled twin %s stands for the replacement function %s, not %R",
                 twin->name, twin->replaces, repl);
    return -1;
}

/* A replacement a matcher can expand: ASCII literal text and, where the matcher sets group 1, `\1` (not followed by
 * a digit), stored with the byte 0x01 for each `\1`. NULL with ValueError for anything else (other escapes, group
 * names, a callable). */
static char *parse_template(PyObject *repl, Py_ssize_t *len, int group1) {
    if (!PyUnicode_Check(repl) || !PyUnicode_IS_ASCII(repl)) {
        PyErr_SetString(PyExc_ValueError, "Masker: a compiled matcher needs an ASCII str replacement");
        return NULL;
    }
    const char *src = (const char *)PyUnicode_1BYTE_DATA(repl);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(repl);
    char *out = PyMem_Malloc((size_t)n + 1);
    if (out == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (src[i] == 0x01 ||
            (src[i] == '\\' && !(group1 && i + 1 < n && src[i + 1] == '1' && !(i + 2 < n && is_d(src[i + 2]))))) {
            PyMem_Free(out);
            PyErr_Format(PyExc_ValueError, "Masker: replacement %R: a compiled matcher expands only text and \\1",
                         repl);
            return NULL;
        }
        if (src[i] == '\\') {
            out[k++] = 0x01;
            i++;
        } else {
            out[k++] = src[i];
        }
    }
    *len = k;
    return out;
}

/* pattern.sub(replacement, text) for an ASCII text, by the twin's matcher, the replacement the template `tmpl` or,
 * where the twin has one, its replacer: a new reference (text itself when nothing matches), or NULL with an
 * exception. With `needs` (those of the old text, found with `masker`'s rows): what it wrote, each replacement
 * with a character either side, is looked at too (needs_found) and added to *needs. The text around them is the
 * old text's, whose needs *needs holds already (and a need a replacement took away stays: a superset, as the
 * masker may use), so *needs then covers the new text without a pass over all of it. */
enum { NOTED_SPANS = 32 };   /* replacements noted for `needs`; past them, the whole output is looked at */

static PyObject *substitute(const Twin *twin, const char *tmpl, Py_ssize_t tmpl_len, PyObject *text,
                            const Masker *masker, uint64_t *needs) {
    const Matcher matcher = twin->matcher;
    const unsigned char *starts = STARTS[twin - TWINS], *after = AFTER[twin - TWINS];
    const unsigned char *s = PyUnicode_1BYTE_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Match m = {0, 0, 0};
    Py_ssize_t i = 0;
#define MAY_START(i) (starts[s[i]] && ((i) == 0 || !after[s[(i) - 1]]))
    while (i < n && !(MAY_START(i) && matcher(s, n, i, &m)))
        i++;
    if (i >= n)
        return Py_NewRef(text);
    char stack[1024];
    Buffer b = {stack, 0, sizeof stack, stack};
    Py_ssize_t copied = 0;   /* s[:copied] is in the buffer (or replaced) */
    Py_ssize_t spans[NOTED_SPANS][2];   /* where the first replacements went in the buffer */
    int noted = 0, failed = 0;
    while (i < n) {
        if (!(MAY_START(i) && matcher(s, n, i, &m))) {
            i++;
            continue;
        }
        failed = buffer_put(&b, s + copied, i - copied);
        const Py_ssize_t at = b.len;
        if (twin->replacer != NULL && !failed)
            failed = twin->replacer(&b, s, i, &m);
        for (Py_ssize_t t = 0; twin->replacer == NULL && t < tmpl_len && !failed; t++)
            failed = tmpl[t] == 0x01 ? buffer_put(&b, s + m.g1_start, m.g1_end - m.g1_start)
                                     : buffer_put(&b, tmpl + t, 1);
        if (failed)
            break;
        if (noted < NOTED_SPANS) {
            spans[noted][0] = at;
            spans[noted][1] = b.len;
        }
        noted++;
        i = copied = m.end;
    }
    PyObject *out = NULL;
    if (!failed && buffer_put(&b, s + copied, n - copied) == 0 && (out = PyUnicode_New(b.len, 127)) != NULL) {
        memcpy(PyUnicode_1BYTE_DATA(out), b.data, (size_t)b.len);
        const Py_UCS1 *o = PyUnicode_1BYTE_DATA(out);
        if (needs != NULL && noted > NOTED_SPANS)
            *needs |= needs_found(masker, o, b.len);
        for (int k = 0; needs != NULL && k < noted && k < NOTED_SPANS; k++) {   /* a character either side */
            const Py_ssize_t lo = spans[k][0] > 0 ? spans[k][0] - 1 : 0, hi = spans[k][1] < b.len ? spans[k][1] + 1
                                                                                                 : b.len;
            *needs |= needs_found(masker, o + lo, hi - lo);
        }
    }
    if (b.data != stack)
        PyMem_Free(b.data);
    return out;
}
#undef MAY_START

/* For the tests: twins() -> [(name, has_prefilter, has_matcher, replaces_guard)]; prefilter(name, text) -> bool,
 * False when the named twin's pattern cannot match the ASCII text; substitute(name, replacement, text) -> str, the matcher's
 * pattern.sub(replacement, text) of an ASCII text. */
static PyObject *twins_list(PyObject *module, PyObject *unused) {
    PyObject *out = PyList_New(0);
    for (size_t k = 0; out != NULL && k < sizeof TWINS / sizeof TWINS[0]; k++) {
        PyObject *item = Py_BuildValue("(sOOO)", TWINS[k].name, TWINS[k].prefilter ? Py_True : Py_False,
                                       TWINS[k].matcher ? Py_True : Py_False,
                                       TWINS[k].replaces_guard ? Py_True : Py_False);
        if (item == NULL || PyList_Append(out, item) < 0)
            Py_CLEAR(out);
        Py_XDECREF(item);
    }
    return out;
}

static const Twin *twin_for_call(PyObject *name, PyObject *text, int need_prefilter) {
    const Twin *twin = find_twin(name);
    if (twin == NULL)
        return NULL;
    if (!PyUnicode_Check(text) || !PyUnicode_IS_ASCII(text)) {
        PyErr_SetString(PyExc_ValueError, "the compiled twins read ASCII str only");
        return NULL;
    }
    if (need_prefilter ? twin->prefilter == NULL : twin->matcher == NULL) {
        PyErr_Format(PyExc_ValueError, "twin %R has no %s", name, need_prefilter ? "prefilter" : "matcher");
        return NULL;
    }
    return twin;
}

static PyObject *prefilter_call(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "prefilter(name, text)");
        return NULL;
    }
    const Twin *twin = twin_for_call(args[0], args[1], 1);
    return twin == NULL ? NULL
                        : PyBool_FromLong(twin->prefilter(PyUnicode_1BYTE_DATA(args[1]),
                                                          PyUnicode_GET_LENGTH(args[1])));
}

/* word_facts(text) -> [name]: the twins whose bit word_facts sets for the ASCII text (the masker's answer for their
 * prefilters), in TWINS' order. */
static PyObject *word_facts_call(PyObject *module, PyObject *text) {
    if (!PyUnicode_Check(text) || !PyUnicode_IS_ASCII(text)) {
        PyErr_SetString(PyExc_TypeError, "word_facts(text): an ASCII str");
        return NULL;
    }
    const unsigned facts = word_facts(PyUnicode_1BYTE_DATA(text), PyUnicode_GET_LENGTH(text));
    PyObject *out = PyList_New(0);
    for (size_t k = 0; out != NULL && k < sizeof TWINS / sizeof TWINS[0]; k++) {
        if (!(TWINS[k].word_fact & facts))
            continue;
        PyObject *name = PyUnicode_FromString(TWINS[k].name);
        if (name == NULL || PyList_Append(out, name) < 0)
            Py_CLEAR(out);
        Py_XDECREF(name);
    }
    return out;
}

static PyObject *substitute_call(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "substitute(name, replacement, text)");
        return NULL;
    }
    const Twin *twin = twin_for_call(args[0], args[2], 0);
    if (twin == NULL)
        return NULL;
    if (twin->replacer != NULL)
        return check_replacer(twin, args[1]) < 0 ? NULL : substitute(twin, NULL, 0, args[2], NULL, NULL);
    Py_ssize_t len;
    char *tmpl = parse_template(args[1], &len, twin->group1);
    if (tmpl == NULL)
        return NULL;
    PyObject *out = substitute(twin, tmpl, len, args[2], NULL, NULL);
    PyMem_Free(tmpl);
    return out;
}

/* Whether s[lo:hi] (no blank at either end) holds a blank other than a lone space: a blank below 0x20 or two
 * spaces in a row. Eight bytes at a time: most texts hold neither, and the byte-wise test was most of squeeze. */
static int has_blank_run(const unsigned char *s, Py_ssize_t lo, Py_ssize_t hi) {
    const uint64_t ones = 0x0101010101010101u, highs = ones * 0x80, low7 = ones * 0x7f;
    Py_ssize_t i = lo;
    for (; hi - i >= 9; i += 8) {   /* the 8 bytes at i, and the one after them for a pair across */
        uint64_t x;
        memcpy(&x, s + i, 8);
        if ((x - ones * 0x20) & ~x & highs) {   /* a byte below 0x20 (ASCII text): look at each */
            for (int k = 0; k < 8; k++)
                if (s[i + k] < 0x20 && is_space(s[i + k]))
                    return 1;
        }
        const uint64_t y = x ^ (ones * ' ');
        const uint64_t space = ~(((y & low7) + low7) | y | low7);   /* 0x80 in each byte that is a space */
        if ((space & (space >> 8)) || (s[i + 7] == ' ' && s[i + 8] == ' '))
            return 1;
    }
    for (; i < hi; i++)
        if (is_space(s[i]) && (s[i] != ' ' || is_space(s[i + 1])))   /* (s[hi - 1] is no blank: i + 1 < hi here) */
            return 1;
    return 0;
}

/* squeeze(text) -> str or None: `_SPACES.sub(" ", text).strip()` of app.grouping for an ASCII text (every run of
 * blanks one space, none at either end; _SPACES is `\s{2,}|[^\S ]`, so a lone space stays as it is and any other
 * run becomes one space), None for any other text (the Python expression answers it). */
static PyObject *squeeze_call(PyObject *module, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "squeeze(text): text must be a str");
        return NULL;
    }
    if (!PyUnicode_IS_ASCII(text))
        Py_RETURN_NONE;
    const unsigned char *s = PyUnicode_1BYTE_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Py_ssize_t lo = 0, hi = n, len = 0;
    while (lo < hi && is_space(s[lo]))
        lo++;
    while (hi > lo && is_space(s[hi - 1]))
        hi--;
    if (lo == 0 && hi == n && !has_blank_run(s, lo, hi))
        return Py_NewRef(text);
    for (Py_ssize_t i = lo; i < hi; i++) {   /* the length out */
        if (is_space(s[i]))
            while (i + 1 < hi && is_space(s[i + 1]))
                i++;
        len++;
    }
    PyObject *out = PyUnicode_New(len, 127);
    if (out == NULL)
        return NULL;
    unsigned char *o = PyUnicode_1BYTE_DATA(out);
    for (Py_ssize_t i = lo; i < hi; i++) {
        if (is_space(s[i])) {
            while (i + 1 < hi && is_space(s[i + 1]))
                i++;
            *o++ = ' ';
        } else {
            *o++ = s[i];
        }
    }
    return out;
}

static PyMethodDef module_methods[] = {
    {"twins", twins_list, METH_NOARGS,
     "twins() -> [(name, has_prefilter, has_matcher, replaces_guard)]: the compiled twins."},
    {"prefilter", (PyCFunction)(void (*)(void))prefilter_call, METH_FASTCALL,
     "prefilter(name, text) -> bool: False when the named twin's pattern cannot match the ASCII text."},
    {"word_facts", word_facts_call, METH_O,
     "word_facts(text) -> [name]: the twins (hex, long-id, numbered-name, duration) whose prefilter the masker "
     "answers by one pass over the ASCII text's words, where that pass says the pattern may match."},
    {"substitute", (PyCFunction)(void (*)(void))substitute_call, METH_FASTCALL,
     "substitute(name, replacement, text) -> str: the named twin's pattern.sub(replacement, text), ASCII text."},
    {"numbered_name_data", numbered_name_data, METH_NOARGS,
     "numbered_name_data() -> (frozenset, str): the kind words and the block-device pattern the numbered-name twin "
     "copies from app.grouping (_KIND_WITH_DIGITS, _BLOCK_DEVICE.pattern)."},
    {"squeeze", squeeze_call, METH_O,
     "squeeze(text) -> str or None: each run of blanks one space, stripped (ASCII text; None for other text)."},
    {NULL, NULL, 0, NULL},
};

/* ---------------------------------------------------------------------------------------------------------
 * The loop */
static PyObject *masker_mask(Masker *self, PyObject *text) {
    if (!PyUnicode_Check(text))
        return PyErr_Format(PyExc_TypeError, "Masker() argument must be str, not %.100s", Py_TYPE(text)->tp_name);
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0)
        return NULL;
#endif
    int digits = has_digit(text);   /* as mask(): decided on the original text, then only ever turned off */
    unsigned version = 0, facts_version = (unsigned)-1, facts = 0;   /* word_facts of the text when it had facts_version */
    unsigned needs_version = (unsigned)-1;
    uint64_t needs = 0;             /* needs_found() of the text when it had needs_version */
    int needs_exact = 0;            /* needs is needs_found() of the text itself, not a superset (see substitute) */
    Py_INCREF(text);                /* from here on, text is our own reference to the current text */
    PyObject *args[3] = {NULL};     /* args[0]: the slot PY_VECTORCALL_ARGUMENTS_OFFSET lets the callee use */
    for (Py_ssize_t i = 0; i < Py_SIZE(self); i++) {
        const Entry *e = &self->entries[i];
        if (e->need != 0) {   /* none of the mask's needs occurs: it cannot change the text (Mask.needs) */
            if (needs_version != version) {
                needs = text_needs(self, text);
                needs_version = version;
                needs_exact = 1;
            }
            if (!(needs & e->need))
                continue;
        }
        /* (Skipping a digit-guarded mask here leaves `digits` as it was: it only ever spares a has_digit call.) */
        if (e->kind == G_DIGIT && !digits)   /* no digit left: spares the prefilter (the guard would refuse) */
            continue;
        const int ascii = e->twin != NULL && PyUnicode_IS_ASCII(text);
        if (ascii && e->twin->prefilter != NULL) {
            const Py_UCS1 *s = PyUnicode_1BYTE_DATA(text);
            const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
            if (e->twin->word_fact != 0) {
                if (facts_version != version) {
                    facts = word_facts(s, n);
                    facts_version = version;
                }
                if (!(facts & e->twin->word_fact))
                    continue;
            } else if (!e->twin->prefilter(s, n)) {
                continue;
            }
            if (e->twin->replaces_guard)
                goto substitute;
        }
        switch (e->kind) {
        case G_DIGIT:
            if (!digits || !has_digit(text)) {
                digits = 0;
                continue;
            }
            break;
        case G_SUBSTR: {
            if (e->guard_in_needs && needs_exact && PyUnicode_CheckExact(text) &&
                PyUnicode_KIND(text) == PyUnicode_1BYTE_KIND)
                break;   /* (its needs were found in this very text, just above) */
            int found = any_substring(text, e->guard);
            if (found < 0)
                goto error;
            if (!found)
                continue;
            break;
        }
        case G_SEARCH: {
            args[1] = text;
            PyObject *m = PyObject_Vectorcall(e->guard, args + 1, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
            if (m == NULL)
                goto error;
            const int none = m == Py_None;
            Py_DECREF(m);
            if (none)
                continue;
            break;
        }
        case G_ALWAYS:
            break;
        }
    substitute:;
        PyObject *out;
        if (ascii && e->twin->matcher != NULL) {
            /* (the needs of the old text hold for the new one with those of what the substitution wrote) */
            const int keep_needs = needs_version == version;
            out = substitute(e->twin, e->tmpl, e->tmpl_len, text, self, keep_needs ? &needs : NULL);
            if (out != NULL && out != text && keep_needs) {
                needs_version = version + 1;
                needs_exact = 0;
            }
        } else {
            args[1] = e->repl;   /* pattern.sub(repl, string) */
            args[2] = text;
            out = PyObject_Vectorcall(e->sub, args + 1, 2 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
        }
        if (out == NULL)
            goto error;
        version += out != text;   /* (both alive here: a new text cannot have the old one's address) */
        Py_SETREF(text, out);
        if (!PyUnicode_Check(text)) {   /* only a pattern-like object of a custom list could: the guards need str */
            PyErr_Format(PyExc_TypeError, "Masker: mask %zd: sub returned %.100s, not str", i, Py_TYPE(text)->tp_name);
            goto error;
        }
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(text) < 0)
            goto error;
#endif
    }
    return text;
error:
    Py_DECREF(text);
    return NULL;
}

static PyObject *masker_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if ((kwnames != NULL && PyTuple_GET_SIZE(kwnames) != 0) || nargs != 1) {
        PyErr_SetString(PyExc_TypeError, "Masker() takes exactly one positional argument: the text");
        return NULL;
    }
    return masker_mask((Masker *)self, args[0]);
}

/* ---------------------------------------------------------------------------------------------------------
 * Construction: every mask is inspected here, once */
/* Mask.needs of entry `index`: its bit set in the masker's rows (the first 64 masks with needs get one). */
static int needs_init(Masker *self, Entry *e, PyObject *needs, Py_ssize_t index, int *next_bit) {
    if (!PyTuple_Check(needs)) {
        PyErr_Format(PyExc_TypeError, "Masker: mask %zd: needs must be a tuple of str, not %.100s", index,
                     Py_TYPE(needs)->tp_name);
        return -1;
    }
    const uint64_t bit = PyTuple_GET_SIZE(needs) > 0 && *next_bit < 64 ? (uint64_t)1 << *next_bit : 0;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(needs); k++) {
        PyObject *need = PyTuple_GET_ITEM(needs, k);
        Py_ssize_t len = PyUnicode_Check(need) ? PyUnicode_GetLength(need) : -1;
        Py_UCS4 a = len >= 1 ? PyUnicode_ReadChar(need, 0) : 0, b = len == 2 ? PyUnicode_ReadChar(need, 1) : 0;
        if (len < 1 || len > 2 || a > 255 || b > 255) {
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_ValueError, "Masker: mask %zd: each of its needs must be one or two characters "
                             "below U+0100, not %R", index, need);
            return -1;
        }
        self->needs[a].first |= bit;
        for (unsigned c = len == 1 ? 0 : b; c <= (len == 1 ? 255 : b); c++)   /* one character: then anything */
            self->needs[c].second |= bit;
    }
    e->need = bit;
    *next_bit += bit != 0;
    return 0;
}

/* Whether a text of one-byte characters whose needs_found() has the entry's bit holds one of the guard's
 * one-character strings: the needs are read crossed (any first character of a need with any second one; a
 * one-character need takes any second), so that is so when all their first characters are among those strings, or
 * all their second ones. (`"` of double-quoted, `=` of key-value, `-` after a hex digit of uuid.) */
static int guard_in_needs(PyObject *guard, PyObject *needs) {
    int firsts = 1, seconds = 1;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(needs); k++) {
        PyObject *need = PyTuple_GET_ITEM(needs, k);
        const Py_ssize_t len = PyUnicode_GET_LENGTH(need);
        int first = 0, second = 0;
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(guard); i++) {
            PyObject *g = PyTuple_GET_ITEM(guard, i);
            if (PyUnicode_GET_LENGTH(g) != 1)
                continue;
            const Py_UCS4 c = PyUnicode_READ_CHAR(g, 0);
            first |= PyUnicode_READ_CHAR(need, 0) == c;
            second |= len == 2 && PyUnicode_READ_CHAR(need, 1) == c;
        }
        firsts &= first;
        seconds &= second;
    }
    return PyTuple_GET_SIZE(needs) > 0 && (firsts || seconds);
}

static int entry_init(Masker *self, PyObject *mask, Py_ssize_t index, int *next_bit) {
    Entry *e = &self->entries[index];
    PyObject *seq = PySequence_Fast(mask, "Masker: each mask must be a (name, pattern, replacement, guard) sequence");
    if (seq == NULL)
        return -1;
    int rc = -1;
    const Py_ssize_t items = PySequence_Fast_GET_SIZE(seq);
    if (items < 4 || items > 6) {
        PyErr_Format(PyExc_ValueError, "Masker: mask %zd has %zd items, not 4 to 6 (name, pattern, replacement, "
                     "guard[, compiled[, needs]])", index, items);
        goto done;
    }
    if (items == 6 && needs_init(self, e, PySequence_Fast_GET_ITEM(seq, 5), index, next_bit) < 0)
        goto done;
    if (items >= 5 && PySequence_Fast_GET_ITEM(seq, 4) != Py_None) {
        if ((e->twin = find_twin(PySequence_Fast_GET_ITEM(seq, 4))) == NULL)
            goto done;
        if (check_fingerprint(e->twin, PySequence_Fast_GET_ITEM(seq, 1), PySequence_Fast_GET_ITEM(seq, 3)) < 0)
            goto done;
        if (e->twin->replacer != NULL) {
            if (check_replacer(e->twin, PySequence_Fast_GET_ITEM(seq, 2)) < 0)
                goto done;
        } else if (e->twin->matcher != NULL) {
            e->tmpl = parse_template(PySequence_Fast_GET_ITEM(seq, 2), &e->tmpl_len, e->twin->group1);
            if (e->tmpl == NULL)
                goto done;
        }
    }
    PyObject *pattern = PySequence_Fast_GET_ITEM(seq, 1);
    PyObject *repl = PySequence_Fast_GET_ITEM(seq, 2);
    PyObject *guard = PySequence_Fast_GET_ITEM(seq, 3);
    if ((e->sub = PyObject_GetAttrString(pattern, "sub")) == NULL)
        goto done;
    e->repl = Py_NewRef(repl);
    /* The order of mask()'s tests: `guard == "digit"`, `type(guard) is tuple`, `guard is not None`. */
    PyObject *digit = PyUnicode_FromString("digit");
    int is_digit = digit == NULL ? -1 : PyObject_RichCompareBool(guard, digit, Py_EQ);
    Py_XDECREF(digit);
    if (is_digit < 0)
        goto done;
    if (is_digit) {
        e->kind = G_DIGIT;
    } else if (PyTuple_CheckExact(guard)) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(guard); i++) {
            PyObject *g = PyTuple_GET_ITEM(guard, i);
            if (!PyUnicode_Check(g)) {   /* `g in text` would raise the same when reached; here, at once */
                PyErr_Format(PyExc_TypeError, "Masker: mask %zd: guard items must be str, not %.100s", index,
                             Py_TYPE(g)->tp_name);
                goto done;
            }
#if PY_VERSION_HEX < 0x030C0000
            if (PyUnicode_READY(g) < 0)
                goto done;
#endif
        }
        e->kind = G_SUBSTR;
        e->guard = Py_NewRef(guard);
        e->guard_in_needs = e->need != 0 && guard_in_needs(guard, PySequence_Fast_GET_ITEM(seq, 5));
    } else if (guard == Py_None) {
        e->kind = G_ALWAYS;
    } else {
        if ((e->guard = PyObject_GetAttrString(guard, "search")) == NULL)
            goto done;
        e->kind = G_SEARCH;
    }
    rc = 0;
done:
    Py_DECREF(seq);
    return rc;   /* on error, what was set is released by the masker's dealloc */
}

static PyObject *masker_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    PyObject *masks;
    static char *kwlist[] = {"masks", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O:Masker", kwlist, &masks))
        return NULL;
    PyObject *seq = PySequence_Fast(masks, "Masker: masks must be a sequence of masks");
    if (seq == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    /* tp_alloc zero-fills: a half-built masker holds NULLs that dealloc skips */
    Masker *self = (Masker *)type->tp_alloc(type, n);
    if (self == NULL)
        goto error;
    self->vectorcall = masker_vectorcall;
    int next_bit = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (entry_init(self, PySequence_Fast_GET_ITEM(seq, i), i, &next_bit) < 0)
            goto error;
    Py_DECREF(seq);
    return (PyObject *)self;
error:
    Py_DECREF(seq);
    Py_XDECREF(self);
    return NULL;
}

/* The masker holds the replacement callables, whose globals may hold the masker (grouping._masker): a cycle the
 * collector must be able to see and break. */
static int masker_traverse(Masker *self, visitproc visit, void *arg) {
    Py_VISIT(Py_TYPE(self));   /* a heap type */
    for (Py_ssize_t i = 0; i < Py_SIZE(self); i++) {
        Py_VISIT(self->entries[i].guard);
        Py_VISIT(self->entries[i].sub);
        Py_VISIT(self->entries[i].repl);
    }
    return 0;
}

static int masker_clear(Masker *self) {
    for (Py_ssize_t i = 0; i < Py_SIZE(self); i++) {
        PyMem_Free(self->entries[i].tmpl);
        self->entries[i].tmpl = NULL;
        self->entries[i].twin = NULL;
        Py_CLEAR(self->entries[i].guard);
        Py_CLEAR(self->entries[i].sub);
        Py_CLEAR(self->entries[i].repl);
    }
    Py_SET_SIZE(self, 0);   /* a cleared masker (only ever unreachable ones are) masks nothing */
    return 0;
}

static void masker_dealloc(Masker *self) {
    PyTypeObject *type = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    masker_clear(self);
    type->tp_free(self);
    Py_DECREF(type);
}

/* For the tests: masker.needs_met(text) -> [index]: the masks with needs (Mask.needs) that the masker would not
 * skip for them on this text, by their index in the list; a text that is not 1-byte is never skipped. */
static PyObject *masker_needs_met(Masker *self, PyObject *text) {
    if (!PyUnicode_Check(text))
        return PyErr_Format(PyExc_TypeError, "needs_met() argument must be str, not %.100s", Py_TYPE(text)->tp_name);
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0)
        return NULL;
#endif
    const uint64_t found = text_needs(self, text);   /* (as the masker finds them) */
    PyObject *out = PyList_New(0);
    for (Py_ssize_t i = 0; out != NULL && i < Py_SIZE(self); i++) {
        if (self->entries[i].need == 0 || !(found & self->entries[i].need))
            continue;
        PyObject *index = PyLong_FromSsize_t(i);
        if (index == NULL || PyList_Append(out, index) < 0)
            Py_CLEAR(out);
        Py_XDECREF(index);
    }
    return out;
}

static PyMethodDef masker_methods[] = {
    {"needs_met", (PyCFunction)masker_needs_met, METH_O,
     "needs_met(text) -> list[int]\n\nThe indices of the masks with needs (Mask.needs) that this masker's one pass "
     "finds met in text\n(the others it skips there). A text that is not 1-byte meets all."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef masker_members[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(Masker, vectorcall), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot masker_slots[] = {
    {Py_tp_doc, "Masker(masks): masker(text) -> text with every mask applied in order, as app.grouping.mask does.\n\n"
                "masks: (name, pattern, replacement, guard[, compiled[, needs]]) sequences (app.grouping.Mask), read\n"
                "once."},
    {Py_tp_new, masker_new},
    {Py_tp_call, PyVectorcall_Call},
    {Py_tp_traverse, masker_traverse},
    {Py_tp_clear, masker_clear},
    {Py_tp_dealloc, masker_dealloc},
    {Py_tp_members, masker_members},
    {Py_tp_methods, masker_methods},
    {0, NULL},
};

static PyType_Spec masker_spec = {
    .name = "app._c_mask.Masker",
    .basicsize = offsetof(Masker, entries),
    .itemsize = sizeof(Entry),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = masker_slots,
};

/* ---------------------------------------------------------------------------------------------------------
 * Templater: app.grouping.make_template (the memo and _make_template) without its Python frames
 *
 * Templater(masker, cache, cache_size, message_max, template_max, reference, klog=None): templater(message) ->
 * template. As make_template: the template from `cache` (a dict, app.grouping._template_cache; cleared when it holds
 * cache_size), else made and stored. Made here for an ASCII message: masked by `masker` (the first message_max
 * characters), squeezed, cut to template_max, as _make_template does; where klog's `] "` stands in its first 120
 * characters, with klog's structured form (`file.go:12] "msg" k="v"`: the quoted message kept, the rest masked)
 * when `klog` is given (app.grouping._KLOG_STRUCTURED, refused if its source changed: klog_match), else by the
 * reference. Any other message is answered by `reference` (app.grouping._make_template). app.grouping builds it
 * from its own constants and memo, once: the limits given here must be the reference's (it reads the module's),
 * and rebinding the module's names later (a test's monkeypatch) does not reach a templater built before. */
typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    Masker *masker;
    PyObject *cache, *reference;
    Py_ssize_t cache_size, message_max, template_max;
    int klog;   /* klog's structured form is made here (the klog pattern was given and is the one below) */
} Templater;

#define KLOG_WINDOW 120   /* _make_template looks for `] "` in text[:120] */

/* app.grouping._KLOG_STRUCTURED, as written there (a raw str literal) */
static const char KLOG_SOURCE[] = "([\\w.-]+\\.go:\\d+\\] )(\"(?:[^\"\\\\]|\\\\.){1,400}\")(?= |$)";

/* _KLOG_STRUCTURED.match(s[:n]) on ASCII text: 1 with group 1 s[:*g1_end] and group 2 s[*g1_end:*end], else 0.
 * Deterministic (no backtracking can change the answer):
 * - `[\w.-]+\.go:`: `:` is not in the class, so the run from 0 must end at the `:` and with `.go`, one
 *   character or more before it;
 * - `\d+\] `: the whole run of digits (a digit cannot stand for the `]`), then `] `;
 * - `"(?:[^"\\]|\\.){1,400}"`: a backslash is only ever `\\.` with the next character (not a newline: `.`),
 *   anything else but `"` one item; the first `"` not so taken ends it, after 1 to 400 items (with more, no `"`
 *   stands where the {1,400} can stop; a backslash before a newline or at the end leaves none either);
 * - `(?= |$)`: a space, the end, or a newline that ends the text. */
static int klog_match(const unsigned char *s, Py_ssize_t n, Py_ssize_t *g1_end, Py_ssize_t *end) {
    Py_ssize_t i = 0;
    while (i < n && (is_w(s[i]) || s[i] == '.' || s[i] == '-'))
        i++;
    if (i < 4 || i >= n || s[i] != ':' || memcmp(s + i - 3, ".go", 3) != 0)
        return 0;
    Py_ssize_t k = ++i;
    while (k < n && is_d(s[k]))
        k++;
    if (k == i || n - k < 3 || s[k] != ']' || s[k + 1] != ' ' || s[k + 2] != '"')
        return 0;
    *g1_end = k + 2;
    Py_ssize_t items = 0;
    for (k += 3; k < n && s[k] != '"'; items++) {
        if (s[k] == '\\') {
            if (k + 1 >= n || s[k + 1] == '\n')
                return 0;
            k += 2;
        } else {
            k++;
        }
    }
    if (k >= n || items < 1 || items > 400)
        return 0;
    *end = ++k;
    return k == n || s[k] == ' ' || (s[k] == '\n' && k + 1 == n);
}

/* masker(s[lo:hi]) of a str: a new reference, or NULL with an exception. */
static PyObject *mask_part(Templater *self, PyObject *text, Py_ssize_t lo, Py_ssize_t hi) {
    PyObject *part = PyUnicode_Substring(text, lo, hi);
    if (part == NULL)
        return NULL;
    PyObject *masked = masker_mask(self->masker, part);
    Py_DECREF(part);
    return masked;
}

/* The template of an ASCII message made here: a new reference, Py_None (a new reference) where the reference must
 * answer, or NULL with an exception. */
static PyObject *templater_make(Templater *self, PyObject *message) {
    if (!PyUnicode_IS_ASCII(message))
        Py_RETURN_NONE;
    const Py_ssize_t n = PyUnicode_GET_LENGTH(message);
    const Py_ssize_t window = n < KLOG_WINDOW ? n : KLOG_WINDOW;
    /* (a window within the first message_max characters: message_max is far above it; memmem's set-up cost more
     * than this search of 120 characters) */
    const int klog_window = contains_ucs1(PyUnicode_1BYTE_DATA(message), window, (const Py_UCS1 *)"] \"", 3);
    if (klog_window && !self->klog)
        Py_RETURN_NONE;
    PyObject *text = n > self->message_max ? PyUnicode_Substring(message, 0, self->message_max) : Py_NewRef(message);
    if (text == NULL)
        return NULL;
    Py_ssize_t g1_end, end;
    PyObject *masked;
    if (klog_window && klog_match(PyUnicode_1BYTE_DATA(text), PyUnicode_GET_LENGTH(text), &g1_end, &end)) {
        /* mask(group 1) + group 2 + mask(the rest) */
        PyObject *parts[3] = {mask_part(self, text, 0, g1_end), NULL, NULL};
        if (parts[0] != NULL && (parts[1] = PyUnicode_Substring(text, g1_end, end)) != NULL)
            parts[2] = mask_part(self, text, end, PyUnicode_GET_LENGTH(text));
        masked = NULL;
        if (parts[2] != NULL && PyUnicode_IS_ASCII(parts[0]) && PyUnicode_IS_ASCII(parts[2])) {   /* (ASCII in) */
            const Py_ssize_t lens[3] = {PyUnicode_GET_LENGTH(parts[0]), end - g1_end, PyUnicode_GET_LENGTH(parts[2])};
            if ((masked = PyUnicode_New(lens[0] + lens[1] + lens[2], 127)) != NULL) {
                Py_UCS1 *w = PyUnicode_1BYTE_DATA(masked);
                for (int k = 0; k < 3; w += lens[k], k++)
                    memcpy(w, PyUnicode_1BYTE_DATA(parts[k]), (size_t)lens[k]);
            }
        } else if (parts[2] != NULL) {
            masked = PyUnicode_FromFormat("%U%U%U", parts[0], parts[1], parts[2]);
        }
        for (int k = 0; k < 3; k++)
            Py_XDECREF(parts[k]);
    } else {
        masked = masker_mask(self->masker, text);
    }
    Py_DECREF(text);
    if (masked == NULL)
        return NULL;
    PyObject *squeezed = squeeze_call(NULL, masked);
    Py_DECREF(masked);
    if (squeezed == NULL || squeezed == Py_None || PyUnicode_GET_LENGTH(squeezed) <= self->template_max)
        return squeezed;
    Py_SETREF(squeezed, PyUnicode_Substring(squeezed, 0, self->template_max));
    return squeezed;
}

static PyObject *templater_call(Templater *self, PyObject *message) {
    if (!PyUnicode_Check(message))
        return PyErr_Format(PyExc_TypeError, "make_template() argument must be str, not %.100s",
                            Py_TYPE(message)->tp_name);
    PyObject *template = PyDict_GetItemWithError(self->cache, message);   /* borrowed */
    if (template != NULL)
        return Py_NewRef(template);
    if (PyErr_Occurred())
        return NULL;
    if (PyDict_GET_SIZE(self->cache) >= self->cache_size)
        PyDict_Clear(self->cache);
    template = templater_make(self, message);
    if (template == Py_None)
        Py_SETREF(template, PyObject_CallOneArg(self->reference, message));
    if (template != NULL && PyDict_SetItem(self->cache, message, template) < 0)
        Py_CLEAR(template);
    return template;
}

static PyObject *templater_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    if ((kwnames != NULL && PyTuple_GET_SIZE(kwnames) != 0) || PyVectorcall_NARGS(nargsf) != 1) {
        PyErr_SetString(PyExc_TypeError, "make_template() takes exactly one positional argument: the message");
        return NULL;
    }
    return templater_call((Templater *)self, args[0]);
}

static PyObject *templater_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    PyObject *masker, *cache, *reference, *klog = Py_None;
    Py_ssize_t cache_size, message_max, template_max;
    static char *kwlist[] = {"masker", "cache", "cache_size", "message_max", "template_max", "reference", "klog",
                             NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO!nnnO|$O:Templater", kwlist, &masker, &PyDict_Type, &cache,
                                     &cache_size, &message_max, &template_max, &reference, &klog))
        return NULL;
    if (klog != Py_None) {   /* the pattern klog_match stands for: refused once it changed */
        PyObject *deps = Py_BuildValue("{sO}", "KLOG_STRUCTURED", klog);
        const int rc = deps == NULL ? -1 : same_regex(deps, "KLOG_STRUCTURED", KLOG_SOURCE, 0, "app/_c_mask.c");
        Py_XDECREF(deps);
        if (rc < 0)
            return NULL;
    }
    if (PyType_GetSlot(Py_TYPE(masker), Py_tp_new) != (void *)masker_new)
        return PyErr_Format(PyExc_TypeError, "Templater: masker must be a Masker, not %.100s",
                            Py_TYPE(masker)->tp_name);
    if (cache_size < 1 || message_max < KLOG_WINDOW || template_max < 0)
        return PyErr_Format(PyExc_ValueError, "Templater: cache_size >= 1, message_max >= %d, template_max >= 0",
                            KLOG_WINDOW);
    if (!PyCallable_Check(reference))
        return PyErr_Format(PyExc_TypeError, "Templater: reference must be callable");
    Templater *self = (Templater *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    self->vectorcall = templater_vectorcall;
    self->masker = (Masker *)Py_NewRef(masker);
    self->cache = Py_NewRef(cache);
    self->reference = Py_NewRef(reference);
    self->cache_size = cache_size;
    self->message_max = message_max;
    self->template_max = template_max;
    self->klog = klog != Py_None;
    return (PyObject *)self;
}

static int templater_traverse(Templater *self, visitproc visit, void *arg) {
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->masker);
    Py_VISIT(self->cache);
    Py_VISIT(self->reference);
    return 0;
}

static int templater_clear(Templater *self) {
    Py_CLEAR(self->masker);
    Py_CLEAR(self->cache);
    Py_CLEAR(self->reference);
    return 0;
}

static void templater_dealloc(Templater *self) {
    PyTypeObject *type = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    templater_clear(self);
    type->tp_free(self);
    Py_DECREF(type);
}

static PyObject *templater_get(Templater *self, void *closure) {
    return self->cache == NULL ? PyErr_Format(PyExc_ValueError, "cleared templater") : Py_NewRef(self->cache);
}

static PyGetSetDef templater_getset[] = {
    {"cache", (getter)templater_get, NULL, "the memo: message -> template", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMemberDef templater_members[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(Templater, vectorcall), READONLY, NULL},
    {"cache_size", T_PYSSIZET, offsetof(Templater, cache_size), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot templater_slots[] = {
    {Py_tp_doc, "Templater(masker, cache, cache_size, message_max, template_max, reference, klog=None): "
                "templater(message) -> "
                "its template, as app.grouping.make_template gives it (see the comment in _c_mask.c)."},
    {Py_tp_new, templater_new},
    {Py_tp_call, PyVectorcall_Call},
    {Py_tp_traverse, templater_traverse},
    {Py_tp_clear, templater_clear},
    {Py_tp_dealloc, templater_dealloc},
    {Py_tp_members, templater_members},
    {Py_tp_getset, templater_getset},
    {0, NULL},
};

static PyType_Spec templater_spec = {
    .name = "app._c_mask.Templater",
    .basicsize = sizeof(Templater),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = templater_slots,
};

/* ---------------------------------------------------------------------------------------------------------
 * Module: the type is created per module (a heap type), so nothing is shared between interpreters */
static int exec_module(PyObject *module) {
    fill_starts();
    if (fill_extensions() < 0)
        return -1;
    PyObject *type = PyType_FromModuleAndSpec(module, &masker_spec, NULL);
    if (type == NULL)
        return -1;
    int rc = PyModule_AddObjectRef(module, "Masker", type);
    Py_DECREF(type);
    if (rc < 0 || (type = PyType_FromModuleAndSpec(module, &templater_spec, NULL)) == NULL)
        return -1;
    rc = PyModule_AddObjectRef(module, "Templater", type);
    Py_DECREF(type);
    return rc;
}

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, exec_module},
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "app._c_mask",
    .m_doc = "Compiled loop of app.grouping.mask: Masker(masks)(text) (see the comment at the top of _c_mask.c).",
    .m_size = 0,
    .m_methods = module_methods,
    .m_slots = slots,
};

PyMODINIT_FUNC PyInit__c_mask(void) { return PyModuleDef_Init(&module_def); }
