/* Compiled twin of app.events.Assembler (module app._c_events): the multi-line state machine, line for line.
 *
 * Assembler(emit, deps) behaves as app.events.Assembler(emit): feed(line_no, line, envelope_level=None, tag=None,
 * raw=None), finish(), boundary(), indented_lines_are_inert(), the `open` and `in_tb` attributes, export_state()
 * and restore_state(state, line_offset). `deps` is the dict app.events.compiled_assembler builds: the Python
 * objects the rules use, so that nothing here restates them:
 *   classify, fast          severity.classify, and its compiled fast path (or None): fast first, classify where
 *                           fast declines (None), as classify itself does
 *   make_template, group_id app.grouping's, called once per closed event (group_id's answers kept: a group's
 *                           events, and so its (level, template), repeat)
 *   frame, py_final, special, frame_message   the bound `match` methods of _FRAME, _PY_FINAL, _SPECIAL and
 *                           _FRAME_MESSAGE (their regexes stay the definition: the rare lines that need them go
 *                           to sre)
 *   FATAL, ERROR, OTHER, TRACEBACK, HAS_TRACE, WANTS_NEXT, MAX_NEUTRAL_GAP, RAW_MAX_CHARS, RAW_HEAD_CHARS,
 *   RAW_TAIL_CHARS, SPECIAL_FIRST
 *   INDENTED_HEADER         the compiled _INDENTED_HEADER: refused unless its source is the one indented_header()
 *                           implements (app/_c_twin.h)
 *
 * What is written out in C is only the control flow of Assembler.feed/_special/_open/_close and two tests whose
 * regexes are fixed ASCII: _INDENTED_HEADER and klog's `[IWEF]dddd ` header shape. The string tests use the same
 * Unicode predicates str uses (Py_UNICODE_ISSPACE for isspace/strip, Py_UNICODE_ISDIGIT for isdigit).
 * tests/test_compiled_events.py feeds both assemblers the same lines and compares what they emit.
 *
 * export_state() gives (event or None, in_tb, gap, after) with the event as a tuple of its fields; only this type
 * restores it (app.parallel stitches chunks that one implementation scanned).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stdbool.h>
#include "_c_events.h"
#include "_c_twin.h"

enum { KIND_HEADER = 0, KIND_EXC = 1, KIND_TB = 2 };

typedef struct {
    long long line_no;
    PyObject *level, *message, *sample, *raw, *final;   /* owned; final NULL until a traceback's last line */
    int kind;
    bool trace, exc_seen, await_chain, wants_next, wants_message;
} Event;

typedef struct {
    PyObject_HEAD
    PyObject *emit, *classify, *fast, *make_template, *group_id;
    PyObject *group_ids;                                /* group_id's answers: {level: {template: id}} */
    Py_ssize_t group_ids_held;
    PyObject *frame, *py_final, *special, *frame_message;
    PyObject *FATAL, *ERROR, *OTHER, *TRACEBACK;
    long has_trace, wants_next_flag;
    Py_ssize_t max_gap, raw_max, raw_head, raw_tail;
    char special_first[128];                            /* ASCII set: 1 where a special line may start */
    bool has_cur, in_tb;
    Event cur;
    Py_ssize_t gap, after;
} Assembler;

static void event_clear(Event *e) {
    Py_CLEAR(e->level);
    Py_CLEAR(e->message);
    Py_CLEAR(e->sample);
    Py_CLEAR(e->raw);
    Py_CLEAR(e->final);
}

/* str.isspace() of an empty-or-not str: true for "" here too (feed's `not line or line.isspace()`). */
static bool blank(PyObject *s) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    for (Py_ssize_t i = 0; i < n; i++)
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
            return false;
    return true;
}

static int equal(PyObject *a, PyObject *b) {
    return a == b ? 1 : PyObject_RichCompareBool(a, b, Py_EQ);
}

/* _INDENTED_HEADER.match(line): [ \t]+[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}[T ][0-9]. Returns the length of the blank
 * run before the date (what line.lstrip() removes: a digit follows it) or 0. No backtracking question: the run is
 * followed by a digit, which [ \t] cannot match. */
static Py_ssize_t indented_header(int kind, const void *d, Py_ssize_t n) {
    Py_ssize_t k = 0;
    while (k < n && (PyUnicode_READ(kind, d, k) == ' ' || PyUnicode_READ(kind, d, k) == '\t'))
        k++;
    if (k == 0 || n - k < 12)
        return 0;
    static const char shape[] = "dddd-dd-dd_d";   /* d: [0-9], -: [-/], _: [T ] */
    for (int i = 0; i < 12; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, d, k + i);
        bool ok = shape[i] == 'd' ? (c >= '0' && c <= '9') : shape[i] == '-' ? (c == '-' || c == '/')
                                                                             : (c == 'T' || c == ' ');
        if (!ok)
            return 0;
    }
    return k;
}

/* Calls a bound `match`: 1 when it matched, 0 when not, -1 on error. */
static int matches(PyObject *match, PyObject *text) {
    PyObject *m = PyObject_CallOneArg(match, text);
    if (m == NULL)
        return -1;
    int hit = m != Py_None;
    Py_DECREF(m);
    return hit;
}

/* group_id(level, template), its answer kept (it is a pure function; groups repeat, and a lookup here costs far less
 * than the Python call): a new reference, or NULL with an exception. At most GROUP_IDS_HELD kept, then started over
 * (as app.grouping bounds its own memo). */
#define GROUP_IDS_HELD 4096

static PyObject *group_id_of(Assembler *self, PyObject *level, PyObject *template) {
    if (self->group_ids_held >= GROUP_IDS_HELD) {
        PyDict_Clear(self->group_ids);
        self->group_ids_held = 0;
    }
    PyObject *ids = PyDict_GetItemWithError(self->group_ids, level);   /* borrowed, as below */
    if (ids == NULL) {
        if (PyErr_Occurred() || (ids = PyDict_New()) == NULL)
            return NULL;
        const int rc = PyDict_SetItem(self->group_ids, level, ids);
        Py_DECREF(ids);   /* group_ids holds it */
        if (rc < 0)
            return NULL;
    }
    PyObject *gid = PyDict_GetItemWithError(ids, template);
    if (gid != NULL)
        return Py_NewRef(gid);
    if (PyErr_Occurred())
        return NULL;
    Py_INCREF(ids);   /* held across the Python call */
    gid = PyObject_CallFunctionObjArgs(self->group_id, level, template, NULL);
    if (gid != NULL && PyDict_SetItem(ids, template, gid) < 0)
        Py_CLEAR(gid);
    Py_DECREF(ids);
    if (gid != NULL)
        self->group_ids_held++;
    return gid;
}

/* _close: the event is taken off first (as in Python), then templated and emitted. */
static int close_event(Assembler *self) {
    if (!self->has_cur)
        return 0;
    Event e = self->cur;                      /* the references move to e */
    memset(&self->cur, 0, sizeof self->cur);
    self->has_cur = false;
    PyObject *message = (e.kind == KIND_TB && e.final != NULL && PyObject_IsTrue(e.final)) ? e.final : e.message;
    int rc = -1;
    PyObject *template = PyObject_CallOneArg(self->make_template, message);
    if (template != NULL) {
        PyObject *gid = group_id_of(self, e.level, template);
        if (gid != NULL) {
            PyObject *line_no = PyLong_FromLongLong(e.line_no);
            if (line_no != NULL) {
                PyObject *args[7] = {line_no, e.level, gid, template, e.sample, e.trace ? Py_True : Py_False,
                                     e.raw};
                PyObject *r = PyObject_Vectorcall(self->emit, args, 7, NULL);
                if (r != NULL) {
                    Py_DECREF(r);
                    rc = 0;
                }
                Py_DECREF(line_no);
            }
            Py_DECREF(gid);
        }
        Py_DECREF(template);
    }
    event_clear(&e);
    return rc;
}

/* _open(_Event(line_no, level, message, sample, kind, raw)): closes the open event, opens this one. Borrowed
 * arguments; raw may be NULL or None (the sample then). Returns the new event or NULL on error. */
static Event *open_event(Assembler *self, long long line_no, PyObject *level, PyObject *message, PyObject *sample,
                         int kind, PyObject *raw) {
    if (close_event(self) < 0)
        return NULL;
    if (raw == NULL || raw == Py_None)
        raw = sample;
    Py_ssize_t n = PyUnicode_GET_LENGTH(raw);
    if (n > self->raw_max) {   /* a long one is kept as its head and tail (a Docker record's `time` is at its end) */
        PyObject *head = PyUnicode_Substring(raw, 0, self->raw_head);
        PyObject *tail = head ? PyUnicode_Substring(raw, n - self->raw_tail, n) : NULL;
        raw = tail ? PyUnicode_Concat(head, tail) : NULL;
        Py_XDECREF(head);
        Py_XDECREF(tail);
        if (raw == NULL)
            return NULL;
    } else {
        Py_INCREF(raw);
    }
    Event *e = &self->cur;
    e->line_no = line_no;
    e->level = Py_NewRef(level);
    e->message = Py_NewRef(message);
    e->sample = Py_NewRef(sample);
    e->raw = raw;
    e->final = NULL;
    e->kind = kind;
    e->trace = false;
    e->exc_seen = kind != KIND_HEADER;
    e->await_chain = e->wants_next = e->wants_message = false;
    self->has_cur = true;
    self->gap = 0;
    self->after = 0;
    return e;
}

/* _special: a line _SPECIAL matched, by the name of the group that matched. */
static int special_line(Assembler *self, PyObject *kind, long long line_no, PyObject *line, Py_ssize_t after,
                        PyObject *raw) {
    Event *cur = self->has_cur ? &self->cur : NULL;
    bool chain = PyUnicode_CompareWithASCIIString(kind, "chain") == 0;
    if (chain || PyUnicode_CompareWithASCIIString(kind, "continuation") == 0) {
        if (cur != NULL) {
            if (chain)
                cur->await_chain = true;
            else
                cur->trace = true;
            self->gap = 0;
        }
        return 0;
    }
    if (PyUnicode_CompareWithASCIIString(kind, "crash") == 0) {
        if (cur != NULL) {
            int fatal = equal(cur->level, self->FATAL);
            if (fatal < 0)
                return -1;
            if (fatal && cur->kind == KIND_HEADER && after == 0) {
                cur->exc_seen = true;
                self->gap = 0;
                return 0;
            }
        }
        return open_event(self, line_no, self->FATAL, line, line, KIND_EXC, raw) ? 0 : -1;
    }
    if (cur != NULL && ((cur->kind == KIND_HEADER && !cur->exc_seen && after == 0) || cur->await_chain)) {
        cur->exc_seen = true;   /* the exception a logger prints right after its header line */
        cur->await_chain = false;
        self->gap = 0;
        return 0;
    }
    return open_event(self, line_no, self->ERROR, line, line, KIND_EXC, raw) ? 0 : -1;
}

/* severity.classify(line, context) -> (level, message, flags) unpacked; new references. */
static int classify(Assembler *self, PyObject *line, bool context, PyObject **level, PyObject **message,
                    long *flags) {
    PyObject *args[2] = {line, context ? Py_True : Py_False};
    PyObject *r = NULL;
    if (self->fast != Py_None) {
        r = PyObject_Vectorcall(self->fast, args, 2, NULL);
        if (r == NULL)
            return -1;
        if (r == Py_None)
            Py_CLEAR(r);
    }
    if (r == NULL && (r = PyObject_Vectorcall(self->classify, args, 2, NULL)) == NULL)
        return -1;
    if (!PyTuple_Check(r) || PyTuple_GET_SIZE(r) != 3) {
        Py_DECREF(r);
        PyErr_SetString(PyExc_TypeError, "classify must return (level, message, flags)");
        return -1;
    }
    *flags = PyLong_AsLong(PyTuple_GET_ITEM(r, 2));
    if (*flags == -1 && PyErr_Occurred()) {
        Py_DECREF(r);
        return -1;
    }
    *level = Py_NewRef(PyTuple_GET_ITEM(r, 0));
    *message = Py_NewRef(PyTuple_GET_ITEM(r, 1));
    Py_DECREF(r);
    return 0;
}

/* The body of Assembler.feed after the indented-line and traceback handling: classify and act on the level. */
static int frame_message_may_match(int kind, const void *d, Py_ssize_t n);   /* (below, with the special lines) */

static int feed_classified(Assembler *self, long long line_no, PyObject *line, PyObject *envelope_level,
                           PyObject *tag, PyObject *raw, Py_ssize_t after) {
    Event *cur = self->has_cur ? &self->cur : NULL;
    PyObject *level, *message;
    long flags;
    if (classify(self, line, cur != NULL || envelope_level != Py_None, &level, &message, &flags) < 0)
        return -1;
    int rc = -1, eq;
    if (level == Py_None && envelope_level != Py_None) {
        Py_DECREF(level);
        Py_DECREF(message);
        level = Py_NewRef(envelope_level);
        int tagged = PyObject_IsTrue(tag);
        if (tagged < 0) {
            message = NULL;
            goto done;
        }
        message = tagged ? PyUnicode_FromFormat("%S: %S", tag, line) : Py_NewRef(line);
        flags = 0;
        if (message == NULL)
            goto done;
    }
    if (level == Py_None) {
        if (cur != NULL && ++self->gap > self->max_gap && close_event(self) < 0)
            goto done;
        rc = 0;
        goto done;
    }
    if ((eq = equal(level, self->OTHER)) < 0)
        goto done;
    if (eq) {
        rc = close_event(self);
        goto done;
    }
    bool same_level = false;
    if (cur != NULL) {
        if ((eq = equal(cur->level, level)) < 0)
            goto done;
        same_level = eq;
    }
    if (!PyUnicode_Check(message)) {
        PyErr_SetString(PyExc_TypeError, "classify must return a str message");
        goto done;
    }
    if (blank(message)) {
        /* A header with nothing behind it (Rails): before any frame it goes on the open event of its level;
         * otherwise it opens one whose message the next same-level line gives. */
        if (same_level && !cur->trace) {
            self->gap = 0;
            rc = 0;
        } else {
            PyObject *empty = PyUnicode_New(0, 0);
            Event *e = empty ? open_event(self, line_no, level, empty, line, KIND_HEADER, raw) : NULL;
            Py_XDECREF(empty);
            if (e != NULL) {
                e->wants_message = true;
                rc = 0;
            }
        }
        goto done;
    }
    if (same_level && cur->wants_message && after == 0) {
        Py_SETREF(cur->message, Py_NewRef(message));
        Py_SETREF(cur->sample, Py_NewRef(line));
        cur->wants_message = false;
        self->gap = 0;
        rc = 0;
        goto done;
    }
    if (same_level) {
        int frame = frame_message_may_match(PyUnicode_KIND(message), PyUnicode_DATA(message),
                                            PyUnicode_GET_LENGTH(message)) ? matches(self->frame_message, message) : 0;
        if (frame < 0)
            goto done;
        if (frame) {   /* a backtrace line under the same level header: Ruby's Logger, one line a frame */
            cur->trace = true;
            self->gap = 0;
            rc = 0;
            goto done;
        }
    }
    Event *e = open_event(self, line_no, level, message, line, KIND_HEADER, raw);
    if (e != NULL) {
        e->trace = (flags & self->has_trace) != 0;
        e->wants_next = (flags & self->wants_next_flag) != 0;
        rc = 0;
    }
done:
    Py_DECREF(level);
    Py_XDECREF(message);
    return rc;
}

/* -- the special lines' prefilter --
 * A necessary condition for events._SPECIAL to match at the start of a line (the twin refuses another _SPECIAL: its
 * source is below). Its alternatives either start with one of SPECIAL_STARTS, or (the exception names) are a run of
 * [\w$.] from the start holding Exception, Error, Throwable or Fault: neither `:` nor a blank can be in that run, so
 * the first run of other characters holds the name. A line that passes neither cannot match: _SPECIAL is not run. */
static const char SPECIAL_SOURCE[] =
    "(?P<chain>During handling of the above exception|The above exception was the direct cause)|(?P<conti"
    "nuation>(?:Caused by|Suppressed|Wrapped by): |\\.\\.\\. \\d+ (?:more|common frames omitted)|--- End "
    "of |---> |goroutine \\d+ \\[|\\[signal |created by |stack backtrace:|\\[stacktrace\\]|#\\d+ [/{\\["
    "\\w]|\\\"at [\\w$.<>/]+\\()|(?P<crash>(?:panic|fatal error): )|(?P<exception>(?x:\n    Exception[ ]i"
    "n[ ]thread[ ] | Unhandled[ ][Ee]xception | Uncaught[ ](?:[\\w.\\\\]*(?:Error|Exception)|exception)"
    "\\b\n  | thread[ ]'[^']*'[ ]panicked[ ]at\n  | (?:[A-Za-z_$][\\w$]*\\.)+[A-Za-z_$][\\w$]*(?:Exceptio"
    "n|Error|Throwable|Fault)(?::|\\s*$)\n  | [A-Z]\\w*(?:Exception|Error)(?::[ ]|:?\\s*$) | Exception(?:"
    ":[ ]|\\s*$)\n))";

static const char *const SPECIAL_STARTS[] = {
    "During handling of the above exception", "The above exception was the direct cause",   /* chain */
    "Caused by: ", "Suppressed: ", "Wrapped by: ", "... ", "--- End of ", "---> ", "goroutine ", "[signal ",
    "created by ", "stack backtrace:", "[stacktrace]", "#", "\"at ",                         /* continuation */
    "panic: ", "fatal error: ",                                                                 /* crash */
    "Exception", "Unhandled ", "Uncaught ", "thread '",                                         /* exception */
};
static const char *const EXCEPTION_NAMES[] = {"Exception", "Error", "Throwable", "Fault"};

/* Whether the text at i is the ASCII string lit. */
static int starts_with_at(int kind, const void *d, Py_ssize_t n, Py_ssize_t i, const char *lit) {
    for (; *lit; lit++, i++)
        if (i >= n || PyUnicode_READ(kind, d, i) != (Py_UCS4)(unsigned char)*lit)
            return 0;
    return 1;
}

static int special_may_match(int kind, const void *d, Py_ssize_t n) {
    const Py_UCS4 first = n > 0 ? PyUnicode_READ(kind, d, 0) : 0;   /* every start is non-empty ASCII: its first
                                                                        character is compared first */
    for (size_t k = 0; k < sizeof SPECIAL_STARTS / sizeof SPECIAL_STARTS[0]; k++)
        if ((unsigned char)SPECIAL_STARTS[k][0] == first && starts_with_at(kind, d, n, 0, SPECIAL_STARTS[k]))
            return 1;
    Py_ssize_t end = 0;
    while (end < n) {
        const Py_UCS4 c = PyUnicode_READ(kind, d, end);
        if (c == ':' || Py_UNICODE_ISSPACE(c))
            break;
        end++;
    }
    for (Py_ssize_t i = 0; i < end; i++) {
        const Py_UCS4 c = PyUnicode_READ(kind, d, i);
        if (c != 'E' && c != 'T' && c != 'F')
            continue;
        for (size_t k = 0; k < sizeof EXCEPTION_NAMES / sizeof EXCEPTION_NAMES[0]; k++)
            if (starts_with_at(kind, d, end, i, EXCEPTION_NAMES[k]))   /* (inside the first word: bounded by end) */
                return 1;
    }
    return 0;
}

/* app.events._FRAME_MESSAGE (re.match, at the message's start); frame_message_may_match is written from it. */
#define FRAME_MESSAGE_SOURCE "(?:[\\w-]+ \\([\\w.-]+\\) )?\\S+:\\d+:in [`'\\w]|at [\\w$.<>/]+\\(|File \\\""

/* Whether _FRAME_MESSAGE.match can succeed on the text: only where it starts with `at ` or `File "` (the second and
 * third alternatives) or holds `:in ` (the first one's `:\d+:in `). Most messages hold none of them; the regex, whose
 * `\S+` backtracks over the message, is then not asked. */
static int frame_message_may_match(int kind, const void *d, Py_ssize_t n) {
    if (starts_with_at(kind, d, n, 0, "at ") || starts_with_at(kind, d, n, 0, "File \""))
        return 1;
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *b = d;
        for (const Py_UCS1 *p = memchr(b, ':', (size_t)n); p != NULL && p + 4 <= b + n;
             p = memchr(p + 1, ':', (size_t)(b + n - (p + 1))))
            if (p[1] == 'i' && p[2] == 'n' && p[3] == ' ')
                return 1;
        return 0;
    }
    for (Py_ssize_t i = 0; i + 4 <= n; i++)
        if (PyUnicode_READ(kind, d, i) == ':' && starts_with_at(kind, d, n, i + 1, "in "))
            return 1;
    return 0;
}

static int feed(Assembler *self, long long line_no, PyObject *line, PyObject *envelope_level, PyObject *tag,
                PyObject *raw) {
    if (!PyUnicode_Check(line)) {
        PyErr_SetString(PyExc_TypeError, "feed: line must be a str");
        return -1;
    }
    if (blank(line))
        return 0;
    int kind = PyUnicode_KIND(line);
    const void *d = PyUnicode_DATA(line);
    Py_ssize_t n = PyUnicode_GET_LENGTH(line);
    Py_UCS4 first = PyUnicode_READ(kind, d, 0);
    PyObject *owned = NULL;    /* the line without its indent, for an indented header */
    int rc = -1;
    if (first == ' ' || first == '\t') {
        Py_ssize_t k = indented_header(kind, d, n);
        if (k > 0) {   /* an indented header line: read as if it were not indented */
            if ((owned = PyUnicode_Substring(line, k, n)) == NULL)
                return -1;
            line = owned;
            kind = PyUnicode_KIND(line);
            d = PyUnicode_DATA(line);
            n = PyUnicode_GET_LENGTH(line);
            first = PyUnicode_READ(kind, d, 0);
        }
    }
    if (first == ' ' || first == '\t') {   /* frames, or the header's message going on (not counted in after) */
        if (self->has_cur) {
            Event *cur = &self->cur;
            self->gap = 0;
            if (cur->wants_next) {   /* .NET console logger: the message is on the first indented line */
                PyObject *stripped = PyObject_CallMethod(line, "strip", NULL);
                PyObject *joined = stripped ? PyUnicode_FromFormat("%S %S", cur->message, stripped) : NULL;
                Py_XDECREF(stripped);
                if (joined == NULL)
                    goto out;
                Py_SETREF(cur->message, joined);
                cur->wants_next = false;
                self->after = 0;
            }
            if (!cur->trace) {   /* (once set, the match cannot change anything) */
                int frame = self->in_tb ? 1 : matches(self->frame, line);
                if (frame < 0)
                    goto out;
                cur->trace = frame;
            }
        }
        rc = 0;
        goto out;
    }
    Py_ssize_t after = self->after++;
    if (self->in_tb) {
        self->in_tb = false;
        int final = matches(self->py_final, line);
        if (final < 0)
            goto out;
        if (final && PyUnicode_Tailmatch(line, self->TRACEBACK, 0, PY_SSIZE_T_MAX, -1) == 0) {
            if (self->has_cur)
                Py_XSETREF(self->cur.final, Py_NewRef(line));
            rc = 0;
            goto out;
        }
    }
    bool klog = (first == 'I' || first == 'W' || first == 'E' || first == 'F') && n >= 6
                && PyUnicode_READ(kind, d, 5) == ' ';
    for (Py_ssize_t i = 1; klog && i < 5; i++)
        klog = Py_UNICODE_ISDIGIT(PyUnicode_READ(kind, d, i));
    if (first >= 128 || !self->special_first[first] || klog) {
        /* a header line (a timestamp, `<PRI>`, `{`, klog's `E1127 `) cannot be any of the special lines */
    } else if (PyUnicode_Tailmatch(line, self->TRACEBACK, 0, PY_SSIZE_T_MAX, -1) == 1) {
        Event *cur = self->has_cur ? &self->cur : NULL;
        if (cur != NULL && ((cur->kind == KIND_HEADER && !cur->exc_seen && after == 0) || cur->await_chain)) {
            cur->trace = cur->exc_seen = true;
            cur->await_chain = false;
            self->gap = 0;
        } else {
            Event *e = open_event(self, line_no, self->ERROR, line, line, KIND_TB, raw);
            if (e == NULL)
                goto out;
            e->trace = true;
        }
        self->in_tb = true;
        rc = 0;
        goto out;
    } else if (special_may_match(kind, d, n)) {
        PyObject *m = PyObject_CallOneArg(self->special, line);
        if (m == NULL)
            goto out;
        if (m != Py_None) {
            PyObject *group = PyObject_GetAttrString(m, "lastgroup");
            Py_DECREF(m);
            if (group == NULL)
                goto out;
            rc = special_line(self, group, line_no, line, after, raw);
            Py_DECREF(group);
            goto out;
        }
        Py_DECREF(m);
    }
    rc = feed_classified(self, line_no, line, envelope_level, tag, raw, after);
out:
    Py_XDECREF(owned);
    return rc;
}

/* For the tests: special_may_match(line) -> bool. */
static PyObject *special_may_match_call(PyObject *module, PyObject *line) {
    if (!PyUnicode_Check(line)) {
        PyErr_SetString(PyExc_TypeError, "special_may_match(line): line must be a str");
        return NULL;
    }
    return PyBool_FromLong(special_may_match(PyUnicode_KIND(line), PyUnicode_DATA(line), PyUnicode_GET_LENGTH(line)));
}

/* For the tests: frame_message_may_match(text) -> bool. */
static PyObject *frame_message_may_match_call(PyObject *module, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "frame_message_may_match(text): text must be a str");
        return NULL;
    }
    return PyBool_FromLong(frame_message_may_match(PyUnicode_KIND(text), PyUnicode_DATA(text),
                                                   PyUnicode_GET_LENGTH(text)));
}

/* -- the Python type -- */

static int Assembler_init(Assembler *self, PyObject *args, PyObject *kwds) {
    PyObject *emit, *deps;
    if (!PyArg_ParseTuple(args, "OO!:Assembler", &emit, &PyDict_Type, &deps))
        return -1;
    /* what indented_header() implements */
    if (same_regex(deps, "INDENTED_HEADER", "[ \\t]+[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}[T ][0-9]", 0,
                   "app/_c_events.c") < 0)
        return -1;
    if (same_regex(deps, "SPECIAL", SPECIAL_SOURCE, 0, "app/_c_events.c (special_may_match)") < 0)
        return -1;
    if (same_regex(deps, "FRAME_MESSAGE", FRAME_MESSAGE_SOURCE, 0, "app/_c_events.c (frame_message_may_match)") < 0)
        return -1;
    struct { const char *name; PyObject **slot; } objects[] = {
        {"classify", &self->classify}, {"fast", &self->fast}, {"make_template", &self->make_template},
        {"group_id", &self->group_id}, {"frame", &self->frame}, {"py_final", &self->py_final},
        {"special", &self->special}, {"frame_message", &self->frame_message}, {"FATAL", &self->FATAL},
        {"ERROR", &self->ERROR}, {"OTHER", &self->OTHER}, {"TRACEBACK", &self->TRACEBACK},
    };
    for (size_t i = 0; i < sizeof objects / sizeof objects[0]; i++) {
        PyObject *v = dep(deps, objects[i].name);
        if (v == NULL)
            return -1;
        Py_XSETREF(*objects[i].slot, Py_NewRef(v));
    }
    Py_XSETREF(self->group_ids, PyDict_New());   /* (the group_id just taken may be another function) */
    self->group_ids_held = 0;
    if (self->group_ids == NULL)
        return -1;
    struct { const char *name; long *slot; } flags[] = {
        {"HAS_TRACE", &self->has_trace}, {"WANTS_NEXT", &self->wants_next_flag},
    };
    for (size_t i = 0; i < 2; i++) {
        PyObject *v = dep(deps, flags[i].name);
        if (v == NULL || ((*flags[i].slot = PyLong_AsLong(v)) == -1 && PyErr_Occurred()))
            return -1;
    }
    struct { const char *name; Py_ssize_t *slot; } sizes[] = {
        {"MAX_NEUTRAL_GAP", &self->max_gap}, {"RAW_MAX_CHARS", &self->raw_max},
        {"RAW_HEAD_CHARS", &self->raw_head}, {"RAW_TAIL_CHARS", &self->raw_tail},
    };
    for (size_t i = 0; i < 4; i++) {
        PyObject *v = dep(deps, sizes[i].name);
        if (v == NULL || ((*sizes[i].slot = PyLong_AsSsize_t(v)) == -1 && PyErr_Occurred()))
            return -1;
    }
    PyObject *first = dep(deps, "SPECIAL_FIRST");
    if (first == NULL || !PyUnicode_Check(first) || !PyUnicode_Check(self->TRACEBACK)) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "SPECIAL_FIRST and TRACEBACK must be str");
        return -1;
    }
    memset(self->special_first, 0, sizeof self->special_first);
    for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(first); i++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(first, i);
        if (c >= 128) {
            PyErr_SetString(PyExc_ValueError, "SPECIAL_FIRST must be ASCII");
            return -1;
        }
        self->special_first[c] = 1;
    }
    Py_XSETREF(self->emit, Py_NewRef(emit));
    event_clear(&self->cur);
    self->has_cur = self->in_tb = false;
    self->gap = self->after = 0;
    return 0;
}

static int Assembler_traverse(Assembler *self, visitproc visit, void *arg) {
    Py_VISIT(self->emit);
    Py_VISIT(self->classify);
    Py_VISIT(self->fast);
    Py_VISIT(self->make_template);
    Py_VISIT(self->group_id);
    Py_VISIT(self->group_ids);
    Py_VISIT(self->frame);
    Py_VISIT(self->py_final);
    Py_VISIT(self->special);
    Py_VISIT(self->frame_message);
    Py_VISIT(self->cur.level);
    Py_VISIT(self->cur.message);
    Py_VISIT(self->cur.sample);
    Py_VISIT(self->cur.raw);
    Py_VISIT(self->cur.final);
    return 0;
}

static int Assembler_clear(Assembler *self) {
    Py_CLEAR(self->emit);
    Py_CLEAR(self->classify);
    Py_CLEAR(self->fast);
    Py_CLEAR(self->make_template);
    Py_CLEAR(self->group_id);
    Py_CLEAR(self->group_ids);
    Py_CLEAR(self->frame);
    Py_CLEAR(self->py_final);
    Py_CLEAR(self->special);
    Py_CLEAR(self->frame_message);
    Py_CLEAR(self->FATAL);
    Py_CLEAR(self->ERROR);
    Py_CLEAR(self->OTHER);
    Py_CLEAR(self->TRACEBACK);
    event_clear(&self->cur);
    self->has_cur = false;
    return 0;
}

static void Assembler_dealloc(Assembler *self) {
    PyObject_GC_UnTrack(self);
    Assembler_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Assembler_feed(Assembler *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *values[5] = {NULL, NULL, Py_None, Py_None, Py_None};
    static const char *const names[5] = {"line_no", "line", "envelope_level", "tag", "raw"};
    if (nargs > 5) {
        PyErr_SetString(PyExc_TypeError, "feed takes at most 5 arguments");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nargs; i++)
        values[i] = args[i];
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t j = 0; j < nkw; j++) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, j);
        int i = 0;
        while (i < 5 && PyUnicode_CompareWithASCIIString(key, names[i]) != 0)
            i++;
        if (i == 5 || i < nargs) {
            PyErr_Format(PyExc_TypeError, "feed: unexpected or repeated argument %R", key);
            return NULL;
        }
        values[i] = args[nargs + j];
    }
    if (values[0] == NULL || values[1] == NULL) {
        PyErr_SetString(PyExc_TypeError, "feed needs line_no and line");
        return NULL;
    }
    long long line_no = PyLong_AsLongLong(values[0]);
    if (line_no == -1 && PyErr_Occurred())
        return NULL;
    if (feed(self, line_no, values[1], values[2], values[3], values[4]) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *Assembler_finish(Assembler *self, PyObject *unused) {
    if (close_event(self) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static int capi_boundary(PyObject *self);
static int capi_is_open(PyObject *self);
static int capi_inert(PyObject *self);

static PyObject *Assembler_boundary(Assembler *self, PyObject *unused) {
    if (capi_boundary((PyObject *)self) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *Assembler_inert(Assembler *self, PyObject *unused) {
    return PyBool_FromLong(capi_inert((PyObject *)self));
}

static PyObject *Assembler_export_state(Assembler *self, PyObject *unused) {
    PyObject *event = Py_None;
    Py_INCREF(event);
    if (self->has_cur) {
        Event *e = &self->cur;
        Py_DECREF(event);
        event = Py_BuildValue("(LOOOOiNNNONN)", e->line_no, e->level, e->message, e->sample, e->raw, e->kind,
                              PyBool_FromLong(e->trace), PyBool_FromLong(e->exc_seen),
                              PyBool_FromLong(e->await_chain), e->final ? e->final : Py_None,
                              PyBool_FromLong(e->wants_next), PyBool_FromLong(e->wants_message));
        if (event == NULL)
            return NULL;
    }
    return Py_BuildValue("(NNnn)", event, PyBool_FromLong(self->in_tb), self->gap, self->after);
}

static PyObject *Assembler_restore_state(Assembler *self, PyObject *args) {
    PyObject *event;
    int in_tb;
    Py_ssize_t gap, after;
    long long offset;
    if (!PyArg_ParseTuple(args, "(Opnn)L:restore_state", &event, &in_tb, &gap, &after, &offset))
        return NULL;
    Event e = {0};
    if (event != Py_None) {
        PyObject *final;
        int trace, exc_seen, await_chain, wants_next, wants_message;
        if (!PyArg_ParseTuple(event, "LOOOOipppOpp:restore_state", &e.line_no, &e.level, &e.message, &e.sample,
                              &e.raw, &e.kind, &trace, &exc_seen, &await_chain, &final, &wants_next,
                              &wants_message))
            return NULL;
        e.line_no += offset;
        Py_INCREF(e.level);
        Py_INCREF(e.message);
        Py_INCREF(e.sample);
        Py_INCREF(e.raw);
        e.final = final == Py_None ? NULL : Py_NewRef(final);
        e.trace = trace;
        e.exc_seen = exc_seen;
        e.await_chain = await_chain;
        e.wants_next = wants_next;
        e.wants_message = wants_message;
    }
    event_clear(&self->cur);
    self->cur = e;
    self->has_cur = event != Py_None;
    self->in_tb = in_tb;
    self->gap = gap;
    self->after = after;
    Py_RETURN_NONE;
}

static PyObject *Assembler_get_open(Assembler *self, void *unused) {
    return PyBool_FromLong(capi_is_open((PyObject *)self));
}

static PyObject *Assembler_get_in_tb(Assembler *self, void *unused) {
    return PyBool_FromLong(self->in_tb);
}

static PyMethodDef Assembler_methods[] = {
    {"feed", (PyCFunction)(void (*)(void))Assembler_feed, METH_FASTCALL | METH_KEYWORDS,
     "feed(line_no, line, envelope_level=None, tag=None, raw=None): one inner line (app.events.Assembler.feed)"},
    {"finish", (PyCFunction)Assembler_finish, METH_NOARGS, "closes the open event"},
    {"boundary", (PyCFunction)Assembler_boundary, METH_NOARGS, "a record boundary: nothing above continues"},
    {"indented_lines_are_inert", (PyCFunction)Assembler_inert, METH_NOARGS,
     "True when indented lines cannot change anything"},
    {"export_state", (PyCFunction)Assembler_export_state, METH_NOARGS,
     "(event fields or None, in_tb, gap, after): picklable"},
    {"restore_state", (PyCFunction)Assembler_restore_state, METH_VARARGS,
     "restore_state(state, line_offset): a state export_state gave, its line numbers shifted by line_offset"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Assembler_getset[] = {
    {"open", (getter)Assembler_get_open, NULL, "an event (or a traceback) is open", NULL},
    {"in_tb", (getter)Assembler_get_in_tb, NULL, "inside a Python traceback", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject AssemblerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "app._c_events.Assembler",
    .tp_basicsize = sizeof(Assembler),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "The compiled twin of app.events.Assembler: Assembler(emit, deps).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Assembler_init,
    .tp_dealloc = (destructor)Assembler_dealloc,
    .tp_traverse = (traverseproc)Assembler_traverse,
    .tp_clear = (inquiry)Assembler_clear,
    .tp_methods = Assembler_methods,
    .tp_getset = Assembler_getset,
};

/* -- ChunkSink: a parallel worker's events, summed without a Python call (app.scan.ChunkSink is the reference) --
 *
 * ChunkSink(split, keep_events, make_sample) is called as the assembler's emit, (line_no, level, gid, template,
 * sample, trace, raw): every event is summed per group into `groups` as app.scan.GroupSums.add sums it ([level,
 * template, make_sample(sample), count, traces, first_line, last_line, first_raw, last_raw]), one past line `split`
 * into `late_groups` too, one up to it kept whole in `early` (a tuple of the seven; a negative split: neither, the
 * sums alone), and with keep_events (line_no, level, gid, trace) appended to `events` (else None). */

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    long long split;
    PyObject *groups, *late_groups, *early, *events, *make_sample;
} ChunkSink;

/* GroupSums.add into the dict d. Borrowed arguments; 0, or -1 with an exception. */
static int sum_event(PyObject *d, PyObject *make_sample, PyObject *const *a, PyObject *raw, int trace) {
    PyObject *group = PyDict_GetItemWithError(d, a[2]);
    if (group == NULL) {
        if (PyErr_Occurred())
            return -1;
        PyObject *sample = PyObject_CallOneArg(make_sample, a[4]);
        if (sample == NULL)
            return -1;
        PyObject *list = PyList_New(9);
        if (list == NULL) {
            Py_DECREF(sample);
            return -1;
        }
        PyObject *items[9] = {Py_NewRef(a[1]), Py_NewRef(a[3]), sample, PyLong_FromLong(1), PyLong_FromLong(trace),
                              Py_NewRef(a[0]), Py_NewRef(a[0]), Py_NewRef(raw), Py_NewRef(raw)};
        int rc = items[3] != NULL && items[4] != NULL ? 0 : -1;
        for (int k = 0; k < 9; k++)
            PyList_SET_ITEM(list, k, items[k]);   /* (a NULL item: the list is dropped below) */
        if (rc == 0)
            rc = PyDict_SetItem(d, a[2], list);
        Py_DECREF(list);
        return rc;
    }
    if (!PyList_CheckExact(group) || PyList_GET_SIZE(group) != 9) {
        PyErr_SetString(PyExc_TypeError, "ChunkSink: a group's sums must be a list of 9");
        return -1;
    }
    long long count = PyLong_AsLongLong(PyList_GET_ITEM(group, 3));
    long long traces = count == -1 && PyErr_Occurred() ? -1 : PyLong_AsLongLong(PyList_GET_ITEM(group, 4));
    if (traces == -1 && PyErr_Occurred())
        return -1;
    PyObject *c = PyLong_FromLongLong(count + 1);
    PyObject *t = c != NULL && trace ? PyLong_FromLongLong(traces + 1) : NULL;
    if (c == NULL || (trace && t == NULL)) {
        Py_XDECREF(c);
        return -1;
    }
    PyList_SetItem(group, 3, c);   /* (steals c; releases the old count) */
    if (trace)
        PyList_SetItem(group, 4, t);
    PyList_SetItem(group, 6, Py_NewRef(a[0]));
    PyList_SetItem(group, 8, Py_NewRef(raw));
    return 0;
}

static PyObject *ChunkSink_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    ChunkSink *self = (ChunkSink *)callable;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if ((nargs != 6 && nargs != 7) || (kwnames != NULL && PyTuple_GET_SIZE(kwnames) != 0)) {
        PyErr_SetString(PyExc_TypeError,
                        "ChunkSink(line_no, level, gid, template, sample, trace, raw=None) takes 6 or 7 arguments");
        return NULL;
    }
    PyObject *raw = nargs == 7 ? args[6] : Py_None;
    long long line_no = PyLong_AsLongLong(args[0]);
    if (line_no == -1 && PyErr_Occurred())
        return NULL;
    int trace = PyObject_IsTrue(args[5]);
    if (trace < 0 || sum_event(self->groups, self->make_sample, args, raw, trace) < 0)
        return NULL;
    if (self->split < 0) {
        /* the sums alone */
    } else if (line_no > self->split) {
        if (sum_event(self->late_groups, self->make_sample, args, raw, trace) < 0)
            return NULL;
    } else {
        PyObject *event = PyTuple_Pack(7, args[0], args[1], args[2], args[3], args[4], args[5], raw);
        int rc = event == NULL ? -1 : PyList_Append(self->early, event);
        Py_XDECREF(event);
        if (rc < 0)
            return NULL;
    }
    if (self->events != Py_None) {
        PyObject *event = PyTuple_Pack(4, args[0], args[1], args[2], args[5]);
        int rc = event == NULL ? -1 : PyList_Append(self->events, event);
        Py_XDECREF(event);
        if (rc < 0)
            return NULL;
    }
    Py_RETURN_NONE;
}

static int ChunkSink_init(ChunkSink *self, PyObject *args, PyObject *kwds) {
    long long split;
    int keep_events;
    PyObject *make_sample;
    static char *kwlist[] = {"split", "keep_events", "make_sample", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "LpO:ChunkSink", kwlist, &split, &keep_events, &make_sample))
        return -1;
    if (!PyCallable_Check(make_sample)) {
        PyErr_SetString(PyExc_TypeError, "ChunkSink: make_sample must be callable");
        return -1;
    }
    self->split = split;
    Py_XSETREF(self->make_sample, Py_NewRef(make_sample));
    Py_XSETREF(self->groups, PyDict_New());
    Py_XSETREF(self->late_groups, PyDict_New());
    Py_XSETREF(self->early, PyList_New(0));
    Py_XSETREF(self->events, keep_events ? PyList_New(0) : Py_NewRef(Py_None));
    if (self->groups == NULL || self->late_groups == NULL || self->early == NULL || self->events == NULL)
        return -1;
    self->vectorcall = ChunkSink_vectorcall;
    return 0;
}

static int ChunkSink_traverse(ChunkSink *self, visitproc visit, void *arg) {
    Py_VISIT(self->groups);
    Py_VISIT(self->late_groups);
    Py_VISIT(self->early);
    Py_VISIT(self->events);
    Py_VISIT(self->make_sample);
    return 0;
}

static int ChunkSink_clear(ChunkSink *self) {
    Py_CLEAR(self->groups);
    Py_CLEAR(self->late_groups);
    Py_CLEAR(self->early);
    Py_CLEAR(self->events);
    Py_CLEAR(self->make_sample);
    return 0;
}

static void ChunkSink_dealloc(ChunkSink *self) {
    PyObject_GC_UnTrack(self);
    ChunkSink_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMemberDef ChunkSink_members[] = {
    {"groups", T_OBJECT, offsetof(ChunkSink, groups), READONLY, "every event summed per group (GroupSums.groups)"},
    {"late_groups", T_OBJECT, offsetof(ChunkSink, late_groups), READONLY, "the events past line `split`, summed"},
    {"early", T_OBJECT, offsetof(ChunkSink, early), READONLY, "the events up to line `split`, each a tuple of 7"},
    {"events", T_OBJECT, offsetof(ChunkSink, events), READONLY, "(line_no, level, gid, trace) each, or None"},
    {NULL, 0, 0, 0, NULL},
};

static PyTypeObject ChunkSinkType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "app._c_events.ChunkSink",
    .tp_basicsize = sizeof(ChunkSink),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "The compiled twin of app.scan.ChunkSink: ChunkSink(split, keep_events, make_sample).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)ChunkSink_init,
    .tp_dealloc = (destructor)ChunkSink_dealloc,
    .tp_traverse = (traverseproc)ChunkSink_traverse,
    .tp_clear = (inquiry)ChunkSink_clear,
    .tp_members = ChunkSink_members,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(ChunkSink, vectorcall),
};

/* -- the capsule's functions (app/_c_events.h) -- */

static int capi_feed(PyObject *self, long long line_no, PyObject *line, PyObject *envelope_level, PyObject *tag,
                     PyObject *raw) {
    return feed((Assembler *)self, line_no, line, envelope_level, tag, raw);
}

static int capi_boundary(PyObject *self) {
    if (close_event((Assembler *)self) < 0)
        return -1;
    ((Assembler *)self)->in_tb = false;
    return 0;
}

static int capi_is_open(PyObject *self) {
    return ((Assembler *)self)->has_cur || ((Assembler *)self)->in_tb;
}

static int capi_inert(PyObject *self) {
    Assembler *a = (Assembler *)self;
    return a->has_cur && a->cur.trace && !a->cur.wants_next && a->gap == 0;
}

static EventsCAPI capi = {&AssemblerType, capi_feed, capi_boundary, capi_is_open, capi_inert};

static PyMethodDef module_methods[] = {
    {"special_may_match", special_may_match_call, METH_O,
     "special_may_match(line) -> bool: False where app.events._SPECIAL cannot match at the line's start."},
    {"frame_message_may_match", frame_message_may_match_call, METH_O,
     "frame_message_may_match(text) -> bool: False where app.events._FRAME_MESSAGE cannot match at the text's start."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "app._c_events", "Compiled twin of app.events.Assembler.", -1, module_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__c_events(void) {
    if (PyType_Ready(&AssemblerType) < 0 || PyType_Ready(&ChunkSinkType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (m == NULL)
        return NULL;
    PyObject *capsule = PyCapsule_New(&capi, EVENTS_CAPSULE, NULL);
    if (capsule == NULL || PyModule_AddObjectRef(m, "Assembler", (PyObject *)&AssemblerType) < 0
        || PyModule_AddObjectRef(m, "ChunkSink", (PyObject *)&ChunkSinkType) < 0
        || PyModule_AddObjectRef(m, "_C_API", capsule) < 0) {
        Py_XDECREF(capsule);
        Py_DECREF(m);
        return NULL;
    }
    Py_DECREF(capsule);
    return m;
}
