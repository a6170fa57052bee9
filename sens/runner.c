/* sens/runner.c -- the deterministic parallel runner: members in blocks, each block split across
 * the MPI processes and, within a process, across OpenMP threads; every member writes only its
 * own slot of the block, the block is gathered on rank 0 and reduced there in member order. The
 * values of a member do not depend on where it ran and the reduction order is fixed, so every
 * result is the same bit for bit for any thread or process count. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sens.h"

#ifdef RELSIM_HAVE_MPI
#include <mpi.h>
static int mpi_on = 0; /* MPI_Init succeeded */
#endif

void rs_sens_mpi_init(int *argc, char ***argv) {
#ifdef RELSIM_HAVE_MPI
  /* Only under a launcher: a plain `relsim run` need not start MPI (nor its warnings). */
  if (getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_RANK") || getenv("PMIX_RANK") ||
      getenv("SLURM_PROCID")) {
    int provided;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) == MPI_SUCCESS) mpi_on = 1;
  }
#else
  (void)argc;
  (void)argv;
#endif
}

void rs_sens_mpi_finalize(void) {
#ifdef RELSIM_HAVE_MPI
  if (mpi_on) MPI_Finalize();
  mpi_on = 0;
#endif
}

int rs_sens_rank(void) {
#ifdef RELSIM_HAVE_MPI
  int r = 0;
  if (mpi_on) MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
#else
  return 0;
#endif
}

int rs_sens_nranks(void) {
#ifdef RELSIM_HAVE_MPI
  int n = 1;
  if (mpi_on) MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
#else
  return 1;
#endif
}

int rs_sens_have_mpi(void) {
#ifdef RELSIM_HAVE_MPI
  return 1;
#else
  return 0;
#endif
}

/* The members [lo, hi) of a block that rank r of nr evaluates: contiguous shares. */
static void share(long lo, long hi, int r, int nr, long *a, long *b) {
  long n = hi - lo;
  *a = lo + n * r / nr;
  *b = lo + n * (r + 1) / nr;
}

/* Gather every rank's share of the block on rank 0 (values and flags in one buffer). */
static rs_status gather(double *buf, long lo, long hi, int nout, rs_error *err) {
#ifdef RELSIM_HAVE_MPI
  int nr = rs_sens_nranks(), me = rs_sens_rank();
  if (nr == 1) return RS_OK;
  long w = nout + 1; /* values and the flag of each member */
  int *cnt = malloc(sizeof(int) * 2 * (size_t)nr);
  if (!cnt) return rs_fail(err, RS_ERR_NOMEM, "runner: out of memory");
  int *disp = cnt + nr;
  for (int r = 0; r < nr; r++) {
    long a, b;
    share(lo, hi, r, nr, &a, &b);
    cnt[r] = (int)((b - a) * w);
    disp[r] = (int)((a - lo) * w);
  }
  double *mine = buf + disp[me];
  int rc = MPI_Gatherv(me == 0 ? MPI_IN_PLACE : mine, cnt[me], MPI_DOUBLE, buf, cnt, disp,
                       MPI_DOUBLE, 0, MPI_COMM_WORLD);
  free(cnt);
  if (rc != MPI_SUCCESS) return rs_fail(err, RS_ERR_IO, "runner: MPI_Gatherv failed (%d)", rc);
#else
  (void)buf;
  (void)lo;
  (void)hi;
  (void)nout;
  (void)err;
#endif
  return RS_OK;
}

static void progress_line(long done, long n) {
  fprintf(stderr, "\r  %ld of %ld members%s", done, n, done == n ? "\n" : "");
  fflush(stderr);
}

rs_status rs_sens_run(const rs_sens_task *t, rs_error *err) {
  if (t->n < 0 || t->nout < 0 || !t->eval || !t->reduce)
    return rs_fail(err, RS_ERR_INPUT, "runner: bad task");
  long block = t->block > 0 ? t->block : 256;
  long w = t->nout + 1;
  double *buf = malloc(sizeof(double) * (size_t)(block * w));
  if (!buf) return rs_fail(err, RS_ERR_NOMEM, "runner: out of memory (a block of %ld)", block);
  int nr = rs_sens_nranks(), me = rs_sens_rank();
  int nthreads = rs_threads(t->threads, 0);
  int nomem = 0, stop = 0;
  rs_status st = RS_OK;
  /* One workspace per thread for the whole run; blocks one after another, the gather and the
   * reduction on the master thread (MPI is called from it alone: MPI_THREAD_FUNNELED). */
#pragma omp parallel num_threads(nthreads)
  {
    void *ws = t->ws_alloc ? t->ws_alloc(t->ctx) : NULL;
    if (t->ws_alloc && !ws) {
#pragma omp atomic write
      nomem = 1;
    }
    for (long lo = 0; lo < t->n; lo += block) {
      long hi = lo + block < t->n ? lo + block : t->n, a, b;
      share(lo, hi, me, nr, &a, &b);
#pragma omp for schedule(dynamic, 1)
      for (long i = a; i < b; i++) {
        double *slot = buf + (i - lo) * w;
        slot[t->nout] = ws || !t->ws_alloc ? (double)(t->eval(t->ctx, ws, i, slot) == 0) : 0.0;
      }
#pragma omp master
      {
        if (nomem) st = rs_fail(err, RS_ERR_NOMEM, "runner: out of memory (a workspace)");
        if (st == RS_OK) st = gather(buf, lo, hi, t->nout, err);
        if (st == RS_OK && me == 0) {
          for (long i = lo; i < hi; i++) {
            const double *slot = buf + (i - lo) * w;
            t->reduce(t->ctx, i, slot[t->nout] != 0.0, slot);
          }
          if (t->progress) progress_line(hi, t->n);
        }
        stop = st != RS_OK;
      }
#pragma omp barrier
      if (stop) break;
    }
    if (ws && t->ws_free) t->ws_free(ws);
  }
  free(buf);
  return st;
}
