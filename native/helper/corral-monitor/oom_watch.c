/* The OOM kills of the container's cgroup, counted by the monitor while the cgroup exists. With
   the systemd driver, systemd removes a scope's cgroup as soon as it empties, often before
   corrald reads it: the monitor reads the counter (v2 memory.events, v1 memory.oom_control, both
   "oom_kill N") when the kernel reports a memory event and when the init exits, before anything
   else, and records the largest value in the exit file. v2 reports through inotify on
   memory.events; v1 through an eventfd registered on memory.oom_control (cgroup.event_control),
   which the kernel signals before it kills (the cgroup still exists then) and once more when the
   cgroup is removed: a signal is an OOM when the cgroup is still there, or when it is not but
   more than that one removal signal came. On v2 the kernel may defer a memory.events notice by
   10 ms, long enough for systemd to remove the emptied scope first: the parent's (hierarchical)
   oom_kill, read at start, then tells a SIGKILLed init whose cgroup vanished. */
#define _GNU_SOURCE
#include "monitor.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>

/* The oom_kill value in a memory.events file, or -1. */
static long oom_kill_in(int fd)
{
	char buf[1024];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	const char *line = strstr(buf, "oom_kill ");
	return line ? strtol(line + 9, NULL, 10) : -1;
}

/* v2: the parent's memory.events and its count now (descendants included). */
static void open_parent(struct oom_watch *w, const char *dir)
{
	char file[PATH_MAX + 32];
	const char *slash = strrchr(dir, '/');
	if (!slash)
		return;
	snprintf(file, sizeof file, "%.*s/memory.events", (int)(slash - dir), dir);
	w->parent_fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (w->parent_fd >= 0)
		w->parent_kills = oom_kill_in(w->parent_fd);
}

/* The memory cgroup's counter file beside one of the init's cgroup.procs files; *v1 tells which. */
static int open_counter(const char *procs_file, char *dir, size_t size, int *v1)
{
	static const char *const names[] = { "memory.events", "memory.oom_control" };
	char file[PATH_MAX + 32];
	const char *slash = strrchr(procs_file, '/');
	if (!slash || (size_t)(slash - procs_file) >= size)
		return -1;
	snprintf(dir, size, "%.*s", (int)(slash - procs_file), procs_file);
	for (int i = 0; i < 2; i++) {
		snprintf(file, sizeof file, "%s/%s", dir, names[i]);
		int fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0) {
			*v1 = i == 1;
			return fd;
		}
	}
	return -1;
}

/* v2: inotify on memory.events. */
static int watch_v2(const char *dir)
{
	char file[PATH_MAX + 32];
	snprintf(file, sizeof file, "%s/memory.events", dir);
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (fd >= 0 && inotify_add_watch(fd, file, IN_MODIFY) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* v1: an eventfd the kernel signals on OOM (and on removal), registered through cgroup.event_control. */
static int watch_v1(const char *dir, int counter_fd)
{
	char file[PATH_MAX + 32], line[64];
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0)
		return -1;
	snprintf(file, sizeof file, "%s/cgroup.event_control", dir);
	int ctl = open(file, O_WRONLY | O_CLOEXEC);
	int len = snprintf(line, sizeof line, "%d %d", efd, counter_fd);
	if (ctl < 0 || write(ctl, line, (size_t)len) != len) {
		close(efd);
		efd = -1;
	}
	if (ctl >= 0)
		close(ctl);
	return efd;
}

void oom_watch_open(struct oom_watch *w, const struct strlist *cgroup_procs)
{
	char dir[PATH_MAX];
	int v1 = 0;
	*w = (struct oom_watch){ .counter_fd = -1, .notify_fd = -1, .parent_fd = -1, .kills = -1, .parent_kills = -1 };
	for (size_t i = 0; i < cgroup_procs->len && w->counter_fd < 0; i++)
		w->counter_fd = open_counter(cgroup_procs->items[i], dir, sizeof dir, &v1);
	if (w->counter_fd < 0)
		return;   /* no memory controller: corrald reads what it can */
	w->kills = 0;
	w->v1 = v1;
	oom_watch_read(w);
	if (!v1)
		open_parent(w, dir);
	w->notify_fd = v1 ? watch_v1(dir, w->counter_fd) : watch_v2(dir);
}

/* 1 when the counter could be read (the cgroup still exists). */
static int read_counter(struct oom_watch *w)
{
	char buf[1024];
	if (w->counter_fd < 0)
		return 0;
	ssize_t n = pread(w->counter_fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 0;   /* the cgroup is gone (ENODEV): the last count stands */
	buf[n] = '\0';
	for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		long kills;
		if (sscanf(line, "oom_kill %ld", &kills) == 1 && kills > w->kills)
			w->kills = kills;
	}
	return 1;
}

/* v1: the eventfd's pending signals, told apart from the removal's as the header says. */
static void take_v1_signals(struct oom_watch *w, int alive)
{
	uint64_t signals = 0;
	if (w->notify_fd < 0 || read(w->notify_fd, &signals, sizeof signals) != sizeof signals)
		return;
	if ((alive && signals >= 1) || signals >= 2)
		w->kills = w->kills > 0 ? w->kills : 1;
}

void oom_watch_read(struct oom_watch *w)
{
	int alive = read_counter(w);
	if (w->v1)
		take_v1_signals(w, alive);
	/* The parent's baseline follows while the cgroup is there and clean: a sibling's earlier
	   OOM is then not taken for this container's. */
	if (alive && w->kills == 0 && w->parent_fd >= 0)
		w->parent_kills = oom_kill_in(w->parent_fd);
}

void oom_watch_event(struct oom_watch *w)
{
	char events[4096];
	if (!w->v1)
		while (read(w->notify_fd, events, sizeof events) > 0)
			;
	oom_watch_read(w);
}

void oom_watch_final(struct oom_watch *w, int sigkilled)
{
	int alive = read_counter(w);
	if (w->v1)
		take_v1_signals(w, alive);
	if (alive || !sigkilled || w->kills != 0 || w->parent_fd < 0 || w->parent_kills < 0)
		return;
	long now = oom_kill_in(w->parent_fd);
	if (now > w->parent_kills)
		w->kills = now - w->parent_kills;
}
