/* /sys/fs/cgroup as runc shows it. v2: the unified hierarchy, read-only. v1: a tmpfs holding each
   hierarchy the host mounts (read-only), a symlink per controller of a co-mounted one
   ("cpu" → "cpu,cpuacct"). The init is in a new cgroup namespace created after it joined its
   cgroup, so each mount's root is the container's own cgroup. Privileged containers get them
   read-write. */
#define _GNU_SOURCE
#include "mounts.h"
#include "path.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static const unsigned long cgroup_flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;

/* A cgroup_v1 record is "<dir under /sys/fs/cgroup>\0<mount data>", e.g. "systemd\0name=systemd". */
static int mount_hierarchy(int dirfd, const char *record, unsigned long flags, struct err *err)
{
	const char *name = record, *data = record + strlen(record) + 1;
	char buf[32], target[320];
	if (!name[0] || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return fail(err, 0, "bad cgroup hierarchy name '%s'", name);
	if (mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST)
		return fail(err, errno, "mkdir /sys/fs/cgroup/%s", name);
	snprintf(target, sizeof target, "%s/%s", fd_path(dirfd, buf), name);
	const char *source = strncmp(data, "name=", 5) == 0 ? data + 5 : "cgroup";
	if (mount(source, target, "cgroup", flags, data) < 0)
		return fail(err, errno, "mount cgroup %s on /sys/fs/cgroup/%s", data, name);
	return 0;
}

/* "cpu,cpuacct" also answers to "cpu" and "cpuacct", as on the host. */
static int link_controllers(int dirfd, const char *name, struct err *err)
{
	if (!strchr(name, ','))
		return 0;
	char copy[256];
	snprintf(copy, sizeof copy, "%s", name);
	for (char *save = NULL, *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save))
		if (symlinkat(name, dirfd, c) < 0 && errno != EEXIST)
			return fail(err, errno, "symlink /sys/fs/cgroup/%s", c);
	return 0;
}

static int mount_v1(int rootfd, const char *target, const struct spec *s, unsigned long ro, struct err *err)
{
	if (mount("tmpfs", target, "tmpfs", cgroup_flags, "mode=755") < 0)
		return fail(err, errno, "mount tmpfs on /sys/fs/cgroup");
	cleanup_fd int dirfd = open_in_root(rootfd, "/sys/fs/cgroup", O_DIRECTORY, err);
	if (dirfd < 0)
		return -1;
	for (size_t i = 0; i < s->cgroup_v1.len; i++)
		if (mount_hierarchy(dirfd, s->cgroup_v1.items[i], cgroup_flags | ro, err) < 0)
			return -1;
	for (size_t i = 0; i < s->cgroup_v1.len; i++)
		if (link_controllers(dirfd, s->cgroup_v1.items[i], err) < 0)
			return -1;
	return 0;
}

int mount_cgroups(int rootfd, const struct spec *s, struct err *err)
{
	if (!s->cgroup2 && s->cgroup_v1.len == 0)
		return 0;
	char buf[32];
	cleanup_fd int fd = make_in_root(rootfd, "/sys/fs/cgroup", 0, err);
	if (fd < 0)
		return -1;
	unsigned long ro = s->privileged ? 0 : MS_RDONLY;
	if (!s->cgroup2)
		return mount_v1(rootfd, fd_path(fd, buf), s, ro, err);
	if (mount("cgroup2", fd_path(fd, buf), "cgroup2", cgroup_flags | ro, NULL) < 0)
		return fail(err, errno, "mount cgroup2 on /sys/fs/cgroup");
	return 0;
}
