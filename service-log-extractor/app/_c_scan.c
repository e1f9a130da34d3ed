/* Compiled twins of app.records.Unwrapper and app.scan.LineFeeder (module app._c_scan).
 *
 * Unwrapper(assembler, deps) behaves as app.records.Unwrapper(assembler.feed, assembler.boundary): feed(line_no,
 * line), flush(), finish(), `pending`, `partial`, export_state(), restore_state(state, line_offset). When
 * `assembler` is the compiled app._c_events.Assembler it is fed through that module's C interface
 * (app/_c_events.h), with no Python call per line; any other object is called through its feed/boundary methods.
 * `deps` (built by app.records.new_unwrapper) holds the Python objects the envelope rules use, so nothing here
 * restates them: docker_fast and journald_fast (app._c_envelope's readers, or None), docker_record,
 * journald_record, parse_syslog, MONTHS, MAX_LINE_BYTES, and _CRI (refused unless its source is the one cri()
 * implements, app/_c_twin.h). What is written out in C is the control flow of
 * Unwrapper.feed, _join, _emit_text, flush, _syslog, _journald and _switch_source, and the CRI regex (see cri()).
 *
 * LineFeeder(unwrapper, assembler, finder, deps) behaves as app.scan.LineFeeder over a LineScanner of these two
 * twins: feed_lines(buf, lo, hi) and the `lines` count. It cuts the buffer into lines, skips what the Python feeder
 * skips (non-candidate lines while nothing is open, runs of inert indented lines), decodes the rest as
 * app.text.line_text does and hands each to the unwrapper or straight to the assembler. deps: ENVELOPE_FIRST,
 * MAX_LINE_BYTES, INDENTED_RUN (app.scan's, refused unless it is what indented_run() implements). A finder's
 * cursor that has a `hits` list (app.candidates._ListCursor) is walked here; any other
 * is asked `next(pos)`.
 *
 * tests/test_compiled_scan.py compares both with the Python classes: what reaches the assembler and its boundary,
 * in order, and whole summaries, on generated envelopes of every kind, the corpus and every sample file, with
 * read boundaries anywhere.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdbool.h>
#include <string.h>
#include "_c_events.h"
#include "_c_twin.h"

static EventsCAPI *events_api;   /* app._c_events' C interface, imported once at module init */

typedef struct {
    PyObject *stream, *pieces, *raw;   /* owned: the stream label, a list of str, the first physical line */
    long long line_no;
    Py_ssize_t size;                   /* characters in pieces */
} Partial;

typedef struct {
    PyObject_HEAD
    PyObject *target;                  /* the assembler */
    PyObject *sink, *boundary;         /* its bound feed and boundary (used when it is not the compiled one) */
    bool direct;                       /* target is app._c_events.Assembler: fed through events_api */
    PyObject *docker_fast, *docker_record, *journald_fast, *journald_record, *parse_syslog;
    PyObject *cri_stdout, *cri_stderr;       /* "cri-stdout", "cri-stderr" */
    PyObject *log_prefix, *message_key, *std; /* '{"log":', '"MESSAGE"', " std" */
    Py_UCS4 months[12][3];
    int n_months;
    Py_ssize_t max_line;
    bool has_partial;
    Partial partial;
    PyObject *source;                  /* the process of the last journald entry or syslog line (None: none) */
    PyObject *switch_log;              /* Unwrapper.switch_log: [(line_no, process or None), ...] */
    long long log_until;               /* every switch up to this line is logged, then the first one after it */
    bool log_closed;
    PyObject *pri_level[8];            /* syslog_level(0..7) */
    PyObject *level_words;             /* severity._LEVELS: a level word, lower case -> its class */
    Py_ssize_t level_word_max;         /* its longest key */
} Unwrapper;

static void partial_clear(Partial *p) {
    Py_CLEAR(p->stream);
    Py_CLEAR(p->pieces);
    Py_CLEAR(p->raw);
}

/* sink(line_no, text, level, tag, raw); the three may be Py_None. */
static int sink(Unwrapper *u, long long line_no, PyObject *text, PyObject *level, PyObject *tag, PyObject *raw) {
    if (u->direct)
        return events_api->feed(u->target, line_no, text, level, tag, raw);
    PyObject *no = PyLong_FromLongLong(line_no);
    if (no == NULL)
        return -1;
    PyObject *args[5] = {no, text, level, tag, raw};
    PyObject *r = PyObject_Vectorcall(u->sink, args, 5, NULL);
    Py_DECREF(no);
    if (r == NULL)
        return -1;
    Py_DECREF(r);
    return 0;
}

/* The assembler's `open`: 1, 0, or -1 on error. */
static int target_open(Unwrapper *u) {
    if (u->direct)
        return events_api->is_open(u->target);
    PyObject *open = PyObject_GetAttrString(u->target, "open");
    if (open == NULL)
        return -1;
    int r = PyObject_IsTrue(open);
    Py_DECREF(open);
    return r;
}

static int boundary(Unwrapper *u) {
    if (u->direct)
        return events_api->boundary(u->target);
    PyObject *r = PyObject_CallNoArgs(u->boundary);
    if (r == NULL)
        return -1;
    Py_DECREF(r);
    return 0;
}

/* _emit_text: one inner line per line of text, each without its trailing "\r"s. */
static int emit_text(Unwrapper *u, long long line_no, PyObject *text, PyObject *level, PyObject *tag,
                     PyObject *raw) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (PyUnicode_FindChar(text, '\n', 0, n, 1) < 0)
        return sink(u, line_no, text, level, tag, raw);
    PyObject *nl = PyUnicode_FromOrdinal('\n');
    PyObject *parts = nl ? PyUnicode_Split(text, nl, -1) : NULL;
    Py_XDECREF(nl);
    if (parts == NULL)
        return -1;
    int rc = 0;
    for (Py_ssize_t i = 0; rc == 0 && i < PyList_GET_SIZE(parts); i++) {
        PyObject *part = PyList_GET_ITEM(parts, i);
        Py_ssize_t end = PyUnicode_GET_LENGTH(part);
        while (end > 0 && PyUnicode_READ_CHAR(part, end - 1) == '\r')
            end--;
        PyObject *line = PyUnicode_Substring(part, 0, end);
        rc = line ? sink(u, line_no, line, level, tag, raw) : -1;
        Py_XDECREF(line);
    }
    Py_DECREF(parts);
    return rc;
}

/* flush: hands on the partial record held, whole (a record cut at the line limit was cut while joining). */
static int flush(Unwrapper *u) {
    if (!u->has_partial)
        return 0;
    Partial p = u->partial;
    memset(&u->partial, 0, sizeof u->partial);
    u->has_partial = false;
    PyObject *empty = PyUnicode_New(0, 0);
    PyObject *text = empty ? PyUnicode_Join(empty, p.pieces) : NULL;
    Py_XDECREF(empty);
    int rc = text ? emit_text(u, p.line_no, text, Py_None, Py_None, p.raw) : -1;
    Py_XDECREF(text);
    partial_clear(&p);
    return rc;
}

/* _join: a chunk of a split line (CRI `P`, Docker without "\n") is held until its stream's complete chunk. */
static int join(Unwrapper *u, long long line_no, PyObject *stream, PyObject *text, bool complete, PyObject *raw) {
    if (u->has_partial) {
        int other = PyObject_RichCompareBool(u->partial.stream, stream, Py_NE);
        if (other < 0 || (other && flush(u) < 0))
            return -1;
    }
    if (!u->has_partial) {
        if (complete)
            return emit_text(u, line_no, text, Py_None, Py_None, raw);
        PyObject *pieces = PyList_New(0);
        if (pieces == NULL)
            return -1;
        u->partial = (Partial){Py_NewRef(stream), pieces, Py_NewRef(raw), line_no, 0};
        u->has_partial = true;
    }
    Partial *held = &u->partial;
    if (held->size < u->max_line) {   /* a record is cut at the line limit, as a plain line is */
        if (PyList_Append(held->pieces, text) < 0)
            return -1;
        held->size += PyUnicode_GET_LENGTH(text);
    }
    if (!complete)
        return 0;
    Partial p = *held;
    memset(held, 0, sizeof *held);
    u->has_partial = false;
    PyObject *empty = PyUnicode_New(0, 0);
    PyObject *whole = empty ? PyUnicode_Join(empty, p.pieces) : NULL;
    Py_XDECREF(empty);
    PyObject *cut = NULL;
    if (whole != NULL)
        cut = PyUnicode_GET_LENGTH(whole) > u->max_line ? PyUnicode_Substring(whole, 0, u->max_line)
                                                        : Py_NewRef(whole);
    int rc = cut ? emit_text(u, p.line_no, cut, Py_None, Py_None, p.raw) : -1;
    Py_XDECREF(whole);
    Py_XDECREF(cut);
    partial_clear(&p);
    return rc;
}

/* _switch_source: another process's record (or a journald entry that is a whole multi-line record) ends what is
 * open above. Steals nothing: source is borrowed. */
static int switch_source(Unwrapper *u, long long line_no, PyObject *source, bool whole) {
    if (!u->log_closed) {
        /* app.parallel: a chunk's process switch ends an open event or not as the process before it says, unless
         * the record is whole or states no process */
        int open = whole || source == Py_None ? 0 : target_open(u);
        if (open < 0)
            return -1;
        PyObject *entry = Py_BuildValue("(LO)", line_no, open ? source : Py_None);
        if (entry == NULL || PyList_Append(u->switch_log, entry) < 0) {
            Py_XDECREF(entry);
            return -1;
        }
        Py_DECREF(entry);
        u->log_closed = line_no > u->log_until;
    }
    if (!whole && source != Py_None && u->source != Py_None) {
        int other = PyObject_RichCompareBool(source, u->source, Py_NE);
        if (other < 0)
            return -1;
        whole = other;
    }
    if (whole && boundary(u) < 0)
        return -1;
    Py_SETREF(u->source, Py_NewRef(source));
    return 0;
}

static bool is_month(Unwrapper *u, PyObject *line);

/* -- severity.parse_syslog on ASCII lines --
 * The three regexes it matches (_PRI, _RFC5424, _RFC3164, all re.S; handed over and refused if changed) are matched
 * by hand. On ASCII text \d is [0-9], \w [A-Za-z0-9_], \S anything but [ \t\n\r\f\v\x1c-\x1f]. Each has one way to
 * match, so sre's first try is the one found here:
 *   _PRI `<(\d{1,3})>(.*)`: a fourth digit is no `>`;
 *   _RFC5424 `1 \S+ \S+ (\S+) \S+ \S+ (?:-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: (.*))?$`: each \S+ runs to the next space;
 *     an element ends at its first unescaped `]`; an element that does not close, or anything after the last one
 *     but a space (then the rest, to the end) or the end (`$`: also before a final `\n`), leaves no other try
 *     (fewer elements leave a `[` there);
 *   _RFC3164: two timestamp forms (the first needs a capital first, the second a digit); then host `[\w.:-]+` and
 *     tag `[\w./@-]+` each run to their space or to a character outside the class (the tag's class has neither
 *     `[` nor `:`, so giving back cannot help), an optional `[\d+]`, `:`, an optional space, the rest.
 * Anything else (non-ASCII lines: \w, \d, \s are Unicode there) goes to the Python function. */
static inline bool sl_d(Py_UCS1 c) { return (unsigned)c - '0' < 10u; }
static inline bool sl_w(Py_UCS1 c) { return sl_d(c) || (unsigned)(c | 0x20) - 'a' < 26u || c == '_'; }
static inline bool sl_S(Py_UCS1 c) { return !(c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f)); }

/* _RFC3164 at s[0:n]: 1 with the spans of host, tag and message (to n), else 0 */
static int match_3164(const Py_UCS1 *s, Py_ssize_t n, Py_ssize_t span[5]) {
    Py_ssize_t i;
    if (n >= 15 && s[0] - (unsigned)'A' < 26u && s[1] - (unsigned)'a' < 26u && s[2] - (unsigned)'a' < 26u &&
        s[3] == ' ' && (s[4] == ' ' || sl_d(s[4])) && sl_d(s[5]) && s[6] == ' ' && sl_d(s[7]) && sl_d(s[8]) &&
        s[9] == ':' && sl_d(s[10]) && sl_d(s[11]) && s[12] == ':' && sl_d(s[13]) && sl_d(s[14])) {
        i = 15;   /* `Nov  9 10:59:09` */
    } else {      /* `2026-11-29T10:00:00[.fff](Z|+hh[:]mm)` */
        if (n < 20 || !(sl_d(s[0]) && sl_d(s[1]) && sl_d(s[2]) && sl_d(s[3]) && s[4] == '-' && sl_d(s[5]) &&
                        sl_d(s[6]) && s[7] == '-' && sl_d(s[8]) && sl_d(s[9]) && s[10] == 'T' && sl_d(s[11]) &&
                        sl_d(s[12]) && s[13] == ':' && sl_d(s[14]) && sl_d(s[15]) && s[16] == ':' && sl_d(s[17]) &&
                        sl_d(s[18])))
            return 0;
        i = 19;
        if (i + 1 < n && s[i] == '.' && sl_d(s[i + 1])) {
            i += 2;
            while (i < n && sl_d(s[i]))
                i++;
        }
        if (i < n && s[i] == 'Z') {
            i++;
        } else if (i + 2 < n && (s[i] == '+' || s[i] == '-') && sl_d(s[i + 1]) && sl_d(s[i + 2])) {
            i += 3;
            if (i < n && s[i] == ':')
                i++;   /* (`:?` given back leaves the `:` where a digit is needed) */
            if (!(i + 1 < n && sl_d(s[i]) && sl_d(s[i + 1])))
                return 0;
            i += 2;
        } else {
            return 0;
        }
    }
    if (i >= n || s[i] != ' ')
        return 0;
    span[0] = ++i;
    while (i < n && (sl_w(s[i]) || s[i] == '.' || s[i] == ':' || s[i] == '-'))
        i++;
    if (i == span[0] || i >= n || s[i] != ' ')
        return 0;
    span[1] = i;
    span[2] = ++i;
    while (i < n && (sl_w(s[i]) || s[i] == '.' || s[i] == '/' || s[i] == '@' || s[i] == '-'))
        i++;
    if (i == span[2])
        return 0;
    span[3] = i;
    if (i < n && s[i] == '[') {
        Py_ssize_t j = i + 1;
        while (j < n && sl_d(s[j]))
            j++;
        if (j > i + 1 && j < n && s[j] == ']')
            i = j + 1;   /* (then a `:` must follow, as below) */
    }
    if (i >= n || s[i] != ':')
        return 0;
    i++;
    if (i < n && s[i] == ' ')
        i++;
    span[4] = i;
    return 1;
}

/* _RFC5424 at s[0:n]: 1 with the span of APP-NAME and the message's start (-1: none), else 0 */
static int match_5424(const Py_UCS1 *s, Py_ssize_t n, Py_ssize_t span[3]) {
    if (n < 2 || s[0] != '1' || s[1] != ' ')
        return 0;
    Py_ssize_t i = 2;
    for (int field = 0; field < 5; field++) {   /* TIMESTAMP HOSTNAME APP-NAME PROCID MSGID, each then a space */
        const Py_ssize_t start = i;
        while (i < n && sl_S(s[i]))
            i++;
        if (i == start || i >= n || s[i] != ' ')
            return 0;
        if (field == 2) {
            span[0] = start;
            span[1] = i;
        }
        i++;
    }
    if (i < n && s[i] == '-') {
        i++;
    } else if (i < n && s[i] == '[') {
        while (i < n && s[i] == '[') {   /* an element: `[` ... its first unescaped `]` */
            Py_ssize_t j = i + 1;
            while (j < n && s[j] != ']')
                j += s[j] == '\\' ? 2 : 1;
            if (j >= n)
                return 0;
            i = j + 1;
        }
    } else {
        return 0;
    }
    if (i == n || (i == n - 1 && s[i] == '\n')) {
        span[2] = -1;
        return 1;
    }
    if (s[i] != ' ')
        return 0;
    span[2] = i + 1;
    return 1;
}

/* Whether s[a:b], lower-cased, is a level word (severity.level_of_word): 1, 0, or -1 with an error. */
static int is_level_word(Unwrapper *u, const Py_UCS1 *s, Py_ssize_t a, Py_ssize_t b) {
    if (b - a > u->level_word_max)
        return 0;
    char low[64];
    for (Py_ssize_t k = a; k < b; k++)
        low[k - a] = (char)(s[k] - (unsigned)'A' < 26u ? s[k] | 0x20 : s[k]);
    PyObject *word = PyUnicode_FromStringAndSize(low, b - a);
    if (word == NULL)
        return -1;
    PyObject *level = PyDict_GetItemWithError(u->level_words, word);
    Py_DECREF(word);
    if (level == NULL)
        return PyErr_Occurred() ? -1 : 0;
    return PyObject_IsTrue(level);
}

static PyObject *substring_or_empty(PyObject *line, Py_ssize_t a, Py_ssize_t n) {
    return a < 0 ? PyUnicode_FromStringAndSize("", 0) : PyUnicode_Substring(line, a, n);
}

/* parse_syslog(line) for an ASCII line: 1 with *out (a new reference: (level, tag, message) or None), 0 when the
 * line is not ASCII (the Python function answers), -1 with an error. */
static int syslog_fields(Unwrapper *u, PyObject *line, PyObject **out) {
    const Py_ssize_t n = PyUnicode_GET_LENGTH(line);
    if (n == 0 || !PyUnicode_IS_ASCII(line))
        return 0;
    const Py_UCS1 *s = PyUnicode_1BYTE_DATA(line);
    Py_ssize_t span[5] = {0}, at = 0;
    PyObject *level = Py_None;
    if (s[0] == '<') {
        Py_ssize_t j = 1;
        int pri = 0;
        while (j < n && j < 4 && sl_d(s[j]))
            pri = pri * 10 + (s[j++] - '0');
        if (j == 1 || j >= n || s[j] != '>' || pri >= 192) {
            *out = Py_NewRef(Py_None);
            return 1;
        }
        level = u->pri_level[pri % 8];
        at = j + 1;
        if (match_5424(s + at, n - at, span)) {
            const bool nil = span[1] - span[0] == 1 && s[at + span[0]] == '-';
            PyObject *tag = nil ? Py_NewRef(Py_None) : PyUnicode_Substring(line, at + span[0], at + span[1]);
            PyObject *msg = tag ? substring_or_empty(line, span[2] < 0 ? -1 : at + span[2], n) : NULL;
            *out = msg ? PyTuple_Pack(3, level, tag, msg) : NULL;
            Py_XDECREF(tag);
            Py_XDECREF(msg);
            return *out ? 1 : -1;
        }
    } else if (!((sl_d(s[0]) && n > 10 && s[10] == 'T') || is_month(u, line))) {
        *out = Py_NewRef(Py_None);
        return 1;
    }
    int hit = match_3164(s + at, n - at, span);
    if (hit) {
        int word = is_level_word(u, s + at, span[0], span[1]);
        if (word == 0)
            word = is_level_word(u, s + at, span[2], span[3]);
        if (word < 0)
            return -1;
        hit = !word;
    }
    PyObject *tag = NULL, *msg = NULL;
    if (hit) {
        tag = PyUnicode_Substring(line, at + span[2], at + span[3]);
        msg = tag ? PyUnicode_Substring(line, at + span[4], n) : NULL;
    } else if (level != Py_None) {   /* `<PRI>` and no header after it: (level, None, rest) */
        tag = Py_NewRef(Py_None);
        msg = PyUnicode_Substring(line, at, n);
    } else {
        *out = Py_NewRef(Py_None);
        return 1;
    }
    *out = msg ? PyTuple_Pack(3, level, tag, msg) : NULL;
    Py_XDECREF(tag);
    Py_XDECREF(msg);
    return *out ? 1 : -1;
}

static int syslog(Unwrapper *u, long long line_no, PyObject *line) {
    PyObject *parsed = NULL;
    const int fast = syslog_fields(u, line, &parsed);
    if (fast < 0)
        return -1;
    if (fast == 0 && (parsed = PyObject_CallOneArg(u->parse_syslog, line)) == NULL)
        return -1;
    int rc = -1;
    if (flush(u) < 0)
        goto out;
    if (parsed == Py_None) {
        rc = sink(u, line_no, line, Py_None, Py_None, Py_None);
    } else if (PyTuple_Check(parsed) && PyTuple_GET_SIZE(parsed) == 3) {
        PyObject *level = PyTuple_GET_ITEM(parsed, 0), *tag = PyTuple_GET_ITEM(parsed, 1);
        if (switch_source(u, line_no, tag, false) == 0)
            rc = sink(u, line_no, PyTuple_GET_ITEM(parsed, 2), level, tag, line);
    } else {
        PyErr_SetString(PyExc_TypeError, "parse_syslog must return (level, tag, message) or None");
    }
out:
    Py_DECREF(parsed);
    return rc;
}

/* "\n" in message.strip("\n"): a newline with something other than newlines on both sides of it. */
static bool inner_newline(PyObject *s) {
    Py_ssize_t i = 0, j = PyUnicode_GET_LENGTH(s);
    while (i < j && PyUnicode_READ_CHAR(s, i) == '\n')
        i++;
    while (j > i && PyUnicode_READ_CHAR(s, j - 1) == '\n')
        j--;
    return i < j && PyUnicode_FindChar(s, '\n', i, j, 1) >= 0;
}

/* 1: handled, 0: not a journald record (the line goes on as plain text), -1: error. */
static int journald(Unwrapper *u, long long line_no, PyObject *line) {
    PyObject *r = NULL;
    if (u->journald_fast != Py_None && (r = PyObject_CallOneArg(u->journald_fast, line)) == NULL)
        return -1;
    if (r == NULL || r == Py_None) {   /* declined: the Python reader (json.loads) */
        Py_XDECREF(r);
        if ((r = PyObject_CallOneArg(u->journald_record, line)) == NULL)
            return -1;
    }
    if (r == Py_None) {
        Py_DECREF(r);
        return 0;
    }
    int rc = -1;
    if (!PyTuple_Check(r) || PyTuple_GET_SIZE(r) != 4) {
        PyErr_SetString(PyExc_TypeError, "journald_record must return (message, level, tag, pid) or None");
        goto out;
    }
    PyObject *message = PyTuple_GET_ITEM(r, 0), *level = PyTuple_GET_ITEM(r, 1), *tag = PyTuple_GET_ITEM(r, 2);
    if (flush(u) < 0)
        goto out;
    PyObject *source = PyTuple_Pack(2, tag, PyTuple_GET_ITEM(r, 3));
    if (source == NULL)
        goto out;
    int switched = switch_source(u, line_no, source, inner_newline(message));
    Py_DECREF(source);
    if (switched == 0 && emit_text(u, line_no, message, level, tag, line) == 0)
        rc = 1;
out:
    Py_DECREF(r);
    return rc;
}

/* 1: handled, 0: not a Docker record, -1: error. */
static int docker(Unwrapper *u, long long line_no, PyObject *line) {
    PyObject *r = NULL;
    if (u->docker_fast != Py_None && (r = PyObject_CallOneArg(u->docker_fast, line)) == NULL)
        return -1;
    if (r == NULL || r == Py_None) {   /* declined: the Python reader (json.loads) */
        Py_XDECREF(r);
        if ((r = PyObject_CallOneArg(u->docker_record, line)) == NULL)
            return -1;
        if (r == Py_None) {
            Py_DECREF(r);
            return 0;
        }
    }
    int rc = -1;
    if (PyTuple_Check(r) && PyTuple_GET_SIZE(r) == 3) {
        int complete = PyObject_IsTrue(PyTuple_GET_ITEM(r, 2));
        if (complete >= 0 && join(u, line_no, PyTuple_GET_ITEM(r, 0), PyTuple_GET_ITEM(r, 1), complete, line) == 0)
            rc = 1;
    } else {
        PyErr_SetString(PyExc_TypeError, "docker_record must return (stream, text, complete) or None");
    }
    Py_DECREF(r);
    return rc;
}

/* app.records._CRI.match(line), re.S:
 *     (\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)) (stdout|stderr) ([FP]) ?(.*)
 * \d is a Unicode decimal (Py_UNICODE_ISDECIMAL, as sre's). No backtracking can find another match: the run
 * [\d:.]+ cannot hold Z, + or -, so it must end right before one; `:?` then `\d` cannot swap (a colon is not a
 * digit); ` ?` before `.*` (which takes anything) keeps the space. Returns 1 with *stdout, *complete and *text_at
 * (where group 4 starts) set, 0 without a match. */
/* Py_UNICODE_ISDECIMAL, ASCII answered inline (the Unicode predicate is two calls a character). */
static inline int is_decimal(Py_UCS4 c) { return c < 128 ? c - (Py_UCS4)'0' < 10u : Py_UNICODE_ISDECIMAL(c); }

static int cri(PyObject *line, bool *is_stdout, bool *complete, Py_ssize_t *text_at) {
    int kind = PyUnicode_KIND(line);
    const void *d = PyUnicode_DATA(line);
    Py_ssize_t n = PyUnicode_GET_LENGTH(line), i = 0;
#define AT(k) ((k) < n ? PyUnicode_READ(kind, d, (k)) : (Py_UCS4)0xFFFFFFFFu)
#define DEC(k) ((k) < n && is_decimal(PyUnicode_READ(kind, d, (k))))
    static const char shape[] = "dddd-dd-ddT";
    for (; shape[i]; i++)
        if (shape[i] == 'd' ? !DEC(i) : AT(i) != (Py_UCS4)shape[i])
            return 0;
    Py_ssize_t run = i;
    while (DEC(i) || AT(i) == ':' || AT(i) == '.')
        i++;
    if (i == run)
        return 0;
    if (AT(i) == 'Z') {
        i++;
    } else if (AT(i) == '+' || AT(i) == '-') {
        if (!DEC(i + 1) || !DEC(i + 2))
            return 0;
        i += 3;
        if (AT(i) == ':')
            i++;
        if (!DEC(i) || !DEC(i + 1))
            return 0;
        i += 2;
    } else {
        return 0;
    }
    if (AT(i) != ' ' || AT(i + 1) != 's' || AT(i + 2) != 't' || AT(i + 3) != 'd')
        return 0;
    if (AT(i + 4) == 'o' && AT(i + 5) == 'u' && AT(i + 6) == 't')
        *is_stdout = true;
    else if (AT(i + 4) == 'e' && AT(i + 5) == 'r' && AT(i + 6) == 'r')
        *is_stdout = false;
    else
        return 0;
    i += 7;
    if (AT(i) != ' ' || (AT(i + 1) != 'F' && AT(i + 1) != 'P'))
        return 0;
    *complete = AT(i + 1) == 'F';
    i += 2;
    if (AT(i) == ' ')
        i++;
    *text_at = i;
    return 1;
#undef AT
#undef DEC
}

static bool is_month(Unwrapper *u, PyObject *line) {
    if (PyUnicode_GET_LENGTH(line) < 3)
        return false;
    Py_UCS4 a = PyUnicode_READ_CHAR(line, 0), b = PyUnicode_READ_CHAR(line, 1), c = PyUnicode_READ_CHAR(line, 2);
    for (int k = 0; k < u->n_months; k++)
        if (u->months[k][0] == a && u->months[k][1] == b && u->months[k][2] == c)
            return true;
    return false;
}

/* Unwrapper.feed */
static int unwrapper_feed(Unwrapper *u, long long line_no, PyObject *line) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(line);
    Py_UCS4 first = n ? PyUnicode_READ_CHAR(line, 0) : 0;
    if (n && first == '{') {
        int handled = 0;
        Py_ssize_t docker_like = PyUnicode_Tailmatch(line, u->log_prefix, 0, PY_SSIZE_T_MAX, -1);
        if (docker_like < 0)
            return -1;
        if (docker_like) {
            handled = docker(u, line_no, line);
        } else {
            Py_ssize_t k = PyUnicode_Find(line, u->message_key, 0, n, 1);
            if (k == -2)
                return -1;
            if (k >= 0)
                handled = journald(u, line_no, line);
        }
        if (handled)
            return handled < 0 ? -1 : 0;
    } else if (n && Py_UNICODE_ISDIGIT(first)) {
        Py_ssize_t k = PyUnicode_Find(line, u->std, 20, 48, 1);
        if (k == -2)
            return -1;
        bool out, complete;
        Py_ssize_t at;
        if (k >= 0 && cri(line, &out, &complete, &at)) {
            PyObject *text = PyUnicode_Substring(line, at, n);
            if (text == NULL)
                return -1;
            int rc = join(u, line_no, out ? u->cri_stdout : u->cri_stderr, text, complete, line);
            Py_DECREF(text);
            return rc;
        }
        if (n > 10 && PyUnicode_READ_CHAR(line, 10) == 'T')
            return syslog(u, line_no, line);
    } else if (n && (first == '<' || is_month(u, line))) {
        return syslog(u, line_no, line);
    }
    if (flush(u) < 0)
        return -1;
    return sink(u, line_no, line, Py_None, Py_None, Py_None);
}

/* -- Unwrapper, the Python type -- */

static PyTypeObject UnwrapperType;

static int Unwrapper_init(Unwrapper *self, PyObject *args, PyObject *kwds) {
    PyObject *target, *deps;
    if (!PyArg_ParseTuple(args, "OO!:Unwrapper", &target, &PyDict_Type, &deps))
        return -1;
    /* what cri() implements (re.S: 16) */
    static const char cri_source[] =
        "(\\d{4}-\\d\\d-\\d\\dT[\\d:.]+(?:Z|[+-]\\d\\d:?\\d\\d)) (stdout|stderr) ([FP]) ?(.*)";
    if (same_regex(deps, "CRI", cri_source, 16, "app/_c_scan.c") < 0)
        return -1;
    /* what syslog_fields() implements (all re.S) */
    static const char pri_source[] = "<(\\d{1,3})>(.*)";
    static const char rfc5424_source[] =
        "1 \\S+ \\S+ (\\S+) \\S+ \\S+ (?:-|(?:\\[(?:[^\\]\\\\]|\\\\.)*\\])+)(?: (.*))?$";
    static const char rfc3164_source[] =
        "(?:[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d|\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d("
        "?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)) ([\\w.:-]+) ([\\w./@-]+)(?:\\[\\d+\\])?: ?(.*)";
    if (same_regex(deps, "PRI", pri_source, 16, "app/_c_scan.c") < 0 ||
        same_regex(deps, "RFC5424", rfc5424_source, 16, "app/_c_scan.c") < 0 ||
        same_regex(deps, "RFC3164", rfc3164_source, 16, "app/_c_scan.c") < 0)
        return -1;
    PyObject *syslog_level = dep(deps, "syslog_level"), *levels = dep(deps, "LEVELS");
    if (syslog_level == NULL || levels == NULL)
        return -1;
    if (!PyDict_Check(levels)) {
        PyErr_SetString(PyExc_TypeError, "LEVELS must be a dict");
        return -1;
    }
    for (int k = 0; k < 8; k++) {
        PyObject *level = PyObject_CallFunction(syslog_level, "i", k);
        if (level == NULL)
            return -1;
        Py_XSETREF(self->pri_level[k], level);
    }
    self->level_word_max = 0;
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(levels, &pos, &key, &value)) {
        if (!PyUnicode_Check(key) || !PyUnicode_IS_ASCII(key) || PyUnicode_GET_LENGTH(key) >= 64) {
            PyErr_SetString(PyExc_ValueError, "LEVELS: keys must be ASCII str shorter than 64 characters");
            return -1;
        }
        if (PyUnicode_GET_LENGTH(key) > self->level_word_max)
            self->level_word_max = PyUnicode_GET_LENGTH(key);
    }
    Py_XSETREF(self->level_words, Py_NewRef(levels));
    struct { const char *name; PyObject **slot; } objects[] = {
        {"docker_fast", &self->docker_fast}, {"docker_record", &self->docker_record},
        {"journald_fast", &self->journald_fast}, {"journald_record", &self->journald_record},
        {"parse_syslog", &self->parse_syslog},
    };
    for (size_t i = 0; i < sizeof objects / sizeof objects[0]; i++) {
        PyObject *v = dep(deps, objects[i].name);
        if (v == NULL)
            return -1;
        Py_XSETREF(*objects[i].slot, Py_NewRef(v));
    }
    PyObject *max_line = dep(deps, "MAX_LINE_BYTES"), *months = dep(deps, "MONTHS");
    if (max_line == NULL || months == NULL)
        return -1;
    if ((self->max_line = PyLong_AsSsize_t(max_line)) == -1 && PyErr_Occurred())
        return -1;
    PyObject *it = PyObject_GetIter(months), *month;
    if (it == NULL)
        return -1;
    self->n_months = 0;
    while ((month = PyIter_Next(it)) != NULL) {
        bool ok = PyUnicode_Check(month) && PyUnicode_GET_LENGTH(month) == 3 && self->n_months < 12;
        for (int k = 0; ok && k < 3; k++)
            self->months[self->n_months][k] = PyUnicode_READ_CHAR(month, k);
        Py_DECREF(month);
        if (!ok) {
            Py_DECREF(it);
            PyErr_SetString(PyExc_ValueError, "MONTHS: at most 12 strings of 3 characters");
            return -1;
        }
        self->n_months++;
    }
    Py_DECREF(it);
    if (PyErr_Occurred())
        return -1;
    Py_XSETREF(self->target, Py_NewRef(target));
    self->direct = Py_IS_TYPE(target, events_api->assembler_type);
    Py_CLEAR(self->sink);
    Py_CLEAR(self->boundary);
    if (!self->direct) {
        if ((self->sink = PyObject_GetAttrString(target, "feed")) == NULL
            || (self->boundary = PyObject_GetAttrString(target, "boundary")) == NULL)
            return -1;
    }
    struct { const char *text; PyObject **slot; } strings[] = {
        {"cri-stdout", &self->cri_stdout}, {"cri-stderr", &self->cri_stderr}, {"{\"log\":", &self->log_prefix},
        {"\"MESSAGE\"", &self->message_key}, {" std", &self->std},
    };
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        PyObject *v = PyUnicode_InternFromString(strings[i].text);
        if (v == NULL)
            return -1;
        Py_XSETREF(*strings[i].slot, v);
    }
    partial_clear(&self->partial);
    self->has_partial = false;
    Py_XSETREF(self->source, Py_NewRef(Py_None));
    PyObject *log = PyList_New(0);
    if (log == NULL)
        return -1;
    Py_XSETREF(self->switch_log, log);
    self->log_until = 0;
    self->log_closed = false;
    return 0;
}

static int Unwrapper_traverse(Unwrapper *self, visitproc visit, void *arg) {
    Py_VISIT(self->target);
    Py_VISIT(self->sink);
    Py_VISIT(self->boundary);
    Py_VISIT(self->docker_fast);
    Py_VISIT(self->docker_record);
    Py_VISIT(self->journald_fast);
    Py_VISIT(self->journald_record);
    Py_VISIT(self->parse_syslog);
    Py_VISIT(self->level_words);
    for (int k = 0; k < 8; k++)
        Py_VISIT(self->pri_level[k]);
    Py_VISIT(self->partial.pieces);
    Py_VISIT(self->source);
    Py_VISIT(self->switch_log);
    return 0;
}

static int Unwrapper_clear(Unwrapper *self) {
    Py_CLEAR(self->target);
    Py_CLEAR(self->sink);
    Py_CLEAR(self->boundary);
    Py_CLEAR(self->docker_fast);
    Py_CLEAR(self->docker_record);
    Py_CLEAR(self->journald_fast);
    Py_CLEAR(self->journald_record);
    Py_CLEAR(self->parse_syslog);
    Py_CLEAR(self->level_words);
    for (int k = 0; k < 8; k++)
        Py_CLEAR(self->pri_level[k]);
    Py_CLEAR(self->cri_stdout);
    Py_CLEAR(self->cri_stderr);
    Py_CLEAR(self->log_prefix);
    Py_CLEAR(self->message_key);
    Py_CLEAR(self->std);
    partial_clear(&self->partial);
    self->has_partial = false;
    Py_CLEAR(self->source);
    Py_CLEAR(self->switch_log);
    return 0;
}

static void Unwrapper_dealloc(Unwrapper *self) {
    PyObject_GC_UnTrack(self);
    Unwrapper_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Unwrapper_feed(Unwrapper *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyUnicode_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "feed(line_no, line): line must be a str");
        return NULL;
    }
    long long line_no = PyLong_AsLongLong(args[0]);
    if ((line_no == -1 && PyErr_Occurred()) || unwrapper_feed(self, line_no, args[1]) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *Unwrapper_flush(Unwrapper *self, PyObject *unused) {
    if (flush(self) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *Unwrapper_export_state(Unwrapper *self, PyObject *unused) {
    PyObject *held = Py_None;
    Py_INCREF(held);
    if (self->has_partial) {
        Partial *p = &self->partial;
        Py_DECREF(held);
        held = Py_BuildValue("[OLNnO]", p->stream, p->line_no, PyList_GetSlice(p->pieces, 0, PY_SSIZE_T_MAX),
                             p->size, p->raw);
        if (held == NULL)
            return NULL;
    }
    return Py_BuildValue("(NO)", held, self->source);
}

static PyObject *Unwrapper_restore_state(Unwrapper *self, PyObject *args) {
    PyObject *held, *source;
    long long offset;
    if (!PyArg_ParseTuple(args, "(OO)L:restore_state", &held, &source, &offset))
        return NULL;
    Partial p = {0};
    if (held != Py_None) {
        PyObject *stream, *pieces, *raw, *fields = PySequence_Tuple(held);   /* a list, as export_state gives it */
        if (fields == NULL)
            return NULL;
        int ok = PyArg_ParseTuple(fields, "OLO!nO:restore_state", &stream, &p.line_no, &PyList_Type, &pieces,
                                  &p.size, &raw);
        Py_DECREF(fields);   /* (the items stay alive in held) */
        if (!ok || (p.pieces = PyList_GetSlice(pieces, 0, PY_SSIZE_T_MAX)) == NULL)
            return NULL;
        p.stream = Py_NewRef(stream);
        p.raw = Py_NewRef(raw);
        p.line_no += offset;
    }
    partial_clear(&self->partial);
    self->partial = p;
    self->has_partial = held != Py_None;
    Py_SETREF(self->source, Py_NewRef(source));
    Py_RETURN_NONE;
}

static PyObject *Unwrapper_get_pending(Unwrapper *self, void *unused) {
    return PyBool_FromLong(self->has_partial);
}

static PyObject *Unwrapper_get_partial(Unwrapper *self, void *unused) {
    if (!self->has_partial)
        Py_RETURN_NONE;
    Partial *p = &self->partial;
    return Py_BuildValue("[OLNnO]", p->stream, p->line_no, PyList_GetSlice(p->pieces, 0, PY_SSIZE_T_MAX), p->size,
                         p->raw);
}

/* For the tests: the syslog reader alone. */
static PyObject *Unwrapper_syslog_fields(Unwrapper *self, PyObject *line) {
    if (!PyUnicode_Check(line)) {
        PyErr_SetString(PyExc_TypeError, "syslog_fields(line): line must be a str");
        return NULL;
    }
    PyObject *out = NULL;
    const int fast = syslog_fields(self, line, &out);
    return fast < 0 ? NULL : fast == 0 ? Py_NewRef(Py_NotImplemented) : out;
}

static PyObject *Unwrapper_log_switches(Unwrapper *self, PyObject *arg) {
    const long long until = PyLong_AsLongLong(arg);
    if (until == -1 && PyErr_Occurred())
        return NULL;
    PyObject *log = PyList_New(0);
    if (log == NULL)
        return NULL;
    Py_XSETREF(self->switch_log, log);
    self->log_until = until;
    self->log_closed = false;
    Py_RETURN_NONE;
}

static PyMethodDef Unwrapper_methods[] = {
    {"syslog_fields", (PyCFunction)Unwrapper_syslog_fields, METH_O,
     "syslog_fields(line) -> app.severity.parse_syslog(line) read in C, or NotImplemented for a line it leaves to that "
     "function (non-ASCII)"},
    {"feed", (PyCFunction)(void (*)(void))Unwrapper_feed, METH_FASTCALL,
     "feed(line_no, line): one physical line (app.records.Unwrapper.feed)"},
    {"flush", (PyCFunction)Unwrapper_flush, METH_NOARGS, "hands on the partial record held"},
    {"log_switches", (PyCFunction)Unwrapper_log_switches, METH_O,
     "log_switches(until): a new switch log, of every switch up to line until and the first one after it"},
    {"finish", (PyCFunction)Unwrapper_flush, METH_NOARGS, "the stream ended: flush()"},
    {"export_state", (PyCFunction)Unwrapper_export_state, METH_NOARGS,
     "([stream, line_no, pieces, size, raw] or None, source), as app.records.Unwrapper.export_state"},
    {"restore_state", (PyCFunction)Unwrapper_restore_state, METH_VARARGS,
     "restore_state(state, line_offset): a state export_state gave, its line number shifted by line_offset"},
    {NULL, NULL, 0, NULL},
};

static PyObject *Unwrapper_get_switch_log(Unwrapper *self, void *unused) {
    return Py_NewRef(self->switch_log ? self->switch_log : Py_None);
}


static PyGetSetDef Unwrapper_getset[] = {
    {"pending", (getter)Unwrapper_get_pending, NULL, "a partial record is held", NULL},
    {"partial", (getter)Unwrapper_get_partial, NULL, "the partial record held (a copy) or None", NULL},
    {"switch_log", (getter)Unwrapper_get_switch_log, NULL,
     "the process switches logged (app.records.Unwrapper.switch_log): [(line_no, process or None), ...]", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject UnwrapperType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "app._c_scan.Unwrapper",
    .tp_basicsize = sizeof(Unwrapper),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "The compiled twin of app.records.Unwrapper: Unwrapper(assembler, deps).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Unwrapper_init,
    .tp_dealloc = (destructor)Unwrapper_dealloc,
    .tp_traverse = (traverseproc)Unwrapper_traverse,
    .tp_clear = (inquiry)Unwrapper_clear,
    .tp_methods = Unwrapper_methods,
    .tp_getset = Unwrapper_getset,
};

/* -- LineFeeder -- */

typedef struct {
    PyObject_HEAD
    Unwrapper *unwrapper;
    PyObject *assembler, *finder;
    long long lines;
    char envelope_first[128];
    Py_ssize_t max_line;
} Feeder;

/* LineFeeder.feed_line: one line buf[start:end] (without its newline). */
static int feed_line(Feeder *f, const char *buf, Py_ssize_t start, Py_ssize_t end) {
    f->lines++;
    if (end - start > f->max_line)
        end = start + f->max_line;
    else if (end > start && buf[end - 1] == '\r')   /* CRLF line ending */
        end--;
    PyObject *line = PyUnicode_DecodeUTF8(buf + start, end - start, "replace");
    if (line == NULL)
        return -1;
    Py_UCS4 first = PyUnicode_GET_LENGTH(line) ? PyUnicode_READ_CHAR(line, 0) : 0;
    int rc;
    if ((first && first < 128 && f->envelope_first[first]) || f->unwrapper->has_partial)
        rc = unwrapper_feed(f->unwrapper, f->lines, line);
    else   /* no envelope starts so (app.records): straight to the assembler */
        rc = events_api->feed(f->assembler, f->lines, line, Py_None, Py_None, Py_None);
    Py_DECREF(line);
    return rc;
}

static bool blank_byte(char c) {
    return c == ' ' || c == '\t';
}

/* app.events' INDENTED_HEADER_DATE at buf[k:]: [0-9]{4}[-/][0-9]{2}[-/][0-9]{2}[T ][0-9] (bytes: ASCII digits). */
static bool date_at(const char *buf, Py_ssize_t k, Py_ssize_t hi) {
    static const char shape[] = "dddd-dd-dd_d";
    if (hi - k < 12)
        return false;
    for (int i = 0; i < 12; i++) {
        char c = buf[k + i];
        bool ok = shape[i] == 'd' ? (c >= '0' && c <= '9') : shape[i] == '-' ? (c == '-' || c == '/')
                                                                             : (c == 'T' || c == ' ');
        if (!ok)
            return false;
    }
    return true;
}

/* app.scan._INDENTED_RUN.match(buf, pos, hi).end(), or pos where it does not match:
 *     (?:[ \t](?![ \t]*DATE)[^\n]*\n)+
 * (the lookahead can only succeed after the whole blank run, DATE starting with a digit). */
static Py_ssize_t indented_run(const char *buf, Py_ssize_t pos, Py_ssize_t hi) {
    Py_ssize_t p = pos;
    while (p < hi && blank_byte(buf[p])) {
        Py_ssize_t k = p + 1;
        while (k < hi && blank_byte(buf[k]))
            k++;
        if (date_at(buf, k, hi))
            break;
        const char *nl = memchr(buf + p, '\n', hi - p);
        if (nl == NULL)
            break;
        p = nl - buf + 1;
    }
    return p;
}

/* The newlines of buf[lo:hi]: 16 bytes a step, counted in 16 byte-sized counters (GCC's vector extension: SSE2 on
 * x86-64, NEON on arm64) summed every 255 steps, before one could wrap; the skipped runs between candidate lines are
 * a few lines long, where a memchr call a line cost more. */
static Py_ssize_t count_newlines(const char *buf, Py_ssize_t lo, Py_ssize_t hi) {
    typedef unsigned char v16 __attribute__((vector_size(16)));
    const unsigned char *p = (const unsigned char *)buf + lo, *end = (const unsigned char *)buf + hi;
    Py_ssize_t n = 0;
    while (end - p >= 16) {
        const unsigned char *stop = p + ((end - p) / 16 < 255 ? (end - p) / 16 : 255) * 16;
        v16 counts = {0};
        for (; p < stop; p += 16) {
            v16 x;
            memcpy(&x, p, sizeof x);
            counts -= (v16)(x == '\n');   /* (a lane that holds a newline compares to all ones: -1) */
        }
        for (int k = 0; k < 16; k++)
            n += counts[k];
    }
    for (; p < end; p++)
        n += *p == '\n';
    return n;
}

/* The cursor of one region: a `hits` list walked here (app.candidates._ListCursor.next), else cursor.next(pos). */
typedef struct {
    PyObject *hits, *next;
    Py_ssize_t i;
} Cursor;

/* The first candidate position >= pos, -1 when none is left, -2 on error. */
static Py_ssize_t cursor_next(Cursor *c, Py_ssize_t pos) {
    if (c->hits != NULL) {
        Py_ssize_t n = PyList_GET_SIZE(c->hits);
        while (c->i < n) {
            Py_ssize_t hit = PyLong_AsSsize_t(PyList_GET_ITEM(c->hits, c->i));
            if (hit == -1 && PyErr_Occurred())
                return -2;
            if (hit >= pos)
                return hit;
            c->i++;
        }
        return -1;
    }
    PyObject *arg = PyLong_FromSsize_t(pos);
    PyObject *r = arg ? PyObject_CallOneArg(c->next, arg) : NULL;
    Py_XDECREF(arg);
    if (r == NULL)
        return -2;
    Py_ssize_t hit = PyLong_AsSsize_t(r);
    Py_DECREF(r);
    return hit == -1 && PyErr_Occurred() ? -2 : hit;
}

static int feed_lines(Feeder *f, const char *buf, Py_ssize_t lo, Py_ssize_t hi, Cursor *cursor) {
    Py_ssize_t pos = lo;
    while (pos < hi) {
        if (events_api->is_open(f->assembler) || f->unwrapper->has_partial) {
            if (blank_byte(buf[pos]) && !f->unwrapper->has_partial && events_api->inert(f->assembler)) {
                Py_ssize_t run_end = indented_run(buf, pos, hi);
                if (run_end > pos) {   /* inert indented lines: counted, not decoded */
                    f->lines += count_newlines(buf, pos, run_end);
                    pos = run_end;
                    continue;
                }
            }
            const char *nl = memchr(buf + pos, '\n', hi - pos);
            Py_ssize_t end = nl ? nl - buf : hi;
            if (feed_line(f, buf, pos, end) < 0)
                return -1;
            pos = end + 1;
            continue;
        }
        Py_ssize_t hit = cursor_next(cursor, pos);
        if (hit == -2)
            return -1;
        if (hit < 0) {
            f->lines += count_newlines(buf, pos, hi);
            return 0;
        }
        Py_ssize_t start = pos;
        for (Py_ssize_t k = hit - 1; k >= pos; k--)   /* the start of the hit's line */
            if (buf[k] == '\n') {
                start = k + 1;
                break;
            }
        if (start > pos)
            f->lines += count_newlines(buf, pos, start);
        const char *nl = memchr(buf + start, '\n', hi - start);
        Py_ssize_t end = nl ? nl - buf : hi;
        if (feed_line(f, buf, start, end) < 0)
            return -1;
        pos = end + 1;
    }
    return 0;
}

static PyObject *Feeder_feed_lines(Feeder *f, PyObject *args) {
    PyObject *buf;
    Py_ssize_t lo, hi;
    if (!PyArg_ParseTuple(args, "Onn:feed_lines", &buf, &lo, &hi))
        return NULL;
    Py_buffer view;
    if (PyObject_GetBuffer(buf, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    PyObject *result = NULL, *cursor_obj = NULL;
    Cursor cursor = {NULL, NULL, 0};
    if (lo < 0 || hi > view.len || lo > hi) {
        PyErr_SetString(PyExc_ValueError, "feed_lines: lo and hi must be within the buffer");
        goto out;
    }
    if ((cursor_obj = PyObject_CallMethod(f->finder, "cursor", "Onn", buf, lo, hi)) == NULL)
        goto out;
    PyObject *hits = PyObject_GetAttrString(cursor_obj, "hits");
    if (hits != NULL && PyList_Check(hits)) {
        cursor.hits = hits;
    } else {
        Py_XDECREF(hits);
        PyErr_Clear();
        if ((cursor.next = PyObject_GetAttrString(cursor_obj, "next")) == NULL)
            goto out;
    }
    if (feed_lines(f, view.buf, lo, hi, &cursor) == 0)
        result = Py_NewRef(Py_None);
out:
    Py_XDECREF(cursor.hits);
    Py_XDECREF(cursor.next);
    Py_XDECREF(cursor_obj);
    PyBuffer_Release(&view);
    return result;
}

static int Feeder_init(Feeder *self, PyObject *args, PyObject *kwds) {
    PyObject *unwrapper, *assembler, *finder, *deps;
    if (!PyArg_ParseTuple(args, "O!OOO!:LineFeeder", &UnwrapperType, &unwrapper, &assembler, &finder, &PyDict_Type,
                          &deps))
        return -1;
    if (!Py_IS_TYPE(assembler, events_api->assembler_type) || ((Unwrapper *)unwrapper)->target != assembler) {
        PyErr_SetString(PyExc_TypeError, "LineFeeder: the compiled Assembler the unwrapper feeds");
        return -1;
    }
    /* what indented_run() implements */
    static const char run_source[] = "(?:[ \\t](?![ \\t]*[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}[T ][0-9])[^\\n]*\\n)+";
    if (same_regex(deps, "INDENTED_RUN", run_source, 0, "app/_c_scan.c") < 0)
        return -1;
    PyObject *first = dep(deps, "ENVELOPE_FIRST"), *max_line = dep(deps, "MAX_LINE_BYTES");
    if (first == NULL || max_line == NULL)
        return -1;
    if ((self->max_line = PyLong_AsSsize_t(max_line)) == -1 && PyErr_Occurred())
        return -1;
    memset(self->envelope_first, 0, sizeof self->envelope_first);
    PyObject *it = PyObject_GetIter(first), *c;
    if (it == NULL)
        return -1;
    while ((c = PyIter_Next(it)) != NULL) {
        bool ok = PyUnicode_Check(c) && PyUnicode_GET_LENGTH(c) == 1 && PyUnicode_READ_CHAR(c, 0) < 128;
        if (ok)
            self->envelope_first[PyUnicode_READ_CHAR(c, 0)] = 1;
        Py_DECREF(c);
        if (!ok) {
            Py_DECREF(it);
            PyErr_SetString(PyExc_ValueError, "ENVELOPE_FIRST: ASCII characters");
            return -1;
        }
    }
    Py_DECREF(it);
    if (PyErr_Occurred())
        return -1;
    Py_XSETREF(self->unwrapper, (Unwrapper *)Py_NewRef(unwrapper));
    Py_XSETREF(self->assembler, Py_NewRef(assembler));
    Py_XSETREF(self->finder, Py_NewRef(finder));
    self->lines = 0;
    return 0;
}

static int Feeder_traverse(Feeder *self, visitproc visit, void *arg) {
    Py_VISIT(self->unwrapper);
    Py_VISIT(self->assembler);
    Py_VISIT(self->finder);
    return 0;
}

static int Feeder_clear(Feeder *self) {
    Py_CLEAR(self->unwrapper);
    Py_CLEAR(self->assembler);
    Py_CLEAR(self->finder);
    return 0;
}

static void Feeder_dealloc(Feeder *self) {
    PyObject_GC_UnTrack(self);
    Feeder_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Feeder_get_lines(Feeder *self, void *unused) {
    return PyLong_FromLongLong(self->lines);
}

static int Feeder_set_lines(Feeder *self, PyObject *value, void *unused) {
    long long n = value ? PyLong_AsLongLong(value) : -1;
    if (value == NULL)
        PyErr_SetString(PyExc_TypeError, "lines cannot be deleted");
    if (n == -1 && PyErr_Occurred())
        return -1;
    self->lines = n;
    return 0;
}

static PyMethodDef Feeder_methods[] = {
    {"feed_lines", (PyCFunction)Feeder_feed_lines, METH_VARARGS,
     "feed_lines(buf, lo, hi): all complete lines in buf[lo:hi] (hi just past a newline)"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Feeder_getset[] = {
    {"lines", (getter)Feeder_get_lines, (setter)Feeder_set_lines, "lines seen so far (fed or counted)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject FeederType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "app._c_scan.LineFeeder",
    .tp_basicsize = sizeof(Feeder),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "The compiled twin of app.scan.LineFeeder: LineFeeder(unwrapper, assembler, finder, deps).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Feeder_init,
    .tp_dealloc = (destructor)Feeder_dealloc,
    .tp_traverse = (traverseproc)Feeder_traverse,
    .tp_clear = (inquiry)Feeder_clear,
    .tp_methods = Feeder_methods,
    .tp_getset = Feeder_getset,
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "app._c_scan", "Compiled twins of app.records.Unwrapper and app.scan.LineFeeder.", -1,
    NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__c_scan(void) {
    PyObject *events = PyImport_ImportModule("app._c_events");   /* (PyCapsule_Import only looks it up) */
    if (events == NULL)
        return NULL;
    Py_DECREF(events);
    if ((events_api = PyCapsule_Import(EVENTS_CAPSULE, 0)) == NULL)
        return NULL;
    if (PyType_Ready(&UnwrapperType) < 0 || PyType_Ready(&FeederType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (m == NULL)
        return NULL;
    if (PyModule_AddObjectRef(m, "Unwrapper", (PyObject *)&UnwrapperType) < 0
        || PyModule_AddObjectRef(m, "LineFeeder", (PyObject *)&FeederType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
