/* in_set(c, "...") (app/_c_classify.c, app/_c_mask.c): whether the character c is one of the ASCII characters of a
 * string literal (at most 16; never its terminating NUL, never a character past ASCII). The literal becomes two
 * 64-bit masks the compiler folds to constants, so a test is a shift, not a call to strchr or a loop over the set. */
#ifndef C_CHARSET_H
#define C_CHARSET_H

#include <stdint.h>

static inline int in_mask(uint32_t c, uint64_t lo, uint64_t hi) {
    return c < 64 ? (int)(lo >> c & 1) : c < 128 ? (int)(hi >> (c - 64) & 1) : 0;
}
#define SET_CH_(s, k) ((unsigned char)(s)[(k) < sizeof(s) - 1 ? (k) : 0])
#define SET_LO_(s, k) ((k) < sizeof(s) - 1 && SET_CH_(s, k) < 64 ? (uint64_t)1 << (SET_CH_(s, k) & 63) : 0)
#define SET_HI_(s, k) ((k) < sizeof(s) - 1 && SET_CH_(s, k) >= 64 ? (uint64_t)1 << (SET_CH_(s, k) & 63) : 0)
#define SET_MASK_(f, s)                                                                                          \
    (f(s, 0) | f(s, 1) | f(s, 2) | f(s, 3) | f(s, 4) | f(s, 5) | f(s, 6) | f(s, 7) | f(s, 8) | f(s, 9) |           \
     f(s, 10) | f(s, 11) | f(s, 12) | f(s, 13) | f(s, 14) | f(s, 15))
#define in_set(c, s)                                                                                             \
    ((void)sizeof(char[sizeof(s) <= 17 ? 1 : -1]), in_mask((c), SET_MASK_(SET_LO_, s), SET_MASK_(SET_HI_, s)))

#endif
