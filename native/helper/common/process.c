/* Process limits, identity and the final execve. */
#define _GNU_SOURCE
#include "process.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int drop_bounding(const struct spec *s, struct err *err);
int set_capabilities(const struct spec *s, struct err *err);

int apply_rlimits(const struct spec *s, struct err *err)
{
	for (size_t i = 0; i < s->n_rlimits; i++) {
		const struct rlimit_entry *rl = &s->rlimits[i];
		struct rlimit limit = { .rlim_cur = rl->soft, .rlim_max = rl->hard };
		if (setrlimit(rl->resource, &limit) < 0)
			return fail(err, errno, "setrlimit %d", rl->resource);
	}
	return 0;
}

void apply_oom_score_adj(const struct spec *s)
{
	if (!s->has_oom_score_adj)
		return;
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	char text[16];
	int len = snprintf(text, sizeof text, "%d", s->oom_score_adj);
	if (write(fd, text, (size_t)len) < 0) {
		/* EACCES/EPERM: lowering needs CAP_SYS_RESOURCE, which this kind of host withholds. */
	}
	close(fd);
}

static int install_seccomp(const struct spec *s, struct err *err)
{
	if (!s->seccomp_len)
		return 0;
	if (s->seccomp_len % sizeof(struct sock_filter) != 0)
		return fail(err, 0, "seccomp program is %zu bytes, not a multiple of 8", s->seccomp_len);
	struct sock_fprog prog = { .len = (unsigned short)(s->seccomp_len / sizeof(struct sock_filter)),
				   .filter = (struct sock_filter *)s->seccomp };
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return fail(err, errno, "install seccomp filter");
	return 0;
}

static int set_identity(const struct spec *s, struct err *err)
{
	if (setgroups(s->n_gids, s->gids) < 0 && !(errno == EPERM && s->n_gids == 0))
		return fail(err, errno, "setgroups");
	if (setresgid(s->gid, s->gid, s->gid) < 0)
		return fail(err, errno, "setgid %u", (unsigned)s->gid);
	if (setresuid(s->uid, s->uid, s->uid) < 0)
		return fail(err, errno, "setuid %u", (unsigned)s->uid);
	return 0;
}

int drop_privileges(const struct spec *s, int parent_death_signal, struct err *err)
{
	/* First: the seccomp filter may refuse keyctl, and the keyring belongs to the container's root. */
	if (join_session_keyring(s, err) < 0)
		return -1;
	/* Without no_new_privs, installing a filter needs CAP_SYS_ADMIN: do it while we have it. */
	if (!s->no_new_privs && install_seccomp(s, err) < 0)
		return -1;
	if (s->has_caps && drop_bounding(s, err) < 0)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return fail(err, errno, "keep capabilities");
	if (set_identity(s, err) < 0)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return fail(err, errno, "reset keepcaps");
	if (s->has_caps && set_capabilities(s, err) < 0)
		return -1;
	if (parent_death_signal && prctl(PR_SET_PDEATHSIG, parent_death_signal, 0, 0, 0) < 0)
		return fail(err, errno, "set parent death signal");
	if (s->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(err, errno, "set no_new_privs");
	return s->no_new_privs ? install_seccomp(s, err) : 0;
}

static const char *env_path(const struct spec *s)
{
	for (size_t i = 0; i < s->env.len; i++)
		if (strncmp(s->env.items[i], "PATH=", 5) == 0)
			return s->env.items[i] + 5;
	return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

int exec_process(const struct spec *s, struct err *err)
{
	if (s->args.len == 0)
		return fail(err, 0, "no command to run");
	char *const *argv = (char *const *)s->args.items;
	char *const *envp = (char *const *)s->env.items;
	const char *cmd = s->args.items[0];
	if (strchr(cmd, '/')) {
		execve(cmd, argv, envp);
		return fail(err, errno, "exec %s", cmd);
	}
	int saved = ENOENT;
	for (const char *dir = env_path(s); *dir;) {
		const char *end = strchrnul(dir, ':');
		char full[PATH_MAX];
		if (end == dir)
			snprintf(full, sizeof full, "./%s", cmd);
		else
			snprintf(full, sizeof full, "%.*s/%s", (int)(end - dir), dir, cmd);
		execve(full, argv, envp);
		if (errno != ENOENT && errno != ENOTDIR)
			saved = errno;
		dir = *end ? end + 1 : end;
	}
	return fail(err, saved, "exec %s: not found in PATH", cmd);
}
