/* Creating and joining namespaces, id maps and cgroup membership. */
#ifndef CORRAL_NAMESPACES_H
#define CORRAL_NAMESPACES_H
#include "spec.h"

extern const int ns_clone_flags[NS_KINDS];
extern const char *const ns_names[NS_KINDS];

/* Writes "<pid>" into each cgroup.procs file of the list. */
int cgroup_join(const struct strlist *procs_files, pid_t pid, struct err *err);
/* Writes uid_map and gid_map of pid (a child that made a new user namespace). */
int write_id_maps(pid_t pid, const struct spec *s, struct err *err);
/*
 * Runs in a freshly forked child (sync_fd talks to the parent): waits for GO, enters the user
 * namespace, joins/creates net, ipc, uts and pid (plus extra_unshare flags), and forks again when
 * the pid namespace changed so the caller becomes its first process. The parent receives
 * "P<pid>" with the pid of the process that returns from here.
 * deferred_userns (may be NULL): a user namespace to join is not joined but its fd returned there
 * (-1 if none), so the caller can build the rootfs with the host's privileges first.
 */
int enter_namespaces(const struct spec *s, int sync_fd, int extra_unshare, int *deferred_userns, struct err *err);
/* enter_namespaces in two steps, so work can happen between them: join_namespaces waits for GO
   and joins/creates the namespaces (a pid namespace then applies to children only);
   fork_into_pid_namespace forks into it (unless it is the host's), the parent sends "P<pid>" and,
   when tty_master >= 0, that descriptor as SYNC_TTY, then exits; the child returns. */
int join_namespaces(const struct spec *s, int sync_fd, int extra_unshare, int *deferred_userns, struct err *err);
int fork_into_pid_namespace(const struct spec *s, int sync_fd, int tty_master, struct err *err);
/* Joins the user namespace enter_namespaces deferred and becomes its root. */
int join_userns(const struct spec *s, int userns_fd, struct err *err);
/* The parent's half of enter_namespaces: cgroups, GO, id maps, then returns the child's pid. */
pid_t guide_namespaces(const struct spec *s, pid_t child, int sync_fd, struct err *err);

#endif
