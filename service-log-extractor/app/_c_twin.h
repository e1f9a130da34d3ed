/* What the compiled twins of app/_c_events.c and app/_c_scan.c share: reading the `deps` dict their Python factory
 * builds, and refusing a regex that changed since the C was written from it (as the masker refuses a changed
 * mask): the factory hands over the compiled pattern, and the C states the source and flags it implements. */
#ifndef C_TWIN_H
#define C_TWIN_H
#include <Python.h>

/* deps[name], borrowed; NULL with KeyError when missing. */
static inline PyObject *dep(PyObject *deps, const char *name) {
    PyObject *v = PyDict_GetItemString(deps, name);
    if (v == NULL)
        PyErr_Format(PyExc_KeyError, "deps: missing %s", name);
    return v;
}

/* 0 when deps[name] is a compiled pattern whose source is `source` (str or bytes) and whose flags are `flags` (and
 * re.UNICODE, which a str pattern always has: any other flag, re.I or re.X, changes what it matches); -1 with
 * ValueError naming the C file to update otherwise. */
static inline int same_regex(PyObject *deps, const char *name, const char *source, long flags, const char *where) {
    PyObject *pattern = dep(deps, name);
    if (pattern == NULL)
        return -1;
    PyObject *text = PyObject_GetAttrString(pattern, "pattern");
    PyObject *have_flags = text ? PyObject_GetAttrString(pattern, "flags") : NULL;
    int same = 0;
    if (have_flags != NULL) {
        long f = PyLong_AsLong(have_flags);
        if (PyUnicode_Check(text))
            same = PyUnicode_CompareWithASCIIString(text, source) == 0;
        else if (PyBytes_Check(text))
            same = strcmp(PyBytes_AS_STRING(text), source) == 0 && (size_t)PyBytes_GET_SIZE(text) == strlen(source);
        same = same && f != -1 && (f & ~32L) == flags;   /* 32: re.UNICODE */
    }
    Py_XDECREF(text);
    Py_XDECREF(have_flags);
    if (PyErr_Occurred())
        return -1;
    if (!same)
        PyErr_Format(PyExc_ValueError, "%s: the regex %s changed since its C twin was written: update %s", name, name,
                     where);
    return same ? 0 : -1;
}
#endif
