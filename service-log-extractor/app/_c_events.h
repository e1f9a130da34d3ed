/* The C interface of app._c_events (its capsule app._c_events._C_API): app/_c_records.c feeds the compiled
 * Assembler through it without a Python call per line. */
#ifndef C_EVENTS_H
#define C_EVENTS_H
#include <Python.h>

typedef struct {
    PyTypeObject *assembler_type;
    /* Assembler.feed(line_no, line, envelope_level, tag, raw): None for the three optional ones; -1 on error */
    int (*feed)(PyObject *assembler, long long line_no, PyObject *line, PyObject *envelope_level, PyObject *tag,
                PyObject *raw);
    int (*boundary)(PyObject *assembler);      /* Assembler.boundary(); -1 on error */
    int (*is_open)(PyObject *assembler);       /* Assembler.open */
    int (*inert)(PyObject *assembler);         /* Assembler.indented_lines_are_inert() */
} EventsCAPI;

#define EVENTS_CAPSULE "app._c_events._C_API"
#endif
