/* util/util.c -- status codes, atomic output files, SHA-256, string and path helpers.
 * This file contains nothing relsim-specific; see util.h for the contracts. */
#define _XOPEN_SOURCE 700 /* realpath (XSI) */

#include "util.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------------- status codes */

const char *rs_strerror(rs_status st) {
  switch (st) {
    case RS_OK:
      return "success";
    case RS_ERR_INPUT:
      return "bad input";
    case RS_ERR_RUN:
      return "run failed";
    case RS_ERR_IO:
      return "input/output error";
    case RS_ERR_NOMEM:
      return "out of memory";
    case RS_ERR_INTERRUPT:
      return "interrupted";
  }
  return "unknown error";
}

int rs_exit_code(rs_status st) {
  switch (st) {
    case RS_OK:
      return 0;
    case RS_ERR_INPUT:
      return 2;
    case RS_ERR_INTERRUPT:
      return 130;
    default:
      return 1;
  }
}

rs_status rs_fail(rs_error *err, rs_status st, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
  }
  return st;
}

/* ---------------------------------------------------------------- atomic files */

rs_status rs_afile_open(rs_afile *f, const char *path, rs_error *err) {
  memset(f, 0, sizeof *f);
  if (strlen(path) + 16 >= sizeof f->tmp) return rs_fail(err, RS_ERR_IO, "%s: path too long", path);
  snprintf(f->path, sizeof f->path, "%s", path);
  snprintf(f->tmp, sizeof f->tmp, "%s.tmp.XXXXXX", path);
  int fd = mkstemp(f->tmp);
  if (fd < 0) return rs_fail(err, RS_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
  /* mkstemp creates 0600; results are meant to be shared like any other output. */
  mode_t mask = umask(0);
  umask(mask);
  (void)fchmod(fd, (mode_t)(0666 & ~mask));
  f->fp = fdopen(fd, "w");
  if (!f->fp) {
    int e = errno;
    close(fd);
    unlink(f->tmp);
    return rs_fail(err, RS_ERR_IO, "%s: cannot open: %s", path, strerror(e));
  }
  return RS_OK;
}

rs_status rs_afile_commit(rs_afile *f, rs_error *err) {
  if (!f->fp) return rs_fail(err, RS_ERR_IO, "%s: not open", f->path);
  int bad = ferror(f->fp) || fflush(f->fp) != 0;
  int e = errno;
  if (fclose(f->fp) != 0 && !bad) {
    bad = 1;
    e = errno;
  }
  f->fp = NULL;
  if (!bad && rename(f->tmp, f->path) != 0) {
    bad = 1;
    e = errno;
  }
  if (bad) {
    unlink(f->tmp);
    return rs_fail(err, RS_ERR_IO, "%s: cannot write: %s", f->path, strerror(e));
  }
  return RS_OK;
}

void rs_afile_abort(rs_afile *f) {
  if (!f || !f->fp) return;
  fclose(f->fp);
  f->fp = NULL;
  unlink(f->tmp);
}

rs_status rs_write_file(const char *path, const char *text, rs_error *err) {
  rs_afile f;
  rs_status st = rs_afile_open(&f, path, err);
  if (st != RS_OK) return st;
  fputs(text, f.fp);
  return rs_afile_commit(&f, err);
}

rs_status rs_mkdir_p(const char *path, rs_error *err) {
  char buf[4096];
  if (strlen(path) >= sizeof buf) return rs_fail(err, RS_ERR_IO, "%s: path too long", path);
  snprintf(buf, sizeof buf, "%s", path);
  for (char *p = buf + 1;; p++) {
    if (*p == '/' || *p == '\0') {
      char c = *p;
      *p = '\0';
      if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return rs_fail(err, RS_ERR_IO, "%s: cannot create directory: %s", buf, strerror(errno));
      *p = c;
      if (c == '\0') break;
    }
  }
  struct stat sb;
  if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
    return rs_fail(err, RS_ERR_IO, "%s: not a directory", path);
  return RS_OK;
}

/* ---------------------------------------------------------------- SHA-256 (FIPS 180-4) */

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

typedef struct sha_ctx {
  uint32_t h[8];
  uint8_t block[64];
  size_t fill;
  uint64_t total;
} sha_ctx;

static uint32_t rotr(uint32_t x, unsigned n) {
  return (x >> n) | (x << (32 - n));
}

static void sha_compress(sha_ctx *c, const uint8_t *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
           (uint32_t)p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3];
  uint32_t e = c->h[4], f = c->h[5], g = c->h[6], h = c->h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 =
        h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + sha_k[i] + w[i];
    uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = cc;
    cc = b;
    b = a;
    a = t1 + t2;
  }
  c->h[0] += a;
  c->h[1] += b;
  c->h[2] += cc;
  c->h[3] += d;
  c->h[4] += e;
  c->h[5] += f;
  c->h[6] += g;
  c->h[7] += h;
}

static void sha_init(sha_ctx *c) {
  static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(c->h, h0, sizeof h0);
  c->fill = 0;
  c->total = 0;
}

static void sha_update(sha_ctx *c, const uint8_t *p, size_t n) {
  c->total += n;
  while (n > 0) {
    size_t take = 64 - c->fill < n ? 64 - c->fill : n;
    memcpy(c->block + c->fill, p, take);
    c->fill += take;
    p += take;
    n -= take;
    if (c->fill == 64) {
      sha_compress(c, c->block);
      c->fill = 0;
    }
  }
}

static void sha_final(sha_ctx *c, uint8_t out[32]) {
  uint64_t bits = c->total * 8;
  uint8_t pad = 0x80;
  sha_update(c, &pad, 1);
  pad = 0;
  while (c->fill != 56) sha_update(c, &pad, 1);
  uint8_t len[8];
  for (int i = 0; i < 8; i++) len[i] = (uint8_t)(bits >> (56 - 8 * i));
  sha_update(c, len, 8);
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (uint8_t)(c->h[i] >> 24);
    out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
    out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
    out[4 * i + 3] = (uint8_t)c->h[i];
  }
}

void rs_sha256(const void *data, size_t len, uint8_t out[32]) {
  sha_ctx c;
  sha_init(&c);
  sha_update(&c, data, len);
  sha_final(&c, out);
}

rs_status rs_sha256_file(const char *path, char hex[65], rs_error *err) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return rs_fail(err, RS_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
  sha_ctx c;
  sha_init(&c);
  uint8_t buf[8192];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, fp)) > 0) sha_update(&c, buf, n);
  int bad = ferror(fp);
  fclose(fp);
  if (bad) return rs_fail(err, RS_ERR_IO, "%s: read error", path);
  uint8_t d[32];
  sha_final(&c, d);
  for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
  return RS_OK;
}

/* ---------------------------------------------------------------- strings */

size_t rs_edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (lb > 255) return la > lb ? la : lb;
  size_t row[256];
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t best = diag + cost;
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

/* Whether a misspelt name is plausibly a typo of a candidate at edit distance d. */
static int close_enough(const char *name, size_t d) {
  size_t len = strlen(name);
  return d <= (len < 3 ? 1 : len < 6 ? 2 : len / 3 + 1);
}

const char *rs_closest(const char *name, const char *const *cands, int n) {
  const char *best = NULL;
  size_t best_d = (size_t)-1;
  for (int i = 0; i < n; i++) {
    size_t d = rs_edit_distance(name, cands[i]);
    if (d < best_d) {
      best_d = d;
      best = cands[i];
    }
  }
  return best && close_enough(name, best_d) ? best : NULL;
}

const char *rs_did_you_mean(const char *suggestion, char *buf, size_t n) {
  if (suggestion)
    snprintf(buf, n, "; did you mean '%s'?", suggestion);
  else
    buf[0] = '\0';
  return buf;
}

const char *rs_name_list(const char *const *names, int n, char *buf, size_t size) {
  size_t len = 0;
  buf[0] = '\0';
  for (int i = 0; i < n && len < size; i++) {
    int w = snprintf(buf + len, size - len, "%s%s", i ? ", " : "", names[i]);
    if (w < 0) break;
    len += (size_t)w;
  }
  return buf;
}

void rs_buf_init(rs_buf *b) {
  memset(b, 0, sizeof *b);
}

void rs_buf_free(rs_buf *b) {
  if (!b) return;
  free(b->data);
  memset(b, 0, sizeof *b);
}

void rs_buf_vprintf(rs_buf *b, const char *fmt, va_list ap) {
  if (b->failed) return;
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) return;
  size_t need = b->len + (size_t)n + 1;
  if (need > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
      b->failed = 1;
      return;
    }
    b->data = p;
    b->cap = cap;
  }
  vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
  b->len += (size_t)n;
}

void rs_buf_printf(rs_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  rs_buf_vprintf(b, fmt, ap);
  va_end(ap);
}

void rs_buf_csv_field(rs_buf *b, const char *s) {
  size_t n = strlen(s);
  int quote = strpbrk(s, ",\"\r\n") != NULL || (n > 0 && (s[0] == ' ' || s[n - 1] == ' '));
  if (!quote) {
    rs_buf_printf(b, "%s", s);
    return;
  }
  rs_buf_printf(b, "\"");
  for (; *s; s++) rs_buf_printf(b, "%s%c", *s == '"' ? "\"" : "", *s);
  rs_buf_printf(b, "\"");
}

const char *rs_format_csv6(double x, char buf[32]) {
  if (isnan(x))
    buf[0] = '\0';
  else
    snprintf(buf, 32, "%.6g", x == 0.0 ? 0.0 : x);
  return buf;
}

int rs_csv_split(char *line, char **fields, int max) {
  line[strcspn(line, "\r\n")] = '\0';
  int n = 0;
  char *p = line;
  for (;;) {
    while (*p == ' ' || *p == '\t') p++;
    char *start = p, *w = p; /* w writes the field's text over itself: "" becomes " */
    if (*p == '"') {
      for (p++;; p++) {
        if (*p == '\0') return -1;
        if (*p == '"' && p[1] != '"') break;
        if (*p == '"') p++;
        *w++ = *p;
      }
      for (p++; *p == ' ' || *p == '\t'; p++) {
      }
      if (*p != ',' && *p != '\0') return -1;
    } else {
      while (*p && *p != ',') p++;
      w = p;
      while (w > start && (w[-1] == ' ' || w[-1] == '\t')) w--;
    }
    char sep = *p; /* the terminator below may overwrite it */
    *w = '\0';
    if (n == max) return max + 1;
    fields[n++] = start;
    if (sep == '\0') return n;
    p++;
  }
}

int rs_parse_double(const char *text, double *x) {
  char *end;
  errno = 0;
  double v = strtod(text, &end);
  if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v)) return 0;
  *x = v;
  return 1;
}

int rs_threads(int requested, int tasks) {
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  if (online < 1) online = 1;
  long n = requested;
  if (n <= 0) {
    const char *env = getenv("OMP_NUM_THREADS");
    char *end = NULL;
    n = env ? strtol(env, &end, 10) : 0;
    if (!env || end == env || (*end != '\0' && *end != ',') || n <= 0) n = online;
  }
  if (n > 4 * online) n = 4 * online;
  if (n > RS_THREADS_MAX) n = RS_THREADS_MAX;
  if (tasks > 0 && n > tasks) n = tasks;
  return n < 1 ? 1 : (int)n;
}

char *rs_text_printable(char *s) {
  for (char *c = s; *c; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7f) *c = '?';
  return s;
}

int rs_snprintf_fits(char *out, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(out, n, fmt, ap);
  va_end(ap);
  return k >= 0 && (size_t)k < n;
}

void rs_buf_md_cell(rs_buf *b, const char *text) {
  for (const char *s = text; *s; s++) {
    if (*s == '|')
      rs_buf_printf(b, "\\|");
    else if (*s == '`')
      rs_buf_printf(b, "'");
    else if (*s == '\n' || *s == '\r')
      rs_buf_printf(b, " ");
    else
      rs_buf_printf(b, "%c", *s);
  }
}

const char *rs_format_double(double x, char buf[32]) {
  char g[32], f[48];
  /* Shortest %.Ng that reads back to the same double. */
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(g, sizeof g, "%.*g", prec, x);
    if (strtod(g, NULL) == x) break;
  }
  /* Plain decimals read better than exponents for ordinary magnitudes (1970.0, not 1.97e+03):
   * take the fewest decimals that round-trip when that is no longer than 20 characters. */
  double ax = fabs(x);
  if (strpbrk(g, "eE") && ax >= 1e-4 && ax < 1e15) {
    for (int dec = 0; dec <= 17; dec++) {
      snprintf(f, sizeof f, "%.*f", dec, x);
      if (strtod(f, NULL) == x) {
        size_t lf = strlen(f);
        if (lf <= 20) memcpy(g, f, lf + 1);
        break;
      }
    }
  }
  if (!strpbrk(g, ".eEn")) { /* "n" covers nan/inf, which have no float form anyway */
    size_t len = strlen(g);
    if (len + 2 < sizeof g) memcpy(g + len, ".0", 3);
  }
  memcpy(buf, g, 32);
  return buf;
}

const char *rs_format_number(double x, char buf[32]) {
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, 32, "%.*g", prec, x);
    if (strtod(buf, NULL) == x) break;
  }
  if (strchr(buf, 'e') && fabs(x) >= 1.0 && fabs(x) < 1e15 && x == floor(x))
    snprintf(buf, 32, "%.0f", x);
  return buf;
}

void rs_dirname(const char *path, char *out, size_t n) {
  const char *slash = strrchr(path, '/');
  if (!slash) {
    snprintf(out, n, ".");
  } else if (slash == path) {
    snprintf(out, n, "/");
  } else {
    snprintf(out, n, "%.*s", (int)(slash - path), path);
  }
}

void rs_path_join(const char *dir, const char *rel, char *out, size_t n) {
  if (rel[0] == '/' || strcmp(dir, ".") == 0 || dir[0] == '\0')
    snprintf(out, n, "%s", rel);
  else
    snprintf(out, n, "%s/%s", dir, rel);
}

/* path with "." and "dir/.." segments removed lexically into out; an empty result is ".". */
static void tidy_lexically(const char *path, char *out, size_t n) {
  char buf[PATH_MAX];
  const char *seg[PATH_MAX / 2];
  int ns = 0, keep_up = 0; /* keep_up: leading ".." segments, which cannot be removed */
  bool abs = path[0] == '/';
  char *save = NULL;
  snprintf(buf, sizeof buf, "%s", path);
  for (char *tok = strtok_r(buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
    if (strcmp(tok, ".") == 0) continue;
    if (strcmp(tok, "..") == 0 && ns > keep_up) {
      ns--;
      continue;
    }
    if (strcmp(tok, "..") == 0 && abs) continue; /* "/.." is "/" */
    seg[ns++] = tok;
    if (strcmp(tok, "..") == 0) keep_up = ns;
  }
  size_t len = 0;
  out[0] = '\0';
  if (abs) len += (size_t)snprintf(out, n, "/");
  for (int i = 0; i < ns && len < n; i++) {
    int w = snprintf(out + len, n - len, "%s%s", i ? "/" : "", seg[i]);
    if (w < 0) break;
    len += (size_t)w;
  }
  if (!out[0]) snprintf(out, n, ".");
}

void rs_path_tidy(const char *path, char *out, size_t n) {
  char tidy[PATH_MAX], r1[PATH_MAX], r2[PATH_MAX];
  tidy_lexically(path, tidy, sizeof tidy);
  /* the tidy form only when it names the same file: "link/.." is not the link's directory */
  if (strcmp(tidy, path) != 0 && strlen(tidy) < n && realpath(path, r1) && realpath(tidy, r2) &&
      strcmp(r1, r2) == 0)
    snprintf(out, n, "%s", tidy);
  else
    snprintf(out, n, "%s", path);
}
