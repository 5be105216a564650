/* corral-monitor: one per container. It creates the container's init (waiting before execve),
   stays its parent, writes its output to the CRI log, serves start/reopen over a unix socket in
   the bundle directory, and records the exit in <bundle>/exit before it exits itself. */
#ifndef CORRAL_MONITOR_H
#define CORRAL_MONITOR_H
#include "err.h"
#include "spec.h"
#include "timefmt.h"
#include <limits.h>
#include <sys/types.h>

#define LOG_LINE_MAX 16384     /* longer lines become several P records, like containerd's */
#define MAX_CLIENTS 16
#define CONTROL_SOCKET "ctl.sock"
#define EXIT_FILE "exit"

enum log_stream_kind { STREAM_STDOUT, STREAM_STDERR, STREAMS };

struct log_stream { char buf[LOG_LINE_MAX]; size_t len; };

struct log_writer {
	int fd;                          /* -1: output is discarded */
	char path[PATH_MAX];
	struct log_stream streams[STREAMS];
	/* Called with every chunk read, before it is cut into log lines (attach). */
	void (*on_read)(void *ctx, enum log_stream_kind kind, const char *data, size_t len);
	void *on_read_ctx;
};

struct stdio_fds {
	int child[3];                    /* the init's 0, 1, 2 */
	int stdin_w, out_r, err_r;       /* the monitor's ends (-1 when absent) */
};

/* The cgroup's OOM kill counter (oom_watch.c); kills is -1 when it cannot be read. */
struct oom_watch { int counter_fd, notify_fd, v1, parent_fd; long kills, parent_kills; };

enum start_state { START_WAITING, START_RELEASED, START_DONE, START_FAILED };

/* A control connection; after "attach" it carries attach frames (attach.c) both ways. */
struct client { int fd; int wants_start; int wants_exit; int attached; char buf[8192]; size_t len; };

struct monitor {
	char bundle[PATH_MAX];
	pid_t init_pid;
	int sync_fd, listen_fd, signal_fd;
	int mount_base;                  /* corrald's empty-root mount namespace, until the init has it; -1: none */
	struct stdio_fds io;
	struct log_writer log;
	enum start_state start;
	char started_at[TIMESTAMP_LEN + 1];
	char start_error[512];
	struct client clients[MAX_CLIENTS];
	struct oom_watch oom;
};

int log_open(struct log_writer *log, const char *path, struct err *err);
int log_reopen(struct log_writer *log, struct err *err);
/* Reads what is available on fd into the stream: 1 data, 0 EOF, -1 nothing yet (EAGAIN). */
int log_feed(struct log_writer *log, enum log_stream_kind kind, int fd);

/* Writes out any unterminated line (at exit). */
void log_flush(struct log_writer *log);

int stdio_create(const struct spec *s, struct stdio_fds *io, struct err *err);
void stdio_close_child_ends(struct stdio_fds *io);
/* In the init, inside its rootfs: opens a pty and makes it the stdio; returns the master (for
   the monitor) or -1. */
int pty_open_console(struct err *err);
/* In the process that execs: a new session, with the pty on stdin as its controlling terminal. */
int take_session(int tty, struct err *err);
int pty_receive_console(int sync_fd, struct stdio_fds *io, struct err *err);

/* Forks the container's init and waits until it is ready (waiting for start). */
int spawn_init(const struct spec *s, struct monitor *m, struct err *err);
/* Leaves the caller's session and parentage; returns in the detached grandchild only. */
void detach(void);

int control_listen(struct monitor *m, struct err *err);
void control_accept(struct monitor *m);
void control_read(struct monitor *m, struct client *c);
void control_reply(struct client *c, const char *text);

/* Sends output just read to every attached client. */
void attach_broadcast(void *monitor, enum log_stream_kind kind, const char *data, size_t len);
/* Applies the whole attach frames buffered for the client; returns the bytes used. */
size_t attach_consume(struct monitor *m, struct client *c);

/* Opens the counter beside the init's cgroup.procs files (after the init joined them). */
void oom_watch_open(struct oom_watch *w, const struct strlist *cgroup_procs);
void oom_watch_read(struct oom_watch *w);
/* The inotify fd is readable: drain it and read the counter. */
void oom_watch_event(struct oom_watch *w);
/* At the init's exit: the count, with the v2 parent's rise when the cgroup was already gone. */
void oom_watch_final(struct oom_watch *w, int sigkilled);

/* oom_kills < 0: not known, no oom_kill line. */
int write_exit_file(const char *bundle, int status, const char *started_at, long oom_kills, struct err *err);

/* Runs until the init has exited and everything is recorded. */
void monitor_loop(struct monitor *m) __attribute__((noreturn));

#endif
