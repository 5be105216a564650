/* Namespace pins: bind mounts of nsfs files that keep a namespace alive and joinable by path. */
#define _GNU_SOURCE
#include "helper.h"
#include "namespaces.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>

static int pin_one(const char *pin_dir, pid_t pid, const char *name, struct err *err)
{
	char source[64], target[4096];
	snprintf(source, sizeof source, "/proc/%d/ns/%s", (int)pid, name);
	snprintf(target, sizeof target, "%s/%s", pin_dir, name);
	int fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0444);
	if (fd < 0)
		return fail(err, errno, "create pin %s", target);
	close(fd);
	if (mount(source, target, NULL, MS_BIND, NULL) < 0)
		return fail(err, errno, "pin %s", target);
	return 0;
}

int pin_namespaces(const struct spec *s, pid_t pid, struct err *err)
{
	if (!s->pin_dir)
		return fail(err, 0, "spec has no pin_dir");
	for (int i = 0; i < NS_KINDS; i++)
		if (s->ns[i].mode == NS_NEW && pin_one(s->pin_dir, pid, ns_names[i], err) < 0)
			return -1;
	if (s->userns.mode == NS_NEW && pin_one(s->pin_dir, pid, "user", err) < 0)
		return -1;
	return 0;
}

void unpin_namespaces(const struct spec *s)
{
	static const char *const all[] = { "net", "ipc", "uts", "pid", "user" };
	char target[4096];
	for (size_t i = 0; s->pin_dir && i < sizeof all / sizeof all[0]; i++) {
		snprintf(target, sizeof target, "%s/%s", s->pin_dir, all[i]);
		umount2(target, MNT_DETACH);
		unlink(target);
	}
}
