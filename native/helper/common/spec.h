/*
 * The message corrald sends a helper on its stdin (version 1): a stream of records, each
 *   u32le key_len, u32le value_len, key bytes, NUL, value bytes, NUL
 * The first record is ("corral", "1"). Keys may repeat (lists); values may hold any bytes
 * (the seccomp program), the trailing NULs only let C use them as strings in place.
 */
#ifndef CORRAL_SPEC_H
#define CORRAL_SPEC_H
#include "err.h"
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SPEC_VERSION "1"

enum ns_mode { NS_HOST, NS_NEW, NS_JOIN };
enum ns_kind { NS_NET, NS_IPC, NS_UTS, NS_PID, NS_KINDS };
enum cap_set { CAP_BOUNDING, CAP_EFFECTIVE, CAP_PERMITTED, CAP_INHERITABLE, CAP_AMBIENT, CAP_SETS };

struct ns_setting { enum ns_mode mode; const char *path; };
struct strlist { const char **items; size_t len; };

struct mount_entry {
	const char *source, *dest, *type, *data;
	unsigned long flags;          /* MS_* from the options, MS_RDONLY when readonly */
	unsigned long propagation;    /* MS_PRIVATE, MS_SLAVE or MS_SHARED (| MS_REC) */
	int recursive_readonly;
	int idmap;                    /* bind through the pod's user namespace (MOUNT_ATTR_IDMAP) */
	const char *from;             /* a bind's source as staged (mount_base.c); NULL: source */
};

struct rlimit_entry { int resource; unsigned long long soft, hard; };

struct spec {
	const char *id, *bundle, *rootfs, *hostname, *log_path, *cwd, *pin_dir;
	int chroot_mode, readonly_rootfs, privileged, tty, open_stdin, no_new_privs;
	int cgroup2;                     /* /sys/fs/cgroup is the unified hierarchy (else cgroup_v1) */
	int no_proc_pidns;               /* never fsconfig "pidns" (Linux 6.15+): the older kernels' path */
	const char *proc_pin;            /* a proc instance of the joined pid namespace, pinned on the host */
	const char *proc_mnt_ns;         /* a mount namespace whose /proc shows the joined pid namespace */
	struct ns_setting ns[NS_KINDS];
	struct ns_setting userns;
	const char *uid_map, *gid_map;   /* /proc/<pid>/uid_map content, for a new user namespace */
	struct strlist rootfs_lower;     /* the overlay under rootfs (top first), to rebuild it idmapped */
	const char *rootfs_upper, *rootfs_work;
	struct strlist args, env, masked, readonly_paths, sysctls, cgroup_procs;
	struct strlist cgroup_v1;        /* "<dir>\0<mount data>" per v1 hierarchy shown at /sys/fs/cgroup */
	struct mount_entry *mounts; size_t n_mounts;
	struct rlimit_entry *rlimits; size_t n_rlimits;
	uid_t uid; gid_t gid;
	gid_t *gids; size_t n_gids;
	uint64_t caps[CAP_SETS];
	int has_caps;
	const void *seccomp; size_t seccomp_len;
	int has_oom_score_adj, oom_score_adj;
	pid_t target_pid; const char *target_start;   /* exec: the container's init and its start time */
	char *buffer;                                  /* owns every string above */
};

/* Reads the whole message from fd and fills spec (strings point into spec->buffer). */
int spec_read(int fd, struct spec *spec, struct err *err);
void spec_free(struct spec *spec);

#endif
