/* One-byte-typed messages between a helper and its forked children over a SEQPACKET socketpair. */
#ifndef CORRAL_SYNC_H
#define CORRAL_SYNC_H
#include "err.h"
#include <stddef.h>
#include <sys/types.h>

enum sync_msg {
	SYNC_GO = 'G',        /* parent → child: cgroups joined, go on */
	SYNC_USERNS = 'U',    /* child → parent: new user namespace made, write its id maps */
	SYNC_MAPPED = 'M',    /* parent → child: id maps written */
	SYNC_PID = 'P',       /* child → parent: "P<pid>" the init's pid as the parent sees it */
	SYNC_READY = 'R',     /* init → parent: set up, waiting for start */
	SYNC_START = 'S',     /* parent → init: execve now */
	SYNC_ERROR = 'E',     /* child → parent: "E<message>", the child then exits */
	SYNC_TTY = 'T',       /* init → parent: the pty master, as SCM_RIGHTS */
	SYNC_PROCFS = 'F',    /* child → parent: a proc fs context (fsopen) made in a pid namespace */
};

int sync_send(int fd, char type, const char *text, struct err *err);
/* Receives one message into buf (NUL-terminated text after the type byte). Returns the type,
   0 on EOF, -1 on error. */
int sync_recv(int fd, char *buf, size_t size, struct err *err);
/* Waits for a message of the given type; an ERROR message or EOF becomes a failure. */
int sync_expect(int fd, char type, char *buf, size_t size, struct err *err);
/* fork() with a sync socket between parent and child: *fd is this side's end in each.
   Returns the child's pid in the parent, 0 in the child, -1 on failure. */
pid_t sync_fork(int *fd, struct err *err);
/* A message carrying one file descriptor. */
int sync_send_fd(int sock, char type, int fd, struct err *err);
/* Waits for a message of the given type carrying a descriptor; returns it, or -1. */
int sync_recv_fd(int sock, char type, struct err *err);
/* In a child: sends err to the parent and exits. */
void sync_die(int fd, const struct err *err) __attribute__((noreturn));

#endif
