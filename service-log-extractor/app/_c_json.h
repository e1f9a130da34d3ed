/* JSON string and whitespace readers shared by _c_envelope.c and _c_classify.c: json.loads's strict scanner
 * (Lib/json/scanner.py, Modules/_json.c scanstring_unicode) reproduced on a Text.
 *
 * Include after defining Text {kind, data, n}, ch(t, i) and END_CH. Always inlined so that a caller specialised
 * per str kind gets plain loads (see _c_envelope.c).
 */
#ifndef C_JSON_H
#define C_JSON_H

#include <stdint.h>
#include <string.h>

#define JSON_INLINE static inline __attribute__((always_inline))

/* json's whitespace between tokens (and around the document): exactly these four */
JSON_INLINE int json_is_ws(Py_UCS4 c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

JSON_INLINE Py_ssize_t json_skip_ws(const Text *t, Py_ssize_t i) {
    while (i < t->n && json_is_ws(PyUnicode_READ(t->kind, t->data, i)))
        i++;
    return i;
}

/* The value of the 4 hex digits at i (json takes both cases), or -1. */
JSON_INLINE long json_hex4(const Text *t, Py_ssize_t i) {
    if (i + 4 > t->n)
        return -1;
    long v = 0;
    for (Py_ssize_t k = i; k < i + 4; k++) {
        Py_UCS4 c = PyUnicode_READ(t->kind, t->data, k);
        int d;
        if (c >= '0' && c <= '9')
            d = (int)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (int)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (int)(c - 'A' + 10);
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* From i in a 1-byte text of n characters: the index of the first character a string's scan must look at (below
 * 0x20, `"` or `\\`), or one from which fewer than 8 remain. 8 characters at a time by the usual word tricks (a
 * zero byte after XOR, a byte below 0x20): a borrow only runs upwards, so the lowest flagged byte is the first
 * such character (little-endian loads; elsewhere no skip). */
JSON_INLINE Py_ssize_t json_skip_plain_ucs1(const Py_UCS1 *s, Py_ssize_t i, Py_ssize_t n) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    for (; n - i >= 8; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        const uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
        const uint64_t m = (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs;
        if (m)
            return i + (__builtin_ctzll(m) >> 3);
    }
#endif
    return i;
}

/* Validates the JSON string whose opening quote is at i as json's strict scanner does; returns the index just past
 * its closing quote, or -1 where json.loads raises. *escaped is set when the string holds an escape. */
JSON_INLINE Py_ssize_t json_scan_string(const Text *t, Py_ssize_t i, int *escaped) {
    *escaped = 0;
    for (i++; i < t->n;) {
        if (t->kind == PyUnicode_1BYTE_KIND && (i = json_skip_plain_ucs1(t->data, i, t->n)) >= t->n)
            break;
        Py_UCS4 c = PyUnicode_READ(t->kind, t->data, i);
        if (c == '"')
            return i + 1;
        if (c < 0x20)
            return -1;   /* strict mode: "Invalid control character" */
        if (c != '\\') {
            i++;
            continue;
        }
        *escaped = 1;
        c = ch(t, i + 1);
        if (c == 'u') {
            if (json_hex4(t, i + 2) < 0)
                return -1;
            i += 6;
        } else if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' || c == 't') {
            i += 2;
        } else {
            return -1;   /* "Invalid \escape" (or the line ends after the backslash) */
        }
    }
    return -1;   /* unterminated */
}

/* The character a one-character escape `\c` stands for (c one of json's `"\/bfnrt`; `u` is read apart). */
JSON_INLINE Py_UCS4 json_short_escape(Py_UCS4 c) {
    switch (c) {
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return c;   /* '"', '\\', '/' stand for themselves */
    }
}

/* Decodes the body [lo, hi) of a string json_scan_string accepted into out (room for hi - lo characters:
 * decoding never lengthens), dropping NUL characters when drop_nul (strip_controls_text's first step). Returns the length; sets
 * *esc when it wrote an ESC (saves the ANSI step a pass of its own over nearly every line, which has none). */
JSON_INLINE Py_ssize_t json_decode(const Text *t, Py_ssize_t lo, Py_ssize_t hi, Py_UCS4 *out, int drop_nul,
                                   int *esc) {
    Py_ssize_t n = 0;
    int seen = 0;
    for (Py_ssize_t i = lo; i < hi;) {
        Py_UCS4 c = PyUnicode_READ(t->kind, t->data, i++);
        if (c == '\\') {
            c = PyUnicode_READ(t->kind, t->data, i++);
            if (c != 'u') {
                c = json_short_escape(c);
            } else {
                c = (Py_UCS4)json_hex4(t, i);
                i += 4;
                /* json joins a high surrogate with a low one escaped right after it; any other surrogate stays
                 * alone in the str (as json.loads leaves it) */
                if (Py_UNICODE_IS_HIGH_SURROGATE(c) && i + 6 <= hi && PyUnicode_READ(t->kind, t->data, i) == '\\' &&
                    PyUnicode_READ(t->kind, t->data, i + 1) == 'u') {
                    Py_UCS4 low = (Py_UCS4)json_hex4(t, i + 2);
                    if (Py_UNICODE_IS_LOW_SURROGATE(low)) {
                        c = Py_UNICODE_JOIN_SURROGATES(c, low);
                        i += 6;
                    }
                }
            }
        }
        if (c == 0 && drop_nul)
            continue;
        seen |= c == 0x1b;
        out[n++] = c;
    }
    *esc = seen;
    return n;
}

#endif
