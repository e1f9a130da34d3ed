/* Compiled fast path for app.severity.classify (module app._c_classify).
 *
 * fast(line, context) returns exactly the tuple classify(line, context) returns, or None ("decline: let the
 * Python code do it"). It follows classify()'s branches in their order and answers only where each step that
 * applies is reproduced here:
 *
 *   - klog lines (_KLOG);
 *   - lines led by a digit: the _NUMERIC_HEADER fast path (timestamp/number tokens, then an upper-case level word
 *     or a `[level]` field) with _message_after, after ruling out logcat;
 *   - Redis (_REDIS, led by its pid and role or a bracketed pid) and the .NET console logger (_DOTNET);
 *   - logfmt led by its time (_LOGFMT_HEADER), with _logfmt_message;
 *   - JSON lines whose first level field (or MongoDB's "s") is a non-event level: (OTHER, "", 0); event-level JSON
 *     lines (and lines with no level field) that json.loads reads exactly as the parser here does: the level
 *     read again from the fields, _json_message and _json_flags (see "Event-level JSON lines" below);
 *   - then, for any line the branches above leave (after ruling out logcat, Ruby), the prefilter:
 *     no event hint -> None / OTHER (has_other_hint); with a hint, a logfmt line's level key (_logfmt_level) or
 *     the token scan (_scan_header_tokens), which declines on the rare cases it does not reproduce (a lower-case
 *     level word opening the header, non-ASCII bracket contents, PHP) and where _csv_level would be tried.
 *
 * Declined: syslog <PRI>, logcat, Ruby, JSON that json.loads rejects or reads differently
 * (NaN, huge integers, deep nesting), a JSON key spelling a field name with escapes, a Docker "log" string, CSV,
 * and any line holding one of the four characters that make lower()/re.IGNORECASE differ from ASCII folding.
 * The regexes are matched on code points with the same character classes sre uses for str patterns
 * (\d = Py_UNICODE_ISDECIMAL, \s = Py_UNICODE_ISSPACE, \w = Py_UNICODE_ISALNUM or '_'); where a regex could
 * backtrack, a comment says why the single greedy parse here finds the same match.
 *
 * No global mutable state: the level strings live in the module state, written once at module exec.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define HEAD_CHARS 512
#define LOGFMT_SEARCH_CHARS 4096
#define END_CH ((Py_UCS4)0xFFFFFFFFu)   /* "past the end": belongs to no character class */

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
} Text;

typedef struct {
    PyObject *level[5];   /* indexed by Level; [L_NONE] unused */
    PyObject *empty;
    PyObject *zero;
    PyObject *colon_sep;  /* ": " */
} State;

typedef enum { L_NONE = 0, L_OTHER, L_WARN, L_ERROR, L_FATAL } Level;
#define WANTS_NEXT 2   /* app.severity.WANTS_NEXT (the tests compare the flags with the Python code's) */

/* Outcomes of the sub-parsers besides a tuple: DECLINE (Python must answer) and FALLTHROUGH (the Python branch
 * returned None / did not match, classify goes on to its next branch). */
#define DECLINE ((PyObject *)1)
#define FALLTHROUGH ((PyObject *)2)

static inline Py_UCS4 ch(const Text *t, Py_ssize_t i) {
    return i < t->n ? PyUnicode_READ(t->kind, t->data, i) : END_CH;
}
#include "_c_json.h"   /* json.loads's string scanner (shared with _c_envelope.c) */
/* ASCII answered inline (the unicodedata lookups are function calls, several per character for \w). */
static inline int is_s(Py_UCS4 c) {
    return c < 128 ? (c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f))
                   : c != END_CH && Py_UNICODE_ISSPACE(c);
}
static inline int is_d(Py_UCS4 c) { return c < 128 ? c >= '0' && c <= '9' : c != END_CH && Py_UNICODE_ISDECIMAL(c); }
static inline int is_w(Py_UCS4 c) {
    return c < 128 ? (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || c == '_'
                   : c != END_CH && Py_UNICODE_ISALNUM(c);
}
#include "_c_charset.h"   /* in_set */
static inline Py_UCS4 lc(Py_UCS4 c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

/* ---------------------------------------------------------------------------------------------------------
 * Level names (app.severity._LEVELS). Lookups lower-case ASCII only: every non-ASCII character other than the
 * four the caller declines on (see has_bad_char) lower-cases to non-ASCII, so it can never spell a level name. */
typedef struct { const char *name; Level level; } LevelName;   /* all lower-case */
static const LevelName LEVELS[] = {
    {"fatal", L_FATAL}, {"critical", L_FATAL}, {"crit", L_FATAL}, {"emerg", L_FATAL}, {"emergency", L_FATAL},
    {"alert", L_FATAL}, {"panic", L_FATAL}, {"ftl", L_FATAL}, {"fata", L_FATAL}, {"pani", L_FATAL},
    {"error", L_ERROR}, {"err", L_ERROR}, {"severe", L_ERROR}, {"erro", L_ERROR}, {"eror", L_ERROR}, {"dpanic", L_ERROR},
    {"warn", L_WARN}, {"warning", L_WARN}, {"wrn", L_WARN},
    {"info", L_OTHER}, {"information", L_OTHER}, {"informational", L_OTHER}, {"inf", L_OTHER}, {"notice", L_OTHER},
    {"note", L_OTHER}, {"debug", L_OTHER}, {"dbg", L_OTHER}, {"debu", L_OTHER}, {"trace", L_OTHER},
    {"trc", L_OTHER}, {"trac", L_OTHER}, {"verbose", L_OTHER}, {"vrb", L_OTHER}, {"fine", L_OTHER},
    {"finer", L_OTHER}, {"finest", L_OTHER}, {"config", L_OTHER}, {"log", L_OTHER}, {"statement", L_OTHER},
    {"detail", L_OTHER}, {"hint", L_OTHER}, {"context", L_OTHER}, {"default", L_OTHER},
};
#define N_LEVELS (sizeof(LEVELS) / sizeof(LEVELS[0]))

/* t[s:e] equals the ASCII word w; fold: compare case-insensitively (ASCII only). */
static inline int eq_word(const Text *t, Py_ssize_t s, Py_ssize_t e, const char *w, int fold) {
    size_t len = strlen(w);
    if (e - s != (Py_ssize_t)len)
        return 0;
    for (size_t k = 0; k < len; k++) {
        Py_UCS4 c = ch(t, s + (Py_ssize_t)k);
        if ((fold ? lc(c) : c) != (Py_UCS4)(unsigned char)w[k])
            return 0;
    }
    return 1;
}

/* t[i:] starts with w (case-sensitive, or ASCII-folded). */
static inline int starts(const Text *t, Py_ssize_t i, const char *w, int fold) {
    for (; *w; w++, i++) {
        Py_UCS4 c = ch(t, i);
        if ((fold ? lc(c) : c) != (Py_UCS4)(unsigned char)*w)
            return 0;
    }
    return 1;
}

/* The first index in [i, end) of the ASCII character c in t, or end when there is none (end <= t->n): memchr on a
 * 1-byte text (a loop through ch() costs several instructions a character). next_ch: up to the text's end. */
static inline Py_ssize_t find_ch(const Text *t, Py_ssize_t i, Py_ssize_t end, char c) {
    if (i >= end)
        return end;
    if (t->kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *b = t->data, *p = memchr(b + i, c, (size_t)(end - i));
        return p != NULL ? p - b : end;
    }
    while (i < end && ch(t, i) != (Py_UCS4)(unsigned char)c)
        i++;
    return i;
}
static inline Py_ssize_t next_ch(const Text *t, Py_ssize_t i, char c) { return find_ch(t, i, t->n, c); }

/* _LEVELS.get(t[s:e].lower()), L_NONE when absent. */
static Level level_of(const Text *t, Py_ssize_t s, Py_ssize_t e) {
    if (e - s < 3 || e - s > 13)
        return L_NONE;
    Py_UCS4 c = lc(ch(t, s));
    for (size_t k = 0; k < N_LEVELS; k++)
        if ((Py_UCS4)(unsigned char)LEVELS[k].name[0] == c && eq_word(t, s, e, LEVELS[k].name, 1))
            return LEVELS[k].level;
    return L_NONE;
}

/* The four non-ASCII characters that lower-case to ASCII or match an ASCII letter under re.IGNORECASE
 * (U+0130 İ, U+0131 ı, U+017F ſ, U+212A Kelvin): with them, lower() and (?i) stop being plain ASCII folding. */
static int has_bad_char(const Text *t) {
    if (t->kind == PyUnicode_1BYTE_KIND)
        return 0;
    for (Py_ssize_t i = 0; i < t->n; i++) {
        Py_UCS4 c = PyUnicode_READ(t->kind, t->data, i);
        if (c == 0x130 || c == 0x131 || c == 0x17F || c == 0x212A)
            return 1;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------------------------
 * has_event_hint(text[:len]) / has_other_hint(head) */
/* HINT_PAIR[a | b << 8]: the two letters a, b start a hint below, either case (filled by exec_module). A 1-byte
 * text is read a pair at a time through it: the hints' first letters are among the commonest (e, a, s, c). */
static unsigned char HINT_PAIR[1 << 16];

static void fill_hint_pairs(void) {
    static const char *const PAIRS[] = {"er", "em", "wa", "wr", "fa", "ft", "cr", "al", "pa", "se"};
    for (size_t k = 0; k < sizeof PAIRS / sizeof PAIRS[0]; k++)
        for (unsigned up = 0; up < 4; up++) {   /* each letter lower or upper */
            const unsigned a = (unsigned char)PAIRS[k][0] & ~((up & 1) ? 0x20u : 0u);
            const unsigned b = (unsigned char)PAIRS[k][1] & ~((up & 2) ? 0x20u : 0u);
            HINT_PAIR[a | b << 8] = 1;
        }
}

/* Whether a hint starts at i of text[:len] (i + 2 < len). */
static int hint_at(const Text *t, Py_ssize_t i, Py_ssize_t len) {
    /* the letters hints start with, either case (read-only) */
    static const unsigned char first[128] = {['e'] = 1, ['w'] = 1, ['f'] = 1, ['c'] = 1, ['a'] = 1, ['p'] = 1,
                                             ['s'] = 1, ['E'] = 1, ['W'] = 1, ['F'] = 1, ['C'] = 1, ['A'] = 1,
                                             ['P'] = 1, ['S'] = 1};
    Py_UCS4 c = ch(t, i);
    if (c >= 128 || !first[c])
        return 0;
    c = lc(c);
    Py_UCS4 c1 = lc(ch(t, i + 1));
    /* substrings must lie inside text[:len]: check the length first */
#define HINT(w) (i + (Py_ssize_t)sizeof(w) - 1 <= len && starts(t, i + 2, (w) + 2, 1))
    switch (c) {
    case 'e': return c1 == 'r' ? HINT("err") || HINT("eror") : c1 == 'm' && HINT("emerg");
    case 'w': return c1 == 'a' ? HINT("warn") : c1 == 'r' && HINT("wrn");
    case 'f': return c1 == 'a' ? HINT("fata") || HINT("fail") : c1 == 't' && HINT("ftl");
    case 'c': return c1 == 'r' && HINT("crit");
    case 'a': return c1 == 'l' && HINT("alert");
    case 'p': return c1 == 'a' && HINT("pani");
    case 's': return c1 == 'e' && HINT("severe");
    }
#undef HINT
    return 0;
}

static int has_event_hint(const Text *t, Py_ssize_t len) {
    Py_ssize_t i = 0;   /* every hint is 3+ characters long: i + 2 < len */
    if (t->kind == PyUnicode_1BYTE_KIND) {
        /* 8 pairs a test: most blocks hold no pair a hint starts with (as the candidate finder reads its lines) */
        const Py_UCS1 *b = (const Py_UCS1 *)t->data;
#define PAIR(k) HINT_PAIR[b[i + (k)] | (unsigned)b[i + (k) + 1] << 8]
        for (; i + 10 < len; i += 8) {
            if (!(PAIR(0) | PAIR(1) | PAIR(2) | PAIR(3) | PAIR(4) | PAIR(5) | PAIR(6) | PAIR(7)))
                continue;
            for (int k = 0; k < 8; k++)
                if (PAIR(k) && hint_at(t, i + k, len))
                    return 1;
        }
        for (; i + 2 < len; i++)
            if (PAIR(0) && hint_at(t, i, len))
                return 1;
#undef PAIR
        return 0;
    }
    for (; i + 2 < len; i++)
        if (hint_at(t, i, len))
            return 1;
    return 0;
}

static const char *const OTHER_UPPER[] = {"INFO", "DEBUG", "TRACE", "NOTICE", "VERBOSE", "FINEST", "FINER", "FINE",
                                          "CONFIG", "INF", "DBG", "VRB", "TRC", "DEBU", "TRAC"};
#define N_OTHER_UPPER (sizeof(OTHER_UPPER) / sizeof(OTHER_UPPER[0]))

static int in_other_upper(const Text *t, Py_ssize_t s, Py_ssize_t e) {
    if (e - s < 3 || e - s > 7 || !in_set(ch(t, s), "IDTNVFC"))
        return 0;
    for (size_t k = 0; k < N_OTHER_UPPER; k++)
        if (eq_word(t, s, e, OTHER_UPPER[k], 0))
            return 1;
    return 0;
}

/* WORD_1BYTE[c]: is_w(c) for each character of a 1-byte text (fill_word_1byte, at import). */
static unsigned char WORD_1BYTE[256];

static void fill_word_1byte(void) {
    for (unsigned c = 0; c < 256; c++)
        WORD_1BYTE[c] = (unsigned char)is_w((Py_UCS4)c);
}

static int has_other_hint(const Text *t, Py_ssize_t len) {
    /* _OTHER_HINT_BRACKET: `[info]`, `:debug]`, ... (case-insensitive, no word boundaries) */
    for (int opener = 0; opener < 2; opener++) {   /* the `[` places, then the `:` ones */
        const char c = opener == 0 ? '[' : ':';
        for (Py_ssize_t i = find_ch(t, 0, len - 1, c); i + 1 < len; i = find_ch(t, i + 1, len - 1, c)) {
            if (!in_set(lc(ch(t, i + 1)), "idnt"))
                continue;
            static const char *const words[] = {"info]", "debug]", "notice]", "trace]", "note]"};
            for (int k = 0; k < (c == '[' ? 5 : 4); k++)   /* `:note]` is not in the pattern */
                if (i + 1 + (Py_ssize_t)strlen(words[k]) <= len && starts(t, i + 1, words[k], 1))
                    return 1;
        }
    }
    /* _OTHER_HINT_KEY `\b(?i:level|lvl|severity)=` and _OTHER_HINT_UPPER `\b(?:INFO|...)\b|\bLOG:`: each needs a
     * word boundary before and a non-word character after the word, so the word is a whole maximal \w run. */
    Py_ssize_t i = 0;
    const Py_UCS1 *b = t->kind == PyUnicode_1BYTE_KIND ? t->data : NULL;   /* a 1-byte text: its bytes looked up */
#define IS_W_AT(k) (b != NULL ? WORD_1BYTE[b[k]] : is_w(ch(t, k)))
    while (i < len) {
        if (!IS_W_AT(i)) {
            i++;
            continue;
        }
        Py_ssize_t s = i;
        while (i < len && IS_W_AT(i))
            i++;
        Py_UCS4 next = i < len ? ch(t, i) : END_CH;   /* the head ends here: `\b` holds, `=`/`:` does not */
        if (next == '=' && (eq_word(t, s, i, "level", 1) || eq_word(t, s, i, "lvl", 1) ||
                            eq_word(t, s, i, "severity", 1)))
            return 1;
        if (in_other_upper(t, s, i) || (next == ':' && eq_word(t, s, i, "LOG", 0)))
            return 1;
    }
    return 0;
#undef IS_W_AT
}

/* ---------------------------------------------------------------------------------------------------------
 * Results */
static PyObject *result(const State *st, Level level, PyObject *msg /* stolen; NULL = "" */) {
    PyObject *lv = level == L_NONE ? Py_None : st->level[level];
    PyObject *r = PyTuple_Pack(3, lv, msg ? msg : st->empty, st->zero);
    Py_XDECREF(msg);
    return r;
}

/* The no-event-hint exit of classify(): (OTHER if context and has_other_hint(head) else None, "", 0). */
static PyObject *no_hint_result(const State *st, const Text *t, int context) {
    Py_ssize_t head = t->n < HEAD_CHARS ? t->n : HEAD_CHARS;
    return result(st, context && has_other_hint(t, head) ? L_OTHER : L_NONE, NULL);
}

static PyObject *substr(PyObject *line, Py_ssize_t s, Py_ssize_t e) { return PyUnicode_Substring(line, s, e); }

/* ---------------------------------------------------------------------------------------------------------
 * _message_after(line, pos): the line after _HEADER_DEBRIS, or line[pos:].strip() when the debris runs to the end.
 * _HEADER_DEBRIS is `(?: A1 | A2 | ... )*` with nothing after it, so the first alternative that matches at each
 * step is the one taken (the empty continuation always succeeds; no step ever backtracks). */

/* `\[(?:[^\[\]]|\[[^\[\]]{0,120}\]){0,200}\]` at t[i] == '[': end, or -1. An item that fails leaves a '[' or a
 * non-bracket character where `\]` is needed, and fewer items leave the same: the match is unique. */
static Py_ssize_t nested_bracket_end(const Text *t, Py_ssize_t i) {
    Py_ssize_t j = i + 1;
    for (int items = 0;; items++) {
        Py_UCS4 c = ch(t, j);
        if (c == END_CH)
            return -1;
        if (c == ']')
            return j + 1;
        if (items == 200)
            return -1;
        if (c == '[') {
            Py_ssize_t k = j + 1, lim = j + 1 + 120;
            Py_UCS4 d;
            while (k < lim && (d = ch(t, k)) != END_CH && d != '[' && d != ']')
                k++;
            if (ch(t, k) != ']')
                return -1;
            j = k + 1;
        } else {
            j++;
        }
    }
}

static Py_ssize_t header_debris_end(const Text *t, Py_ssize_t i) {
    for (;;) {
        Py_UCS4 c = ch(t, i);
        if (c == END_CH)
            return i;
        if (is_s(c)) {                                        /* \s+ */
            while (is_s(ch(t, i)))
                i++;
            continue;
        }
        if (in_set(c, "-:|>=~*")) {                           /* [-:|>=~*]+(?=\s): greedy run, then \s */
            Py_ssize_t j = i;
            while (in_set(ch(t, j), "-:|>=~*"))
                j++;
            if (is_s(ch(t, j))) {
                i = j;
                continue;
            }
        }
        if (c == '-' && ch(t, i + 1) == '-') {                /* --+ */
            i += 2;
            while (ch(t, i) == '-')
                i++;
            continue;
        }
        if (c == '[') {                                       /* [thread], one level of nesting */
            Py_ssize_t j = nested_bracket_end(t, i);
            if (j >= 0) {
                i = j;
                continue;
            }
        }
        if (is_d(c)) {                                        /* \d[\w#.:,/-]* */
            i++;
            while (is_w(ch(t, i)) || in_set(ch(t, i), "#.:,/-"))
                i++;
            continue;
        }
        if ((c == '#' || c == '*') && is_d(ch(t, i + 1))) {   /* [#*]\d+:? */
            i += 2;
            while (is_d(ch(t, i)))
                i++;
            if (ch(t, i) == ':')
                i++;
            continue;
        }
        return i;
    }
}

static PyObject *message_after(PyObject *line, const Text *t, Py_ssize_t pos) {
    Py_ssize_t end = header_debris_end(t, pos);
    if (end < t->n)
        return substr(line, end, t->n);
    Py_ssize_t s = pos, e = t->n;                             /* line[pos:].strip() */
    while (s < e && is_s(ch(t, s)))
        s++;
    while (e > s && is_s(ch(t, e - 1)))
        e--;
    return substr(line, s, e);
}

/* ---------------------------------------------------------------------------------------------------------
 * _numeric_header: `(?:\d[^\s\[\]()<>|]*\s+){1,16}(?:([A-Z]+)(?=[\s\[\]()<>|:,;/]|$)|\[([^\[\]]{0,120})\])`.
 * A token cannot hold whitespace, so it ends exactly at the next whitespace (or the match fails); fewer tokens
 * leave a digit where a level or '[' is needed. So the parse below is the only one the regex can find. */

/* _bracket_level(content) for ASCII content; L_NONE for None. */
static Level bracket_level(const Text *t, Py_ssize_t s, Py_ssize_t e) {
    while (s < e && is_s(ch(t, s)))
        s++;
    while (e > s && is_s(ch(t, e - 1)))
        e--;
    Level level = level_of(t, s, e);
    if (level != L_NONE)
        return level;
    /* _APACHE_MODULE_LEVEL.fullmatch: [\w.-]* stops at the first other character, which must be ':' */
    Py_ssize_t i = s;
    while (i < e && (is_w(ch(t, i)) || ch(t, i) == '.' || ch(t, i) == '-'))
        i++;
    if (i < e && ch(t, i) == ':') {
        Py_ssize_t j = i + 1;
        while (j < e && ((ch(t, j) | 32) >= 'a' && (ch(t, j) | 32) <= 'z'))
            j++;
        if (j == e && j > i + 1)
            return level_of(t, i + 1, e);                     /* may be None: Python returns it as is */
    }
    /* _UPPER_LEVEL_IN_BRACKET.search: the look-arounds on [\w.-] make the match a whole [\w.-] run */
    i = s;
    while (i < e) {
        Py_UCS4 c = ch(t, i);
        if (!(is_w(c) || c == '.' || c == '-')) {
            i++;
            continue;
        }
        Py_ssize_t r = i;
        int upper = 1;
        while (i < e && (is_w(c = ch(t, i)) || c == '.' || c == '-')) {
            if (c < 'A' || c > 'Z')
                upper = 0;
            i++;
        }
        if (upper && (level = level_of(t, r, i)) != L_NONE)
            return level;
    }
    return L_NONE;
}

static PyObject *numeric_header(const State *st, PyObject *line, const Text *t) {
    Py_ssize_t i = 0;
    int tokens = 0;
    while (is_d(ch(t, i))) {
        if (tokens == 16)
            return FALLTHROUGH;                               /* a 17th number token: no match */
        Py_ssize_t j = i + 1;
        Py_UCS4 c;
        while ((c = ch(t, j)) != END_CH && !is_s(c) && !in_set(c, "[]()<>|"))
            j++;
        if (!is_s(ch(t, j)))
            return FALLTHROUGH;
        while (is_s(ch(t, j)))
            j++;
        tokens++;
        i = j;
    }
    if (tokens == 0)
        return FALLTHROUGH;
    Py_UCS4 c = ch(t, i);
    if (c >= 'A' && c <= 'Z') {
        Py_ssize_t e = i;
        while ((c = ch(t, e)) >= 'A' && c <= 'Z')
            e++;
        if (!(c == END_CH || is_s(c) || in_set(c, "[]()<>|:,;/")))
            return FALLTHROUGH;
        if (e > 400)                                          /* m.end() > 400 */
            return FALLTHROUGH;
        Level level = level_of(t, i, e);
        if (level == L_NONE || (level == L_OTHER && !in_other_upper(t, i, e)))
            return FALLTHROUGH;
        if (level == L_OTHER)
            return result(st, L_OTHER, NULL);
        PyObject *msg = message_after(line, t, in_set(ch(t, e), ":,;/") ? e + 1 : e);
        return msg ? result(st, level, msg) : NULL;
    }
    if (c != '[')
        return FALLTHROUGH;
    Py_ssize_t k = i + 1, lim = i + 1 + 120;
    Py_UCS4 d;
    while (k < lim && (d = ch(t, k)) != END_CH && d != '[' && d != ']')
        k++;
    if (ch(t, k) != ']' || k + 1 > 400)
        return FALLTHROUGH;
    for (Py_ssize_t q = i + 1; q < k; q++)
        if (ch(t, q) >= 128)
            return DECLINE;                                   /* keep _bracket_level's str methods ASCII */
    Level level = bracket_level(t, i + 1, k);
    if (level == L_NONE || level == L_OTHER)
        return FALLTHROUGH;
    PyObject *msg = message_after(line, t, k + 1);
    return msg ? result(st, level, msg) : NULL;
}

/* ---------------------------------------------------------------------------------------------------------
 * logfmt */

/* `"(?:[^"\\]|\\.)*"` at t[i] == '"' within t[:lim]: end after the closing quote, or -1. Items start at fixed
 * places (a backslash only begins `\\.`), so the closing quote is the first unescaped one; `.` excludes '\n'. */
static Py_ssize_t quoted_end(const Text *t, Py_ssize_t i, Py_ssize_t lim) {
    for (Py_ssize_t k = i + 1; k < lim;) {
        Py_UCS4 c = ch(t, k);
        if (c == '"')
            return k + 1;
        if (c == '\\') {
            if (k + 1 >= lim || ch(t, k + 1) == '\n')
                return -1;
            k += 2;
        } else {
            k++;
        }
    }
    return -1;
}

static inline int is_key_ch(Py_UCS4 c) { return is_w(c) || c == '.' || c == '@' || c == '-'; }

/* _LOGFMT_LINE.match: `[\w.@-]+=(?:"(?:[^"\\]|\\.)*"|[^\s"]*) +[\w.@-]+=`. Each run is greedy and what follows
 * it cannot belong to it, so there is one parse; when the quoted value fails, the other branch is empty and
 * leaves '"' where ' +' is needed. */
static int logfmt_line(const Text *t) {
    Py_ssize_t j = 0;
    while (is_key_ch(ch(t, j)))
        j++;
    if (j == 0 || ch(t, j) != '=')
        return 0;
    j++;
    if (ch(t, j) == '"') {
        j = quoted_end(t, j, t->n);
        if (j < 0)
            return 0;
    } else {
        Py_UCS4 c;
        while ((c = ch(t, j)) != END_CH && !is_s(c) && c != '"')
            j++;
    }
    if (ch(t, j) != ' ')
        return 0;
    while (ch(t, j) == ' ')
        j++;
    Py_ssize_t k = j;
    while (is_key_ch(ch(t, k)))
        k++;
    return k > j && ch(t, k) == '=';
}

/* _logfmt_message: _LOGFMT_VALUE `(?:^|\s)(msg|message|error|err)=(?:"((?:[^"\\]|\\.)*)"|(\S+))`, first value
 * of each key; then msg or message, error or err, joined by ": ", or the line itself. */
enum { K_MSG, K_MESSAGE, K_ERROR, K_ERR, N_KEYS };

/* One _LOGFMT_VALUE match with its key starting at k; returns the match end or -1. */
static Py_ssize_t logfmt_value_at(const Text *t, Py_ssize_t k, Py_ssize_t found[N_KEYS][2]) {
    static const char *const keys[N_KEYS] = {"msg=", "message=", "error=", "err="};
    int key = -1;
    for (int q = 0; q < N_KEYS; q++)
        if (starts(t, k, keys[q], 0)) {
            key = q;
            break;
        }
    if (key < 0)
        return -1;
    Py_ssize_t v = k + (Py_ssize_t)strlen(keys[key]), vs, ve, end;
    Py_ssize_t q = ch(t, v) == '"' ? quoted_end(t, v, t->n) : -1;
    if (q >= 0) {
        vs = v + 1, ve = q - 1, end = q;
    } else {                                                  /* \S+ (also from an unclosed quote) */
        Py_ssize_t e = v;
        while (ch(t, e) != END_CH && !is_s(ch(t, e)))
            e++;
        if (e == v)
            return -1;
        vs = v, ve = e, end = e;
    }
    if (found[key][0] < 0)
        found[key][0] = vs, found[key][1] = ve;
    return end;
}

static PyObject *logfmt_message(const State *st, PyObject *line, const Text *t) {
    Py_ssize_t found[N_KEYS][2];
    for (int q = 0; q < N_KEYS; q++)
        found[q][0] = found[q][1] = -1;
    Py_ssize_t p = 0;
    while (p < t->n) {
        Py_ssize_t end = -1;
        if (p == 0)
            end = logfmt_value_at(t, 0, found);
        if (end < 0 && is_s(ch(t, p)))
            end = logfmt_value_at(t, p + 1, found);
        p = end >= 0 ? end : p + 1;
    }
    /* `x or y`: the first non-empty one */
#define PICK(a, b) (found[a][0] >= 0 && found[a][1] > found[a][0] ? (a) : (found[b][0] >= 0 && found[b][1] > found[b][0] ? (b) : -1))
    int msg = PICK(K_MSG, K_MESSAGE), err = PICK(K_ERROR, K_ERR);
#undef PICK
    if (msg < 0 && err < 0) {
        Py_INCREF(line);
        return line;
    }
    if (msg < 0 || err < 0) {
        int q = msg >= 0 ? msg : err;
        return substr(line, found[q][0], found[q][1]);
    }
    PyObject *a = substr(line, found[msg][0], found[msg][1]);
    PyObject *b = a ? substr(line, found[err][0], found[err][1]) : NULL;
    PyObject *r = NULL;
    if (a && b) {
        PyObject *ab = PyUnicode_Concat(a, st->colon_sep);
        if (ab) {
            r = PyUnicode_Concat(ab, b);
            Py_DECREF(ab);
        }
    }
    Py_XDECREF(a);
    Py_XDECREF(b);
    return r;
}

static PyObject *level_result(const State *st, PyObject *line, const Text *t, Level level) {
    if (level == L_OTHER)
        return result(st, L_OTHER, NULL);
    PyObject *msg = logfmt_message(st, line, t);
    return msg ? result(st, level, msg) : NULL;
}

/* _logfmt_level: _LOGFMT_PAIR `([\w.@-]+)=("(?:[^"\\]|\\.)*"|[^\s"]*)` over line[:4096], the first pair with a level
 * key whose value is a level name. A match starts where a key run starts (a later start in the same run reaches the
 * same '='), and the value alternatives are each deterministic. FALLTHROUGH: no such pair. */
static PyObject *logfmt_level(const State *st, PyObject *line, const Text *t) {
    Py_ssize_t lim = t->n < LOGFMT_SEARCH_CHARS ? t->n : LOGFMT_SEARCH_CHARS;
    Py_ssize_t p = 0;
    while (p < lim) {
        if (!is_key_ch(ch(t, p))) {
            p++;
            continue;
        }
        Py_ssize_t s = p, e = p;
        while (e < lim && is_key_ch(ch(t, e)))
            e++;
        if (e >= lim || ch(t, e) != '=') {
            p = e;
            continue;
        }
        Py_ssize_t v = e + 1, ve;
        Py_ssize_t q = (v < lim && ch(t, v) == '"') ? quoted_end(t, v, lim) : -1;
        if (q >= 0) {
            ve = q;
        } else if (v < lim && ch(t, v) == '"') {
            ve = v;                                           /* unclosed quote: the empty unquoted value */
        } else {
            ve = v;
            while (ve < lim && !is_s(ch(t, ve)) && ch(t, ve) != '"')
                ve++;
        }
        if (eq_word(t, s, e, "level", 1) || eq_word(t, s, e, "lvl", 1) || eq_word(t, s, e, "severity", 1) ||
            eq_word(t, s, e, "loglevel", 1) || eq_word(t, s, e, "log.level", 1)) {
            Py_ssize_t a = v, b = ve;                         /* .strip('"') */
            while (a < b && ch(t, a) == '"')
                a++;
            while (b > a && ch(t, b - 1) == '"')
                b--;
            Level level = level_of(t, a, b);
            if (level != L_NONE)
                return level_result(st, line, t, level);
        }
        p = ve;
    }
    return FALLTHROUGH;
}

/* _LOGFMT_HEADER.match: `(?:time|ts|t|timestamp|at|date)=[^\s\[\]()<>|"]+ (level|lvl|severity)=("?)([A-Za-z]+)`;
 * on a known level its answer, else FALLTHROUGH. */
static PyObject *logfmt_header(const State *st, PyObject *line, const Text *t) {
    static const char *const keys[] = {"time=", "ts=", "t=", "timestamp=", "at=", "date="};
    Py_ssize_t j = -1;
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
        if (starts(t, 0, keys[k], 0)) {
            j = (Py_ssize_t)strlen(keys[k]);
            break;
        }
    if (j < 0)
        return FALLTHROUGH;
    Py_ssize_t v = j;
    Py_UCS4 c;
    while ((c = ch(t, j)) != END_CH && !is_s(c) && !in_set(c, "[]()<>|\""))
        j++;
    if (j == v || ch(t, j) != ' ')
        return FALLTHROUGH;
    j++;
    if (starts(t, j, "level=", 0))
        j += 6;
    else if (starts(t, j, "lvl=", 0))
        j += 4;
    else if (starts(t, j, "severity=", 0))
        j += 9;
    else
        return FALLTHROUGH;
    if (ch(t, j) == '"' && ((ch(t, j + 1) | 32) >= 'a' && (ch(t, j + 1) | 32) <= 'z'))
        j++;
    Py_ssize_t w = j;
    while ((c = ch(t, j)) != END_CH && (c | 32) >= 'a' && (c | 32) <= 'z')
        j++;
    if (j == w)
        return FALLTHROUGH;
    Level level = level_of(t, w, j);
    return level == L_NONE ? FALLTHROUGH : level_result(st, line, t, level);
}

/* ---------------------------------------------------------------------------------------------------------
 * JSON lines with a non-event level */

/* _MONGO.match `\{"t":\{"\$date":"[^"]*"\},\s*"s":"([FEWID]\d?)\s*"`: the letter, or 0. */
static Py_UCS4 mongo_letter(const Text *t) {
    if (!starts(t, 0, "{\"t\":{\"$date\":\"", 0))
        return 0;
    Py_ssize_t j = 15;
    while (ch(t, j) != END_CH && ch(t, j) != '"')
        j++;
    if (!starts(t, j, "\"},", 0))
        return 0;
    j += 3;
    while (is_s(ch(t, j)))
        j++;
    if (!starts(t, j, "\"s\":\"", 0))
        return 0;
    j += 5;
    Py_UCS4 letter = ch(t, j);
    if (!in_set(letter, "FEWID"))
        return 0;
    j++;
    if (is_d(ch(t, j)))
        j++;   /* \d? greedy; without it \s*" would face the digit and fail, so taking it is the only way */
    while (is_s(ch(t, j)))
        j++;
    return ch(t, j) == '"' ? letter : 0;
}

/* _JSON_LEVEL.search `"(?i:level|severity|...|@l)"\s*:\s*"?([A-Za-z]+|\d+)`: the level of its value as
 * _json_level_value reads it, -1 when there is no match, -2 to decline (a non-ASCII digit run). */
static int json_level(const Text *t) {
    static const char *const keys[] = {"level", "severity", "lvl", "loglevel", "log.level", "levelname",
                                       "log_level", "@l"};
    for (Py_ssize_t p = next_ch(t, 0, '"'); p < t->n; p = next_ch(t, p + 1, '"')) {
        if (!in_set(lc(ch(t, p + 1)), "ls@"))
            continue;
        Py_ssize_t q = -1;
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
            Py_ssize_t e = p + 1 + (Py_ssize_t)strlen(keys[k]);
            if (starts(t, p + 1, keys[k], 1) && ch(t, e) == '"') {
                q = e + 1;
                break;
            }
        }
        if (q < 0)
            continue;
        while (is_s(ch(t, q)))
            q++;
        if (ch(t, q) != ':')
            continue;
        q++;
        while (is_s(ch(t, q)))
            q++;
        Py_UCS4 c = ch(t, q);
        if (c == '"') {   /* "? greedy; not taking it leaves '"' where a letter or digit is needed */
            q++;
            c = ch(t, q);
        }
        Py_ssize_t s = q;
        if ((c | 32) >= 'a' && (c | 32) <= 'z' && c < 128) {
            while ((c = ch(t, q)) != END_CH && c < 128 && (c | 32) >= 'a' && (c | 32) <= 'z')
                q++;
            return (int)level_of(t, s, q);
        }
        if (!is_d(c))
            continue;
        while (is_d(ch(t, q)))
            q++;
        long n = 0;
        for (Py_ssize_t i = s; i < q; i++) {
            Py_UCS4 d = ch(t, i);
            if (d < '0' || d > '9')
                return -2;
            if (n < 1000)     /* every value >= 60 reads the same */
                n = n * 10 + (long)(d - '0');
        }
        if (n < 10)           /* syslog_level(n) if n <= 7 else OTHER */
            return n <= 2 ? L_FATAL : n == 3 ? L_ERROR : n == 4 ? L_WARN : L_OTHER;
        return n >= 60 ? L_FATAL : n >= 50 ? L_ERROR : n >= 40 ? L_WARN : L_OTHER;
    }
    return -1;
}

/* ---------------------------------------------------------------------------------------------------------
 * Event-level JSON lines: json.loads(line) and the field logic of _classify_json (_json_level_value,
 * _json_message, _json_flags). The line is validated as json.loads's strict scanner reads it (app/_c_json.h for
 * strings); whatever json.loads would read differently from here is declined: NaN/Infinity, integers too long for
 * int() (ValueError in json.loads), nesting deep enough to approach the recursion limit (RecursionError), and every
 * line json.loads rejects (Python then falls back to a regex for the message: not reproduced). Keys are compared
 * as `{k.lower(): v}` sees them: ASCII folding, which is exact because the line holds none of has_bad_char's four
 * characters and a key spelling one of them with an escape is declined. */

#define JSON_MAX_DEPTH 64          /* json.loads recurses per level; far below the recursion limit */
#define JSON_MAX_NUMBER 4000       /* int() refuses more than 4300 digits (sys.get_int_max_str_digits()) */
#define JSON_KEY_CHARS 256         /* an escaped key is decoded to be compared; a longer one is declined */
#define JSON_STACK_CHARS 512       /* a decoded string up to this length needs no heap buffer */

typedef enum { J_ABSENT = 0, J_STR, J_INT, J_FLOAT, J_LITERAL, J_NULL, J_ARRAY, J_OBJECT } JKind;

typedef struct {
    JKind kind;
    Py_ssize_t s, e;   /* J_STR: the body between the quotes; others: the whole token */
    int escaped;       /* J_STR: the body holds a backslash */
    int empty;         /* J_ARRAY, J_OBJECT: no element */
} JVal;

static inline int is_ascii_digit(Py_UCS4 c) { return c >= '0' && c <= '9'; }

/* The value at t[i] (no whitespace before it): its end, or -1 (invalid JSON, or a value declined above). */
static Py_ssize_t json_value(const Text *t, Py_ssize_t i, int depth, JVal *v) {
    JVal scratch;
    if (v == NULL)
        v = &scratch;
    Py_UCS4 c = ch(t, i);
    v->s = i;
    v->escaped = v->empty = 0;
    if (c == '"') {
        Py_ssize_t e = json_scan_string(t, i, &v->escaped);
        v->kind = J_STR;
        v->s = i + 1;
        v->e = e - 1;
        return e;
    }
    if (c == '{' || c == '[') {
        if (depth >= JSON_MAX_DEPTH)
            return -1;
        Py_UCS4 close = c == '{' ? '}' : ']';
        v->kind = c == '{' ? J_OBJECT : J_ARRAY;
        Py_ssize_t j = json_skip_ws(t, i + 1);
        if (ch(t, j) == close) {
            v->empty = 1;
            return v->e = j + 1;
        }
        for (;;) {
            if (c == '{') {   /* a key: strings only (json: "Expecting property name enclosed in double quotes") */
                int escaped;
                if (ch(t, j) != '"' || (j = json_scan_string(t, j, &escaped)) < 0)
                    return -1;
                j = json_skip_ws(t, j);
                if (ch(t, j) != ':')
                    return -1;
                j = json_skip_ws(t, j + 1);
            }
            if ((j = json_value(t, j, depth + 1, NULL)) < 0)
                return -1;
            j = json_skip_ws(t, j);
            Py_UCS4 d = ch(t, j);
            if (d == close)
                return v->e = j + 1;
            if (d != ',')
                return -1;
            j = json_skip_ws(t, j + 1);   /* a trailing comma then fails on the next key or value, as in json */
        }
    }
    static const char *const literals[] = {"true", "false", "null"};
    for (int k = 0; k < 3; k++)
        if (starts(t, i, literals[k], 0)) {
            v->kind = k == 2 ? J_NULL : J_LITERAL;
            return v->e = i + (Py_ssize_t)strlen(literals[k]);
        }
    /* json's NUMBER_RE `(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?` (ASCII digits); a '.' or 'e' not followed by
     * digits is left behind and then fails as an unexpected character, as in json. `-Infinity` is declined here. */
    Py_ssize_t j = c == '-' ? i + 1 : i;
    if (ch(t, j) == '0')
        j++;
    else if (ch(t, j) >= '1' && ch(t, j) <= '9')
        while (is_ascii_digit(ch(t, j)))
            j++;
    else
        return -1;
    v->kind = J_INT;
    if (ch(t, j) == '.' && is_ascii_digit(ch(t, j + 1))) {
        for (j += 2; is_ascii_digit(ch(t, j)); j++)
            ;
        v->kind = J_FLOAT;
    }
    if (ch(t, j) == 'e' || ch(t, j) == 'E') {
        Py_ssize_t k = j + 1;
        if (ch(t, k) == '+' || ch(t, k) == '-')
            k++;
        if (is_ascii_digit(ch(t, k))) {
            for (j = k; is_ascii_digit(ch(t, j)); j++)
                ;
            v->kind = J_FLOAT;
        }
    }
    if (j - i > JSON_MAX_NUMBER)
        return -1;
    return v->e = j;
}

/* One pair of an object json_value accepted or is validating. *pos is at its '{' or at the ',' / '}' after the
 * previous pair; returns 1 with the key's body and the value (*pos then at the ',' or '}' after it), 0 at the end
 * of the object, -1 where json.loads fails (or the value is declined). */
static int json_pair(const Text *t, Py_ssize_t *pos, int depth, JVal *key, JVal *value) {
    Py_ssize_t j = *pos;
    Py_UCS4 c = ch(t, j);
    if (c == '}')
        return 0;
    j = json_skip_ws(t, j + 1);
    if (c == '{' && ch(t, j) == '}') {
        *pos = j;
        return 0;
    }
    if (ch(t, j) != '"' || (j = json_value(t, j, depth, key)) < 0)
        return -1;
    j = json_skip_ws(t, j);
    if (ch(t, j) != ':')
        return -1;
    if ((j = json_value(t, json_skip_ws(t, j + 1), depth + 1, value)) < 0)
        return -1;
    j = json_skip_ws(t, j);
    if (ch(t, j) != ',' && ch(t, j) != '}')
        return -1;
    *pos = j;
    return 1;
}

/* A decoded string to read: the line itself where the body has no escape, else a decoded copy. */
typedef struct {
    Text t;
    Py_ssize_t s, e;
    int decoded;
    Py_UCS4 *heap;
    Py_UCS4 stack[JSON_STACK_CHARS];
} StrView;

/* 0, or -1 with MemoryError set. Release with str_view_free, also after a failure. */
static int str_view(const Text *t, const JVal *v, StrView *sv) {
    sv->heap = NULL;
    sv->decoded = v->escaped;
    if (!v->escaped) {
        sv->t = *t, sv->s = v->s, sv->e = v->e;
        return 0;
    }
    Py_UCS4 *buf = sv->stack;
    if (v->e - v->s > JSON_STACK_CHARS && (buf = sv->heap = PyMem_New(Py_UCS4, v->e - v->s)) == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    int esc;
    Py_ssize_t n = json_decode(t, v->s, v->e, buf, 0, &esc);
    sv->t = (Text){PyUnicode_4BYTE_KIND, buf, n};
    sv->s = 0, sv->e = n;
    return 0;
}

static void str_view_free(StrView *sv) { PyMem_Free(sv->heap); }

/* The str of sv[s:e] (indexes of sv->t). */
static PyObject *str_view_obj(PyObject *line, const StrView *sv, Py_ssize_t s, Py_ssize_t e) {
    if (!sv->decoded)
        return substr(line, s, e);
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, (const Py_UCS4 *)sv->t.data + s, e - s);
}

/* A key as `k.lower()` compares it: the line's characters, or the decoded ones (then -1 to decline when one of
 * has_bad_char's characters was escaped, or the key is too long to decode here). */
typedef struct {
    Text t;
    Py_ssize_t s, e;
    Py_UCS4 buf[JSON_KEY_CHARS];
} KeyView;

static int key_view(const Text *t, const JVal *key, KeyView *kv) {
    if (!key->escaped) {
        kv->t = *t, kv->s = key->s, kv->e = key->e;
        return 0;
    }
    if (key->e - key->s > JSON_KEY_CHARS)
        return -1;
    int esc;
    Py_ssize_t n = json_decode(t, key->s, key->e, kv->buf, 0, &esc);
    for (Py_ssize_t k = 0; k < n; k++)
        if (kv->buf[k] == 0x130 || kv->buf[k] == 0x131 || kv->buf[k] == 0x17F || kv->buf[k] == 0x212A)
            return -1;
    kv->t = (Text){PyUnicode_4BYTE_KIND, kv->buf, n};
    kv->s = 0, kv->e = n;
    return 0;
}

/* k.lower() == name (name lower-case ASCII) */
static inline int key_is(const KeyView *kv, const char *name) { return eq_word(&kv->t, kv->s, kv->e, name, 1); }

/* The top-level keys _classify_json and its helpers read (their lower-case names). */
enum {
    JK_LEVEL, JK_SEVERITY, JK_LVL, JK_LOGLEVEL, JK_LOG_DOT_LEVEL, JK_LEVELNAME, JK_LOG_LEVEL, JK_AT_L,   /* _JSON_LEVEL_KEYS */
    JK_MSG, JK_MESSAGE, JK_AT_M, JK_AT_MT, JK_EVENT, JK_TEXT, JK_LOG, JK_SHORT_MESSAGE,                /* _JSON_MESSAGE_KEYS */
    JK_ERROR, JK_ERR, JK_EXCEPTION, JK_EXC_INFO, JK_ERROR_MESSAGE,                                  /* _JSON_ERROR_KEYS */
    JK_STACK_TRACE, JK_STACKTRACE, JK_STACK, JK_ERROR_STACK_TRACE, JK_ERROR_STACK, JK_AT_X, JK_FULL_MESSAGE,
    N_JSON_KEYS
};
static const char *const JSON_KEYS[N_JSON_KEYS] = {
    "level", "severity", "lvl", "loglevel", "log.level", "levelname", "log_level", "@l",
    "msg", "message", "@m", "@mt", "event", "text", "log", "short_message",
    "error", "err", "exception", "exc_info", "error.message",
    "stack_trace", "stacktrace", "stack", "error.stack_trace", "error.stack", "@x", "full_message"};
/* the tuples of severity.py, in their order */
static const int LEVEL_KEYS[] = {JK_LEVEL, JK_SEVERITY, JK_LVL, JK_LOGLEVEL, JK_LOG_DOT_LEVEL, JK_LEVELNAME, JK_LOG_LEVEL,
                                 JK_AT_L};
static const int MESSAGE_KEYS[] = {JK_MSG, JK_MESSAGE, JK_AT_M, JK_AT_MT, JK_EVENT, JK_TEXT, JK_LOG, JK_SHORT_MESSAGE};
static const int ERROR_KEYS[] = {JK_ERROR, JK_ERR, JK_EXCEPTION, JK_EXC_INFO, JK_ERROR_MESSAGE};
static const int TRACE_KEYS[] = {JK_STACK_TRACE, JK_STACKTRACE, JK_STACK, JK_EXC_INFO, JK_EXCEPTION, JK_ERROR_STACK_TRACE,
                                 JK_ERR, JK_ERROR, JK_ERROR_STACK, JK_AT_X};
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Which pair's value `{k.lower(): v for k, v in obj.items()}` keeps for one lower-cased name. obj (json.loads's
 * dict) holds one entry per exact key, at its first occurrence, with its last value; the comprehension then takes
 * the entries in that order, so the exact spelling that first occurs last wins, with its last value:
 * `{"Level":1,"level":2,"Level":3}` gives 2. The spellings met so far are kept (raw spans: a key with an escape
 * that spells a name is declined, so equal keys are equal spans). */
#define JSON_MAX_SPELLINGS 4
typedef struct {
    Py_ssize_t s[JSON_MAX_SPELLINGS], e[JSON_MAX_SPELLINGS];
    int n;
} Spellings;

/* 1: the pair's value is now the name's; 0: not (an earlier spelling seen again); -1: decline. */
static int spelling_wins(const Text *t, Spellings *sp, const JVal *key) {
    Py_ssize_t len = key->e - key->s;
    for (int j = 0; j < sp->n; j++) {
        if (sp->e[j] - sp->s[j] != len)
            continue;
        Py_ssize_t k = 0;
        while (k < len && ch(t, sp->s[j] + k) == ch(t, key->s + k))
            k++;
        if (k == len)
            return j == sp->n - 1;
    }
    if (sp->n == JSON_MAX_SPELLINGS)
        return -1;
    sp->s[sp->n] = key->s, sp->e[sp->n] = key->e;
    sp->n++;
    return 1;
}

/* The index of the name in names (lower-case) that the key lower-cases to, -1 for none, -2 to decline (an escaped
 * key that spells one, or that holds one of has_bad_char's characters). */
static int json_key_index(const Text *t, const JVal *key, const char *const *names, int n_names) {
    KeyView kv;
    if (key_view(t, key, &kv) < 0)
        return -2;
    Py_UCS4 c0 = lc(ch(&kv.t, kv.s));
    for (int k = 0; k < n_names; k++)
        if ((Py_UCS4)(unsigned char)names[k][0] == c0 && key_is(&kv, names[k]))
            return key->escaped ? -2 : k;
    return -1;
}

/* fields = {k.lower(): v for k, v in json.loads(line).items()}, kept for the keys above (see Spellings).
 * 0, or -1 to decline. */
static int json_fields(const Text *t, JVal *fields) {
    Spellings spellings[N_JSON_KEYS];
    memset(fields, 0, sizeof(JVal) * N_JSON_KEYS);
    memset(spellings, 0, sizeof(spellings));
    if (ch(t, 0) != '{')
        return -1;
    Py_ssize_t pos = 0;
    JVal key, value;
    int r;
    while ((r = json_pair(t, &pos, 0, &key, &value)) == 1) {
        if (key.e - key.s > 17 && !key.escaped)   /* longer than any name: "error.stack_trace" */
            continue;
        int k = json_key_index(t, &key, JSON_KEYS, N_JSON_KEYS);
        if (k == -2)
            return -1;
        if (k >= 0) {
            int wins = spelling_wins(t, &spellings[k], &key);
            if (wins < 0)
                return -1;
            if (wins)
                fields[k] = value;
        }
    }
    if (r < 0 || json_skip_ws(t, pos + 1) != t->n)   /* json: "Extra data" after the object */
        return -1;
    return 0;
}

/* {k.lower(): v for k, v in obj.items()}.get(name) of the object value obj (J_ABSENT when missing); 0 or -1. */
static int json_get_lower(const Text *t, const JVal *obj, const char *name, JVal *out) {
    Py_ssize_t pos = obj->s;
    JVal key, value;
    Spellings sp = {.n = 0};
    out->kind = J_ABSENT;
    while (json_pair(t, &pos, 0, &key, &value) == 1) {
        int k = json_key_index(t, &key, &name, 1);
        if (k == -2)
            return -1;
        if (k == 0) {
            int wins = spelling_wins(t, &sp, &key);
            if (wins < 0)
                return -1;
            if (wins)
                *out = value;
        }
    }
    return 0;
}

/* _json_flags's `next((v for k, v in value.items() if "stack" in k.lower() or k.lower() == "trace"), None)`: the
 * first distinct key (dict order is the first occurrence's) that matches, with the last value of that exact key. */
static int json_trace_member(const Text *t, const JVal *obj, JVal *out) {
    Py_ssize_t pos = obj->s;
    JVal key, value;
    KeyView first, kv;
    int found = 0;
    out->kind = J_ABSENT;
    while (json_pair(t, &pos, 0, &key, &value) == 1) {
        if (key_view(t, &key, found ? &kv : &first) < 0)
            return -1;
        if (!found) {
            int match = key_is(&first, "trace");
            for (Py_ssize_t i = first.s; !match && i + 5 <= first.e; i++)
                match = starts(&first.t, i, "stack", 1);
            if (match) {
                found = 1;
                *out = value;
            }
            continue;
        }
        if (kv.e - kv.s != first.e - first.s)
            continue;
        Py_ssize_t k = 0;   /* the same key exactly (not lower-cased): dict keeps one entry */
        while (k < kv.e - kv.s && ch(&kv.t, kv.s + k) == ch(&first.t, first.s + k))
            k++;
        if (k == kv.e - kv.s)
            *out = value;
    }
    return 0;
}

/* `"\n" in s` for a string value: a raw newline cannot be in a valid JSON string, so only `\n` or `\u000a`. */
static int json_str_has_newline(const Text *t, const JVal *v) {
    if (!v->escaped)
        return 0;
    for (Py_ssize_t i = v->s; i < v->e; i++) {
        if (ch(t, i) != '\\')
            continue;
        Py_UCS4 c = ch(t, ++i);
        if (c == 'n' || (c == 'u' && json_hex4(t, i + 1) == '\n'))
            return 1;
        if (c == 'u')
            i += 4;
    }
    return 0;
}

/* The first line of view.strip(): sets *lo and *hi to the span of `v.strip().split("\n", 1)[0]` within the view
 * (strip: str.isspace characters, as is_s); returns whether that stripped text holds a newline after it. */
static int stripped_first_line(const StrView *v, Py_ssize_t *lo, Py_ssize_t *hi) {
    Py_ssize_t s = v->s, e = v->e, i;
    while (s < e && is_s(ch(&v->t, s)))
        s++;
    while (e > s && is_s(ch(&v->t, e - 1)))
        e--;
    for (i = s; i < e && ch(&v->t, i) != '\n'; i++)
        ;
    *lo = s;
    *hi = i;
    return i < e;
}

/* _json_flags(fields): HAS_TRACE or 0, or -1 (decline / MemoryError set). */
static int json_flags(const Text *t, const JVal *fields) {
    for (int k = 0; k < COUNT(TRACE_KEYS); k++) {
        JVal v = fields[TRACE_KEYS[k]];
        if (v.kind == J_OBJECT && json_trace_member(t, &v, &v) < 0)
            return -1;
        /* isinstance(value, (str, list)) and ("\n" in value if str else value): a non-empty list */
        if ((v.kind == J_STR && json_str_has_newline(t, &v)) || (v.kind == J_ARRAY && !v.empty))
            return 1;
    }
    const JVal *full = &fields[JK_FULL_MESSAGE];
    if (full->kind != J_STR || !json_str_has_newline(t, full))
        return 0;
    StrView sv;   /* "\n" in full.strip(): a newline with a non-space character on each side of it */
    if (str_view(t, full, &sv) < 0) {
        str_view_free(&sv);
        return -1;
    }
    Py_ssize_t lo, hi;
    const int multi_line = stripped_first_line(&sv, &lo, &hi);
    str_view_free(&sv);
    return multi_line;
}

/* _json_message(fields, line): a new reference, or NULL with an exception set, or DECLINE. */
static PyObject *json_message(const State *st, PyObject *line, const Text *t, const JVal *fields) {
    const JVal *msg = NULL, *err = NULL;
    /* isinstance(v, str) and v: a non-empty body decodes to a non-empty str, an empty one to "" */
    for (int k = 0; k < COUNT(MESSAGE_KEYS) && !msg; k++)
        if (fields[MESSAGE_KEYS[k]].kind == J_STR && fields[MESSAGE_KEYS[k]].e > fields[MESSAGE_KEYS[k]].s)
            msg = &fields[MESSAGE_KEYS[k]];
    for (int k = 0; k < COUNT(ERROR_KEYS) && !err; k++)
        if (fields[ERROR_KEYS[k]].kind == J_STR && fields[ERROR_KEYS[k]].e > fields[ERROR_KEYS[k]].s)
            err = &fields[ERROR_KEYS[k]];
    JVal nested;
    if (!err && fields[JK_ERROR].kind == J_OBJECT) {
        /* err or next(nested[k] for k in ("message", "msg") if isinstance(nested.get(k), str)): "" counts here */
        if (json_get_lower(t, &fields[JK_ERROR], "message", &nested) < 0)
            return DECLINE;
        if (nested.kind != J_STR && json_get_lower(t, &fields[JK_ERROR], "msg", &nested) < 0)
            return DECLINE;
        if (nested.kind == J_STR)
            err = &nested;
    }
    PyObject *m = NULL, *e = NULL, *r = NULL;
    StrView mv, ev;
    mv.heap = ev.heap = NULL;
    if (msg) {
        if (str_view(t, msg, &mv) < 0)
            goto done;
        if (!(m = str_view_obj(line, &mv, mv.s, mv.e)))
            goto done;
    }
    if (err) {   /* err.strip().split("\n", 1)[0] (strip: str.isspace characters, as is_s) */
        if (str_view(t, err, &ev) < 0)
            goto done;
        Py_ssize_t lo, hi;
        stripped_first_line(&ev, &lo, &hi);
        if (hi > lo && !(e = str_view_obj(line, &ev, lo, hi)))
            goto done;
    }
    if (m && e) {   /* ": ".join(p for p in (msg, err) if p) */
        PyObject *me = PyUnicode_Concat(m, st->colon_sep);
        if (me) {
            r = PyUnicode_Concat(me, e);
            Py_DECREF(me);
        }
    } else if (m || e) {
        r = Py_NewRef(m ? m : e);
    } else {
        r = Py_NewRef(line);
    }
done:
    Py_XDECREF(m);
    Py_XDECREF(e);
    str_view_free(&mv);
    str_view_free(&ev);
    return r;
}

/* _json_level_value(str(value), syslog_scale) for a level field's value: a Level, L_NONE for None, -1 to decline. */
static int json_value_level(const Text *t, const JVal *v, int syslog_scale) {
    long n = 0;
    if (v->kind == J_STR) {
        StrView sv;
        if (str_view(t, v, &sv) < 0) {
            str_view_free(&sv);
            PyErr_Clear();
            return -1;
        }
        Py_ssize_t s = sv.s, e = sv.e;
        int digits = e > s, ascii = 1;
        for (Py_ssize_t i = s; i < e; i++) {
            Py_UCS4 c = ch(&sv.t, i);
            ascii &= c < 128;
            digits &= is_ascii_digit(c);
            if (digits && n < 1000)   /* every value >= 60 reads the same */
                n = n * 10 + (long)(c - '0');
        }
        /* str.isdigit() takes non-ASCII digits (and int() not all of them): declined */
        Level level = ascii && !digits ? level_of(&sv.t, s, e) : L_NONE;
        str_view_free(&sv);
        if (!ascii || e - s > JSON_MAX_NUMBER)
            return -1;
        if (!digits)
            return (int)level;
    } else if (v->kind == J_INT) {
        /* str(int): "-5" is no digit string and no level name; -0 reads as int 0, str "0" */
        int negative = ch(t, v->s) == '-';
        for (Py_ssize_t i = v->s + negative; i < v->e; i++)
            if (n < 1000)
                n = n * 10 + (long)(ch(t, i) - '0');
        if (negative && n != 0)
            return L_NONE;
    } else {
        /* str() of a float ("50.0", "inf" -> an OTHER word), True/False, a list or a dict: never an event level */
        return L_NONE;
    }
    if (syslog_scale || n < 10)   /* syslog_level(n) if n <= 7 else OTHER */
        return n <= 2 ? L_FATAL : n == 3 ? L_ERROR : n == 4 ? L_WARN : L_OTHER;
    return n >= 60 ? L_FATAL : n >= 50 ? L_ERROR : n >= 40 ? L_WARN : L_OTHER;
}

/* (level, _json_message(fields, line), _json_flags(fields)) */
static PyObject *json_event(const State *st, PyObject *line, const Text *t, const JVal *fields, Level level) {
    int flags = json_flags(t, fields);
    if (flags < 0)
        return PyErr_Occurred() ? NULL : DECLINE;
    PyObject *msg = json_message(st, line, t, fields);
    if (msg == NULL || msg == DECLINE)
        return msg;
    PyObject *fl = PyLong_FromLong(flags);   /* 0 and 1: the cached small ints */
    PyObject *r = fl ? PyTuple_Pack(3, st->level[level], msg, fl) : NULL;
    Py_XDECREF(fl);
    Py_DECREF(msg);
    return r;
}

static PyObject *classify_json(const State *st, PyObject *line, const Text *t) {
    JVal fields[N_JSON_KEYS];
    if (starts(t, 0, "{\"t\":", 0)) {
        Py_UCS4 letter = mongo_letter(t);
        if (letter == 'I' || letter == 'D')
            return result(st, L_OTHER, NULL);
        if (letter != 0) {
            /* _LETTER's level; fields is never empty (it holds "t"). Where json.loads fails Python answers
             * (level, line, 0): declined with the rest. */
            if (json_fields(t, fields) < 0)
                return DECLINE;
            return json_event(st, line, t, fields, letter == 'F' ? L_FATAL : letter == 'E' ? L_ERROR : L_WARN);
        }
    }
    int level = json_level(t);
    if (level == -2)
        return DECLINE;
    if (level == -1) {
        /* no level field: a line without any hint is not an event; a JSON object with one is (None, "", 0) too,
         * unless it has a "log" string (a Docker record classify recurses into: declined, as is a non-blank-test
         * of it) */
        if (!has_event_hint(t, t->n))
            return result(st, L_NONE, NULL);
        if (json_fields(t, fields) < 0 || (fields[JK_LOG].kind == J_STR && fields[JK_LOG].e > fields[JK_LOG].s))
            return DECLINE;
        return result(st, L_NONE, NULL);
    }
    if (level == L_NONE || level == L_OTHER)
        return result(st, L_OTHER, NULL);
    /* an event level by the regex: json.loads decides. The level is then read again from the fields, as
     * _classify_json does: the first of _JSON_LEVEL_KEYS present (a null value counts as present and gives None),
     * else the "level" of a "log" object; only where that is None does the regex's level stand. */
    if (json_fields(t, fields) < 0)
        return DECLINE;
    const JVal *value = NULL;
    for (int k = 0; k < COUNT(LEVEL_KEYS) && !value; k++)
        if (fields[LEVEL_KEYS[k]].kind != J_ABSENT)
            value = &fields[LEVEL_KEYS[k]];
    JVal nested;
    if ((value == NULL || value->kind == J_NULL) && fields[JK_LOG].kind == J_OBJECT) {
        if (json_get_lower(t, &fields[JK_LOG], "level", &nested) < 0)
            return DECLINE;
        value = &nested;
    }
    if (value != NULL && value->kind != J_ABSENT && value->kind != J_NULL) {
        int syslog_scale = fields[JK_SHORT_MESSAGE].kind != J_ABSENT;   /* GELF: "short_message" in fields */
        int lv = json_value_level(t, value, syslog_scale);
        if (lv < 0)
            return DECLINE;
        if (lv == L_NONE || lv == L_OTHER)
            return result(st, L_OTHER, NULL);
        level = lv;
    }
    return json_event(st, line, t, fields, (Level)level);
}

/* ---------------------------------------------------------------------------------------------------------
 * klog: _KLOG `([IWEF])(?:0[1-9]|1[0-2])[0-3]\d \d\d:\d\d:\d\d\.\d+\s+\d+ ([^\]\s]+)\] ?(.*)` (re.S) gives
 * (letter's level, f"{file:line}] {message}", 0). Every run is greedy and followed by what it cannot hold. */
static PyObject *klog(const State *st, PyObject *line, const Text *t) {
    Py_UCS4 letter = ch(t, 0), m0 = ch(t, 1), m1 = ch(t, 2);
    if (!((m0 == '0' && m1 >= '1' && m1 <= '9') || (m0 == '1' && m1 >= '0' && m1 <= '2')))
        return FALLTHROUGH;
    if (!(ch(t, 3) >= '0' && ch(t, 3) <= '3') || !is_d(ch(t, 4)) || ch(t, 5) != ' ')
        return FALLTHROUGH;
    static const char clock[] = "dd:dd:dd.d";
    Py_ssize_t i = 6;
    for (int k = 0; clock[k]; k++, i++)
        if (clock[k] == 'd' ? !is_d(ch(t, i)) : ch(t, i) != (Py_UCS4)clock[k])
            return FALLTHROUGH;
    while (is_d(ch(t, i)))
        i++;
    if (!is_s(ch(t, i)))
        return FALLTHROUGH;
    while (is_s(ch(t, i)))
        i++;
    if (!is_d(ch(t, i)))
        return FALLTHROUGH;
    while (is_d(ch(t, i)))
        i++;
    if (ch(t, i) != ' ')
        return FALLTHROUGH;
    Py_ssize_t f = ++i;
    Py_UCS4 c;
    while ((c = ch(t, i)) != END_CH && c != ']' && !is_s(c))
        i++;
    if (i == f || ch(t, i) != ']')
        return FALLTHROUGH;
    Py_ssize_t close = i++;
    if (ch(t, i) == ' ')
        i++;
    Level level = letter == 'I' ? L_OTHER : letter == 'W' ? L_WARN : letter == 'E' ? L_ERROR : L_FATAL;
    PyObject *head = substr(line, f, close + 1), *msg = NULL;   /* "file:line]" */
    if (head) {
        PyObject *sep = PyUnicode_FromOrdinal(' ');
        PyObject *rest = sep ? substr(line, i, t->n) : NULL;
        PyObject *a = rest ? PyUnicode_Concat(head, sep) : NULL;
        msg = a ? PyUnicode_Concat(a, rest) : NULL;
        Py_XDECREF(a);
        Py_XDECREF(rest);
        Py_XDECREF(sep);
        Py_DECREF(head);
    }
    return msg ? result(st, level, msg) : NULL;
}

/* ---------------------------------------------------------------------------------------------------------
 * Exclusions: the fixed-layout formats classify() tries before the header scan. These tests are looser than the
 * regexes (they only need to be true whenever the regex could match). */

/* _LOGCAT_TIME `(?:\d{4}-)?\d\d-\d\d\s+\d\d:\d\d:\d\d\.\d+\s+` from i: its end, or -1 */
static Py_ssize_t logcat_time_from(const Text *t, Py_ssize_t i) {
    static const char shape[] = "dd-dd";
    for (int k = 0; shape[k]; k++, i++)
        if (shape[k] == 'd' ? !is_d(ch(t, i)) : ch(t, i) != '-')
            return -1;
    if (!is_s(ch(t, i)))
        return -1;
    while (is_s(ch(t, i)))
        i++;
    static const char clock[] = "dd:dd:dd.d";
    for (int k = 0; clock[k]; k++, i++)
        if (clock[k] == 'd' ? !is_d(ch(t, i)) : ch(t, i) != (Py_UCS4)clock[k])
            return -1;
    while (is_d(ch(t, i)))
        i++;
    if (!is_s(ch(t, i)))
        return -1;
    while (is_s(ch(t, i)))
        i++;
    return i;
}

static int logcat_possible(const Text *t) {
    Py_ssize_t p = -1;
    if (is_d(ch(t, 0)) && is_d(ch(t, 1)) && is_d(ch(t, 2)) && is_d(ch(t, 3)) && ch(t, 4) == '-')
        p = logcat_time_from(t, 5);
    if (p < 0)
        p = logcat_time_from(t, 0);
    if (p < 0)
        return 0;
    /* _LOGCAT_BRIEF needs `X/`; _LOGCAT_THREADTIME a digit, at p or after one [\w.]+\s+ */
    if (in_set(ch(t, p), "VDIWEFAS") && ch(t, p + 1) == '/')
        return 1;
    if (is_d(ch(t, p)))
        return 1;
    Py_ssize_t j = p;
    while (is_w(ch(t, j)) || ch(t, j) == '.')
        j++;
    if (j == p || !is_s(ch(t, j)))
        return 0;
    while (is_s(ch(t, j)))
        j++;
    return is_d(ch(t, j));
}

/* _REDIS `(?:\d+:[XCSM]|\[\d+\]) \d{1,2} [A-Z][a-z]{2} (?:\d{4} )?\d\d:\d\d:\d\d(?:\.\d+)? ([.*#-]) (.*)` (re.S) from
 * the line's start: (WARN where the mark is `#`, else OTHER; the rest; 0), or FALLTHROUGH. Each greedy part stops
 * at a character the part after it needs and it cannot take, so backtracking finds no other parse: a shorter run
 * of digits leaves a digit where a space, `:` or `]` is needed, and without the year (four digits and a space) the
 * hour's `\d\d:` would meet a digit of the year where it needs the colon. */
static PyObject *redis(const State *st, PyObject *line, const Text *t) {
    Py_ssize_t i = ch(t, 0) == '[' ? 1 : 0, s = i;
    while (is_d(ch(t, i)))
        i++;
    if (i == s)
        return FALLTHROUGH;
    if (s == 1) {   /* `\[\d+\]` */
        if (ch(t, i) != ']')
            return FALLTHROUGH;
        i++;
    } else {        /* `\d+:[XCSM]` */
        if (ch(t, i) != ':' || !in_set(ch(t, i + 1), "XCSM"))
            return FALLTHROUGH;
        i += 2;
    }
    if (ch(t, i++) != ' ')
        return FALLTHROUGH;
    s = i;   /* `\d{1,2} ` */
    while (i - s < 2 && is_d(ch(t, i)))
        i++;
    if (i == s || ch(t, i++) != ' ')
        return FALLTHROUGH;
    Py_UCS4 m0 = ch(t, i), m1 = ch(t, i + 1), m2 = ch(t, i + 2);   /* `[A-Z][a-z]{2} ` (no IGNORECASE: ASCII) */
    if (!(m0 >= 'A' && m0 <= 'Z') || !(m1 >= 'a' && m1 <= 'z') || !(m2 >= 'a' && m2 <= 'z') || ch(t, i + 3) != ' ')
        return FALLTHROUGH;
    i += 4;
    if (is_d(ch(t, i)) && is_d(ch(t, i + 1)) && is_d(ch(t, i + 2)) && is_d(ch(t, i + 3)) && ch(t, i + 4) == ' ')
        i += 5;   /* `(?:\d{4} )?` */
    static const char clock[] = "dd:dd:dd";
    for (int k = 0; clock[k]; k++, i++)
        if (clock[k] == 'd' ? !is_d(ch(t, i)) : ch(t, i) != ':')
            return FALLTHROUGH;
    if (ch(t, i) == '.' && is_d(ch(t, i + 1))) {   /* `(?:\.\d+)?` */
        i += 2;
        while (is_d(ch(t, i)))
            i++;
    }
    Py_UCS4 mark = ch(t, i + 1);
    if (ch(t, i) != ' ' || !in_set(mark, ".*#-") || ch(t, i + 2) != ' ')
        return FALLTHROUGH;
    PyObject *msg = substr(line, i + 3, t->n);
    return msg ? result(st, mark == '#' ? L_WARN : L_OTHER, msg) : NULL;
}

/* _DOTNET `(fail|crit|warn|info|dbug|trce): (.*)` (re.S) from the line's start: (its level, the rest, WANTS_NEXT
 * where the rest is a category alone, _DOTNET_CATEGORY_ONLY `[\w.`+<>-]+\[\d+\]\s*$`, else 0), or FALLTHROUGH. The
 * category's parts stop at `[`, `]` and the end, which the part before cannot take: one parse. (`$` could also
 * stand before a final newline, which `\s*` takes anyway.) */
static PyObject *dotnet(const State *st, PyObject *line, const Text *t) {
    static const char *const words[] = {"fail: ", "crit: ", "warn: ", "info: ", "dbug: ", "trce: "};
    static const Level levels[] = {L_ERROR, L_FATAL, L_WARN, L_OTHER, L_OTHER, L_OTHER};
    int k = 0;
    while (k < 6 && !starts(t, 0, words[k], 0))
        k++;
    if (k == 6)
        return FALLTHROUGH;
    Py_ssize_t j = 6;
    Py_UCS4 c;
    while (is_w(c = ch(t, j)) || in_set(c, ".`+<>-"))
        j++;
    int category_only = 0;
    if (j > 6 && ch(t, j) == '[') {
        Py_ssize_t d = ++j;
        while (is_d(ch(t, j)))
            j++;
        if (j > d && ch(t, j) == ']') {
            j++;
            while (is_s(ch(t, j)))
                j++;
            category_only = j == t->n;
        }
    }
    PyObject *msg = substr(line, 6, t->n);
    if (msg == NULL)
        return NULL;
    PyObject *flags = PyLong_FromLong(category_only ? WANTS_NEXT : 0);
    PyObject *r = flags ? PyTuple_Pack(3, st->level[levels[k]], msg, flags) : NULL;
    Py_DECREF(msg);
    Py_XDECREF(flags);
    return r;
}

/* ---------------------------------------------------------------------------------------------------------
 * _scan_header_tokens: the token walk over line[:512], for the tokens whose handling is plain. Declines on a
 * lower/mixed-case level word opening the header (the `column` rule and its _AFTER_TIME look-back), on non-ASCII
 * bracket contents and on PHP lines; (None, "", 0) is returned only where _scan_header would not try CSV. */

static const char *const TIME_WORDS[] = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january",
    "february", "march", "april", "june", "july", "august", "september", "october", "november", "december", "mon",
    "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "am", "pm", "utc", "gmt", "z", "cet", "cest", "eet", "eest", "est", "edt", "cst", "cdt", "mst", "mdt",
    "pst", "pdt", "bst", "ist", "jst", "msk"};

static int is_time_word(const Text *t, Py_ssize_t s, Py_ssize_t e) {
    for (size_t k = 0; k < sizeof(TIME_WORDS) / sizeof(TIME_WORDS[0]); k++)
        if (eq_word(t, s, e, TIME_WORDS[k], 1))
            return 1;
    return 0;
}

static inline int is_alpha_ascii(Py_UCS4 c) { return c < 128 && (c | 32) >= 'a' && (c | 32) <= 'z'; }

/* `open [^open close]{0,max} close` at h[i] == open: end, or -1 (one possible parse, see nested_bracket_end) */
static Py_ssize_t delimited_end(const Text *h, Py_ssize_t i, Py_UCS4 open, Py_UCS4 close, Py_ssize_t max) {
    Py_ssize_t k = i + 1, lim = i + 1 + max;
    Py_UCS4 d;
    while (k < lim && (d = ch(h, k)) != END_CH && d != open && d != close)
        k++;
    return ch(h, k) == close ? k + 1 : -1;
}

static int all_ascii(const Text *t, Py_ssize_t s, Py_ssize_t e) {
    for (; s < e; s++)
        if (ch(t, s) >= 128)
            return 0;
    return 1;
}

static PyObject *no_level(const State *st, const Text *t) {
    for (Py_ssize_t i = 0; i < t->n; i++)
        if (ch(t, i) == ',')
            return DECLINE;                                   /* _scan_header would try _csv_level */
    return result(st, L_NONE, NULL);
}

static PyObject *scan_tokens(const State *st, PyObject *line, const Text *t) {
    Text head = *t;
    if (head.n > HEAD_CHARS)
        head.n = HEAD_CHARS;
    const Text *h = &head;
    for (Py_ssize_t i = next_ch(h, 0, 'P'); i + 4 <= h->n; i = next_ch(h, i + 1, 'P'))
        if (starts(h, i, "PHP ", 0))
            return DECLINE;
    Py_ssize_t pos = 0;
    int words = 0, after_colon = 0, tokens = 0;
    while (pos < h->n && tokens < 32) {
        Py_ssize_t start = pos;
        Py_UCS4 c = ch(h, pos);
        if (is_s(c)) {                                                        /* ws */
            while (is_s(ch(h, pos)))
                pos++;
            continue;
        }
        tokens++;
        /* kv: (?i:level|lvl|severity|loglevel|log\.level)="?[A-Za-z]+ */
        static const char *const kv_keys[] = {"level=", "lvl=", "severity=", "loglevel=", "log.level="};
        for (int k = 0; k < 5; k++)
            if (starts(h, pos, kv_keys[k], 1)) {
                Py_ssize_t v = pos + (Py_ssize_t)strlen(kv_keys[k]);
                if (ch(h, v) == '"' && is_alpha_ascii(ch(h, v + 1)))
                    v++;
                if (!is_alpha_ascii(ch(h, v)))
                    break;
                Py_ssize_t e = v;
                while (is_alpha_ascii(ch(h, e)))
                    e++;
                Level level = level_of(h, v, e);
                if (level != L_NONE)
                    return level_result(st, line, t, level);
                words++;
                after_colon = 0;
                pos = e;
                goto next_token;
            }
        if (c == '[' || c == '(' || c == '<') {                               /* br, pa, an */
            Py_UCS4 close = c == '[' ? ']' : c == '(' ? ')' : '>';
            Py_ssize_t e = delimited_end(h, pos, c, close, c == '<' ? 40 : 120);
            if (e >= 0) {
                pos = e;
                after_colon = 0;
                if (c == '(')
                    goto next_token;
                if (!all_ascii(h, start + 1, e - 1))
                    return DECLINE;
                Level level;
                if (c == '[') {
                    level = bracket_level(h, start + 1, e - 1);
                } else {
                    Py_ssize_t a = start + 1, b = e - 1;
                    while (a < b && is_s(ch(h, a)))
                        a++;
                    while (b > a && is_s(ch(h, b - 1)))
                        b--;
                    level = level_of(h, a, b);
                }
                if (level != L_NONE) {
                    PyObject *msg = message_after(line, t, pos);
                    return msg ? result(st, level, msg) : NULL;
                }
                goto next_token;
            }
        }
        {                                                                     /* num: [#*+-]?\d[^\s\[\]()<>|]* */
            Py_ssize_t d = (in_set(c, "#*+-") && is_d(ch(h, pos + 1))) ? pos + 1 : pos;
            if (is_d(ch(h, d))) {
                Py_UCS4 x;
                pos = d + 1;
                while ((x = ch(h, pos)) != END_CH && !is_s(x) && !in_set(x, "[]()<>|"))
                    pos++;
                after_colon = 0;
                goto next_token;
            }
        }
        if (in_set(c, "-|:>=~*")) {                                           /* sep: [-|:>=~*]+(?=\s|$) */
            Py_ssize_t e = pos;
            while (in_set(ch(h, e), "-|:>=~*"))
                e++;
            if (e == h->n || is_s(ch(h, e))) {
                after_colon = ch(h, e - 1) == ':';
                pos = e;
                goto next_token;
            }
        }
        if (c == 0xBB || c == 0x2022 || c == '|') {                           /* sep: [»•|] */
            after_colon = 0;
            pos++;
            goto next_token;
        }
        if (!in_set(c, "[]()<>|")) {                                          /* word: [^\s\[\]()<>|]+ */
            Py_ssize_t e = pos;
            Py_UCS4 x;
            while ((x = ch(h, e)) != END_CH && !is_s(x) && !in_set(x, "[]()<>|"))
                e++;
            pos = e;
            Py_ssize_t a = start;
            while (is_alpha_ascii(ch(h, a)))
                a++;
            if (a > start) {
                Py_UCS4 rest = a < e ? ch(h, a) : END_CH;                     /* END_CH: the word ends there */
                Level level = (rest == END_CH || in_set(rest, ":,;/|")) ? level_of(h, start, a) : L_NONE;
                if (level != L_NONE) {
                    int upper = 1;
                    for (Py_ssize_t q = start; q < a; q++)
                        upper &= ch(h, q) <= 'Z';
                    int lenient = rest == ':' && (words == 0 || after_colon);
                    if (upper || lenient) {
                        PyObject *msg = message_after(line, t, rest != END_CH ? a + 1 : pos);
                        return msg ? result(st, level, msg) : NULL;
                    }
                    if (words == 0)
                        return DECLINE;                               /* the `column` rule may apply */
                }
                /* a time word, whole but for trailing ',' and '.' */
                Py_ssize_t r = e;
                while (r > start && (ch(h, r - 1) == ',' || ch(h, r - 1) == '.'))
                    r--;
                if (r == a && is_time_word(h, start, a)) {
                    after_colon = 0;
                    goto next_token;
                }
                if (rest == '.') {                                    /* _CHANNEL_LEVEL `[\w-]+\.([A-Z]+):?` */
                    Py_ssize_t u = a + 1, v = u;
                    while (ch(h, v) >= 'A' && ch(h, v) <= 'Z')
                        v++;
                    Py_ssize_t w = v < e && ch(h, v) == ':' ? v + 1 : v;
                    if (v > u && w == e && (level = level_of(h, u, v)) != L_NONE) {
                        PyObject *msg = message_after(line, t, pos);
                        return msg ? result(st, level, msg) : NULL;
                    }
                }
            }
            int digit = 0;
            for (Py_ssize_t q = start; q < e && !digit; q++) {
                Py_UCS4 x = ch(h, q);
                digit = x < 128 ? (x >= '0' && x <= '9') : Py_UNICODE_ISDIGIT(x);
            }
            if (digit)
                goto next_token;
            if (++words > 4)                                          /* MAX_HEADER_WORDS */
                break;
            after_colon = ch(h, e - 1) == ':';
            goto next_token;
        }
        pos++;                                                                /* junk */
        after_colon = 0;
    next_token:;
    }
    return no_level(st, t);
}

/* ---------------------------------------------------------------------------------------------------------
 * The part of classify() after the fixed-layout formats: the prefilter, then the token scan (or, for logfmt, the
 * pairs' level key). */
static PyObject *after_prefilter(const State *st, PyObject *line, const Text *t, int context) {
    Py_ssize_t head = t->n < HEAD_CHARS ? t->n : HEAD_CHARS;
    if (!has_event_hint(t, head))
        return no_hint_result(st, t, context);
    if (find_ch(t, 0, head, '=') == head || !logfmt_line(t))
        return scan_tokens(st, line, t);
    PyObject *r = logfmt_level(st, line, t);
    return r != FALLTHROUGH ? r : no_level(st, t);
}

static PyObject *classify(const State *st, PyObject *line, const Text *t, int context) {
    if (t->n == 0 || has_bad_char(t))
        return DECLINE;
    Py_UCS4 first = ch(t, 0);
    if (first >= 128 || first == '<')
        return DECLINE;
    if (first >= '0' && first <= '9') {
        if (logcat_possible(t))
            return DECLINE;
        Py_ssize_t colon = 1;   /* classify tries _REDIS only with a `:` in line[1:6] */
        while (colon < 6 && ch(t, colon) != ':')
            colon++;
        if (colon < 6) {
            PyObject *r = redis(st, line, t);
            if (r != FALLTHROUGH)
                return r;
        }
        PyObject *r = numeric_header(st, line, t);
        return r == FALLTHROUGH ? after_prefilter(st, line, t, context) : r;
    }
    if (first == '{') {
        PyObject *r = classify_json(st, line, t);
        return r == FALLTHROUGH ? DECLINE : r;
    }
    if (in_set(first, "IWEF")) {
        PyObject *r = klog(st, line, t);
        if (r != FALLTHROUGH)
            return r;
    }
    Py_UCS4 second = ch(t, 1);
    if ((in_set(first, "VDIWEFAS") && second == '/')                      /* logcat brief */
        || (in_set(first, "DIWEFAU") && starts(t, 1, ", [", 0)))          /* Ruby's Logger */
        return DECLINE;
    if (first == '[') {   /* (classify's `line[1:2].isdigit()` holds wherever _REDIS's `\[\d` does) */
        PyObject *r = redis(st, line, t);
        if (r != FALLTHROUGH)
            return r;
    }
    if (in_set(first, "fcwidt")) {
        PyObject *r = dotnet(st, line, t);
        if (r != FALLTHROUGH)
            return r;
    }
    if (in_set(first, "tad")) {
        PyObject *r = logfmt_header(st, line, t);
        if (r != FALLTHROUGH)
            return r;
    }
    return after_prefilter(st, line, t, context);
}

static PyObject *fast(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "fast(line, context) takes 2 arguments");
        return NULL;
    }
    PyObject *line = args[0];
    if (!PyUnicode_CheckExact(line))
        Py_RETURN_NONE;
    int context = PyObject_IsTrue(args[1]);
    if (context < 0)
        return NULL;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(line) < 0)
        return NULL;
#endif
    const State *st = PyModule_GetState(module);
    Text t = {PyUnicode_KIND(line), PyUnicode_DATA(line), PyUnicode_GET_LENGTH(line)};
    PyObject *r = classify(st, line, &t, context);
    if (r == DECLINE || r == FALLTHROUGH)
        Py_RETURN_NONE;
    return r;   /* a tuple, or NULL with an exception set (memory) */
}

/* ---------------------------------------------------------------------------------------------------------
 * Module */
static int exec_module(PyObject *module) {
    fill_hint_pairs();
    fill_word_1byte();
    State *st = PyModule_GetState(module);
    static const char *const names[5] = {NULL, "OTHER", "WARN", "ERROR", "FATAL"};
    for (int k = 1; k < 5; k++)
        if (!(st->level[k] = PyUnicode_InternFromString(names[k])))
            return -1;
    if (!(st->empty = PyUnicode_FromString("")) || !(st->zero = PyLong_FromLong(0)) ||
        !(st->colon_sep = PyUnicode_FromString(": ")))
        return -1;
    return 0;
}

static int traverse_module(PyObject *module, visitproc visit, void *arg) {
    State *st = PyModule_GetState(module);
    for (int k = 1; k < 5; k++)
        Py_VISIT(st->level[k]);
    Py_VISIT(st->empty);
    Py_VISIT(st->zero);
    Py_VISIT(st->colon_sep);
    return 0;
}

static int clear_module(PyObject *module) {
    State *st = PyModule_GetState(module);
    for (int k = 1; k < 5; k++)
        Py_CLEAR(st->level[k]);
    Py_CLEAR(st->empty);
    Py_CLEAR(st->zero);
    Py_CLEAR(st->colon_sep);
    return 0;
}

static void free_module(void *module) { clear_module((PyObject *)module); }

static PyMethodDef methods[] = {
    {"fast", (PyCFunction)(void (*)(void))fast, METH_FASTCALL,
     "fast(line, context) -> classify(line, context)'s tuple, or None where the Python code must answer."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, exec_module},
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "app._c_classify",
    "Compiled fast path for app.severity.classify (see the comment at the top of _c_classify.c).",
    sizeof(State), methods, slots, traverse_module, clear_module, free_module,
};

PyMODINIT_FUNC PyInit__c_classify(void) { return PyModuleDef_Init(&module_def); }
