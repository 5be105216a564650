/* corral-helper: the short-lived jobs corrald cannot do from its multi-threaded process.
     corral-helper infra   start a pod sandbox's infra (corral-pause, fd 3) and pin its namespaces
     corral-helper exec    run a command inside a running container (ExecSync, streaming Exec)
     corral-helper empty-root  make the mount namespace every pause joins (see empty_root.c),
                           report "ok" and wait for EOF on stdin while corrald opens it
   infra and exec read their spec (spec.h) from stdin. */
#ifndef CORRAL_HELPER_H
#define CORRAL_HELPER_H
#include "spec.h"

int run_infra(const struct spec *s, struct err *err);
int run_exec(const struct spec *s, struct err *err);
/* Bind-mounts /proc/<pid>/ns/<name> onto <pin_dir>/<name> for each new namespace. */
int pin_namespaces(const struct spec *s, pid_t pid, struct err *err);
void unpin_namespaces(const struct spec *s);
/* New mount namespace whose root is an empty read-only tmpfs; cwd /. */
int enter_empty_root(struct err *err);
/* Joins the empty-root mount namespace ns_fd (closing it), as the host's root. */
int join_empty_root(int ns_fd, struct err *err);
int run_empty_root(struct err *err);

#endif
