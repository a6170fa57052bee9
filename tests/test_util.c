/* tests/test_util.c -- the reading side of util's CSV helpers (rs_csv_split, rs_parse_double):
 * a line splits into the fields that rs_buf_csv_field wrote, quoted commas and quotes included,
 * and malformed lines and numbers are refused rather than half read. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "util.h"

static void a_line_splits_into_trimmed_fields_without_its_line_break(void) {
  char line[] = "natural, 2000 ,2005,\t-0.001,0\r\n";
  char *f[8];
  CHECK(rs_csv_split(line, f, 8) == 5);
  CHECK(strcmp(f[0], "natural") == 0);
  CHECK(strcmp(f[1], "2000") == 0);
  CHECK(strcmp(f[3], "-0.001") == 0);
  CHECK(strcmp(f[4], "0") == 0);
  char empty[] = "\n", *g[2];
  CHECK(rs_csv_split(empty, g, 2) == 1 && g[0][0] == '\0');
  char blanks[] = "a,,b", *h[4];
  CHECK(rs_csv_split(blanks, h, 4) == 3 && h[1][0] == '\0' && strcmp(h[2], "b") == 0);
}

static void fields_written_by_rs_buf_csv_field_read_back_unchanged(void) {
  static const char *const texts[] = {"plain", "with, comma", "say \"hi\"", " padded ",
                                      "",      "\"",          "a,\"b\",c"};
  enum { N = sizeof texts / sizeof texts[0] };
  rs_buf b;
  rs_buf_init(&b);
  for (int i = 0; i < N; i++) {
    if (i) rs_buf_printf(&b, ",");
    rs_buf_csv_field(&b, texts[i]);
  }
  rs_buf_printf(&b, "\n");
  CHECK(!b.failed);
  char *f[N + 1];
  int n = b.data ? rs_csv_split(b.data, f, N + 1) : -2;
  CHECK(n == N);
  for (int i = 0; i < N && i < n; i++) {
    if (strcmp(f[i], texts[i]) != 0)
      fprintf(stderr, "  field %d: '%s', want '%s'\n", i, f[i], texts[i]);
    CHECK(strcmp(f[i], texts[i]) == 0);
  }
  rs_buf_free(&b);
}

static void too_many_fields_and_broken_quotes_are_refused(void) {
  char *f[3];
  char many[] = "a,b,c,d";
  CHECK(rs_csv_split(many, f, 3) == 4); /* max + 1: more than asked for */
  char open[] = "a,\"never closed";
  CHECK(rs_csv_split(open, f, 3) == -1);
  char trailing[] = "\"quoted\"text,b";
  CHECK(rs_csv_split(trailing, f, 3) == -1);
}

static void only_whole_finite_numbers_parse(void) {
  double x = 42.0;
  CHECK(rs_parse_double("-0.001", &x) && x == -0.001);
  CHECK(rs_parse_double("2e3", &x) && x == 2000.0);
  x = 42.0;
  CHECK(!rs_parse_double("", &x));
  CHECK(!rs_parse_double("0.1%", &x));
  CHECK(!rs_parse_double("abc", &x));
  CHECK(!rs_parse_double("inf", &x));
  CHECK(!rs_parse_double("nan", &x));
  CHECK(!rs_parse_double("1e999", &x));
  CHECK(x == 42.0); /* untouched on failure */
}

int main(void) {
  RUN(a_line_splits_into_trimmed_fields_without_its_line_break);
  RUN(fields_written_by_rs_buf_csv_field_read_back_unchanged);
  RUN(too_many_fields_and_broken_quotes_are_refused);
  RUN(only_whole_finite_numbers_parse);
  return CHECK_DONE();
}
