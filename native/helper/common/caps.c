/* Capability sets: bounding via PR_CAPBSET_DROP, the rest via capset and PR_CAP_AMBIENT. */
#define _GNU_SOURCE
#include "process.h"
#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

int drop_bounding(const struct spec *s, struct err *err);
int set_capabilities(const struct spec *s, struct err *err);

int drop_bounding(const struct spec *s, struct err *err)
{
	for (int cap = 0; cap < 64; cap++) {
		int present = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
		if (present < 0)
			break;   /* past the kernel's last capability */
		if (present && !(s->caps[CAP_BOUNDING] & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return fail(err, errno, "drop capability %d from the bounding set", cap);
	}
	return 0;
}

/* Asking for a capability this process does not hold (this kind of host withholds
   CAP_SYS_RESOURCE even from root) would fail capset: ask for what can be had. */
static int held_capabilities(uint64_t *permitted, struct err *err)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &header, data) < 0)
		return fail(err, errno, "capget");
	*permitted = (uint64_t)data[0].permitted | (uint64_t)data[1].permitted << 32;
	return 0;
}

int set_capabilities(const struct spec *s, struct err *err)
{
	uint64_t held = 0;
	if (held_capabilities(&held, err) < 0)
		return -1;
	uint64_t permitted = s->caps[CAP_PERMITTED] & held;
	uint64_t effective = s->caps[CAP_EFFECTIVE] & permitted;
	uint64_t inheritable = s->caps[CAP_INHERITABLE] & held;
	uint64_t ambient = s->caps[CAP_AMBIENT] & permitted & inheritable;
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];
	for (int i = 0; i < 2; i++) {
		data[i].effective = (uint32_t)(effective >> (32 * i));
		data[i].permitted = (uint32_t)(permitted >> (32 * i));
		data[i].inheritable = (uint32_t)(inheritable >> (32 * i));
	}
	if (syscall(SYS_capset, &header, data) < 0)
		return fail(err, errno, "capset");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return fail(err, errno, "clear ambient capabilities");
	for (int cap = 0; cap < 64; cap++)
		if ((ambient & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return fail(err, errno, "raise ambient capability %d", cap);
	return 0;
}
