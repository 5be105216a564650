/* Namespaced sysctls, written through the container's own /proc before it is made read-only. */
#define _GNU_SOURCE
#include "mounts.h"
#include "path.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* "net.ipv4.ip_forward=1" → "sys/net/ipv4/ip_forward", "1". Keys that use '/' keep their dots. */
static int split_sysctl(const char *entry, char *rel, size_t size, const char **value)
{
	const char *eq = strchr(entry, '=');
	size_t klen = eq ? (size_t)(eq - entry) : 0;
	if (!eq || klen == 0 || klen + 5 > size || memmem(entry, klen, "..", 2))
		return -1;
	int slashes = memchr(entry, '/', klen) != NULL;
	memcpy(rel, "sys/", 4);
	for (size_t i = 0; i < klen; i++)
		rel[4 + i] = (!slashes && entry[i] == '.') ? '/' : entry[i];
	rel[4 + klen] = 0;
	*value = eq + 1;
	return 0;
}

int write_sysctls(int rootfd, const struct spec *s, struct err *err)
{
	if (s->sysctls.len == 0)
		return 0;
	cleanup_fd int proc = open_in_root(rootfd, "/proc", O_DIRECTORY, err);
	if (proc < 0)
		return -1;
	for (size_t i = 0; i < s->sysctls.len; i++) {
		char rel[PATH_MAX];
		const char *value;
		if (split_sysctl(s->sysctls.items[i], rel, sizeof rel, &value) < 0)
			return fail(err, 0, "bad sysctl '%s'", s->sysctls.items[i]);
		cleanup_fd int fd = openat(proc, rel, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			return fail(err, errno, "open /proc/%s", rel);
		if (write(fd, value, strlen(value)) < 0)
			return fail(err, errno, "write sysctl %s", s->sysctls.items[i]);
	}
	return 0;
}
