/* The last steps of any container process: limits, identity, capabilities, seccomp, execve. */
#ifndef CORRAL_PROCESS_H
#define CORRAL_PROCESS_H
#include "spec.h"

int apply_rlimits(const struct spec *s, struct err *err);
/* Best effort: this kind of host refuses negative values without CAP_SYS_RESOURCE. */
void apply_oom_score_adj(const struct spec *s);
/* Joins (the init: creates) the container's session keyring "_ses.<spec id>"; no id: nothing. */
int join_session_keyring(const struct spec *s, struct err *err);
/* The session keyring, groups, uid/gid, capabilities, no_new_privs and seccomp. parent_death_signal (0 = none) is set
   once the credentials are final (changing them clears it). */
int drop_privileges(const struct spec *s, int parent_death_signal, struct err *err);
/* execve of args[0], searched in the PATH of the process's env. Returns only on failure. */
int exec_process(const struct spec *s, struct err *err);

#endif
