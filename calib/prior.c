/* calib/prior.c -- the priors of the free parameters: uniform, normal, lognormal, beta and
 * half-normal, each truncated to the parameter's search bounds and normalised there, with the
 * log density (for the posterior) and the inverse distribution function (to map points of the
 * unit cube to prior draws). GSL supplies the distribution functions and their inverses. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "calib.h"

static const double pi = 3.14159265358979323846;

const char *rs_free_prior_kind_name(int kind) {
  switch (kind) {
    case RS_PRIOR_UNIFORM:
      return "uniform";
    case RS_PRIOR_NORMAL:
      return "normal";
    case RS_PRIOR_LOGNORMAL:
      return "lognormal";
    case RS_PRIOR_BETA:
      return "beta";
    case RS_PRIOR_HALFNORMAL:
      return "half-normal";
    default:
      return "?";
  }
}

/* The untruncated distribution function at x. */
static double cdf(const rs_free_param *fp, double x) {
  const double *p = fp->prior_p;
  double w = fp->upper - fp->lower;
  switch (fp->prior_kind) {
    case RS_PRIOR_NORMAL:
      return gsl_cdf_gaussian_P(x - p[0], p[1]);
    case RS_PRIOR_LOGNORMAL:
      return x <= 0.0 ? 0.0 : gsl_cdf_lognormal_P(x, log(p[0]), p[1]);
    case RS_PRIOR_BETA:
      return gsl_cdf_beta_P(fmin(fmax((x - fp->lower) / w, 0.0), 1.0), p[0], p[1]);
    case RS_PRIOR_HALFNORMAL:
      return x <= fp->lower ? 0.0 : 2.0 * gsl_cdf_gaussian_P(x - fp->lower, p[0]) - 1.0;
    default:
      return fmin(fmax((x - fp->lower) / w, 0.0), 1.0);
  }
}

/* The untruncated inverse distribution function at q in (0, 1). */
static double cdf_inv(const rs_free_param *fp, double q) {
  const double *p = fp->prior_p;
  double w = fp->upper - fp->lower;
  switch (fp->prior_kind) {
    case RS_PRIOR_NORMAL:
      return p[0] + gsl_cdf_gaussian_Pinv(q, p[1]);
    case RS_PRIOR_LOGNORMAL:
      return gsl_cdf_lognormal_Pinv(q, log(p[0]), p[1]);
    case RS_PRIOR_BETA:
      return fp->lower + w * gsl_cdf_beta_Pinv(q, p[0], p[1]);
    case RS_PRIOR_HALFNORMAL:
      return fp->lower + gsl_cdf_gaussian_Pinv(0.5 + 0.5 * q, p[0]);
    default:
      return fp->lower + w * q;
  }
}

/* The untruncated log density at x (within the bounds). */
static double log_density(const rs_free_param *fp, double x) {
  const double *p = fp->prior_p;
  double w = fp->upper - fp->lower, z;
  switch (fp->prior_kind) {
    case RS_PRIOR_NORMAL:
      z = (x - p[0]) / p[1];
      return -0.5 * z * z - log(p[1]) - 0.5 * log(2.0 * pi);
    case RS_PRIOR_LOGNORMAL:
      if (x <= 0.0) return (double)-INFINITY;
      z = (log(x) - log(p[0])) / p[1];
      return -0.5 * z * z - log(x * p[1]) - 0.5 * log(2.0 * pi);
    case RS_PRIOR_BETA: {
      double u = (x - fp->lower) / w;
      double d = gsl_ran_beta_pdf(u, p[0], p[1]);
      return d > 0.0 ? log(d / w) : (double)-INFINITY;
    }
    case RS_PRIOR_HALFNORMAL:
      z = (x - fp->lower) / p[0];
      return -0.5 * z * z - log(p[0]) + 0.5 * log(2.0 / pi);
    default:
      return -log(w);
  }
}

rs_status rs_free_set_prior(rs_free_param *fp, int kind, double p0, double p1, rs_error *err) {
  int ok = 1;
  const char *what = "";
  switch (kind) {
    case RS_PRIOR_UNIFORM:
      break;
    case RS_PRIOR_NORMAL:
      ok = isfinite(p0) && isfinite(p1) && p1 > 0.0;
      what = "a normal prior needs a finite mean and sd > 0";
      break;
    case RS_PRIOR_LOGNORMAL:
      ok = isfinite(p0) && p0 > 0.0 && isfinite(p1) && p1 > 0.0 && fp->lower >= 0.0;
      what = "a lognormal prior needs median > 0, sdlog > 0 and a lower bound >= 0";
      break;
    case RS_PRIOR_BETA:
      ok = isfinite(p0) && p0 > 0.0 && isfinite(p1) && p1 > 0.0;
      what = "a beta prior needs a > 0 and b > 0";
      break;
    case RS_PRIOR_HALFNORMAL:
      ok = isfinite(p0) && p0 > 0.0;
      what = "a half-normal prior needs scale > 0";
      break;
    default:
      return rs_fail(err, RS_ERR_INPUT, "unknown prior kind %d", kind);
  }
  if (!ok) return rs_fail(err, RS_ERR_INPUT, "%s", what);
  fp->prior_kind = kind;
  fp->prior_p[0] = kind == RS_PRIOR_UNIFORM ? 0.0 : p0;
  fp->prior_p[1] = kind == RS_PRIOR_UNIFORM || kind == RS_PRIOR_HALFNORMAL ? 0.0 : p1;
  fp->has_prior = kind == RS_PRIOR_NORMAL;
  fp->prior_mean = fp->has_prior ? p0 : 0.0;
  fp->prior_sd = fp->has_prior ? p1 : 0.0;
  double mass = cdf(fp, fp->upper) - cdf(fp, fp->lower);
  if (!(mass > 1e-9))
    return rs_fail(err, RS_ERR_INPUT,
                   "the %s prior puts a mass of %.3g within the bounds [%g, %g]: move it inside",
                   rs_free_prior_kind_name(kind), mass, fp->lower, fp->upper);
  fp->prior_lnz = log(mass);
  return RS_OK;
}

const char *rs_free_prior_describe(const rs_free_param *fp, char *buf, size_t n) {
  const double *p = fp->prior_p;
  switch (fp->prior_kind) {
    case RS_PRIOR_NORMAL:
      snprintf(buf, n, "normal(%.4g, %.4g)", p[0], p[1]);
      break;
    case RS_PRIOR_LOGNORMAL:
      snprintf(buf, n, "lognormal(median %.4g, sdlog %.4g)", p[0], p[1]);
      break;
    case RS_PRIOR_BETA:
      snprintf(buf, n, "beta(%.4g, %.4g)", p[0], p[1]);
      break;
    case RS_PRIOR_HALFNORMAL:
      snprintf(buf, n, "half-normal(%.4g)", p[0]);
      break;
    default:
      snprintf(buf, n, "uniform");
      break;
  }
  return buf;
}

double rs_free_prior_logpdf(const rs_free_param *fp, double x) {
  if (!(x >= fp->lower && x <= fp->upper)) return (double)-INFINITY;
  return log_density(fp, x) - fp->prior_lnz;
}

double rs_free_prior_quantile(const rs_free_param *fp, double u) {
  if (!(u > 0.0)) return fp->lower;
  if (u >= 1.0) return fp->upper;
  double f0 = cdf(fp, fp->lower), f1 = cdf(fp, fp->upper);
  double x = cdf_inv(fp, f0 + u * (f1 - f0));
  return fmin(fmax(x, fp->lower), fp->upper);
}

double rs_free_prior_sd(const rs_free_param *fp) {
  enum { K = 2000 };
  double s1 = 0.0, s2 = 0.0;
  for (int k = 0; k < K; k++) {
    double x = rs_free_prior_quantile(fp, (k + 0.5) / K);
    s1 += x;
    s2 += x * x;
  }
  double mean = s1 / K, var = s2 / K - mean * mean;
  return sqrt(fmax(var, 0.0));
}
