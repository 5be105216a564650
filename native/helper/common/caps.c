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

int set_capabilities(const struct spec *s, struct err *err)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];
	for (int i = 0; i < 2; i++) {
		data[i].effective = (uint32_t)(s->caps[CAP_EFFECTIVE] >> (32 * i));
		data[i].permitted = (uint32_t)(s->caps[CAP_PERMITTED] >> (32 * i));
		data[i].inheritable = (uint32_t)(s->caps[CAP_INHERITABLE] >> (32 * i));
	}
	if (syscall(SYS_capset, &header, data) < 0)
		return fail(err, errno, "capset");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return fail(err, errno, "clear ambient capabilities");
	for (int cap = 0; cap < 64; cap++)
		if ((s->caps[CAP_AMBIENT] & (1ULL << cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return fail(err, errno, "raise ambient capability %d", cap);
	return 0;
}
