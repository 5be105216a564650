/* The CRI mounts, masked paths and read-only paths, in the order given. */
#define _GNU_SOURCE
#include "mounts.h"
#include "path.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

static const unsigned long per_mount_flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;

/* Applies read-only (flat or recursive) and propagation to the mount now at m->dest. */
static int finish_mount(int rootfd, const struct mount_entry *m, int is_bind, struct err *err)
{
	char buf[32];
	cleanup_fd int fd = open_in_root(rootfd, m->dest, 0, err);   /* the new mount's root */
	if (fd < 0)
		return -1;
	if (is_bind && (m->flags & per_mount_flags) && remount_bind(fd_path(fd, buf), m->flags & per_mount_flags, err) < 0)
		return -1;
	if (m->recursive_readonly) {
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
		if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
			return fail(err, errno, "make %s recursively read-only", m->dest);
	}
	if (m->propagation && mount(NULL, fd_path(fd, buf), NULL, m->propagation, NULL) < 0)
		return fail(err, errno, "set propagation of %s", m->dest);
	return 0;
}

/* A detached recursive clone of the source whose ids read through the pod's user namespace,
   moved onto target. A filesystem that cannot be idmapped is the caller's precondition to meet. */
static int bind_idmapped(const struct mount_entry *m, int target, int userns_fd, struct err *err)
{
	if (userns_fd < 0)
		return fail(err, 0, "idmapped mount %s needs the pod's user namespace", m->dest);
	cleanup_fd int tree = open_tree(AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return fail(err, errno, "bind source %s", m->source);
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (__u64)userns_fd };
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
		return fail(err, errno, IDMAP_PRECONDITION " %s (for %s)", m->source, m->dest);
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return fail(err, errno, "mount %s on %s", m->source, m->dest);
	return 0;
}

static int mount_one(int rootfd, const struct mount_entry *m, int userns_fd, struct err *err)
{
	char buf[32];
	int is_bind = strcmp(m->type, "bind") == 0;
	const char *from = m->from ? m->from : m->source;
	int as_file = 0;
	if (is_bind) {
		struct stat st;
		if (stat(from, &st) < 0)
			return fail(err, errno, "bind source %s", m->source);
		as_file = !S_ISDIR(st.st_mode);
	}
	cleanup_fd int target = make_in_root(rootfd, m->dest, as_file, err);
	if (target < 0)
		return -1;
	if (is_bind && m->idmap) {
		if (bind_idmapped(m, target, userns_fd, err) < 0)
			return -1;
		return finish_mount(rootfd, m, is_bind, err);
	}
	int rc = is_bind ? mount(from, fd_path(target, buf), NULL, MS_BIND | MS_REC, NULL)
			 : mount(m->source, fd_path(target, buf), m->type, m->flags, m->data[0] ? m->data : NULL);
	if (rc < 0)
		return fail(err, errno, "mount %s on %s", m->source, m->dest);
	return finish_mount(rootfd, m, is_bind, err);
}

int mount_spec_mounts(int rootfd, const struct spec *s, int userns_fd, struct err *err)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (mount_one(rootfd, &s->mounts[i], userns_fd, err) < 0)
			return -1;
	return 0;
}

int mask_paths(int rootfd, const struct spec *s, struct err *err)
{
	char buf[32];
	for (size_t i = 0; i < s->masked.len; i++) {
		cleanup_fd int fd = open_in_root(rootfd, s->masked.items[i], 0, err);
		if (fd < 0 && err->code == ENOENT)
			continue;
		struct stat st;
		if (fd < 0 || fstat(fd, &st) < 0)
			return fd < 0 ? -1 : fail(err, errno, "stat %s", s->masked.items[i]);
		int rc = S_ISDIR(st.st_mode) ? mount("tmpfs", fd_path(fd, buf), "tmpfs", MS_RDONLY, "size=0")
					     : mount("/dev/null", fd_path(fd, buf), NULL, MS_BIND, NULL);
		if (rc < 0)
			return fail(err, errno, "mask %s", s->masked.items[i]);
	}
	return 0;
}

int readonly_paths(int rootfd, const struct spec *s, struct err *err)
{
	char buf[32];
	for (size_t i = 0; i < s->readonly_paths.len; i++) {
		const char *path = s->readonly_paths.items[i];
		cleanup_fd int fd = open_in_root(rootfd, path, 0, err);
		if (fd < 0 && err->code == ENOENT)
			continue;
		if (fd < 0)
			return -1;
		if (mount(fd_path(fd, buf), fd_path(fd, buf), NULL, MS_BIND | MS_REC, NULL) < 0)
			return fail(err, errno, "bind %s", path);
		cleanup_fd int bound = open_in_root(rootfd, path, 0, err);
		if (bound < 0 || remount_bind(fd_path(bound, buf), MS_RDONLY, err) < 0)
			return -1;
	}
	return 0;
}
