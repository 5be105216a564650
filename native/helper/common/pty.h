/* Ptys for container processes, opened inside the container (its own devpts instance). */
#ifndef CORRAL_PTY_H
#define CORRAL_PTY_H
#include "err.h"

/* In a session leader inside the container's root: opens a pty, makes the slave its stdio and
   controlling terminal, and sends the master over sync_fd (SYNC_TTY). */
int pty_open_console(int sync_fd, struct err *err);

#endif
