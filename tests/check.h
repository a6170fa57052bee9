/* tests/check.h -- a minimal unit-test harness for relsim's CTest executables.
 * Each test file defines functions named as sentences and runs them with RUN(); CHECK* macros
 * report file:line and the values on failure, and the process exits non-zero if any failed. */
#ifndef RS_CHECK_H
#define RS_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      check_failures++;                                                        \
    }                                                                          \
  } while (0)

/* |got - want| <= rtol * |want| (or <= rtol when want is 0). */
#define CHECK_REL(got, want, rtol)                                                               \
  do {                                                                                           \
    double g_ = (got), w_ = (want), r_ = (rtol);                                                 \
    double d_ = fabs(g_ - w_), s_ = fabs(w_) > 0 ? fabs(w_) : 1.0;                               \
    if (!(d_ <= r_ * s_)) {                                                                      \
      fprintf(stderr, "%s:%d: CHECK_REL failed: %s = %.17g, want %.17g (rel err %.3g > %.3g)\n", \
              __FILE__, __LINE__, #got, g_, w_, d_ / s_, r_);                                    \
      check_failures++;                                                                          \
    }                                                                                            \
  } while (0)

#define CHECK_STR_CONTAINS(hay, needle)                                          \
  do {                                                                           \
    const char *h_ = (hay), *n_ = (needle);                                      \
    if (!h_ || !strstr(h_, n_)) {                                                \
      fprintf(stderr, "%s:%d: expected \"%s\" in: %s\n", __FILE__, __LINE__, n_, \
              h_ ? h_ : "(null)");                                               \
      check_failures++;                                                          \
    }                                                                            \
  } while (0)

#define RUN(test)                                                          \
  do {                                                                     \
    int before_ = check_failures;                                          \
    test();                                                                \
    printf("%s %s\n", check_failures == before_ ? "ok  " : "FAIL", #test); \
  } while (0)

#define CHECK_DONE() \
  (check_failures ? (fprintf(stderr, "%d check(s) failed\n", check_failures), 1) : 0)

#endif /* RS_CHECK_H */
