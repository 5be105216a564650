/* A container's own session keyring, as runc gives one: its processes do not keep the session
   keyring of whatever started them (corrald's), and see their own in /proc/keys. The init creates
   "_ses.<container id>" and grants search permission on it (to the owner's uid, or in a user
   namespace to others, as runc does); exec'd processes join it by name, which needs that. */
#define _GNU_SOURCE
#include "process.h"
#include <errno.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEY_USR_SEARCH 0x00080000
#define KEY_OTH_SEARCH 0x00000008

/* Whether this process is outside the initial user namespace (its uid_map is not the identity). */
static int in_user_namespace(void)
{
	FILE *f = fopen("/proc/self/uid_map", "re");
	if (!f)
		return 0;
	unsigned long inside = 0, outside = 0, count = 0;
	int n = fscanf(f, "%lu %lu %lu", &inside, &outside, &count);
	fclose(f);
	return !(n == 3 && inside == 0 && outside == 0 && count == 4294967295UL);
}

static int add_search_permission(long serial, struct err *err)
{
	char description[256];
	long len = syscall(SYS_keyctl, KEYCTL_DESCRIBE, serial, description, sizeof description);
	if (len < 0)
		return fail(err, errno, "describe session keyring");
	description[sizeof description - 1] = '\0';
	/* "type;uid;gid;perm;description": the permissions are the fourth field, in hex. */
	const char *field = description;
	for (int i = 0; i < 3 && field; i++)
		field = strchr(field, ';') ? strchr(field, ';') + 1 : NULL;
	unsigned long perm;
	if (!field || sscanf(field, "%lx", &perm) != 1)
		return fail(err, 0, "session keyring description '%s'", description);
	perm |= in_user_namespace() ? KEY_OTH_SEARCH : KEY_USR_SEARCH;
	if (syscall(SYS_keyctl, KEYCTL_SETPERM, serial, perm) < 0)
		return fail(err, errno, "set session keyring permissions");
	return 0;
}

int join_session_keyring(const struct spec *s, struct err *err)
{
	if (!s->id || !*s->id)
		return 0;
	char name[128];
	snprintf(name, sizeof name, "_ses.%s", s->id);
	long serial = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name);
	if (serial < 0)   /* no keyrings in this kernel: nothing to keep apart */
		return errno == ENOSYS ? 0 : fail(err, errno, "join session keyring %s", name);
	/* An exec (target_pid) joined the init's: its permissions are the init's to set. */
	return s->target_pid ? 0 : add_search_permission(serial, err);
}
