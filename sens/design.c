/* sens/design.c -- the designs: a counter-based uniform generator, the Sobol sequence, Latin
 * hypercubes, the map from the unit cube to parameter values, and sample files. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sens.h"
#include "solver.h"

/* SplitMix64's finaliser (Steele, Lea and Flood 2014): a bijective mix of 64 bits. */
static uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double rs_sens_uniform(uint64_t seed, uint64_t member, uint64_t dim) {
  uint64_t z = mix64(seed + 0x9e3779b97f4a7c15ULL);
  z = mix64(z ^ (member + 0x632be59bd9b4e019ULL));
  z = mix64(z ^ (dim * 0xd1b54a32d192ed03ULL + 1));
  return (double)(z >> 11) * 0x1.0p-53; /* 53 random bits: [0, 1) */
}

/* ---------------------------------------------------------------- Sobol */

typedef struct jk_row {
  int d, s, a;
  unsigned m[10];
} jk_row;

#define JK(d, s, a, ...) {d, s, a, __VA_ARGS__},
static const jk_row jk_rows[] = {
#include "sobol_jk.inc"
};
#undef JK

/* Direction numbers v[dim][k] (k = 0..31: bit 31-k is the leading one), built once. */
static uint32_t sobol_v[RS_SENS_SOBOL_MAXDIM][32];
static int sobol_ready = 0;

static void sobol_init(void) {
  for (int k = 0; k < 32; k++) sobol_v[0][k] = 1u << (31 - k);
  for (int j = 1; j < RS_SENS_SOBOL_MAXDIM; j++) {
    const jk_row *r = &jk_rows[j - 1];
    uint32_t *v = sobol_v[j];
    for (int k = 0; k < r->s && k < 32; k++) v[k] = (uint32_t)r->m[k] << (31 - k);
    for (int k = r->s; k < 32; k++) {
      /* the recurrence of Bratley and Fox (1988) for the polynomial x^s + a_1 x^(s-1) + ... + 1 */
      uint32_t x = v[k - r->s] ^ (v[k - r->s] >> r->s);
      for (int i = 1; i < r->s; i++)
        if ((r->a >> (r->s - 1 - i)) & 1) x ^= v[k - i];
      v[k] = x;
    }
  }
}

void rs_sens_sobol_point(int d, uint32_t index, double *u) {
  int ready;
#pragma omp atomic read
  ready = sobol_ready;
  if (!ready) {
#pragma omp critical(rs_sens_sobol_init)
    if (!sobol_ready) {
      sobol_init();
#pragma omp atomic write
      sobol_ready = 1;
    }
  }
  uint32_t g = index ^ (index >> 1); /* Gray code: point i is the XOR of v over its bits */
  for (int j = 0; j < d && j < RS_SENS_SOBOL_MAXDIM; j++) {
    uint32_t x = 0;
    for (int k = 0; k < 32; k++)
      if ((g >> k) & 1u) x ^= sobol_v[j][k];
    u[j] = (double)x * 0x1.0p-32;
  }
}

/* ---------------------------------------------------------------- Latin hypercube */

void rs_sens_lhs(int n, int d, uint64_t seed, double *u) {
  int *perm = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
  if (!perm) { /* no permutation: the strata in order (still a Latin hypercube) */
    for (int i = 0; i < n; i++)
      for (int k = 0; k < d; k++)
        u[(size_t)i * (size_t)d + (size_t)k] =
            (i + rs_sens_uniform(seed, (uint64_t)i, (uint64_t)(2 * k + 1))) / n;
    return;
  }
  for (int k = 0; k < d; k++) {
    for (int i = 0; i < n; i++) perm[i] = i;
    for (int i = n - 1; i > 0; i--) { /* Fisher-Yates with the counter-based generator */
      int j = (int)(rs_sens_uniform(seed, (uint64_t)i, (uint64_t)(2 * k)) * (i + 1));
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    for (int i = 0; i < n; i++)
      u[(size_t)i * (size_t)d + (size_t)k] =
          (perm[i] + rs_sens_uniform(seed, (uint64_t)i, (uint64_t)(2 * k + 1))) / n;
  }
  free(perm);
}

/* ---------------------------------------------------------------- designs, values */

double rs_sens_param_value(const rs_free_param *fp, double u) {
  if (u < 0.0) u = 0.0;
  if (u > 1.0) u = 1.0;
  /* the free set's prior (uniform on the bounds unless free.cfg gives another), through its
   * inverse distribution function */
  return rs_free_prior_quantile(fp, u);
}

void rs_sens_member_solver(rs_params *p) {
  /* the ensemble method of every ensemble command: explicit Dormand-Prince, BDF for a member
   * that it fails or finds stiff (solver.h) */
  p->v[RS_P_SOLVER_METHOD] = (double)rs_solver_ensemble_options().method;
}

static const char *const design_names[] = {"random", "lhs", "sobol"};

int rs_sens_design_find(const char *name) {
  for (int i = 0; i < 3; i++)
    if (strcmp(name, design_names[i]) == 0) return i;
  return -1;
}

const char *rs_sens_design_name(int design) {
  return design >= 0 && design < 3 ? design_names[design] : "?";
}

void rs_sens_design_points(int design, int n, int d, uint64_t seed, double *u) {
  if (design == RS_DESIGN_LHS) {
    rs_sens_lhs(n, d, seed, u);
  } else if (design == RS_DESIGN_SOBOL) {
    for (int i = 0; i < n; i++)
      rs_sens_sobol_point(d, (uint32_t)(i + 1), u + (size_t)i * (size_t)d);
  } else {
    for (int i = 0; i < n; i++)
      for (int k = 0; k < d; k++)
        u[(size_t)i * (size_t)d + (size_t)k] = rs_sens_uniform(seed, (uint64_t)i, (uint64_t)k);
  }
}

/* ---------------------------------------------------------------- sample files */

#define MAXFIELD 256

void rs_sens_samples_free(rs_sens_samples *s) {
  if (!s) return;
  free(s->x);
  memset(s, 0, sizeof *s);
}

/* The header: which field holds which parameter (col[f] = index into s->ref, or -1). */
static rs_status read_header(const char *path, char *line, const rs_params *base,
                             rs_sens_samples *s, int *col, int *nfield, rs_error *err) {
  char *f[MAXFIELD + 1];
  int nf = rs_csv_split(line, f, MAXFIELD);
  if (nf < 1 || nf > MAXFIELD)
    return rs_fail(err, RS_ERR_INPUT, "%s:1: cannot read the header row", path);
  for (int i = 0; i < nf; i++) {
    col[i] = -1;
    rs_pref ref;
    if (rs_pref_parse(base, f[i], &ref) != 0) continue; /* chain, iteration, log_lik, ... */
    if (s->np >= RS_FREE_MAX)
      return rs_fail(err, RS_ERR_INPUT, "%s:1: more than %d parameter columns", path, RS_FREE_MAX);
    for (int k = 0; k < s->np; k++)
      if (s->ref[k].id == ref.id && s->ref[k].event == ref.event)
        return rs_fail(err, RS_ERR_INPUT, "%s:1: the column '%s' appears twice", path, f[i]);
    s->ref[s->np] = ref;
    rs_pref_name(base, ref, s->name[s->np], sizeof s->name[0]);
    col[i] = s->np++;
  }
  *nfield = nf;
  if (s->np == 0)
    return rs_fail(err, RS_ERR_INPUT,
                   "%s:1: no column names a parameter (a header such as "
                   "tfp.lambda,ties.kappa_e,... is expected)",
                   path);
  return RS_OK;
}

static rs_status grow(rs_sens_samples *s, long *cap, rs_error *err) {
  if (s->n < *cap) return RS_OK;
  long nc = *cap ? 2 * *cap : 256;
  double *x = realloc(s->x, sizeof(double) * (size_t)nc * (size_t)s->np);
  if (!x) return rs_fail(err, RS_ERR_NOMEM, "samples: out of memory");
  s->x = x;
  *cap = nc;
  return RS_OK;
}

rs_status rs_sens_samples_read(const char *path, const rs_params *base, rs_sens_samples *s,
                               rs_error *err) {
  memset(s, 0, sizeof *s);
  FILE *fp = fopen(path, "r");
  if (!fp) return rs_fail(err, RS_ERR_IO, "%s: cannot read the samples", path);
  static char line[1 << 16];
  int col[MAXFIELD + 1], nf = 0, lineno = 0, have_header = 0;
  long cap = 0;
  rs_status st = RS_OK;
  while (st == RS_OK && fgets(line, sizeof line, fp)) {
    lineno++;
    if (line[0] == '#' || line[0] == '\n' || line[0] == '\r') continue;
    if (!have_header) {
      st = read_header(path, line, base, s, col, &nf, err);
      have_header = 1;
      continue;
    }
    char *f[MAXFIELD + 1];
    int n = rs_csv_split(line, f, MAXFIELD);
    if (n < nf) {
      st = rs_fail(err, RS_ERR_INPUT, "%s:%d: %d fields, the header has %d", path, lineno, n, nf);
      break;
    }
    if ((st = grow(s, &cap, err)) != RS_OK) break;
    for (int i = 0; i < nf; i++) {
      if (col[i] < 0) continue;
      double v;
      if (!rs_parse_double(f[i], &v)) {
        st = rs_fail(err, RS_ERR_INPUT, "%s:%d: '%s' for %s is not a number", path, lineno, f[i],
                     s->name[col[i]]);
        break;
      }
      s->x[(size_t)s->n * (size_t)s->np + (size_t)col[i]] = v;
    }
    s->n++;
  }
  fclose(fp);
  if (st == RS_OK && s->n == 0) st = rs_fail(err, RS_ERR_INPUT, "%s: no sample rows", path);
  if (st != RS_OK) rs_sens_samples_free(s);
  return st;
}
