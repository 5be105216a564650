/* Paths inside a container rootfs, resolved as if the rootfs were "/" (symlinks cannot escape). */
#ifndef CORRAL_PATH_H
#define CORRAL_PATH_H
#include "err.h"

/* Opens path under rootfd with O_PATH (plus extra flags); -1 with err on failure. */
int open_in_root(int rootfd, const char *path, int extra_flags, struct err *err);
/* Like open_in_root, but creates missing directories (and the last component as an empty file
   when as_file is set) first. */
int make_in_root(int rootfd, const char *path, int as_file, struct err *err);
/* "/proc/self/fd/<fd>": a mount target that names exactly the opened inode. */
const char *fd_path(int fd, char buf[32]);
/* mkdir -p on the host. */
int mkdir_all(const char *path, int mode, struct err *err);

#endif
