/* /dev: a tmpfs with the standard device nodes, devpts, shm and mqueue. */
#define _GNU_SOURCE
#include "mounts.h"
#include "path.h"
#include "rootfs.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static const struct { const char *name; unsigned major, minor; } devices[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const struct { const char *name, *target; } links[] = {
	{ "ptmx", "pts/ptmx" }, { "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" }, { "core", "/proc/kcore" },
};

/* mknod, or (in a user namespace, where mknod is refused) a bind of the host's node. */
static int make_device(int devfd, const char *name, unsigned major, unsigned minor, struct err *err)
{
	if (mknodat(devfd, name, S_IFCHR | 0666, makedev(major, minor)) == 0)
		return 0;
	if (errno != EPERM)
		return fail(err, errno, "mknod /dev/%s", name);
	char buf[32], target[64], host[64];
	snprintf(target, sizeof target, "%s/%s", fd_path(devfd, buf), name);
	snprintf(host, sizeof host, "/dev/%s", name);
	FILE *f = fopen(target, "we");
	if (!f)
		return fail(err, errno, "create /dev/%s", name);
	fclose(f);
	if (mount(host, target, NULL, MS_BIND, NULL) < 0)
		return fail(err, errno, "bind /dev/%s", name);
	return 0;
}

static int mount_under(int devfd, const char *name, const char *type, unsigned long flags, const char *data,
		       struct err *err)
{
	char buf[32], target[64];
	if (mkdirat(devfd, name, 0755) < 0 && errno != EEXIST)
		return fail(err, errno, "mkdir /dev/%s", name);
	snprintf(target, sizeof target, "%s/%s", fd_path(devfd, buf), name);
	if (mount(type, target, type, flags, data) < 0)
		return fail(err, errno, "mount /dev/%s", name);
	return 0;
}

/* devpts. Joining a pod's user namespace, the tree is built from the host's: gid= is read there
   and the root directory would belong to the host's root, so both are given the container's ids
   (in a new user namespace, entered before the mounts, the kernel does that itself). */
static int mount_devpts(int devfd, const struct spec *s, unsigned long flags, struct err *err)
{
	int userns = s->userns.mode == NS_JOIN && s->uid_map && s->gid_map;
	long tty = userns ? host_id_of(s->gid_map, 5) : 5;
	char data[96];
	snprintf(data, sizeof data, "newinstance,ptmxmode=0666,mode=0620,gid=%ld", tty);
	if ((tty < 0 || mount_under(devfd, "pts", "devpts", flags, data, err) < 0) &&
	    mount_under(devfd, "pts", "devpts", flags, "newinstance,ptmxmode=0666,mode=0620", err) < 0)
		return -1;
	if (!userns)
		return 0;
	long uid = host_id_of(s->uid_map, 0), gid = host_id_of(s->gid_map, 0);
	if (uid >= 0 && gid >= 0 && fchownat(devfd, "pts", (uid_t)uid, (gid_t)gid, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(err, errno, "chown /dev/pts");
	return 0;
}

int mount_dev(int rootfd, const struct spec *s, struct err *err)
{
	char buf[32];
	cleanup_fd int dev = make_in_root(rootfd, "/dev", 0, err);
	if (dev < 0)
		return -1;
	if (mount("tmpfs", fd_path(dev, buf), "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k") < 0)
		return fail(err, errno, "mount /dev");
	cleanup_fd int devfd = open_in_root(rootfd, "/dev", O_DIRECTORY, err);
	if (devfd < 0)
		return -1;
	for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++)
		if (make_device(devfd, devices[i].name, devices[i].major, devices[i].minor, err) < 0)
			return -1;
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
		/* runc's rule: /dev/core only where the host has /proc/kcore (the host's /proc, not yet replaced). */
		if (strcmp(links[i].name, "core") == 0 && access("/proc/kcore", F_OK) < 0)
			continue;
		if (symlinkat(links[i].target, devfd, links[i].name) < 0)
			return fail(err, errno, "symlink /dev/%s", links[i].name);
	}
	const unsigned long secure = MS_NOSUID | MS_NOEXEC;
	if (mount_devpts(devfd, s, secure, err) < 0)
		return -1;
	if (mount_under(devfd, "shm", "tmpfs", secure | MS_NODEV, "mode=1777,size=65536k", err) < 0)
		return -1;
	return mount_under(devfd, "mqueue", "mqueue", secure | MS_NODEV, NULL, err);
}
