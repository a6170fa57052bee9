/* util/util.h -- shared plumbing for every relsim module.
 * This file contains the status codes and error messages that cross module boundaries, atomic
 * output files (write to a temporary name, rename when complete), SHA-256 of input files, and
 * small string helpers. It knows nothing of the model, of libconfig or of CVODE. */
#ifndef RS_UTIL_H
#define RS_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Result codes. Every public function of every module returns one of these. */
typedef enum rs_status {
  RS_OK = 0,       /* success */
  RS_ERR_INPUT,    /* bad input: a parameter file, a setting, a command-line value (exit 2) */
  RS_ERR_RUN,      /* the model run failed: the integrator gave up (exit 1) */
  RS_ERR_IO,       /* a file could not be read or written (exit 1) */
  RS_ERR_NOMEM,    /* out of memory (exit 1) */
  RS_ERR_INTERRUPT /* interrupted by the user (SIGINT, exit 130) */
} rs_status;

/* Short English name of a status ("bad input", ...). Never NULL. */
const char *rs_strerror(rs_status st);

/* Process exit status for a status: 0, 2 for bad input, 130 for an interrupt, 1 otherwise. */
int rs_exit_code(rs_status st);

/* A one-line, human-readable error message filled in by whichever function failed. Callers
 * print it; nothing inside the library prints errors itself. */
typedef struct rs_error {
  char msg[1536];
} rs_error;

/* Format msg into err (printf-style) and return st, so a failure path is one line:
 *   return rs_fail(err, RS_ERR_INPUT, "%s:%d: unknown setting '%s'", file, line, name);
 * err may be NULL (the message is dropped). */
rs_status rs_fail(rs_error *err, rs_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An output file written atomically: the data go to PATH.tmp.XXXXXX in the same directory and
 * the file is renamed to PATH only by rs_afile_commit, so a failure never leaves a truncated
 * file and never overwrites good results. */
typedef struct rs_afile {
  FILE *fp;        /* write here between open and commit */
  char path[4096]; /* final name */
  char tmp[4096];  /* temporary name */
} rs_afile;

/* Open a temporary file beside path. On failure err names the file and the reason. */
rs_status rs_afile_open(rs_afile *f, const char *path, rs_error *err);
/* Flush, close and rename to the final name. On any failure the temporary file is removed. */
rs_status rs_afile_commit(rs_afile *f, rs_error *err);
/* Close and remove the temporary file (no-op if not open). */
void rs_afile_abort(rs_afile *f);
/* Write a whole string to path atomically. */
rs_status rs_write_file(const char *path, const char *text, rs_error *err);

/* Create a directory and its parents (like mkdir -p). */
rs_status rs_mkdir_p(const char *path, rs_error *err);

/* SHA-256 of a memory block; out receives 32 bytes. */
void rs_sha256(const void *data, size_t len, uint8_t out[32]);
/* SHA-256 of a file as 64 lowercase hex digits and a NUL. */
rs_status rs_sha256_file(const char *path, char hex[65], rs_error *err);

/* Levenshtein distance between two strings (for "did you mean" suggestions). */
size_t rs_edit_distance(const char *a, const char *b);
/* The candidate closest to a misspelt name by edit distance, or NULL when none is plausibly a
 * typo of it (at most a third of the name wrong). */
const char *rs_closest(const char *name, const char *const *cands, int n);
/* "; did you mean 'X'?" for a suggestion, "" for NULL, into buf of size n. */
const char *rs_did_you_mean(const char *suggestion, char *buf, size_t n);
/* The list "a, b, c" of n names into buf of size size. */
const char *rs_name_list(const char *const *names, int n, char *buf, size_t size);

/* A growable string buffer. rs_buf_free(NULL-initialised buffer) is a no-op. */
typedef struct rs_buf {
  char *data; /* NUL-terminated, owned */
  size_t len;
  size_t cap;
  int failed; /* set once an allocation failed; further appends are ignored */
} rs_buf;
void rs_buf_init(rs_buf *b);
void rs_buf_free(rs_buf *b);
void rs_buf_printf(rs_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rs_buf_vprintf(rs_buf *b, const char *fmt, va_list ap);
/* A CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or leading or
 * trailing space, with quotes doubled. */
void rs_buf_csv_field(rs_buf *b, const char *text);
/* A number for a CSV file: "%.6g", empty for NAN, 0 for -0, into buf of 32 bytes. */
const char *rs_format_csv6(double x, char buf[32]);
/* Split one line of a CSV file into its fields, in place: the reading side of
 * rs_buf_csv_field. Commas separate; a field in double quotes may hold commas, with "" for a
 * quote; unquoted fields are trimmed of spaces and tabs; the line break at the end is dropped.
 * fields[0..n) point into line. Returns n (1 for an empty line), max + 1 when the line has more
 * than max fields, or -1 when a quoted field is not closed or text follows its closing quote. */
int rs_csv_split(char *line, char **fields, int max);
/* Parse the whole of text as a finite number (no trailing text, no inf or nan, no overflow):
 * 1 and *x set, or 0 and *x untouched. */
int rs_parse_double(const char *text, double *x);
/* The number of threads for a parallel region: requested when > 0, else OMP_NUM_THREADS when it
 * is a positive integer, else the processors online; always capped at RS_THREADS_MAX and at
 * four times the processors online (a huge OMP_NUM_THREADS would make libgomp fail), and at
 * tasks when tasks > 0. Results never depend on it (every parallel loop of relsim writes to
 * its own slot and reduces in a fixed order). */
#define RS_THREADS_MAX 256
int rs_threads(int requested, int tasks);

/* Replace every control character of s (a line break in a file's name, say) by '?', in place,
 * so that text written into a comment line or a message stays on its line. Returns s. */
char *rs_text_printable(char *s);
/* snprintf that says whether the result fit into out (size n): 1, or 0 if it was truncated. */
int rs_snprintf_fits(char *out, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Text for a cell of a Markdown table: '|' escaped, backquotes as quotes, line breaks as
 * spaces. */
void rs_buf_md_cell(rs_buf *b, const char *text);

/* Format a double so that reading it back with strtod gives the same bits ("%.17g", trimmed to
 * the shortest representation that round-trips). buf must hold at least 32 bytes. Always
 * contains a '.' or an exponent so that libconfig reads it as a float. */
const char *rs_format_double(double x, char buf[32]);

/* Format a double for messages: the shortest "%g" form that reads back to the same value, with
 * round numbers written out ("2000", not "2e+03"; "5", "0.01", "1e-06"). buf holds 32 bytes. */
const char *rs_format_number(double x, char buf[32]);

/* Directory part of a path ("a/b/c.cfg" -> "a/b", "c.cfg" -> "."), into out of size n. */
void rs_dirname(const char *path, char *out, size_t n);
/* Join dir and rel unless rel is absolute, into out of size n. */
void rs_path_join(const char *dir, const char *rel, char *out, size_t n);
/* path with "." and "dir/.." segments removed ("a/b/../c.cfg" -> "a/c.cfg"), into out of size
 * n, when both forms name the same existing file; else path unchanged (a ".." after a symbolic
 * link, or a file that does not exist: messages then show the path as it was built). Leading
 * ".." stay. */
void rs_path_tidy(const char *path, char *out, size_t n);

/* ---- input files: only regular files, bounded in size, lines without NUL bytes.
 * relsim reads parameter, target, free-set and series files; a FIFO, a device or a huge file
 * would block or spin (libconfig's lexer is quadratic in the length of a file), so every input
 * passes this check first. The cap is RELSIM_MAX_INPUT_MB (MiB, whole number, from the
 * environment; `relsim --max-input-mb N` sets it) or the default of its kind. */
typedef enum rs_input_kind {
  RS_INPUT_CONFIG, /* libconfig files: parameters, targets, free sets (default 1 MiB) */
  RS_INPUT_TABLE   /* CSV series and tables (default 64 MiB) */
} rs_input_kind;
#define RS_INPUT_LINE_MAX 65536 /* longest line of a CSV input, in bytes */
/* The size cap for a kind of input, in bytes. */
size_t rs_input_cap(rs_input_kind kind);
/* Check that path names a regular file within the cap, without blocking (a FIFO is opened
 * non-blocking and refused). err names the file and the reason ("a FIFO, not a regular file",
 * "2.3 MiB, more than the 1 MiB cap; raise it with --max-input-mb"). */
rs_status rs_input_check(const char *path, rs_input_kind kind, rs_error *err);
/* The same check, then open for reading: *fp receives the stream (the caller fcloses it). */
rs_status rs_input_open(const char *path, rs_input_kind kind, FILE **fp, rs_error *err);
/* Read the next line of an input opened by rs_input_open into *line (a getline buffer of
 * *cap bytes, the caller frees it). Returns the line's length, -1 at the end of the file, or -2
 * with err set ("PATH:LINE: ...", RS_ERR_INPUT) for a NUL byte or a line longer than
 * RS_INPUT_LINE_MAX, or a read error. */
long rs_input_getline(FILE *fp, char **line, size_t *cap, const char *path, int lineno,
                      rs_error *err);

/* ---- output folders, replaced whole.
 * A command that writes a folder builds it under a temporary sibling (PARENT/.NAME.tmp.XXXXXX)
 * and swaps it in at the end with one atomic rename (renameat2 RENAME_EXCHANGE where the file
 * system has it), so a failure, a full disk, a signal or a kill at any moment leaves either the
 * old complete folder or the new complete one, never a mix, and no file of an earlier run
 * survives beside new ones. An advisory lock (flock on PARENT/.NAME.lock) makes a second writer
 * of the same folder fail at once with a message. Only folders relsim wrote (they hold the
 * marker file .relsim-output, or the manifest/report of an older relsim) or empty ones are
 * replaced: anything else is refused rather than deleted. */
typedef struct rs_outdir {
  char final[4096]; /* the folder as named, without trailing slashes */
  char work[4096];  /* write everything here; empty until begin succeeded */
  int lock_fd;      /* -1 when not held */
} rs_outdir;
#define RS_OUTDIR_NO_CLOBBER 1 /* refuse a folder that exists and is not empty */
/* Take the lock, check the folder may be replaced, remove stale temporary siblings of an
 * interrupted earlier run, create the work folder. On failure nothing is held. */
rs_status rs_outdir_begin(rs_outdir *d, const char *dir, int flags, rs_error *err);
/* Swap the work folder in (the old one, if any, is removed after the swap) and release the
 * lock. On failure the old folder is intact and the work folder removed. */
rs_status rs_outdir_commit(rs_outdir *d, rs_error *err);
/* Remove the work folder and release the lock (no-op after commit or on a zeroed struct with
 * lock_fd -1). */
void rs_outdir_abort(rs_outdir *d);
/* Remove a file or a folder and everything in it (no-op when absent). 0 on success. */
int rs_remove_tree(const char *path);

#endif /* RS_UTIL_H */
