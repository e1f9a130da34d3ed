/* app._c_text: app.text's control stripping, in place, in C.
 *
 * strip_in_place(buf, lo, hi, deps) -> new hi: removes from the writable buffer's bytes buf[lo:hi] what
 * app.text.strip_controls removes from bytes(buf[lo:hi]): NUL bytes first, then each match of the ANSI escape
 * regex (app.text._ANSI, handed over as deps["ANSI"] and refused if its source changed, see _c_twin.h), then any ESC
 * byte left. The result is written from buf[lo] on (it is never longer); buf[hi:] is not touched, buf[new hi:hi] is
 * left over. Python's version copied the range three times (a slice, the NUL-free copy, the regex's output); this one
 * moves each kept run once. The GIL is released while it runs (the buffer is held, so it cannot be resized).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#include "_c_twin.h"

typedef unsigned char U;

/* app.text._ANSI, as written there (a raw bytes literal) */
static const char ANSI_SOURCE[] =
    "\\x1b(?:\\[[0-?]*[ -/]*[@-~]|\\][^\\x07\\x1b\\n]{0,512}(?:\\x07|\\x1b\\\\)|[ -/]*[0-~])";
enum { OSC_MAX = 512 };

/* The length of the regex's match at p (p[0] is ESC), 0 if none. Each alternative is deterministic: in each, the
 * repeated classes and what follows them are disjoint ([0-?] 0x30-0x3f, [ -/] 0x20-0x2f, [@-~] 0x40-0x7e; an OSC
 * body excludes both terminators), so giving back characters can never make a failed alternative match, and sre's
 * backtracking finds what this finds. The alternatives are tried in the regex's order; the first two exclude
 * each other by their first byte. */
static Py_ssize_t escape_length(const U *p, const U *end)
{
    const U *q = p + 1, *r;
    if (q < end && *q == '[') {   /* CSI: \[[0-?]*[ -/]*[@-~] */
        for (r = q + 1; r < end && *r - 0x30u < 0x10u; r++)
            ;
        for (; r < end && *r - 0x20u < 0x10u; r++)
            ;
        if (r < end && *r - 0x40u < 0x3fu)
            return r + 1 - p;
    }
    else if (q < end && *q == ']') {   /* OSC: \][^\x07\x1b\n]{0,512}(?:\x07|\x1b\\) */
        const U *stop = end - (q + 1) > OSC_MAX ? q + 1 + OSC_MAX : end;
        for (r = q + 1; r < stop && *r != 0x07 && *r != 0x1b && *r != '\n'; r++)
            ;
        if (r < end && *r == 0x07)
            return r + 1 - p;
        if (end - r >= 2 && r[0] == 0x1b && r[1] == '\\')
            return r + 2 - p;
    }
    for (r = q; r < end && *r - 0x20u < 0x10u; r++)   /* [ -/]*[0-~] */
        ;
    if (r < end && *r - 0x30u < 0x4fu)
        return r + 1 - p;
    return 0;
}

/* Drops from [p, end) every `mark` byte and, for ESC, the escape sequence it starts (the regex's matches, scanned
 * left to right as re.sub does: where none matches, re.sub goes on at the next byte and the lone ESC goes later),
 * moving the rest down; returns the new end. */
static U *drop(U *p, U *end, U mark)
{
    U *w = memchr(p, mark, (size_t)(end - p));
    if (w == NULL)
        return end;
    p = w;
    while (p < end) {
        if (*p == mark) {
            const Py_ssize_t n = mark == 0x1b ? escape_length(p, end) : 1;
            p += n ? n : 1;
            continue;
        }
        U *e = memchr(p, mark, (size_t)(end - p));
        if (e == NULL)
            e = end;
        memmove(w, p, (size_t)(e - p));
        w += e - p;
        p = e;
    }
    return w;
}

static PyObject *strip_in_place(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *obj, *deps;
    Py_ssize_t lo, hi;
    if (!PyArg_ParseTuple(args, "OnnO!:strip_in_place", &obj, &lo, &hi, &PyDict_Type, &deps))
        return NULL;
    if (same_regex(deps, "ANSI", ANSI_SOURCE, 0, "app/_c_text.c") < 0)
        return NULL;
    Py_buffer view;
    if (PyObject_GetBuffer(obj, &view, PyBUF_WRITABLE) < 0)
        return NULL;
    if (lo < 0 || lo > hi || hi > view.len) {
        PyErr_Format(PyExc_ValueError, "strip_in_place: need 0 <= lo <= hi <= len(buf) = %zd, got lo=%zd, hi=%zd",
                     view.len, lo, hi);
        PyBuffer_Release(&view);
        return NULL;
    }
    U *base = view.buf, *end;
    Py_BEGIN_ALLOW_THREADS
    end = drop(base + lo, drop(base + lo, base + hi, 0), 0x1b);   /* NUL first, as strip_controls */
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    return PyLong_FromSsize_t(end - base);
}

static PyMethodDef METHODS[] = {
    {"strip_in_place", strip_in_place, METH_VARARGS,
     "strip_in_place(buf, lo, hi, deps) -> int\n\n"
     "Removes NUL bytes, ANSI escape sequences and stray ESC bytes from the writable buffer's bytes buf[lo:hi], in\n"
     "place (as app.text.strip_controls does to bytes(buf[lo:hi])); returns the new end. deps: {\"ANSI\": the\n"
     "compiled app.text._ANSI} (ValueError if its source changed). ValueError for bounds outside the buffer,\n"
     "BufferError for a read-only one."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef MODULE = {PyModuleDef_HEAD_INIT, "app._c_text", NULL, 0, METHODS};

PyMODINIT_FUNC PyInit__c_text(void)
{
    return PyModule_Create(&MODULE);
}
