/* Remounting bind mounts read-only without dropping flags the kernel keeps locked. */
#define _GNU_SOURCE
#include "mounts.h"
#include <errno.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

int remount_bind(const char *target, unsigned long flags, struct err *err)
{
	static const struct { unsigned long st, ms; } kept[] = {
		{ ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV }, { ST_NOEXEC, MS_NOEXEC },
		{ ST_NOATIME, MS_NOATIME }, { ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
	};
	struct statvfs sv;
	if (statvfs(target, &sv) < 0)
		return fail(err, errno, "statvfs %s", target);
	for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
		if (sv.f_flag & kept[i].st)
			flags |= kept[i].ms;
	if (mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | flags, NULL) < 0)
		return fail(err, errno, "remount %s", target);
	return 0;
}
