/* The rootfs of a container in a pod's user namespace. overlayfs cannot itself be idmapped, but
   its layers can: the snapshot's overlay is rebuilt from idmapped clones of its lower, upper and
   work directories (corrald names them in the spec), so the image's files (owned by host uid 0 on
   disk) appear owned by the container's root, and what the container writes lands on disk as uid 0
   again. Each layer goes by its clone's /proc/self/fd path: one "lowerdir+" each (Linux >= 6.8),
   else all in one "lowerdir" (short paths: 125 layers fit the page older kernels allow). */
#define _GNU_SOURCE
#include "rootfs.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_LAYERS 500

/* A detached clone of dir whose ids read through the user namespace's mapping. */
static int idmapped_clone(const char *dir, int userns_fd, struct err *err)
{
	int tree = (int)syscall(SYS_open_tree, AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return fail(err, errno, "open_tree %s", dir);
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (__u64)userns_fd };
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) {
		int saved = errno;
		close(tree);
		return fail(err, saved, "idmap %s", dir);
	}
	return tree;
}

static int fd_path(char *buf, size_t size, int tree, const char *sub)
{
	int n = snprintf(buf, size, "/proc/self/fd/%d%s%s", tree, sub ? "/" : "", sub ? sub : "");
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int set_string(int fsfd, const char *key, const char *value, struct err *err)
{
	if (syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, key, value, 0) < 0)
		return fail(err, errno, "overlay %s %.200s", key, value);
	return 0;
}

static int set_layer(int fsfd, const char *key, int tree, const char *sub, struct err *err)
{
	char path[4200];
	if (fd_path(path, sizeof path, tree, sub) < 0)
		return fail(err, ENAMETOOLONG, "overlay %s", key);
	return set_string(fsfd, key, path, err);
}

long host_id_of(const char *map, unsigned long id)
{
	for (const char *line = map; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		unsigned long inside, host, size;
		if (sscanf(line, "%lu %lu %lu", &inside, &host, &size) == 3 && id >= inside && id - inside < size)
			return (long)(host + (id - inside));
	}
	return -1;
}

int fs_ids_as_container_root(const struct spec *s, struct err *err)
{
	long uid = host_id_of(s->uid_map, 0), gid = host_id_of(s->gid_map, 0);
	if (uid < 0 || gid < 0)
		return fail(err, 0, "the pod's id maps do not map container id 0");
	setfsgid((gid_t)gid);
	setfsuid((uid_t)uid);   /* drops the file capabilities from the effective set: raise them again */
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &header, data) < 0)
		return fail(err, errno, "capget");
	data[0].effective = data[0].permitted;
	data[1].effective = data[1].permitted;
	if (syscall(SYS_capset, &header, data) < 0)
		return fail(err, errno, "capset");
	return 0;
}

void fs_ids_as_host_root(void)
{
	setfsuid(0);   /* back to 0: the file capabilities return to the effective set */
	setfsgid(0);
}

struct trees { int fd[MAX_LAYERS + 1]; size_t n; };

static void close_trees(struct trees *t)
{
	for (size_t i = 0; i < t->n; i++)
		close(t->fd[i]);
	t->n = 0;
}

/* Idmapped clones of every lower layer (t->fd[0..n_lower)) and of the common parent of upperdir
   and workdir (last), which must share one mount. */
static int clone_layers(const struct spec *s, int userns_fd, struct trees *t, struct err *err)
{
	const struct strlist *lower = &s->rootfs_lower;
	if (lower->len > MAX_LAYERS)
		return fail(err, 0, "more than %d layers", MAX_LAYERS);
	if (!s->rootfs_upper || !s->rootfs_work)
		return fail(err, 0, "the spec names lower layers but no upperdir or workdir");
	const char *upper = s->rootfs_upper, *work = s->rootfs_work, *slash = strrchr(upper, '/');
	size_t len = slash ? (size_t)(slash - upper) : 0;
	char parent[4096];
	if (len == 0 || len >= sizeof parent || strncmp(work, upper, len + 1) != 0 || strchr(work + len + 1, '/'))
		return fail(err, 0, "upperdir %s and workdir %s are not siblings", upper, work);
	memcpy(parent, upper, len);
	parent[len] = '\0';
	for (size_t i = 0; i <= lower->len; i++) {
		int fd = idmapped_clone(i < lower->len ? lower->items[i] : parent, userns_fd, err);
		if (fd < 0)
			return -1;
		t->fd[t->n++] = fd;
	}
	return 0;
}

/* Linux >= 6.8: one "lowerdir+" per layer. */
static int set_lowers_each(int fsfd, const struct trees *t, size_t n_lower, struct err *err)
{
	for (size_t i = 0; i < n_lower; i++)
		if (set_layer(fsfd, "lowerdir+", t->fd[i], NULL, err) < 0)
			return -1;
	return 0;
}

/* Older kernels: every layer in one "lowerdir", colon-separated. */
static int set_lowers_joined(int fsfd, const struct trees *t, size_t n_lower, struct err *err)
{
	size_t cap = n_lower * 32 + 1, len = 0;
	cleanup_free char *joined = malloc(cap);
	if (!joined)
		return fail(err, ENOMEM, "overlay lowerdir");
	for (size_t i = 0; i < n_lower; i++) {
		if (i > 0)
			joined[len++] = ':';
		if (fd_path(joined + len, cap - len, t->fd[i], NULL) < 0)
			return fail(err, ENAMETOOLONG, "overlay lowerdir");
		len += strlen(joined + len);
	}
	return set_string(fsfd, "lowerdir", joined, err);
}

/* The snapshot's own overlay stays mounted on the host over the same upper and work dirs (corral
   reads it only before the container starts): without an index, overlayfs allows that. Returns the
   detached mount; err->code is EINVAL when this kernel's overlay lacks "lowerdir+" (each). */
static int create_overlay(const struct spec *s, const struct trees *t, int each, struct err *err)
{
	size_t n_lower = s->rootfs_lower.len;
	int dirs = t->fd[n_lower];
	cleanup_fd int fsfd = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return fail(err, errno, "fsopen overlay");
	if ((each ? set_lowers_each(fsfd, t, n_lower, err) : set_lowers_joined(fsfd, t, n_lower, err)) < 0 ||
	    set_layer(fsfd, "upperdir", dirs, strrchr(s->rootfs_upper, '/') + 1, err) < 0 ||
	    set_layer(fsfd, "workdir", dirs, strrchr(s->rootfs_work, '/') + 1, err) < 0 ||
	    set_string(fsfd, "index", "off", err) < 0)
		return -1;
	if (syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fail(err, errno, "create idmapped overlay");
	int mnt = (int)syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		return fail(err, errno, "fsmount idmapped overlay");
	return mnt;
}

static int idmapped_overlay(const struct spec *s, int userns_fd, struct err *err)
{
	struct trees t = { .n = 0 };
	int mnt = -1;
	if (clone_layers(s, userns_fd, &t, err) == 0) {
		mnt = create_overlay(s, &t, 1, err);
		if (mnt < 0 && err->code == EINVAL)   /* no "lowerdir+" before Linux 6.8 */
			mnt = create_overlay(s, &t, 0, err);
	}
	close_trees(&t);
	return mnt;
}

int idmapped_rootfs(const struct spec *s, int userns_fd, struct err *err)
{
	/* Without layers the rootfs is a plain directory (not a snapshot): idmapped as it is. */
	int mnt = s->rootfs_lower.len > 0 ? idmapped_overlay(s, userns_fd, err) : idmapped_clone(s->rootfs, userns_fd, err);
	if (mnt < 0)
		return -1;
	int rc = (int)syscall(SYS_move_mount, mnt, "", AT_FDCWD, s->rootfs, MOVE_MOUNT_F_EMPTY_PATH);
	if (rc < 0)
		fail(err, errno, "mount idmapped rootfs on %s", s->rootfs);
	close(mnt);
	return rc;
}
