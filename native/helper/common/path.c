/* Symlink-safe resolution inside a rootfs with openat2(RESOLVE_IN_ROOT). */
#define _GNU_SOURCE
#include "path.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int open_in_root(int rootfd, const char *path, int extra_flags, struct err *err)
{
	struct open_how how = { .flags = (unsigned long long)(O_PATH | O_CLOEXEC | extra_flags),
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
	if (fd < 0)
		return fail(err, errno, "open %s in rootfs", path);
	return fd;
}

/* Creates one component below its (already resolved) parent; EEXIST is fine. */
static int make_component(int rootfd, const char *prefix, const char *name, int as_file, struct err *err)
{
	cleanup_fd int parent = open_in_root(rootfd, prefix[0] ? prefix : "/", O_DIRECTORY, err);
	if (parent < 0)
		return -1;
	int rc;
	if (as_file) {
		/* O_PATH parents cannot be used with openat O_CREAT; go through /proc/self/fd. */
		char buf[32], full[PATH_MAX];
		snprintf(full, sizeof full, "%s/%s", fd_path(parent, buf), name);
		rc = open(full, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (rc >= 0)
			close(rc);
	} else {
		rc = mkdirat(parent, name, 0755);
	}
	if (rc < 0 && errno != EEXIST)
		return fail(err, errno, "create %s/%s in rootfs", prefix, name);
	return 0;
}

int make_in_root(int rootfd, const char *path, int as_file, struct err *err)
{
	char prefix[PATH_MAX] = "";
	size_t plen = 0;
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		const char *end = strchrnul(p, '/');
		if (end == p)
			break;
		char name[NAME_MAX + 1];
		size_t nlen = (size_t)(end - p);
		if (nlen > NAME_MAX || plen + nlen + 2 > sizeof prefix)
			return fail(err, ENAMETOOLONG, "create %s in rootfs", path);
		memcpy(name, p, nlen);
		name[nlen] = 0;
		int last = *end == 0 || (end[strspn(end, "/")] == 0);
		struct err ignored;
		char probe[PATH_MAX];
		snprintf(probe, sizeof probe, "%s/%s", prefix, name);
		int fd = open_in_root(rootfd, probe, 0, &ignored);
		if (fd >= 0)
			close(fd);
		else if (make_component(rootfd, prefix, name, last && as_file, err) < 0)
			return -1;
		memcpy(prefix + plen, "/", 1);
		memcpy(prefix + plen + 1, name, nlen + 1);
		plen += nlen + 1;
		p = end;
	}
	return open_in_root(rootfd, path, 0, err);
}

const char *fd_path(int fd, char buf[32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

int mkdir_all(const char *path, int mode, struct err *err)
{
	char buf[PATH_MAX];
	if (strlen(path) >= sizeof buf)
		return fail(err, ENAMETOOLONG, "mkdir %s", path);
	strcpy(buf, path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, (mode_t)mode) < 0 && errno != EEXIST)
			return fail(err, errno, "mkdir %s", buf);
		*p = '/';
	}
	if (mkdir(buf, (mode_t)mode) < 0 && errno != EEXIST)
		return fail(err, errno, "mkdir %s", buf);
	return 0;
}
