/* util/files.c -- bounded input files and output folders replaced whole.
 * This file contains the checks every input passes before it is read (a regular file within a
 * size cap; lines without NUL bytes) and the temporary-sibling-and-swap protocol of output
 * folders; see util.h for the contracts. */
#define _GNU_SOURCE /* renameat2 (glibc 2.28), O_CLOEXEC, flock */

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* ---------------------------------------------------------------- input files */

size_t rs_input_cap(rs_input_kind kind) {
  const char *env = getenv("RELSIM_MAX_INPUT_MB");
  if (env && env[0]) {
    char *end;
    errno = 0;
    long long mb = strtoll(env, &end, 10);
    /* an unreadable value falls back to the default: the command line checks --max-input-mb */
    if (*end == '\0' && errno == 0 && mb > 0 && mb <= 1048576) return (size_t)mb << 20;
  }
  return kind == RS_INPUT_CONFIG ? (size_t)1 << 20 : (size_t)64 << 20;
}

static const char *file_kind(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

/* Open path non-blocking (a FIFO without a writer would block a plain open) and check it. */
static rs_status open_checked(const char *path, rs_input_kind kind, int *fd_out, rs_error *err) {
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return rs_fail(err, RS_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
  struct stat sb;
  if (fstat(fd, &sb) != 0) {
    int e = errno;
    close(fd);
    return rs_fail(err, RS_ERR_IO, "%s: cannot read: %s", path, strerror(e));
  }
  if (!S_ISREG(sb.st_mode)) {
    close(fd);
    return rs_fail(err, RS_ERR_INPUT, "%s: cannot read: %s, not a regular file", path,
                   file_kind(sb.st_mode));
  }
  size_t cap = rs_input_cap(kind);
  if ((unsigned long long)sb.st_size > (unsigned long long)cap) {
    close(fd);
    return rs_fail(err, RS_ERR_INPUT,
                   "%s: %.1f MiB, more than the %zu MiB that relsim reads from such a file "
                   "(raise it with relsim --max-input-mb N)",
                   path, (double)sb.st_size / 1048576.0, cap >> 20);
  }
  /* back to blocking reads for the regular file */
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  *fd_out = fd;
  return RS_OK;
}

rs_status rs_input_check(const char *path, rs_input_kind kind, rs_error *err) {
  int fd = -1;
  rs_status st = open_checked(path, kind, &fd, err);
  if (st == RS_OK) close(fd);
  return st;
}

rs_status rs_input_open(const char *path, rs_input_kind kind, FILE **fp, rs_error *err) {
  int fd = -1;
  rs_status st = open_checked(path, kind, &fd, err);
  if (st != RS_OK) return st;
  *fp = fdopen(fd, "r");
  if (!*fp) {
    int e = errno;
    close(fd);
    return rs_fail(err, RS_ERR_NOMEM, "%s: cannot open: %s", path, strerror(e));
  }
  return RS_OK;
}

long rs_input_getline(FILE *fp, char **line, size_t *cap, const char *path, int lineno,
                      rs_error *err) {
  errno = 0;
  ssize_t n = getline(line, cap, fp);
  if (n < 0 && ferror(fp)) {
    rs_fail(err, RS_ERR_IO, "%s:%d: read error: %s", path, lineno, strerror(errno));
    return -2;
  }
  if (n < 0) return -1;
  if ((size_t)n != strlen(*line)) {
    rs_fail(err, RS_ERR_INPUT, "%s:%d: a NUL byte in the line (is this a text file?)", path,
            lineno);
    return -2;
  }
  if (n > RS_INPUT_LINE_MAX) {
    rs_fail(err, RS_ERR_INPUT, "%s:%d: a line of %zd bytes, more than the %d a line may have", path,
            lineno, n, RS_INPUT_LINE_MAX);
    return -2;
  }
  return (long)n;
}

/* ---------------------------------------------------------------- removing trees */

/* Remove one entry; a failure does not stop the walk (the rest is removed all the same, and
 * rs_remove_tree tries again). */
static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb;
  (void)ftw;
  if (flag == FTW_DP)
    (void)rmdir(path);
  else
    (void)unlink(path);
  return 0;
}

int rs_remove_tree(const char *path) {
  struct stat sb;
  for (int attempt = 0; attempt < 3; attempt++) {
    if (lstat(path, &sb) != 0) return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(sb.st_mode)) return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
    /* a file created during the walk (by a process still writing there) makes the folder's
     * rmdir fail: walk again */
    (void)nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  }
  return lstat(path, &sb) == 0 ? -1 : 0;
}

/* ---------------------------------------------------------------- output folders */

#define MARKER ".relsim-output"

/* 1 if dir holds no entry besides "." and "..". */
static int is_empty(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  int empty = 1;
  for (struct dirent *e; empty && (e = readdir(d)) != NULL;)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) empty = 0;
  closedir(d);
  return empty;
}

/* 1 if dir holds the marker or the outputs of an older relsim (which wrote no marker). */
static int written_by_relsim(const char *dir) {
  static const char *const known[] = {MARKER, "manifest.cfg", "fit.md", "compare.csv",
                                      "attribution.csv"};
  char path[4200];
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, known[i]);
    if (access(path, F_OK) == 0) return 1;
  }
  return 0;
}

/* Split dir into its parent and last component; trailing slashes dropped. */
static rs_status split_dir(const char *dir, char *final, char *parent, char *name, size_t n,
                           rs_error *err) {
  if (!dir || !dir[0]) return rs_fail(err, RS_ERR_INPUT, "the output folder's name is empty");
  if (!rs_snprintf_fits(final, n, "%s", dir))
    return rs_fail(err, RS_ERR_IO, "%s: path too long", dir);
  size_t len = strlen(final);
  while (len > 1 && final[len - 1] == '/') final[--len] = '\0';
  const char *slash = strrchr(final, '/');
  const char *base = slash ? slash + 1 : final;
  if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || strcmp(final, "/") == 0)
    return rs_fail(err, RS_ERR_INPUT,
                   "%s: name a folder of its own for the outputs (relsim replaces it whole)", dir);
  snprintf(name, n, "%s", base);
  if (!slash)
    snprintf(parent, n, ".");
  else if (slash == final)
    snprintf(parent, n, "/");
  else
    snprintf(parent, n, "%.*s", (int)(slash - final), final);
  return RS_OK;
}

/* Remove PARENT/.NAME.tmp.* and PARENT/.NAME.old.* left by an interrupted run (the caller
 * holds the lock, so no live writer owns them). */
static void remove_stale(const char *parent, const char *name) {
  DIR *d = opendir(parent);
  if (!d) return;
  char tmp_prefix[4200], old_prefix[4200], path[8500];
  snprintf(tmp_prefix, sizeof tmp_prefix, ".%s.tmp.", name);
  snprintf(old_prefix, sizeof old_prefix, ".%s.old.", name);
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    if (strncmp(e->d_name, tmp_prefix, strlen(tmp_prefix)) != 0 &&
        strncmp(e->d_name, old_prefix, strlen(old_prefix)) != 0)
      continue;
    snprintf(path, sizeof path, "%s/%s", parent, e->d_name);
    (void)rs_remove_tree(path);
  }
  closedir(d);
}

static rs_status take_lock(rs_outdir *d, const char *parent, const char *name, rs_error *err) {
  char path[8300];
  snprintf(path, sizeof path, "%s/.%s.lock", parent, name);
  d->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (d->lock_fd < 0)
    return rs_fail(err, RS_ERR_IO, "%s: cannot create the lock file %s: %s", d->final, path,
                   strerror(errno));
  if (flock(d->lock_fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    close(d->lock_fd);
    d->lock_fd = -1;
    if (e == EWOULDBLOCK)
      return rs_fail(err, RS_ERR_IO,
                     "%s: another relsim is writing this folder now (it holds %s); wait for it "
                     "to finish or choose another folder with -o",
                     d->final, path);
    return rs_fail(err, RS_ERR_IO, "%s: cannot lock %s: %s", d->final, path, strerror(e));
  }
  return RS_OK;
}

static void release_lock(rs_outdir *d) {
  if (d->lock_fd >= 0) close(d->lock_fd); /* closing drops the flock */
  d->lock_fd = -1;
}

/* Check that an existing d->final may be replaced. */
static rs_status check_final(const rs_outdir *d, int flags, rs_error *err) {
  struct stat sb;
  if (lstat(d->final, &sb) != 0) {
    if (errno == ENOENT) return RS_OK;
    return rs_fail(err, RS_ERR_IO, "%s: %s", d->final, strerror(errno));
  }
  if (!S_ISDIR(sb.st_mode))
    return rs_fail(err, RS_ERR_IO, "%s: exists and is not a folder; choose another -o", d->final);
  if (is_empty(d->final)) return RS_OK;
  if (flags & RS_OUTDIR_NO_CLOBBER)
    return rs_fail(err, RS_ERR_IO,
                   "%s: exists and is not empty, and --no-clobber refuses to replace it", d->final);
  if (!written_by_relsim(d->final))
    return rs_fail(err, RS_ERR_IO,
                   "%s: holds files relsim did not write (no %s); relsim replaces its output "
                   "folder whole, so choose another -o or empty this one",
                   d->final, MARKER);
  return RS_OK;
}

rs_status rs_outdir_begin(rs_outdir *d, const char *dir, int flags, rs_error *err) {
  memset(d, 0, sizeof *d);
  d->lock_fd = -1;
  char parent[4096], name[4096];
  rs_status st = split_dir(dir, d->final, parent, name, sizeof d->final, err);
  if (st == RS_OK) st = rs_mkdir_p(parent, err);
  if (st == RS_OK) st = take_lock(d, parent, name, err);
  if (st == RS_OK) st = check_final(d, flags, err);
  int made = 0;
  if (st == RS_OK) {
    remove_stale(parent, name);
    if (!rs_snprintf_fits(d->work, sizeof d->work, "%s/.%s.tmp.XXXXXX", parent, name) ||
        !mkdtemp(d->work))
      st = rs_fail(err, RS_ERR_IO, "%s: cannot create a temporary folder beside it: %s", d->final,
                   strerror(errno));
    else
      made = 1;
  }
  if (st == RS_OK) {
    /* mkdtemp creates 0700; outputs are meant to be shared like any other folder */
    mode_t mask = umask(0);
    umask(mask);
    (void)chmod(d->work, (mode_t)(0777 & ~mask));
    char marker[4200];
    snprintf(marker, sizeof marker, "%s/%s", d->work, MARKER);
    st = rs_write_file(marker, "a folder written by relsim: each run replaces it whole\n", err);
  }
  if (st != RS_OK) {
    if (made) (void)rs_remove_tree(d->work);
    d->work[0] = '\0';
    release_lock(d);
  }
  return st;
}

rs_status rs_outdir_commit(rs_outdir *d, rs_error *err) {
  if (!d->work[0] || d->lock_fd < 0) return rs_fail(err, RS_ERR_IO, "%s: not begun", d->final);
  rs_status st = RS_OK;
  struct stat sb;
  if (lstat(d->final, &sb) != 0) {
    if (rename(d->work, d->final) != 0)
      st = rs_fail(err, RS_ERR_IO, "%s: cannot rename %s to it: %s", d->final, d->work,
                   strerror(errno));
  } else if (renameat2(AT_FDCWD, d->work, AT_FDCWD, d->final, RENAME_EXCHANGE) == 0) {
    /* the work name now holds the old folder */
  } else {
    /* no RENAME_EXCHANGE on this file system: move the old folder aside first; a kill between
     * the two renames leaves it under .NAME.old.*, which the next run removes */
    char old[sizeof d->work];
    memcpy(old, d->work, sizeof old);
    char *tmp = strstr(old, ".tmp.");
    if (tmp) memcpy(tmp, ".old.", 5);
    if (rename(d->final, old) != 0)
      st = rs_fail(err, RS_ERR_IO, "%s: cannot move it aside: %s", d->final, strerror(errno));
    else if (rename(d->work, d->final) != 0) {
      st = rs_fail(err, RS_ERR_IO, "%s: cannot rename %s to it: %s", d->final, d->work,
                   strerror(errno));
      (void)rename(old, d->final);
    } else {
      snprintf(d->work, sizeof d->work, "%s", old);
    }
  }
  (void)rs_remove_tree(d->work); /* the old folder, or the new one after a failure */
  d->work[0] = '\0';
  release_lock(d);
  return st;
}

void rs_outdir_abort(rs_outdir *d) {
  if (!d) return;
  if (d->work[0]) (void)rs_remove_tree(d->work);
  d->work[0] = '\0';
  release_lock(d);
}
