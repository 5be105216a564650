/* Parses the record stream described in spec.h into struct spec. */
#define _GNU_SOURCE
#include "spec.h"
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

struct record { const char *key, *value; uint32_t value_len; };

static int read_all(int fd, char **out, size_t *out_len, struct err *err)
{
	size_t cap = 16384, len = 0;
	char *buf = malloc(cap);
	if (!buf)
		return fail(err, ENOMEM, "read spec");
	for (;;) {
		if (len == cap) {
			char *bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				return fail(err, ENOMEM, "read spec");
			}
			buf = bigger;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return fail(err, errno, "read spec");
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

static uint32_t le32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

/* Splits the buffer into records; returns their count or -1 when malformed. */
static long split_records(char *buf, size_t len, struct record *records, size_t max)
{
	size_t pos = 0, n = 0;
	while (pos < len) {
		if (len - pos < 8 || n == max)
			return -1;
		uint32_t klen = le32(buf + pos), vlen = le32(buf + pos + 4);
		size_t need = 8 + (size_t)klen + 1 + (size_t)vlen + 1;
		if (need > len - pos || buf[pos + 8 + klen] != 0 || buf[pos + 8 + klen + 1 + vlen] != 0)
			return -1;
		records[n].key = buf + pos + 8;
		records[n].value = buf + pos + 8 + klen + 1;
		records[n].value_len = vlen;
		n++;
		pos += need;
	}
	return (long)n;
}

static int parse_ns(const char *value, struct ns_setting *ns, struct err *err)
{
	if (strcmp(value, "host") == 0)
		*ns = (struct ns_setting){ NS_HOST, NULL };
	else if (strcmp(value, "new") == 0)
		*ns = (struct ns_setting){ NS_NEW, NULL };
	else if (strncmp(value, "join:", 5) == 0 && value[5] == '/')
		*ns = (struct ns_setting){ NS_JOIN, value + 5 };
	else
		return fail(err, 0, "bad namespace setting '%s'", value);
	return 0;
}

/* A mount record's value is NUL-separated: source, dest, type, data, flags, propagation, rro,
   and optionally idmap (records of older corralds have seven fields). */
static int parse_mount(const struct record *r, struct mount_entry *m, struct err *err)
{
	const char *fields[7];
	const char *p = r->value, *end = r->value + r->value_len;
	for (int i = 0; i < 7; i++) {
		if (p > end)
			return fail(err, 0, "mount record has too few fields");
		fields[i] = p;
		p += strlen(p) + 1;
	}
	m->source = fields[0];
	m->dest = fields[1];
	m->type = fields[2];
	m->data = fields[3];
	m->flags = strtoul(fields[4], NULL, 10);
	m->propagation = strtoul(fields[5], NULL, 10);
	m->recursive_readonly = strcmp(fields[6], "1") == 0;
	m->idmap = p < end && strcmp(p, "1") == 0;
	if (m->dest[0] != '/')
		return fail(err, 0, "mount destination '%s' is not absolute", m->dest);
	return 0;
}

static int parse_rlimit(const char *value, struct rlimit_entry *rl, struct err *err)
{
	if (sscanf(value, "%d %llu %llu", &rl->resource, &rl->soft, &rl->hard) != 3)
		return fail(err, 0, "bad rlimit '%s'", value);
	return 0;
}

static const char *const ns_keys[NS_KINDS] = { "ns.net", "ns.ipc", "ns.uts", "ns.pid" };
static const char *const cap_keys[CAP_SETS] = { "caps.bounding", "caps.effective", "caps.permitted",
						"caps.inheritable", "caps.ambient" };

static const char **string_slot(struct spec *s, const char *key)
{
	static const struct { const char *key; size_t offset; } table[] = {
		{ "id", offsetof(struct spec, id) },       { "bundle", offsetof(struct spec, bundle) },
		{ "rootfs", offsetof(struct spec, rootfs) }, { "hostname", offsetof(struct spec, hostname) },
		{ "log_path", offsetof(struct spec, log_path) }, { "cwd", offsetof(struct spec, cwd) },
		{ "pin_dir", offsetof(struct spec, pin_dir) }, { "proc_pin", offsetof(struct spec, proc_pin) },
		{ "proc_mnt_ns", offsetof(struct spec, proc_mnt_ns) }, { "uid_map", offsetof(struct spec, uid_map) },
		{ "gid_map", offsetof(struct spec, gid_map) }, { "target_start", offsetof(struct spec, target_start) },
		{ "rootfs_upper", offsetof(struct spec, rootfs_upper) },
		{ "rootfs_work", offsetof(struct spec, rootfs_work) },
	};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(key, table[i].key) == 0)
			return (const char **)((char *)s + table[i].offset);
	return NULL;
}

static int *flag_slot(struct spec *s, const char *key)
{
	static const struct { const char *key; size_t offset; } table[] = {
		{ "chroot", offsetof(struct spec, chroot_mode) },
		{ "readonly_rootfs", offsetof(struct spec, readonly_rootfs) },
		{ "privileged", offsetof(struct spec, privileged) }, { "tty", offsetof(struct spec, tty) },
		{ "stdin", offsetof(struct spec, open_stdin) }, { "nnp", offsetof(struct spec, no_new_privs) },
		{ "cgroup2", offsetof(struct spec, cgroup2) }, { "no_proc_pidns", offsetof(struct spec, no_proc_pidns) },
	};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(key, table[i].key) == 0)
			return (int *)((char *)s + table[i].offset);
	return NULL;
}

static struct strlist *list_slot(struct spec *s, const char *key)
{
	if (strcmp(key, "arg") == 0) return &s->args;
	if (strcmp(key, "env") == 0) return &s->env;
	if (strcmp(key, "masked") == 0) return &s->masked;
	if (strcmp(key, "readonly_path") == 0) return &s->readonly_paths;
	if (strcmp(key, "sysctl") == 0) return &s->sysctls;
	if (strcmp(key, "cgroup_procs") == 0) return &s->cgroup_procs;
	if (strcmp(key, "cgroup_v1") == 0) return &s->cgroup_v1;
	if (strcmp(key, "rootfs_lower") == 0) return &s->rootfs_lower;
	return NULL;
}

static int apply_record(struct spec *s, const struct record *r, struct err *err)
{
	const char **str;
	int *flag;
	struct strlist *list;
	if ((str = string_slot(s, r->key))) {
		*str = r->value;
	} else if ((flag = flag_slot(s, r->key))) {
		*flag = strcmp(r->value, "1") == 0;
	} else if ((list = list_slot(s, r->key))) {
		list->items[list->len++] = r->value;
	} else if (strcmp(r->key, "mount") == 0) {
		return parse_mount(r, &s->mounts[s->n_mounts++], err);
	} else if (strcmp(r->key, "rlimit") == 0) {
		return parse_rlimit(r->value, &s->rlimits[s->n_rlimits++], err);
	} else if (strcmp(r->key, "uid") == 0) {
		s->uid = (uid_t)strtoul(r->value, NULL, 10);
	} else if (strcmp(r->key, "gid") == 0) {
		s->gid = (gid_t)strtoul(r->value, NULL, 10);
	} else if (strcmp(r->key, "gid_extra") == 0) {
		s->gids[s->n_gids++] = (gid_t)strtoul(r->value, NULL, 10);
	} else if (strcmp(r->key, "userns") == 0) {
		return parse_ns(r->value, &s->userns, err);
	} else if (strcmp(r->key, "seccomp") == 0) {
		s->seccomp = r->value;
		s->seccomp_len = r->value_len;
	} else if (strcmp(r->key, "oom_score_adj") == 0) {
		s->has_oom_score_adj = 1;
		s->oom_score_adj = atoi(r->value);
	} else if (strcmp(r->key, "target_pid") == 0) {
		s->target_pid = (pid_t)atoi(r->value);
	} else {
		for (int i = 0; i < NS_KINDS; i++)
			if (strcmp(r->key, ns_keys[i]) == 0)
				return parse_ns(r->value, &s->ns[i], err);
		for (int i = 0; i < CAP_SETS; i++)
			if (strcmp(r->key, cap_keys[i]) == 0) {
				s->caps[i] = strtoull(r->value, NULL, 0);
				s->has_caps = 1;
				return 0;
			}
		return fail(err, 0, "unknown spec key '%s'", r->key);
	}
	return 0;
}

/* Every list gets room for all records: simple, and the message is small. */
static int allocate_lists(struct spec *s, size_t n, struct err *err)
{
	struct strlist *lists[] = { &s->args, &s->env, &s->masked, &s->readonly_paths, &s->sysctls,
				    &s->cgroup_procs, &s->cgroup_v1, &s->rootfs_lower };
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
		if (!(lists[i]->items = calloc(n + 1, sizeof(char *))))
			return fail(err, ENOMEM, "allocate spec");
	s->mounts = calloc(n, sizeof *s->mounts);
	s->rlimits = calloc(n, sizeof *s->rlimits);
	s->gids = calloc(n, sizeof *s->gids);
	if (!s->mounts || !s->rlimits || !s->gids)
		return fail(err, ENOMEM, "allocate spec");
	return 0;
}

int spec_read(int fd, struct spec *s, struct err *err)
{
	size_t len = 0;
	memset(s, 0, sizeof *s);
	s->cwd = "/";
	if (read_all(fd, &s->buffer, &len, err) < 0)
		return -1;
	size_t max = len / 10 + 1;
	cleanup_free struct record *records = calloc(max, sizeof *records);
	if (!records)
		return fail(err, ENOMEM, "allocate spec");
	long n = split_records(s->buffer, len, records, max);
	if (n < 1)
		return fail(err, 0, "malformed spec message");
	if (strcmp(records[0].key, "corral") != 0 || strcmp(records[0].value, SPEC_VERSION) != 0)
		return fail(err, 0, "unsupported spec version '%s'", records[0].value);
	if (allocate_lists(s, (size_t)n, err) < 0)
		return -1;
	for (long i = 1; i < n; i++)
		if (apply_record(s, &records[i], err) < 0)
			return -1;
	return 0;
}

void spec_free(struct spec *s)
{
	struct strlist *lists[] = { &s->args, &s->env, &s->masked, &s->readonly_paths, &s->sysctls,
				    &s->cgroup_procs, &s->cgroup_v1, &s->rootfs_lower };
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
		free(lists[i]->items);
	free(s->mounts);
	free(s->rlimits);
	free(s->gids);
	free(s->buffer);
	memset(s, 0, sizeof *s);
}
