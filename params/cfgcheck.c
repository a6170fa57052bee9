/* params/cfgcheck.c -- the checks a libconfig file passes before libconfig reads it.
 * This file contains a small lexer of libconfig's syntax that finds what libconfig 1.5 would
 * get wrong without a word: an integer literal beyond 32 bits (its scanner wraps 4294969251 to
 * 1955), and @include directives naming files that are not regular files (a FIFO would block
 * the reader for ever) or lie outside the size cap. Every libconfig file of relsim (parameters,
 * targets, free sets) goes through rs_params_config_prepare. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "params.h"

#define INCLUDE_DEPTH_MAX 10

typedef struct lexer {
  const char *path; /* for messages */
  const char *p;    /* next character */
  int line;
} lexer;

static rs_status check_text(const char *path, const char *dir, const char *text, int depth,
                            rs_error *err);

/* Skip a comment or a string starting at l->p; 1 if one was skipped. */
static int skip_comment_or_string(lexer *l) {
  const char *p = l->p;
  if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
    while (*p && *p != '\n') p++;
  } else if (p[0] == '/' && p[1] == '*') {
    for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
      if (*p == '\n') l->line++;
    if (*p) p += 2;
  } else if (*p == '"') {
    for (p++; *p && *p != '"'; p++) {
      if (*p == '\\' && p[1]) p++;
      if (*p == '\n') l->line++;
    }
    if (*p) p++;
  } else {
    return 0;
  }
  l->p = p;
  return 1;
}

/* A number token at l->p (a digit, or a sign or a point before a digit). Refuses an integer
 * that libconfig 1.5 would wrap: decimal beyond INT32 without the L suffix of a 64-bit literal,
 * hexadecimal beyond 0x7fffffff. */
static rs_status check_number(lexer *l, rs_error *err) {
  const char *start = l->p, *p = l->p;
  if (*p == '+' || *p == '-') p++;
  int hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
  const char *digits = hex ? p + 2 : p;
  const char *q = digits;
  while (hex ? (q[0] >= '0' && q[0] <= '9') || (q[0] >= 'a' && q[0] <= 'f') ||
                   (q[0] >= 'A' && q[0] <= 'F')
             : (q[0] >= '0' && q[0] <= '9'))
    q++;
  if (!hex && (*q == '.' || *q == 'e' || *q == 'E')) { /* a float: libconfig reads it right */
    for (q++;
         (*q >= '0' && *q <= '9') || *q == 'e' || *q == 'E' || *q == '+' || *q == '-' || *q == '.';
         q++) {
    }
    l->p = q;
    return RS_OK;
  }
  int is64 = *q == 'L';
  while (*q == 'L') q++;
  l->p = q;
  if (is64 || q == digits) return RS_OK;
  errno = 0;
  char *end;
  long long v = hex ? (long long)strtoull(digits, &end, 16) : strtoll(start, &end, 10);
  int too_big = errno == ERANGE ||
                (hex ? (unsigned long long)v > 0x7fffffffULL : (v > INT_MAX || v < INT_MIN));
  if (!too_big) return RS_OK;
  return rs_fail(err, RS_ERR_INPUT,
                 "%s:%d: the integer %.*s does not fit in 32 bits, and libconfig 1.5 would "
                 "silently read another number; write it as a float (%.*s.0) or as a value "
                 "between -2147483648 and 2147483647",
                 l->path, l->line, (int)(q - start), start, (int)(q - start), start);
}

/* "@include "file"" at l->p: check the named file (relative to dir, as libconfig resolves it
 * with the include directory relsim sets) and its own text. */
static rs_status check_include(lexer *l, const char *dir, int depth, rs_error *err) {
  const char *p = l->p + strlen("@include");
  while (*p == ' ' || *p == '\t') p++;
  if (*p != '"') { /* libconfig reports the syntax error itself */
    l->p = p;
    return RS_OK;
  }
  const char *name = ++p;
  while (*p && *p != '"' && *p != '\n') p++;
  int len = (int)(p - name);
  l->p = *p == '"' ? p + 1 : p;
  char rel[4096], path[8200], sub[8200];
  if (len <= 0 || len >= (int)sizeof rel)
    return rs_fail(err, RS_ERR_INPUT, "%s:%d: @include needs a file name", l->path, l->line);
  snprintf(rel, sizeof rel, "%.*s", len, name);
  if (depth >= INCLUDE_DEPTH_MAX)
    return rs_fail(err, RS_ERR_INPUT, "%s:%d: @include nested deeper than %d files (a cycle?)",
                   l->path, l->line, INCLUDE_DEPTH_MAX);
  rs_path_join(dir, rel, path, sizeof path);
  FILE *fp = NULL;
  rs_error sub_err;
  rs_status st = rs_input_open(path, RS_INPUT_CONFIG, &fp, &sub_err);
  if (st != RS_OK)
    return rs_fail(err, st, "%s:%d: @include \"%s\" (resolved against %s): %s", l->path, l->line,
                   rel, dir, sub_err.msg);
  rs_buf b;
  rs_buf_init(&b);
  char chunk[8192];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) rs_buf_printf(&b, "%.*s", (int)n, chunk);
  int bad = ferror(fp);
  fclose(fp);
  if (bad || b.failed) st = rs_fail(err, RS_ERR_IO, "%s: cannot read", path);
  snprintf(sub, sizeof sub, "%s", path);
  if (st == RS_OK) st = check_text(sub, dir, b.data ? b.data : "", depth + 1, err);
  rs_buf_free(&b);
  return st;
}

static rs_status check_text(const char *path, const char *dir, const char *text, int depth,
                            rs_error *err) {
  lexer l = {path, text, 1};
  while (*l.p) {
    char c = *l.p;
    if (c == '\n') {
      l.line++;
      l.p++;
    } else if (skip_comment_or_string(&l)) {
    } else if (strncmp(l.p, "@include", 8) == 0) {
      rs_status st = check_include(&l, dir, depth, err);
      if (st != RS_OK) return st;
    } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '*' || c == '_') {
      /* a name: its digits are no number */
      while ((*l.p >= 'A' && *l.p <= 'Z') || (*l.p >= 'a' && *l.p <= 'z') ||
             (*l.p >= '0' && *l.p <= '9') || *l.p == '_' || *l.p == '-' || *l.p == '*')
        l.p++;
    } else if ((c >= '0' && c <= '9') ||
               ((c == '-' || c == '+' || c == '.') && l.p[1] >= '0' && l.p[1] <= '9')) {
      rs_status st = check_number(&l, err);
      if (st != RS_OK) return st;
    } else {
      l.p++;
    }
  }
  return RS_OK;
}

/* The whole file, read after the regular-file and size checks. */
static rs_status read_text(const char *path, rs_buf *b, rs_error *err) {
  FILE *fp = NULL;
  rs_status st = rs_input_open(path, RS_INPUT_CONFIG, &fp, err);
  if (st != RS_OK) return st;
  char chunk[8192];
  size_t n;
  int nul = 0;
  while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
    if (memchr(chunk, '\0', n)) nul = 1;
    rs_buf_printf(b, "%.*s", (int)n, chunk);
  }
  int bad = ferror(fp);
  fclose(fp);
  if (bad) return rs_fail(err, RS_ERR_IO, "%s: read error", path);
  if (b->failed) return rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", path);
  if (nul) return rs_fail(err, RS_ERR_INPUT, "%s: holds a NUL byte (is this a text file?)", path);
  return RS_OK;
}

rs_status rs_params_config_prepare(struct config_t *cfg, const char *path, rs_error *err) {
  char dir[4096];
  rs_dirname(path, dir, sizeof dir);
  /* @include resolves against the including file's folder, not the working directory */
  config_set_include_dir(cfg, dir);
  config_set_auto_convert(cfg, CONFIG_TRUE);
  rs_buf b;
  rs_buf_init(&b);
  rs_status st = read_text(path, &b, err);
  if (st == RS_OK) st = check_text(path, dir, b.data ? b.data : "", 0, err);
  rs_buf_free(&b);
  return st;
}
