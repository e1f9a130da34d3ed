/* Compiled fast paths for app.records.docker_record and app.records.journald_record (module app._c_envelope).
 * (journald_record: see parse_journald; the rest of this comment is about docker_record.)
 *
 * docker_record(line) -> (stream_label, text, complete), the three arguments _docker hands to _join after
 * json.loads(line), strip_controls_text(obj["log"]) and the rstrip of a complete line's "\n"/"\r", or None
 * ("decline: let the Python code do it").
 *
 * It answers for the common Docker json-file shape only: one JSON object, any key order, every value a string,
 * a "log" key; whitespace where json allows it ([ \t\n\r]); escapes decoded exactly as json's scanner does them,
 * lone surrogates included (json keeps a \uD800-\uDBFF escape alone unless a \uDC00-\uDFFF escape follows
 * right after). Duplicate keys are fine: json.loads keeps the last value and so does the scan here. Declined:
 * any non-string value (numbers, null, nested objects or arrays), a key holding an escape (it could spell "log"),
 * raw control characters in a string, invalid escapes, unterminated strings, trailing garbage, anything not a str.
 *
 * strip_controls_text is reproduced on the decoded text: NUL characters go first, then the matches of
 * app.text._ANSI_TEXT, then every ESC left (see ansi_len for why a single greedy pass gives sre's matches).
 *
 * No global mutable state: the stream labels live in the module state, written once at module exec.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define END_CH ((Py_UCS4)0xFFFFFFFFu)   /* "past the end": no JSON token starts with it */
#define STACK_CHARS 512                  /* decoded log text up to this length needs no heap buffer */
#define ESC 0x1b
/* The readers of the line are inlined into one copy of parse() per str kind: with the kind a constant,
 * PyUnicode_READ is a plain load instead of a switch per character. */
#define INLINE static inline __attribute__((always_inline))

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
} Text;

typedef struct {
    PyObject *levels[4];      /* "FATAL", "ERROR", "WARN", "OTHER": app.severity's classes */
    PyObject *stdout_label;   /* "docker-stdout" */
    PyObject *stderr_label;   /* "docker-stderr" */
    PyObject *none_label;     /* "docker-None": str(obj.get("stream")) without a "stream" key */
    PyObject *prefix;         /* "docker-" */
} State;

INLINE Py_UCS4 ch(const Text *t, Py_ssize_t i) {
    return i < t->n ? PyUnicode_READ(t->kind, t->data, i) : END_CH;
}

#include "_c_json.h"

/* Length of the match of app.text._ANSI_TEXT at s[i] (an ESC), or 0 where it has none:
 *     \x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b\n]{0,512}(?:\x07|\x1b\\)|[ -/]*[0-~])
 * In each alternative a repeated class is disjoint from what must follow it, so giving back characters can never
 * let sre's backtracking match where the greedy pass here failed: the first alternative that matches greedily is
 * sre's match. */
static Py_ssize_t ansi_len(const Py_UCS4 *s, Py_ssize_t i, Py_ssize_t n) {
    Py_ssize_t j = i + 1, k;
    if (j < n && s[j] == '[') {   /* CSI */
        for (k = j + 1; k < n && s[k] >= '0' && s[k] <= '?'; k++)
            ;
        for (; k < n && s[k] >= ' ' && s[k] <= '/'; k++)
            ;
        if (k < n && s[k] >= '@' && s[k] <= '~')
            return k + 1 - i;
    } else if (j < n && s[j] == ']') {   /* OSC, ended by BEL or ESC \ */
        Py_ssize_t end = j + 1 + 512 < n ? j + 1 + 512 : n;
        for (k = j + 1; k < end && s[k] != 0x07 && s[k] != ESC && s[k] != '\n'; k++)
            ;
        if (k < n && s[k] == 0x07)
            return k + 1 - i;
        if (k + 1 < n && s[k] == ESC && s[k + 1] == '\\')
            return k + 2 - i;
    }
    /* a two-byte escape (also what `ESC [` and `ESC ]` are when their longer form does not match) */
    for (k = j; k < n && s[k] >= ' ' && s[k] <= '/'; k++)
        ;
    if (k < n && s[k] >= '0' && s[k] <= '~')
        return k + 1 - i;
    return 0;
}

/* strip_controls_text's ANSI step, in place: matched sequences go, then every ESC left (an unmatched ESC is
 * skipped by re.sub too, and no match can start at a character other than ESC). Returns the new length. */
static Py_ssize_t strip_ansi(Py_UCS4 *s, Py_ssize_t n) {
    Py_ssize_t w = 0;
    for (Py_ssize_t i = 0; i < n;) {
        if (s[i] == ESC) {
            Py_ssize_t len = ansi_len(s, i, n);
            i += len ? len : 1;
        } else {
            s[w++] = s[i++];
        }
    }
    return w;
}

INLINE int raw_equals(const Text *t, Py_ssize_t lo, Py_ssize_t hi, const char *lit, Py_ssize_t len) {
    if (hi - lo != len)
        return 0;
    for (Py_ssize_t k = 0; k < len; k++)
        if (PyUnicode_READ(t->kind, t->data, lo + k) != (Py_UCS4)(unsigned char)lit[k])
            return 0;
    return 1;
}

/* "docker-" + the decoded stream value; the two usual values come from the module state. */
INLINE PyObject *stream_label(const State *st, const Text *t, Py_ssize_t lo, Py_ssize_t hi) {
    if (lo < 0)
        return Py_NewRef(st->none_label);
    if (raw_equals(t, lo, hi, "stdout", 6))   /* compared raw: a body with an escape holds a backslash */
        return Py_NewRef(st->stdout_label);
    if (raw_equals(t, lo, hi, "stderr", 6))
        return Py_NewRef(st->stderr_label);
    Py_UCS4 *buf = PyMem_New(Py_UCS4, hi - lo + 1);   /* + 1: never a zero-size request */
    if (buf == NULL)
        return PyErr_NoMemory();
    int esc;   /* unused: the stream is not cleaned (_docker does not clean it) */
    PyObject *value = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, json_decode(t, lo, hi, buf, 0, &esc));
    PyMem_Free(buf);
    if (value == NULL)
        return NULL;
    PyObject *label = PyUnicode_Concat(st->prefix, value);
    Py_DECREF(value);
    return label;
}

/* One JSON object whose values are all strings and whose keys hold no escape (an escaped key could spell a wanted
 * one: not worth the decoding): for each of the n names, the body span of its last value (json.loads keeps the
 * last), lo = -1 where it is absent. 0, or -1 where the text is no such object (declined). */
INLINE int string_object(const Text *t, const char *const *names, int n, Py_ssize_t *lo, Py_ssize_t *hi) {
    for (int k = 0; k < n; k++)
        lo[k] = hi[k] = -1;
    int escaped;
    Py_ssize_t i = json_skip_ws(t, 0);
    if (ch(t, i) != '{')
        return -1;
    i = json_skip_ws(t, i + 1);
    for (;;) {
        if (ch(t, i) != '"')
            return -1;   /* `{}`, a trailing comma, an unquoted key */
        Py_ssize_t key_lo = i + 1;
        i = json_scan_string(t, i, &escaped);
        if (i < 0 || escaped)
            return -1;
        Py_ssize_t key_hi = i - 1;
        i = json_skip_ws(t, i);
        if (ch(t, i) != ':')
            return -1;
        i = json_skip_ws(t, i + 1);
        if (ch(t, i) != '"')
            return -1;   /* a value of another type: json.loads' business */
        Py_ssize_t value_lo = i + 1;
        i = json_scan_string(t, i, &escaped);
        if (i < 0)
            return -1;
        for (int k = 0; k < n; k++)
            if (raw_equals(t, key_lo, key_hi, names[k], (Py_ssize_t)strlen(names[k]))) {
                lo[k] = value_lo, hi[k] = i - 1;
                break;
            }
        i = json_skip_ws(t, i);
        Py_UCS4 c = ch(t, i);
        if (c == '}')
            break;
        if (c != ',')
            return -1;
        i = json_skip_ws(t, i + 1);
    }
    return json_skip_ws(t, i + 1) == t->n ? 0 : -1;   /* ("Extra data" after the object) */
}

static const char *const DOCKER_KEYS[2] = {"log", "stream"};

/* json_decode of a body [lo, hi) that json_scan_string accepted, for a 1-byte str, written as 1-byte characters
 * (out: room for hi - lo; ascii: the str is ASCII): runs between backslashes are copied whole. Returns the length and sets *max (127, or
 * 255 where a character is above ASCII); -1 where an escape gives a character above 0xFF (a surrogate too) or an
 * ESC, which the UCS-4 path answers (strip_ansi works there). NULs (`\u0000`) are dropped as drop_nul does; a raw
 * one cannot occur (the scanner refuses control characters). */
static Py_ssize_t decode_ucs1(const Py_UCS1 *s, Py_ssize_t lo, Py_ssize_t hi, int ascii, Py_UCS1 *out,
                              Py_UCS4 *max) {
    Py_ssize_t n = 0, i = lo;
    unsigned seen = 0;
    while (i < hi) {
        const Py_UCS1 *bs = memchr(s + i, '\\', (size_t)(hi - i));
        const Py_ssize_t run = (bs ? bs - s : hi) - i;
        memcpy(out + n, s + i, (size_t)run);
        for (Py_ssize_t k = 0; k < run && !ascii; k++)   /* (an ASCII str's characters are: spare the pass) */
            seen |= s[i + k];
        n += run;
        i += run;
        if (i >= hi)
            break;
        unsigned c = s[i + 1];   /* (a body never ends in a lone backslash) */
        i += 2;
        if (c != 'u') {
            c = json_short_escape(c);
        } else {
            const Text t = {PyUnicode_1BYTE_KIND, s, hi};
            c = (unsigned)json_hex4(&t, i);
            i += 4;
            if (c > 0xFF || c == ESC)
                return -1;
            if (c == 0)
                continue;
        }
        out[n++] = (Py_UCS1)c;
        seen |= c;
    }
    *max = seen & 0x80 ? 255 : 127;
    return n;
}

/* Cuts a complete line's "\n"s then "\r"s off the n characters read by at(i); whether it was complete. */
#define CUT_LINE_END(at, n, complete)                                                                          \
    do {                                                                                                       \
        (complete) = (n) > 0 && at((n) - 1) == '\n';                                                           \
        if (complete) {                                                                                        \
            while ((n) > 0 && at((n) - 1) == '\n')                                                             \
                (n)--;                                                                                         \
            while ((n) > 0 && at((n) - 1) == '\r')                                                             \
                (n)--;                                                                                         \
        }                                                                                                      \
    } while (0)

/* The "log" body [lo, hi) of a 1-byte str as text: decode_ucs1's, a complete line cut; NULL with *declined set
 * where decode_ucs1 leaves it to text_ucs4, NULL alone on an error. (Most Docker lines: no UCS-4 buffer, and no
 * pass to find the widest character and narrow it again.) */
static PyObject *text_ucs1(const Py_UCS1 *s, Py_ssize_t lo, Py_ssize_t hi, int ascii, int *complete,
                           int *declined) {
    Py_UCS1 stack[4 * STACK_CHARS], *buf = stack;
    *declined = 0;
    if (hi - lo > (Py_ssize_t)sizeof stack && (buf = PyMem_Malloc((size_t)(hi - lo))) == NULL)
        return PyErr_NoMemory();
    Py_UCS4 max;
    Py_ssize_t n = decode_ucs1(s, lo, hi, ascii, buf, &max);
    PyObject *text = NULL;
    if (n < 0) {
        *declined = 1;
    } else {
#define AT(i) buf[i]
        CUT_LINE_END(AT, n, *complete);
#undef AT
        if ((text = PyUnicode_New(n, max)) != NULL)
            memcpy(PyUnicode_1BYTE_DATA(text), buf, (size_t)n);
    }
    if (buf != stack)
        PyMem_Free(buf);
    return text;
}

/* The "log" body [lo, hi) of any str as text: decoded without NUL, ANSI stripped, a complete line cut. */
INLINE PyObject *text_ucs4(const Text *t, Py_ssize_t lo, Py_ssize_t hi, int *complete) {
    Py_UCS4 stack[STACK_CHARS], *buf = stack;
    if (hi - lo > STACK_CHARS && (buf = PyMem_New(Py_UCS4, hi - lo)) == NULL)
        return PyErr_NoMemory();
    int esc;
    Py_ssize_t n = json_decode(t, lo, hi, buf, 1, &esc);
    if (esc)
        n = strip_ansi(buf, n);
#define AT(i) buf[i]
    CUT_LINE_END(AT, n, *complete);
#undef AT
    PyObject *text = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, n);
    if (buf != stack)
        PyMem_Free(buf);
    return text;
}

INLINE PyObject *parse(const State *st, const Text t, int ascii) {
    Py_ssize_t lo[2], hi[2];
    if (string_object(&t, DOCKER_KEYS, 2, lo, hi) < 0 || lo[0] < 0)
        Py_RETURN_NONE;   /* no "log": _docker declines too */
    const Py_ssize_t log_lo = lo[0], log_hi = hi[0], stream_lo = lo[1], stream_hi = hi[1];

    /* the text: decoded without NUL, ANSI stripped, a complete line's "\n"s then "\r"s cut off */
    int complete = 0, declined = 1;
    PyObject *text = NULL;
    if (t.kind == PyUnicode_1BYTE_KIND && (text = text_ucs1(t.data, log_lo, log_hi, ascii, &complete, &declined)) == NULL &&
        !declined)
        return NULL;
    if (declined && (text = text_ucs4(&t, log_lo, log_hi, &complete)) == NULL)
        return NULL;

    PyObject *label = stream_label(st, &t, stream_lo, stream_hi);
    if (label == NULL) {
        Py_DECREF(text);
        return NULL;
    }
    PyObject *result = PyTuple_New(3);
    if (result == NULL) {
        Py_DECREF(text);
        Py_DECREF(label);
        return NULL;
    }
    PyTuple_SET_ITEM(result, 0, label);
    PyTuple_SET_ITEM(result, 1, text);
    PyTuple_SET_ITEM(result, 2, Py_NewRef(complete ? Py_True : Py_False));
    return result;
}

/* A decoded string value: with `clean`, NULs dropped and ANSI stripped (strip_controls_text); NULL on error. */
static PyObject *decoded(const Text *t, Py_ssize_t lo, Py_ssize_t hi, int clean) {
    Py_UCS4 stack[STACK_CHARS], *buf = stack;
    stack[0] = 0;   /* (an empty value reads none of it) */
    if (hi - lo > STACK_CHARS && (buf = PyMem_New(Py_UCS4, hi - lo)) == NULL)
        return PyErr_NoMemory();
    int esc;
    Py_ssize_t n = json_decode(t, lo, hi, buf, clean, &esc);
    if (clean && esc)
        n = strip_ansi(buf, n);
    PyObject *value = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, n);
    if (buf != stack)
        PyMem_Free(buf);
    return value;
}

enum { J_MESSAGE, J_PRIORITY, J_IDENTIFIER, J_COMM, J_PID, J_KEYS };
static const char *const JOURNALD_KEYS[J_KEYS] = {"MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "_COMM", "_PID"};

/* records.journald_record for an export line whose values are all strings: (message, level, tag, pid), or None
 * (declined: the Python code answers, also where the line is no journald record). */
INLINE PyObject *parse_journald(const State *st, const Text t) {
    Py_ssize_t lo[J_KEYS], hi[J_KEYS];
    if (string_object(&t, JOURNALD_KEYS, J_KEYS, lo, hi) < 0 || lo[J_MESSAGE] < 0)
        Py_RETURN_NONE;   /* (a byte-array MESSAGE, a list of values: json.loads reads them) */
    /* PRIORITY: str(p).isdecimal() and int(p) <= 7 -> syslog_level; read here only as plain ASCII digits */
    PyObject *level = Py_None;
    if (lo[J_PRIORITY] >= 0) {
        long value = 0;
        if (hi[J_PRIORITY] == lo[J_PRIORITY])
            value = 8;   /* "": not decimal, no level */
        for (Py_ssize_t k = lo[J_PRIORITY]; k < hi[J_PRIORITY]; k++) {
            Py_UCS4 c = PyUnicode_READ(t.kind, t.data, k);
            if (c < '0' || c > '9')
                Py_RETURN_NONE;   /* an escape, a sign, another script's digits: declined */
            value = value > 7 ? value : value * 10 + (long)(c - '0');
        }
        if (value <= 7)
            level = st->levels[value <= 2 ? 0 : value == 3 ? 1 : value == 4 ? 2 : 3];
    }
    PyObject *message = decoded(&t, lo[J_MESSAGE], hi[J_MESSAGE], 1);
    PyObject *tag = NULL, *pid = NULL;
    if (message == NULL)
        return NULL;
    /* tag: SYSLOG_IDENTIFIER or _COMM (`or`: an empty identifier gives way) */
    int k = lo[J_IDENTIFIER] >= 0 && hi[J_IDENTIFIER] > lo[J_IDENTIFIER] ? J_IDENTIFIER : J_COMM;
    tag = lo[k] >= 0 ? decoded(&t, lo[k], hi[k], 0) : Py_NewRef(Py_None);
    pid = lo[J_PID] >= 0 ? decoded(&t, lo[J_PID], hi[J_PID], 0) : Py_NewRef(Py_None);
    if (tag == NULL || pid == NULL) {
        Py_DECREF(message);
        Py_XDECREF(tag);
        Py_XDECREF(pid);
        return NULL;
    }
    return Py_BuildValue("(NONN)", message, level, tag, pid);
}

static PyObject *journald_record(PyObject *module, PyObject *line) {
    if (!PyUnicode_Check(line))
        Py_RETURN_NONE;
    const State *st = PyModule_GetState(module);
    const void *data = PyUnicode_DATA(line);
    Py_ssize_t n = PyUnicode_GET_LENGTH(line);
    switch (PyUnicode_KIND(line)) {
    case PyUnicode_1BYTE_KIND: return parse_journald(st, (Text){PyUnicode_1BYTE_KIND, data, n});
    case PyUnicode_2BYTE_KIND: return parse_journald(st, (Text){PyUnicode_2BYTE_KIND, data, n});
    default: return parse_journald(st, (Text){PyUnicode_4BYTE_KIND, data, n});
    }
}

static PyObject *docker_record(PyObject *module, PyObject *line) {
    if (!PyUnicode_Check(line))
        Py_RETURN_NONE;   /* not a str: the Python code's business */
    if (PyUnicode_READY(line) < 0)
        return NULL;
    const State *st = PyModule_GetState(module);
    const void *data = PyUnicode_DATA(line);
    Py_ssize_t n = PyUnicode_GET_LENGTH(line);
    switch (PyUnicode_KIND(line)) {
    case PyUnicode_1BYTE_KIND: return parse(st, (Text){PyUnicode_1BYTE_KIND, data, n}, PyUnicode_IS_ASCII(line));
    case PyUnicode_2BYTE_KIND: return parse(st, (Text){PyUnicode_2BYTE_KIND, data, n}, 0);
    default: return parse(st, (Text){PyUnicode_4BYTE_KIND, data, n}, 0);
    }
}

static int exec_module(PyObject *module) {
    State *st = PyModule_GetState(module);
    static const char *const level_names[4] = {"FATAL", "ERROR", "WARN", "OTHER"};
    for (int k = 0; k < 4; k++)
        if ((st->levels[k] = PyUnicode_InternFromString(level_names[k])) == NULL)
            return -1;
    if (!(st->stdout_label = PyUnicode_InternFromString("docker-stdout")) ||
        !(st->stderr_label = PyUnicode_InternFromString("docker-stderr")) ||
        !(st->none_label = PyUnicode_InternFromString("docker-None")) ||
        !(st->prefix = PyUnicode_InternFromString("docker-")))
        return -1;
    return 0;
}

static int traverse_module(PyObject *module, visitproc visit, void *arg) {
    State *st = PyModule_GetState(module);
    for (int k = 0; k < 4; k++)
        Py_VISIT(st->levels[k]);
    Py_VISIT(st->stdout_label);
    Py_VISIT(st->stderr_label);
    Py_VISIT(st->none_label);
    Py_VISIT(st->prefix);
    return 0;
}

static int clear_module(PyObject *module) {
    State *st = PyModule_GetState(module);
    for (int k = 0; k < 4; k++)
        Py_CLEAR(st->levels[k]);
    Py_CLEAR(st->stdout_label);
    Py_CLEAR(st->stderr_label);
    Py_CLEAR(st->none_label);
    Py_CLEAR(st->prefix);
    return 0;
}

static void free_module(void *module) { clear_module((PyObject *)module); }

static PyMethodDef methods[] = {
    {"docker_record", docker_record, METH_O,
     "docker_record(line) -> (stream_label, text, complete) as Unwrapper._docker passes them to _join, or None\n"
     "where the Python code must answer."},
    {"journald_record", journald_record, METH_O,
     "journald_record(line) -> (message, level, tag, pid) as app.records.journald_record gives them, or None\n"
     "where the Python code must answer (a value that is not a string, an escaped key, PRIORITY not ASCII digits)."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, exec_module},
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "app._c_envelope",
    "Compiled fast path for app.records.Unwrapper._docker (see the comment at the top of _c_envelope.c).",
    sizeof(State), methods, slots, traverse_module, clear_module, free_module,
};

PyMODINIT_FUNC PyInit__c_envelope(void) { return PyModuleDef_Init(&module_def); }
