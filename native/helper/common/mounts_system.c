/* /proc and /sys inside the rootfs. */
#define _GNU_SOURCE
#include "mounts.h"
#include "path.h"
#include <errno.h>
#include <sys/mount.h>

int mount_proc_and_sys(int rootfd, const struct spec *s, struct err *err)
{
	char buf[32];
	cleanup_fd int proc = make_in_root(rootfd, "/proc", 0, err);
	if (proc < 0)
		return -1;
	if (mount("proc", fd_path(proc, buf), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return fail(err, errno, "mount /proc");
	cleanup_fd int sys = make_in_root(rootfd, "/sys", 0, err);
	if (sys < 0)
		return -1;
	unsigned long ro = s->privileged ? 0 : MS_RDONLY;
	if (mount("sysfs", fd_path(sys, buf), "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | ro, NULL) == 0)
		return 0;
	/* A sysfs of the host's network namespace cannot be mounted from a user namespace: bind it. */
	if (errno != EPERM)
		return fail(err, errno, "mount /sys");
	if (mount("/sys", fd_path(sys, buf), NULL, MS_BIND | MS_REC, NULL) < 0)
		return fail(err, errno, "bind /sys");
	cleanup_fd int bound = open_in_root(rootfd, "/sys", 0, err);
	if (bound < 0)
		return -1;
	return ro ? remount_bind(fd_path(bound, buf), MS_RDONLY, err) : 0;
}
