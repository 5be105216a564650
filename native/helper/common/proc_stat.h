/* A pid is never trusted without its start time (field 22 of /proc/<pid>/stat). */
#ifndef CORRAL_PROC_STAT_H
#define CORRAL_PROC_STAT_H
#include "err.h"
#include <sys/types.h>

/* Fails unless /proc/<pid>/stat shows exactly the given start time. */
int check_start_time(pid_t pid, const char *expected, struct err *err);

#endif
