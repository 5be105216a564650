/* The rootfs of a container in a pod's user namespace. overlayfs cannot itself be idmapped, but
   its layers can: the snapshot's overlay is rebuilt from idmapped clones of its lower, upper and
   work directories, so the image's files (owned by host uid 0 on disk) appear owned by the
   container's root, and what the container writes lands on disk as uid 0 again. */
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

#define MAX_LAYERS 128

struct overlay_dirs { char *options; const char *lower[MAX_LAYERS]; size_t n_lower; const char *upper, *work; };

/* The super options ("lowerdir=a:b,upperdir=u,workdir=w,...") of the overlay mounted at target;
   *found stays NULL when no overlay is mounted there. */
static int overlay_options(const char *target, char **found, struct err *err)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return fail(err, errno, "open mountinfo");
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		char mnt[4096], type[64], opts[8192];
		const char *sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s %*s %8191s", type, opts) != 2)
			continue;
		if (strcmp(mnt, target) == 0 && strcmp(type, "overlay") == 0) {
			free(*found);   /* the last one is the top of the stack */
			*found = strdup(opts);
		}
	}
	free(line);
	fclose(f);
	return 0;
}

/* 1: no overlay is mounted at target. */
static int parse_overlay(const char *target, struct overlay_dirs *d, struct err *err)
{
	if (overlay_options(target, &d->options, err) < 0)
		return -1;
	if (!d->options)
		return 1;
	if (strchr(d->options, '\\'))
		return fail(err, 0, "overlay options of %s hold escaped characters", target);
	char *save = NULL;
	for (char *opt = strtok_r(d->options, ",", &save); opt; opt = strtok_r(NULL, ",", &save)) {
		if (strncmp(opt, "lowerdir=", 9) == 0) {
			char *save2 = NULL;
			for (char *l = strtok_r(opt + 9, ":", &save2); l; l = strtok_r(NULL, ":", &save2)) {
				if (d->n_lower == MAX_LAYERS)
					return fail(err, 0, "more than %d layers", MAX_LAYERS);
				d->lower[d->n_lower++] = l;
			}
		} else if (strncmp(opt, "upperdir=", 9) == 0) {
			d->upper = opt + 9;
		} else if (strncmp(opt, "workdir=", 8) == 0) {
			d->work = opt + 8;
		}
	}
	if (d->n_lower == 0 || !d->upper || !d->work)
		return fail(err, 0, "overlay at %s lacks lowerdir, upperdir or workdir", target);
	return 0;
}

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

static int set_layer(int fsfd, const char *key, int tree, const char *sub, struct err *err)
{
	char path[4200];
	snprintf(path, sizeof path, "/proc/self/fd/%d%s%s", tree, sub ? "/" : "", sub ? sub : "");
	if (syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, key, path, 0) < 0)
		return fail(err, errno, "overlay %s %s", key, path);
	return 0;
}

/* The host id container id 0 maps to, from a "0 <host> <size>" line of an id map. */
static long root_host_id(const char *map)
{
	for (const char *line = map; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		unsigned long inside, host, size;
		if (sscanf(line, "%lu %lu %lu", &inside, &host, &size) == 3 && inside == 0)
			return (long)host;
	}
	return -1;
}

int fs_ids_as_container_root(const struct spec *s, struct err *err)
{
	long uid = root_host_id(s->uid_map), gid = root_host_id(s->gid_map);
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

static int add_tree(struct trees *t, const char *dir, int userns_fd, struct err *err)
{
	int fd = idmapped_clone(dir, userns_fd, err);
	if (fd >= 0)
		t->fd[t->n++] = fd;
	return fd;
}

static int set_layers(int fsfd, const struct overlay_dirs *d, int userns_fd, struct trees *t, struct err *err)
{
	for (size_t i = 0; i < d->n_lower; i++) {
		int tree = add_tree(t, d->lower[i], userns_fd, err);
		if (tree < 0 || set_layer(fsfd, "lowerdir+", tree, NULL, err) < 0)
			return -1;
	}
	/* upperdir and workdir must share one mount: clone their common parent. */
	char parent[4096];
	const char *slash = strrchr(d->upper, '/');
	size_t len = slash ? (size_t)(slash - d->upper) : 0;
	if (len == 0 || len >= sizeof parent || strncmp(d->work, d->upper, len + 1) != 0 || strchr(d->work + len + 1, '/'))
		return fail(err, 0, "upperdir %s and workdir %s are not siblings", d->upper, d->work);
	memcpy(parent, d->upper, len);
	parent[len] = '\0';
	int tree = add_tree(t, parent, userns_fd, err);
	if (tree < 0 || set_layer(fsfd, "upperdir", tree, slash + 1, err) < 0)
		return -1;
	return set_layer(fsfd, "workdir", tree, d->work + len + 1, err);
}

/* The snapshot's own overlay stays mounted on the host over the same upper and work dirs (corral
   reads it only before the container starts): without an index, overlayfs allows that. */
static int create_superblock(int fsfd, struct err *err)
{
	if (syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, "index", "off", 0) < 0)
		return fail(err, errno, "overlay index=off");
	if (syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fail(err, errno, "create idmapped overlay");
	return 0;
}

static int create_overlay(const struct overlay_dirs *d, int userns_fd, struct err *err)
{
	struct trees t = { .n = 0 };
	int mnt = -1;
	cleanup_fd int fsfd = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return fail(err, errno, "fsopen overlay");
	if (set_layers(fsfd, d, userns_fd, &t, err) == 0 && create_superblock(fsfd, err) == 0 &&
	    (mnt = (int)syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, 0)) < 0)
		fail(err, errno, "fsmount idmapped overlay");
	for (size_t i = 0; i < t.n; i++)
		close(t.fd[i]);
	return mnt;
}

int idmapped_rootfs(const struct spec *s, int userns_fd, struct err *err)
{
	struct overlay_dirs d = { 0 };
	int mnt = -1, kind = parse_overlay(s->rootfs, &d, err);
	if (kind == 0)
		mnt = create_overlay(&d, userns_fd, err);
	else if (kind == 1)   /* a plain directory (not a snapshot): idmapped as it is */
		mnt = idmapped_clone(s->rootfs, userns_fd, err);
	free(d.options);
	if (mnt < 0)
		return -1;
	int rc = (int)syscall(SYS_move_mount, mnt, "", AT_FDCWD, s->rootfs, MOVE_MOUNT_F_EMPTY_PATH);
	if (rc < 0)
		fail(err, errno, "mount idmapped rootfs on %s", s->rootfs);
	close(mnt);
	return rc;
}
