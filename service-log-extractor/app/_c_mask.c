/* Compiled loop of app.grouping.mask (module app._c_mask).
 *
 * Masker(masks) takes a list of Mask(name, pattern, replacement, guard) once; masker(text) then does, mask by
 * mask and in order, exactly what grouping._mask_python does: test the guard, and where it passes call
 * pattern.sub(replacement, text) through the bound method. Only the interpreter's per-mask work (unpacking, guard
 * type tests, `g in text`) moves to C; every substitution is still the re module's own, so the results are the
 * Python loop's by construction. The guards:
 *
 *   "digit"    the text holds a character sre's \d matches on str (Py_UNICODE_ISDECIMAL), with mask()'s early
 *              out: once a digit guard finds none (or the original text had none), later digit guards fail;
 *   tuple      one of its strings occurs in the text;
 *   None       always passes;
 *   otherwise  guard.search(text) is not None (the bound method is taken once).
 *
 * A Masker is immutable once built and a call keeps its state on the C stack: one masker serves any number of
 * threads (each call holds the GIL, as the re calls need it anyway).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>   /* offsetof */
#include <string.h>
#include "structmember.h"   /* PyMemberDef, T_PYSSIZET, READONLY (3.11 has no Py_T_* names yet) */

typedef enum { G_ALWAYS, G_DIGIT, G_SUBSTR, G_SEARCH } GuardKind;

typedef struct {
    GuardKind kind;
    PyObject *guard;   /* G_SUBSTR: the tuple of str; G_SEARCH: the bound guard.search; else NULL */
    PyObject *sub;     /* the bound pattern.sub */
    PyObject *repl;    /* its first argument: a str template or a callable */
} Entry;

typedef struct {
    PyObject_VAR_HEAD   /* ob_size: the number of entries */
    vectorcallfunc vectorcall;   /* masker(text) without an argument tuple */
    Entry entries[];
} Masker;

/* ---------------------------------------------------------------------------------------------------------
 * Guards */

/* sre's \d on str is Py_UNICODE_ISDECIMAL; the ASCII test first keeps the usual text off the Unicode tables. */
static int has_digit(PyObject *text) {
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (kind == PyUnicode_1BYTE_KIND) {   /* Latin-1 holds no decimal digit besides 0-9 (², ¹, ³ are not) */
        const Py_UCS1 *s = data;
        for (Py_ssize_t i = 0; i < n; i++)
            if (s[i] - (unsigned)'0' < 10u)
                return 1;
        return 0;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 128 ? c - (Py_UCS4)'0' < 10u : Py_UNICODE_ISDECIMAL(c))
            return 1;
    }
    return 0;
}

/* needle in haystack, both Latin-1 (1-byte kind: equal bytes are equal code points). memchr for the first
 * character does most of the work: guards are a few characters long. */
static int contains_ucs1(const Py_UCS1 *h, Py_ssize_t n, const Py_UCS1 *s, Py_ssize_t m) {
    if (m == 0)
        return 1;
    if (m > n)
        return 0;
    const Py_UCS1 *p = h, *last = h + (n - m);   /* last: the last possible start */
    while (p <= last) {
        p = memchr(p, s[0], (size_t)(last - p) + 1);
        if (p == NULL)
            return 0;
        if (memcmp(p + 1, s + 1, (size_t)m - 1) == 0)
            return 1;
        p++;
    }
    return 0;
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
 * The loop */
static PyObject *masker_mask(Masker *self, PyObject *text) {
    if (!PyUnicode_Check(text))
        return PyErr_Format(PyExc_TypeError, "Masker() argument must be str, not %.100s", Py_TYPE(text)->tp_name);
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0)
        return NULL;
#endif
    int digits = has_digit(text);   /* as mask(): decided on the original text, then only ever turned off */
    Py_INCREF(text);                /* from here on, text is our own reference to the current text */
    PyObject *args[3] = {NULL};     /* args[0]: the slot PY_VECTORCALL_ARGUMENTS_OFFSET lets the callee use */
    for (Py_ssize_t i = 0; i < Py_SIZE(self); i++) {
        const Entry *e = &self->entries[i];
        switch (e->kind) {
        case G_DIGIT:
            if (!digits || !has_digit(text)) {
                digits = 0;
                continue;
            }
            break;
        case G_SUBSTR: {
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
        args[1] = e->repl;   /* pattern.sub(repl, string) */
        args[2] = text;
        PyObject *out = PyObject_Vectorcall(e->sub, args + 1, 2 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
        if (out == NULL)
            goto error;
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
static int entry_init(Entry *e, PyObject *mask, Py_ssize_t index) {
    PyObject *seq = PySequence_Fast(mask, "Masker: each mask must be a (name, pattern, replacement, guard) sequence");
    if (seq == NULL)
        return -1;
    int rc = -1;
    if (PySequence_Fast_GET_SIZE(seq) != 4) {
        PyErr_Format(PyExc_ValueError, "Masker: mask %zd has %zd items, not 4 (name, pattern, replacement, guard)",
                     index, PySequence_Fast_GET_SIZE(seq));
        goto done;
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
    for (Py_ssize_t i = 0; i < n; i++)
        if (entry_init(&self->entries[i], PySequence_Fast_GET_ITEM(seq, i), i) < 0)
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

static PyMemberDef masker_members[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(Masker, vectorcall), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot masker_slots[] = {
    {Py_tp_doc, "Masker(masks): masker(text) -> text with every mask applied in order, as app.grouping.mask does.\n\n"
                "masks: (name, pattern, replacement, guard) sequences (app.grouping.Mask), read once."},
    {Py_tp_new, masker_new},
    {Py_tp_call, PyVectorcall_Call},
    {Py_tp_traverse, masker_traverse},
    {Py_tp_clear, masker_clear},
    {Py_tp_dealloc, masker_dealloc},
    {Py_tp_members, masker_members},
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
 * Module: the type is created per module (a heap type), so nothing is shared between interpreters */
static int exec_module(PyObject *module) {
    PyObject *type = PyType_FromModuleAndSpec(module, &masker_spec, NULL);
    if (type == NULL)
        return -1;
    int rc = PyModule_AddObjectRef(module, "Masker", type);
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
    .m_slots = slots,
};

PyMODINIT_FUNC PyInit__c_mask(void) { return PyModuleDef_Init(&module_def); }
