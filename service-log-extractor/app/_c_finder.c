/* app._c_finder: the candidate-line finder of app.candidates (CompiledFinder), in C.
 *
 * find_lines(buf, lo, hi) -> list of the start offsets of the lines of buf[lo:hi] that may start an event: a
 * superset, line by line, of the lines in which the Hyperscan pattern set of app.candidates has a match (the
 * line holding a hit's end offset, as LineFeeder takes it). The patterns are matched by hand: a pair table
 * flags the byte pairs that can begin (or, for a few patterns, sit inside) a match, and only there is the
 * pattern checked. Patterns that can run into the next line (`[0-4][^0-9]` taking the newline, `error` followed
 * by vertical whitespace: PCRE's `\v` class includes `\n`) are handled per line, as carries to the next line.
 * No state outside the call: safe from several threads; the GIL is released while scanning.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef const unsigned char *P;

/* Trigger groups: a byte pair (a, b) is checked when FIRST[a] & SECOND[b] != 0. One bit per group keeps pairs of
 * different groups from triggering each other (e.g. `e` + `a` is no group's pair). */
enum {
    G_E = 1 << 0,     /* e+r (err, eror, error), e+m (emerg), e+x (exception) */
    G_W = 1 << 1,     /* w+a (warn; throwable via its `wa`), w+r (wrn) */
    G_F = 1 << 2,     /* f+a (fata, fail, Fault), f+t (ftl) */
    G_CT = 1 << 3,    /* c+r (crit), t+r (traceback) */
    G_A = 1 << 4,     /* a+l (alert) */
    G_P = 1 << 5,     /* p+a (pani, panicked) */
    G_S = 1 << 6,     /* s+e (severe) */
    G_U = 1 << 7,     /* Un (Uncaught) */
    G_EQ = 1 << 8,    /* `=` + quote, backslash or a stem's first letter (logfmt) */
    G_Q = 1 << 9,     /* `"` + first letter of a JSON level key, or of `"stream"` */
    G_LT = 1 << 10,   /* `<` + digit (<PRI>) */
    G_KLOG = 1 << 11, /* [WEF][01] (klog) */
    G_LC = 1 << 12,   /* [WEFA] + space (logcat threadtime) */
    G_SL = 1 << 13,   /* [WEFA] + `/` (logcat brief) */
    G_HASH = 1 << 14, /* space + `#` (Redis warning) */
    G_TD = 1 << 15,   /* t+d (` std(out|err) P `) */
};

static const uint16_t FIRST[256] = {
    ['e'] = G_E, ['E'] = G_E | G_KLOG | G_LC | G_SL,
    ['w'] = G_W, ['W'] = G_W | G_KLOG | G_LC | G_SL,
    ['f'] = G_F, ['F'] = G_F | G_KLOG | G_LC | G_SL,
    ['c'] = G_CT, ['C'] = G_CT, ['t'] = G_CT | G_TD, ['T'] = G_CT,
    ['a'] = G_A, ['A'] = G_A | G_LC | G_SL,
    ['p'] = G_P, ['P'] = G_P,
    ['s'] = G_S, ['S'] = G_S,
    ['U'] = G_U, ['='] = G_EQ, ['"'] = G_Q, ['<'] = G_LT, [' '] = G_HASH,
};

#define STEM1 G_EQ /* a stem's first letter after `=` */
static const uint16_t SECOND[256] = {
    ['r'] = G_E | G_W | G_CT, ['R'] = G_E | G_W | G_CT,
    ['m'] = G_E, ['M'] = G_E, ['x'] = G_E, ['X'] = G_E,
    ['a'] = G_W | G_F | G_P | STEM1, ['A'] = G_W | G_F | G_P | STEM1,
    ['t'] = G_F, ['T'] = G_F,
    ['l'] = G_A | G_Q, ['L'] = G_A | G_Q,
    ['e'] = G_S | STEM1, ['E'] = G_S | STEM1,
    ['n'] = G_U,
    ['w'] = STEM1, ['W'] = STEM1, ['f'] = STEM1, ['F'] = STEM1, ['c'] = STEM1, ['C'] = STEM1,
    ['p'] = STEM1 | G_Q, ['P'] = STEM1 | G_Q, ['s'] = STEM1 | G_Q, ['S'] = STEM1 | G_Q,
    ['\\'] = G_EQ, ['"'] = G_EQ, ['@'] = G_Q,
    ['0'] = G_LT | G_KLOG, ['1'] = G_LT | G_KLOG, ['2'] = G_LT, ['3'] = G_LT, ['4'] = G_LT,
    ['5'] = G_LT, ['6'] = G_LT, ['7'] = G_LT, ['8'] = G_LT, ['9'] = G_LT,
    [' '] = G_LC, ['/'] = G_SL, ['#'] = G_HASH, ['d'] = G_TD | STEM1, ['D'] = STEM1,
};

static inline int is_digit(unsigned c) { return c - '0' < 10u; }
static inline int is_alpha(unsigned c) { return (c | 0x20) - 'a' < 26u; }
static inline unsigned lower(unsigned c) { return c - 'A' < 26u ? c | 0x20 : c; }
/* what `[ \t\r\f\v]` takes besides `\n` (PCRE's `\v` is vertical whitespace: \n \x0b \f \r \x85) */
static inline int is_vws(unsigned c) { return c == ' ' || c == '\t' || c - 0x0bu < 3u || c == 0x85; }

/* lit (lower case) at p, ASCII case-insensitively, within [p, end) */
static inline int ieq(P p, P end, const char *lit, size_t n)
{
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower(p[i]) != (unsigned char)lit[i])
            return 0;
    return 1;
}

static inline int eq(P p, P end, const char *lit, size_t n)
{
    return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* Length of the level stem (err|eror|warn|wrn|fata|ftl|crit|emerg|alert|pani|severe|fail|dpani) at p, else 0: a trie on
 * the first three letters, as most calls come from common pairs (`er` of `server`, `se` of `user`) and fail there. */
static int stem_len(P p, P end)
{
    Py_ssize_t n = end - p;
    if (n < 3)
        return 0;
    unsigned b = lower(p[1]), c = lower(p[2]), d = n > 3 ? lower(p[3]) : 0;
    switch (lower(p[0])) {
    case 'e':
        if (b == 'r')
            return c == 'r' ? 3 : c == 'o' && d == 'r' ? 4 : 0;
        return b == 'm' && c == 'e' && d == 'r' && ieq(p + 4, end, "g", 1) ? 5 : 0;
    case 'w':
        if (b == 'r')
            return c == 'n' ? 3 : 0;
        return b == 'a' && c == 'r' && d == 'n' ? 4 : 0;
    case 'f':
        if (b == 't')
            return c == 'l' ? 3 : 0;
        return b == 'a' && ((c == 't' && d == 'a') || (c == 'i' && d == 'l')) ? 4 : 0;
    case 'c':
        return b == 'r' && c == 'i' && d == 't' ? 4 : 0;
    case 'a':
        return b == 'l' && c == 'e' && d == 'r' && ieq(p + 4, end, "t", 1) ? 5 : 0;
    case 'p':
        return b == 'a' && c == 'n' && d == 'i' ? 4 : 0;
    case 's':
        return b == 'e' && c == 'v' && d == 'e' && ieq(p + 4, end, "re", 2) ? 6 : 0;
    case 'd':   /* (no pair starts with `d`: reached after `=` and in a JSON value only) */
        return b == 'p' && c == 'a' && d == 'n' && ieq(p + 4, end, "i", 1) ? 5 : 0;
    }
    return 0;
}

typedef struct {
    P lo, ls, le;     /* the scanned range's start; the line: [ls, le), le at its `\n` or at hi */
    P run_end;        /* end of the last letter run checked for a level-word ending, and its result: stems */
    int run_hit;      /* inside one run share it (else a long run of letters would be read once per stem) */
} Line;

/* `[a-z]*(?:[ \t]*[\]>]|[:"\t\\]|[,;/|][\t\\]| [ \t])` at q, caseless: the ending of a level word */
static int word_end(Line *L, P q)
{
    if (q <= L->run_end)
        return L->run_hit;
    P le = L->le;
    while (q < le && is_alpha(*q))
        q++;
    int hit = 0;
    if (q < le) {
        unsigned d = q + 1 < le ? q[1] : 0;
        switch (*q) {
        case ':': case '"': case '\t': case '\\': case ']': case '>':
            hit = 1;
            break;
        case ',': case ';': case '/': case '|':
            hit = d == '\t' || d == '\\';
            break;
        case ' ':
            hit = d == ' ' || d == '\t' || d == ']' || d == '>';
            break;
        }
    }
    L->run_end = q;
    L->run_hit = hit;
    return hit;
}

/* `[0-9Z],? ` before p and `[Ee]rr |[Ee]rror |[Ww]arn |[Ww]arning |[Ff]atal ` at p: a level after the time */
static int level_after_time(const Line *L, P p)
{
    P ls = L->ls, le = L->le;
    if (p - ls < 2 || p[-1] != ' ')
        return 0;
    unsigned b = p[-2];
    if (b == ',') {
        if (p - ls < 3)
            return 0;
        b = p[-3];
    }
    if (!is_digit(b) && b != 'Z')
        return 0;
    switch (*p | 0x20) {
    case 'e':
        return eq(p + 1, le, "rr ", 3) || eq(p + 1, le, "rror ", 5);
    case 'w':
        return eq(p + 1, le, "arn ", 4) || eq(p + 1, le, "arning ", 7);
    case 'f':
        return eq(p + 1, le, "atal ", 5);
    }
    return 0;
}

/* klog `[WEF](?:0[1-9]|1[0-2])[0-3][0-9] [0-9]`, logcat `[0-9] +[WEFA] ` and `(?:^|[\s"])[WEFA]/` at p */
static int fixed_layout(const Line *L, P p)
{
    P ls = L->ls, le = L->le;
    unsigned c = *p, d = p[1];
    if (d == '/')
        return p == ls || p[-1] == '"' || p[-1] == ' ' || (unsigned)p[-1] - '\t' < 5u;   /* \t \n \v \f \r */
    if (d == ' ') {
        if (p == ls || p[-1] != ' ')
            return 0;
        Py_ssize_t j = p - 1 - ls;
        while (j > 0 && ls[j] == ' ')
            j--;
        return is_digit(ls[j]);
    }
    unsigned e = le - p > 2 ? p[2] : 0;   /* (p + 1 < le is all check() is promised) */
    if (c != 'A' && le - p >= 7 && ((d == '0' && e - '1' < 9u) || (d == '1' && e - '0' < 3u)))
        return (unsigned)p[3] - '0' < 4u && is_digit(p[4]) && p[5] == ' ' && is_digit(p[6]);
    return 0;
}

static const struct { const char *name; size_t n; } KEYS[] = {
    {"level", 5}, {"severity", 8}, {"lvl", 3}, {"loglevel", 8}, {"log.level", 9}, {"levelname", 9},
    {"log_level", 9}, {"@l", 2}, {"priority", 8}, {"s", 1},
};

/* At a `"`: a JSON level key with a level value, or the `", "stream"` of a Docker line whose `log` value does not
 * end in `\n` (a partial line a later one completes). */
static int at_quote(const Line *L, P p)
{
    P le = L->le;
    unsigned k1 = lower(p[1]);
    /* the common non-level keys first: Docker's `"log"` (no `"log[l._]` key) and `"stream"`/`"stderr"` (no `"st` key) */
    if (le - p >= 3 && k1 == 'l' && lower(p[2]) == 'o')
        if (le - p < 5 || lower(p[3]) != 'g' || (lower(p[4]) != 'l' && p[4] != '.' && p[4] != '_'))
            return 0;
    size_t keys = le - p >= 3 && p[1] == 's' && p[2] == 't' ? 0 : sizeof KEYS / sizeof *KEYS;
    for (size_t k = 0; k < keys; k++) {
        P q = p + 1;
        if ((unsigned char)KEYS[k].name[0] != k1 || !ieq(q, le, KEYS[k].name, KEYS[k].n))
            continue;
        q += KEYS[k].n;
        if (q < le && *q == '\\')
            q++;
        if (q >= le || *q++ != '"')
            continue;
        while (q < le && (*q == ' ' || *q == '\t'))
            q++;
        if (q >= le || *q++ != ':')
            continue;
        while (q < le && (*q == ' ' || *q == '\t'))
            q++;
        if (le - q >= 2 && q[0] == '\\' && q[1] == '"')
            q += 2;
        else if (q < le && *q == '"')
            q++;
        while (le - q >= 2 && q[0] == '0' && is_digit(q[1]))   /* `0*`: leading zeros (`"04"`, read as 4) */
            q++;
        if (q >= le)
            continue;
        unsigned v = *q, w = q + 1 < le ? q[1] : 0;
        /* `[4-9][0-9]|[1-9][0-9][0-9]`: 40 and up on pino's scale (10-39: trace to info); `[0-4][^0-9]`: syslog's */
        if (is_digit(w) && (v - '4' < 6u || (v - '1' < 9u && q + 2 < le && is_digit(q[2]))))
            return 1;
        if (v - '0' < 5u && q + 1 < le && !is_digit(w))
            return 1;   /* (a `[0-4]` ending the line is a carry: see c3_carry) */
        if ((lower(v) == 'f' || lower(v) == 'e' || lower(v) == 'w') && w == '"')   /* [few]" */
            return 1;
        if (stem_len(q, le))
            return 1;
    }
    if (!eq(p + 1, le, "stream\"", 7) || p - L->lo < 3)
        return 0;
    P open;
    if (p[-1] == ',' && p[-2] == '"')
        open = p - 2;
    else if (p[-1] == ' ' && p[-2] == ',' && p[-3] == '"')
        open = p - 3;
    else
        return 0;
    if (open - L->lo < 1)
        return 0;
    if (open[-1] != 'n')
        return 1;
    return open - L->lo >= 2 && open[-2] != '\\';
}

/* `<PRI>` with PRI < 192 and severity PRI % 8 <= 4. Leading zeros too (`<011>`): the patterns list none, but the
 * classifier (app.severity, `<(\d{1,3})>`) takes them. */
static int at_pri(const Line *L, P p)
{
    P q = p + 1, le = L->le;
    unsigned v = 0;
    for (int n = 0; n < 3 && q < le && is_digit(*q); n++)
        v = v * 10 + (*q++ - '0');
    return q < le && *q == '>' && v < 192 && v % 8 <= 4;
}

/* Redis `[0-9]:[0-9][0-9]\.[0-9]+ # `, at its ` #` */
static int at_redis(const Line *L, P p)
{
    P ls = L->ls;
    if (p + 2 >= L->le || p[2] != ' ')
        return 0;
    Py_ssize_t j = p - 1 - ls;   /* indices into the line, so that none points before it */
    while (j >= 0 && is_digit(ls[j]))
        j--;
    return j < p - 1 - ls && j >= 4 && ls[j] == '.' && is_digit(ls[j - 1]) && is_digit(ls[j - 2]) &&
           ls[j - 3] == ':' && is_digit(ls[j - 4]);
}

/* For a pair of letters, whether the third character can continue a word that check() takes from there: the stems
 * (err, eror, emerg, warn, wrn, fata, fail, ftl, crit, alert, pani, severe), `exception`, `throwable` (its `wa`),
 * `Fault`, `traceback`, `panicked`, ` std(out|err) P ` (its `td`) and the CSV leads (Error, Warning, ...); any case,
 * as the caseless patterns take it. Most triggers are common pairs in words (`er` of `server`, `se` of `user`,
 * `al`, `tr`): one test here spares the rest of check(). After `"` and `=` (JSON keys, logfmt values) the third
 * character must fit a level key or a stem likewise. Any other pair with a non-letter (klog, logcat, `<`, ` #`) or
 * a pair without a third character is not judged here. check() answers 0 wherever this does. */
static int third_fits(unsigned a, unsigned b, unsigned c)
{
    const unsigned lb = lower(b), lc = lower(c);
    if (a == '"')   /* at_quote: a key of KEYS (`"s\\?"`, `"severity`, `"l[evo]`, `"pr`, `"@l`) or `"stream"` */
        return lb == 'l' ? lc == 'e' || lc == 'v' || lc == 'o'
             : lb == 's' ? c == '\\' || c == '"' || lc == 'e' || (b == 's' && c == 't')
             : lb == 'p' ? lc == 'r'
             : b == '@' ? lc == 'l' : 1;
    if (a == '=') { /* logfmt `=(?:\\?")?STEM`: the stem's first letter after the quote, its second without one */
        static const char *const second[26] = {['a' - 'a'] = "l", ['c' - 'a'] = "r", ['d' - 'a'] = "p",
                                               ['e' - 'a'] = "rm", ['f' - 'a'] = "at", ['p' - 'a'] = "a",
                                               ['s' - 'a'] = "e", ['w' - 'a'] = "ar"};
        if (b == '\\')
            return c == '"';
        if (b == '"')
            return lc != 0 && strchr("ewfcapsd", (int)lc) != NULL;
        return !is_alpha(b) || (second[lb - 'a'] != NULL && lc != 0 && strchr(second[lb - 'a'], (int)lc) != NULL);
    }
    if (!is_alpha(a) || !is_alpha(b))
        return 1;
    a |= 0x20, b |= 0x20, c |= 0x20;   /* (c: a non-letter fits no word) */
    const char *fits = NULL;
    switch (a) {
    case 'e': fits = b == 'r' ? "ro" : b == 'm' ? "e" : b == 'x' ? "c" : NULL; break;
    case 'w': fits = b == 'a' ? "rb" : b == 'r' ? "n" : NULL; break;
    case 'f': fits = b == 'a' ? "tiu" : b == 't' ? "l" : NULL; break;
    case 'c': fits = b == 'r' ? "i" : NULL; break;
    case 't': fits = b == 'r' ? "a" : b == 'd' ? "oe" : NULL; break;
    case 'a': fits = b == 'l' ? "e" : NULL; break;
    case 'p': fits = b == 'a' ? "n" : NULL; break;
    case 's': fits = b == 'e' ? "v" : NULL; break;
    }
    return fits == NULL || strchr(fits, (int)c) != NULL;
}

/* PAIR[a | b << 8]: 0 where FIRST[a] & SECOND[b] is 0, else 1 + the index in THIRD of the characters third_fits()
 * lets follow the pair: a pair's test is one load, and the third character's one more (filled at import). */
static unsigned char PAIR[1 << 16];
static uint32_t THIRD[255][8];   /* bit c of the 256: third_fits(a, b, c) */

static inline unsigned pair_at(P p)
{
    return PAIR[p[0] | (unsigned)p[1] << 8];
}

static inline int third_letter_fits(P p, P le)
{
    const uint32_t *third = THIRD[pair_at(p) - 1];   /* (called only where pair_at(p)) */
    return le - p < 3 || (third[p[2] >> 5] >> (p[2] & 31) & 1);
}

/* Does a pattern match at p, whose pair (p[0], p[1]) triggered? (p + 1 < le) */
static int check(Line *L, P p)
{
    P ls = L->ls, le = L->le;
    unsigned c = *p;
    if (!third_letter_fits(p, le))
        return 0;
    switch (c) {
    case '=': {   /* logfmt `=(?:\\?")?STEM` */
        P q = p + 1;
        if (le - q >= 2 && q[0] == '\\' && q[1] == '"')
            q += 2;
        else if (*q == '"')
            q++;
        return stem_len(q, le) > 0;
    }
    case '"':
        return at_quote(L, p);
    case '<':
        return at_pri(L, p);
    case ' ':
        return at_redis(L, p);
    case 'U':
        return eq(p, le, "Uncaught", 8);
    }
    if (c == 't' && p[1] == 'd')   /* ` std(?:out|err) P `, at its `td` (nothing else takes `td`) */
        return p - ls >= 2 && p[-2] == ' ' && p[-1] == 's' && (eq(p + 2, le, "out P ", 6) || eq(p + 2, le, "err P ", 6));
    int n = stem_len(p, le);
    if (n) {
        int upper = 1;
        for (int i = 0; i < n; i++)
            upper &= p[i] < 'a';
        if (upper || word_end(L, p + n))   /* ERROR anywhere; `error:`, `[warn]`, ... */
            return 1;
    }
    if ((c == 'W' || c == 'E' || c == 'F' || c == 'A') && fixed_layout(L, p))
        return 1;
    switch (c | 0x20) {
    case 'e':
        if (ieq(p, le, "exception", 9) || (n == 3 && level_after_time(L, p)))
            return 1;
        return p == ls && (eq(p, le, "Error,", 6) || eq(p, le, "Emergency,", 10));
    case 'w':
        if (p - ls >= 4 && ieq(p - 4, le, "throwable", 9))
            return 1;
        return (n == 4 && level_after_time(L, p)) || (p == ls && eq(p, le, "Warning,", 8));
    case 'f':
        if (eq(p, le, "Fault", 5) || (n == 4 && level_after_time(L, p)))
            return 1;
        return p == ls && eq(p, le, "Fatal,", 6);
    case 'c':
        return p == ls && eq(p, le, "Critical,", 9);
    case 'a':
        return p == ls && eq(p, le, "Alert,", 6);
    case 's':
        return p == ls && eq(p, le, "Severe,", 7);
    case 'p':
        return eq(p, le, "panicked", 8);
    case 't':
        return ieq(p, le, "traceback", 9);
    }
    return 0;
}


/* Whether the line [ls, le) matches in itself (carries aside), its pairs read from `from` on: the first hit ends the
 * scan of the line. Byte pair by byte pair (find_vector reads 32 positions at a time where it can). */
static int scan_line(P lo, P ls, P from, P le)
{
    Line L = {lo, ls, le, ls, 0};   /* (a stem ends past ls: the empty cached run never answers) */
    P p = from;
    /* 8 pairs per test: most blocks hold no trigger, and one branch per block is predicted better */
    for (; le - p > 8; p += 8) {
        if (!(pair_at(p) | pair_at(p + 1) | pair_at(p + 2) | pair_at(p + 3) | pair_at(p + 4) | pair_at(p + 5) |
              pair_at(p + 6) | pair_at(p + 7)))
            continue;
        for (int i = 0; i < 8; i++)
            if (pair_at(p + i) && check(&L, p + i))
                return 1;
    }
    for (; p + 1 < le; p++)
        if (pair_at(p) && check(&L, p))
            return 1;
    return 0;
}

/* `error[ \t\r\f\v]*$` ending in this line: `error` then only vertical/horizontal whitespace to the line end */
static int ends_with_error(P ls, P le)
{
    P t = le;
    while (t > ls && is_vws(t[-1]))
        t--;
    return t - ls >= 5 && ieq(t - 5, le, "error", 5);
}

/* Hyperscan's `[0-4][^0-9]` in the JSON level pattern takes the line's `\n`: its hit is the next line. Read
 * backwards from the `[0-4]` at le[-1]: `"KEY\\?"[ \t]*:[ \t]*(?:\\?")?0*[0-4]`. */
static int c3_carry(P ls, P le)
{
    Py_ssize_t j = le - ls - 2;   /* indices into the line, so that none points before it */
    while (j >= 0 && ls[j] == '0')   /* `0*`: leading zeros */
        j--;
    if (j >= 0 && ls[j] == '"') {
        j--;
        if (j >= 0 && ls[j] == '\\')
            j--;
    }
    while (j >= 0 && (ls[j] == ' ' || ls[j] == '\t'))
        j--;
    if (j < 0 || ls[j--] != ':')
        return 0;
    while (j >= 0 && (ls[j] == ' ' || ls[j] == '\t'))
        j--;
    if (j < 0 || ls[j--] != '"')
        return 0;
    if (j >= 0 && ls[j] == '\\')
        j--;
    for (size_t k = 0; k < sizeof KEYS / sizeof *KEYS; k++) {
        Py_ssize_t key = j - (Py_ssize_t)KEYS[k].n + 1;   /* the key is ls[key..j], a `"` before it */
        if (key >= 1 && ls[key - 1] == '"' && ieq(ls + key, le, KEYS[k].name, KEYS[k].n))
            return 1;
    }
    return 0;
}

typedef struct {
    Py_ssize_t *v;
    size_t n, cap;
} Offsets;

static int push(Offsets *o, Py_ssize_t x)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 1024;
        Py_ssize_t *v = realloc(o->v, cap * sizeof *v);
        if (v == NULL)
            return -1;
        o->v = v;
        o->cap = cap;
    }
    o->v[o->n++] = x;
    return 0;
}

enum { CARRY_ANY = 1, CARRY_VWS = 2 };

/* The end of the line [ls, le) (le at its `\n`, or at the range's end: `newline` 0): the line goes into o when it is
 * a hit (`hit`: it matched in itself) or when the line before carried into it, and *carry becomes what it carries
 * into the next. -1 when out of memory. */
static int end_line(P base, P ls, P le, int newline, int hit, int *carry, Offsets *o)
{
    int next = 0;
    if (*carry & CARRY_ANY)
        hit = 1;
    if (*carry & CARRY_VWS) {   /* `error` + `\v` ran into this line: a hit if all of it is whitespace */
        P t = ls;
        while (t < le && is_vws(*t))
            t++;
        if (t == le) {
            hit = 1;
            next |= CARRY_VWS;
        }
    }
    if (ends_with_error(ls, le)) {
        hit = 1;
        next |= CARRY_VWS;
    }
    if (newline && le > ls && (unsigned)le[-1] - '0' < 5u && c3_carry(ls, le)) {
        hit = 1;
        next |= CARRY_ANY;
    }
    *carry = next;
    return hit ? push(o, ls - base) : 0;
}

/* The candidate lines of [ls, hi_p) into o, line by line, as find() gives them: ls a line start, `carry` what the
 * line before it carries into it, and the pairs of that first line read from `from` on (the ones before it were,
 * and did not match). -1 when out of memory. */
static int find_scalar(P base, P lo_p, P from, P ls, int carry, P hi_p, Offsets *o)
{
    while (ls < hi_p) {
        P nl = memchr(ls, '\n', (size_t)(hi_p - ls));
        P le = nl ? nl : hi_p;
        /* (a line the carry makes a hit is scanned too: rare, and the same lines come out) */
        if (end_line(base, ls, le, nl != NULL, scan_line(lo_p, ls, from > ls ? from : ls, le), &carry, o) < 0)
            return -1;
        if (nl == NULL)
            break;   /* (a carry past hi: Hyperscan's hit at hi, which is no line of the range) */
        ls = nl + 1;
    }
    return 0;
}

/* The vector pretest (x86-64 with AVX2, chosen at import; elsewhere the scalar loop alone). In the manner of
 * Hyperscan's Teddy: each trigger group is a bucket, and a byte's buckets at each of the three places of a triple
 * (the pair and the character after it) are LO[place][x & 15] & HI[place][x >> 4], 16 bytes at a time by a
 * shuffle. The nibble tables take a superset of each group's bytes, and the third place every character that
 * THIRD lets through after some pair of the group, so a triple that can pass pair_at() and
 * third_letter_fits() always has a bucket bit: the pretest only skips positions whose check() would answer 0
 * before reading anything else. Two table sets, as a shuffle yields 8 bits and there are 16 groups. */
enum { N_GROUPS = 16 };
static unsigned char VLO[3][2][16], VHI[3][2][16];   /* [place][group / 8][nibble] -> bucket bits */

static int fill_tables(void)
{
    int masks = 0;
    for (unsigned a = 0; a < 256; a++)
        for (unsigned b = 0; b < 256; b++) {
            if (!(FIRST[a] & SECOND[b]))
                continue;
            uint32_t third[8] = {0};
            for (unsigned c = 0; c < 256; c++)
                third[c >> 5] |= (uint32_t)(third_fits(a, b, c) != 0) << (c & 31);
            int k = 0;
            while (k < masks && memcmp(THIRD[k], third, sizeof third) != 0)
                k++;
            if (k == masks) {
                if (masks == 255)
                    return -1;   /* (a few dozen are made) */
                memcpy(THIRD[masks++], third, sizeof third);
            }
            PAIR[a | b << 8] = (unsigned char)(k + 1);
        }
    for (int g = 0; g < N_GROUPS; g++) {
        const unsigned bit = 1u << g, set = g / 8;
        const unsigned char v = (unsigned char)(1u << (g % 8));
        uint32_t third[8] = {0};   /* the THIRD sets of the group's pairs, joined */
        for (unsigned a = 0; a < 256; a++) {
            if (!(FIRST[a] & bit))
                continue;
            VLO[0][set][a & 15] |= v, VHI[0][set][a >> 4] |= v;
            for (unsigned b = 0; b < 256; b++)
                for (int w = 0; w < 8 && (SECOND[b] & bit); w++)
                    third[w] |= THIRD[PAIR[a | b << 8] - 1][w];
        }
        for (unsigned b = 0; b < 256; b++)
            if (SECOND[b] & bit)
                VLO[1][set][b & 15] |= v, VHI[1][set][b >> 4] |= v;
        for (unsigned c = 0; c < 256; c++)
            if (third[c >> 5] >> (c & 31) & 1)
                VLO[2][set][c & 15] |= v, VHI[2][set][c >> 4] |= v;
    }
    return 0;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(FINDER_SCALAR_ONLY)   /* (the define: to build the fallback here) */
#include <immintrin.h>
#define HAVE_VECTOR 1
static int use_vector;   /* set at import: the CPU has AVX2 */

static inline __attribute__((target("avx2"))) __m256i table(const unsigned char t[16])
{
    return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)t));
}

/* The candidate lines of [lo, hi) into o, as find() finds them, 32 positions of the whole range at a time: each block
 * yields the positions whose triple passes the pretest and the newlines, walked in order, so that no line is
 * searched for its end unless one of its triggers is checked (a line that has none only ends) and no line is cut
 * into a vector part and a scalar tail. A pair at the end of its line has the `\n` for its third character: the
 * pairs check() can take without a third character (logcat's `W ` and `E/`) hold a non-letter, and third_fits lets
 * any character follow those. Where fewer than 34 bytes remain, the line under way and the rest go to the scalar
 * scan. -1 when out of memory. */
__attribute__((target("avx2"))) static int find_vector(P base, Py_ssize_t lo, Py_ssize_t hi, Offsets *o)
{
    const __m256i low4 = _mm256_set1_epi8(0x0f), zero = _mm256_setzero_si256(), nl = _mm256_set1_epi8('\n');
    __m256i lo_t[3][2], hi_t[3][2];
    for (int k = 0; k < 3; k++)
        for (int set = 0; set < 2; set++)
            lo_t[k][set] = table(VLO[k][set]), hi_t[k][set] = table(VHI[k][set]);
    P lo_p = base + lo, hi_p = base + hi, p = lo_p;
    Line L = {lo_p, lo_p, NULL, lo_p, 0};   /* the line under way; le NULL until a check needs it */
    int carry = 0;
    while (hi_p - p > 33) {
        __m256i hit0 = _mm256_set1_epi8(-1), hit1 = hit0;
        for (int k = 0; k < 3; k++) {
            const __m256i x = _mm256_loadu_si256((const __m256i *)(p + k));
            __m256i lo = _mm256_and_si256(x, low4), hi = _mm256_and_si256(_mm256_srli_epi16(x, 4), low4);
            __m256i b0 = _mm256_and_si256(_mm256_shuffle_epi8(lo_t[k][0], lo), _mm256_shuffle_epi8(hi_t[k][0], hi));
            __m256i b1 = _mm256_and_si256(_mm256_shuffle_epi8(lo_t[k][1], lo), _mm256_shuffle_epi8(hi_t[k][1], hi));
            hit0 = _mm256_and_si256(hit0, b0), hit1 = _mm256_and_si256(hit1, b1);
        }
        const __m256i none = _mm256_cmpeq_epi8(_mm256_or_si256(hit0, hit1), zero);
        uint32_t t = ~(uint32_t)_mm256_movemask_epi8(none);
        uint32_t n = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)p), nl));
        P next = p + 32;
        while (t | n) {
            const int it = t ? __builtin_ctz(t) : 32, in = n ? __builtin_ctz(n) : 32;
            if (in < it) {   /* the line ends */
                if (end_line(base, L.ls, p + in, 1, 0, &carry, o) < 0)
                    return -1;
                n &= n - 1;
                L.ls = L.run_end = p + in + 1, L.le = NULL, L.run_hit = 0;
                continue;
            }
            P q = p + it;
            t &= t - 1;
            if (!pair_at(q))
                continue;
            if (L.le == NULL) {   /* (the newlines before q are taken: n's lowest is the line's end) */
                P e = n ? p + __builtin_ctz(n) : memchr(p + 32, '\n', (size_t)(hi_p - (p + 32)));
                L.le = e ? e : hi_p;
            }
            if (!check(&L, q))
                continue;
            /* the line is a candidate: on from its end */
            if (L.le == hi_p)
                return end_line(base, L.ls, hi_p, 0, 1, &carry, o);
            if (end_line(base, L.ls, L.le, 1, 1, &carry, o) < 0)
                return -1;
            next = L.le + 1;
            L.ls = L.run_end = next, L.le = NULL, L.run_hit = 0;
            break;
        }
        p = next;
    }
    /* the rest: the line under way from p (its positions before p were read above), then line by line */
    return find_scalar(base, lo_p, p, L.ls, carry, hi_p, o);
}
#else
#define HAVE_VECTOR 0
static const int use_vector = 0;
static int find_vector(P base, Py_ssize_t lo, Py_ssize_t hi, Offsets *o) { (void)base, (void)lo, (void)hi, (void)o; return 0; }
#endif

/* The candidate lines of [lo, hi) into o; -1 when out of memory. Runs without the GIL. */
static int find(P base, Py_ssize_t lo, Py_ssize_t hi, int vector, Offsets *o)
{
    if (vector)
        return find_vector(base, lo, hi, o);
    return find_scalar(base, base + lo, base + lo, base + lo, 0, base + hi, o);
}

static PyObject *find_lines(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *obj;
    Py_ssize_t lo, hi;
    int scalar = 0;
    if (!PyArg_ParseTuple(args, "Onn|p:find_lines", &obj, &lo, &hi, &scalar))
        return NULL;
    Py_buffer view;
    if (PyObject_GetBuffer(obj, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    if (lo < 0 || hi < lo || hi > view.len) {
        PyErr_Format(PyExc_ValueError, "find_lines: need 0 <= lo <= hi <= len(buf) = %zd, got lo=%zd, hi=%zd",
                     view.len, lo, hi);
        PyBuffer_Release(&view);
        return NULL;
    }
    Offsets o = {NULL, 0, 0};
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = find((P)view.buf, lo, hi, use_vector && !scalar, &o);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    PyObject *list = rc < 0 ? PyErr_NoMemory() : PyList_New((Py_ssize_t)o.n);
    for (size_t i = 0; list != NULL && i < o.n; i++) {
        PyObject *x = PyLong_FromSsize_t(o.v[i]);
        if (x == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, x);
    }
    free(o.v);
    return list;
}

static PyMethodDef methods[] = {
    {"find_lines", find_lines, METH_VARARGS,
     "find_lines(buf, lo, hi, scalar=False) -> list of int\n\n"
     "The start offsets, ascending, of the lines of buf[lo:hi] (any bytes-like object) that may start an event: a\n"
     "superset of the lines app.candidates' Hyperscan patterns hit. lo is taken as a line start; the range need\n"
     "not end in a newline. ValueError unless 0 <= lo <= hi <= len(buf). scalar: leave out the vector pretest\n"
     "(VECTOR names it, empty where the CPU has none) and scan byte pair by byte pair: the same offsets, slower."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "app._c_finder",
    .m_doc = "Candidate-line finder of app.candidates (CompiledFinder): the lines that may start an event.",
    .m_size = 0,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__c_finder(void)
{
    if (fill_tables() < 0) {
        PyErr_SetString(PyExc_RuntimeError, "app._c_finder: more than 255 sets of third characters");
        return NULL;
    }
#if HAVE_VECTOR
    __builtin_cpu_init();
    use_vector = __builtin_cpu_supports("avx2");
#endif
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddStringConstant(m, "VECTOR", use_vector ? "avx2" : "") < 0)
        Py_CLEAR(m);
    return m;
}
