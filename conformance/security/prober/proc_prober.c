/* Test-only: what a hostile container with CAP_SYS_PTRACE can do to the processes it sees.
     proc_prober exe <pid>     "writable" if /proc/<pid>/exe could be reopened to write the file it
                              runs, else "sealed" (memfd with F_SEAL_WRITE) or "readonly" (ro mount)
     proc_prober attach <pid>  "attached" or "denied <errno name>" (PTRACE_SEIZE)
     proc_prober scan 0        one line about every other process it sees (no ptrace)
     proc_prober hold <pid> <ms>
                              seizes <pid>, prints "held" (or "denied <errno name>"), then sleeps
                              <ms> without ever waiting for it: once <pid> is killed, its zombie is
                              ours, the tracer's, and its parent (the monitor) cannot collect it
     proc_prober watch <ms> [<stop file> [<host path>]]
                              for <ms> or until <stop file> exists, every process that appears
                              (exec helpers, inits): seizes it, stops it and prints one line about
                              it, then lets it go; host_root=1 when <host path> (a path that exists
                              only on the host) is reachable through its /proc/<pid>/root
   Built statically by the security tests and bind-mounted into their containers. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef F_GET_SEALS
#define F_GET_SEALS 1034
#endif
#ifndef F_SEAL_WRITE
#define F_SEAL_WRITE 0x0008
#endif

static const char *exe_state(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "unopenable";
	int seals = fcntl(fd, F_GET_SEALS);
	struct statvfs vfs;
	const char *state = "writable";
	if (seals >= 0 && (seals & F_SEAL_WRITE))
		state = "sealed";
	else if (fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
		state = "readonly";
	close(fd);
	return state;
}

static void read_text(pid_t pid, const char *name, char *buf, size_t size, ssize_t *len)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
	*len = -1;
	buf[0] = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	*len = read(fd, buf, size - 1);
	buf[*len > 0 ? *len : 0] = 0;
	close(fd);
}

static void status_field(const char *status, const char *field, char *out, size_t size)
{
	const char *at = strstr(status, field);
	snprintf(out, size, "?");
	if (at)
		sscanf(at + strlen(field), " %63s", out);
	(void)size;
}

/* One line: pid, whether we hold it stopped, its capabilities and what /proc shows of it. */
static const char *host_path;

/* 1 when the process's root is the host's: a path only the host has is reachable through it. */
static int sees_host_root(pid_t pid)
{
	char path[1024];
	if (!host_path)
		return 0;
	snprintf(path, sizeof path, "/proc/%d/root%s", (int)pid, host_path);
	return access(path, F_OK) == 0;
}

static void describe(pid_t pid, int attached)
{
	char status[8192], environ[65536], capeff[64], nnp[64], seccomp[64], exe[512] = "", root[512] = "", path[64];
	ssize_t len, envlen;
	read_text(pid, "status", status, sizeof status, &len);
	if (len <= 0)
		return;
	read_text(pid, "environ", environ, sizeof environ, &envlen);
	status_field(status, "CapEff:", capeff, sizeof capeff);
	status_field(status, "NoNewPrivs:", nnp, sizeof nnp);
	status_field(status, "Seccomp:", seccomp, sizeof seccomp);
	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	if (readlink(path, exe, sizeof exe - 1) < 0)
		snprintf(exe, sizeof exe, "?");
	snprintf(path, sizeof path, "/proc/%d/root", (int)pid);
	if (readlink(path, root, sizeof root - 1) < 0)
		snprintf(root, sizeof root, "?");
	int host_env = 0;
	for (ssize_t i = 0; i + 16 < envlen; i++)
		if (memcmp(environ + i, "CORRAL_HOST_ENV=", 16) == 0)
			host_env = 1;
	printf("pid=%d attached=%d capeff=%s nnp=%s seccomp=%s exe=%s exe_state=%s root=%s host_env=%d host_root=%d\n",
	       (int)pid, attached, capeff, nnp, seccomp, exe, exe_state(pid), root, host_env, sees_host_root(pid));
}

/* Lets a seized process go. One killed while we held it (its container removed meanwhile) cannot
   be detached: its exit is reported to us, the tracer, first, and its parent (the monitor) sees it
   only once we collected it, so it is collected here. Left a zombie, it would stay one until we
   exit, and RemoveContainer would wait for the init's exit that long. */
static void release(pid_t pid)
{
	int status;
	if (ptrace(PTRACE_DETACH, pid, 0, 0) == 0)
		return;
	while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
		;
}

static int seize_and_stop(pid_t pid)
{
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0)
		return -1;
	int status;
	if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0 || waitpid(pid, &status, __WALL) < 0) {
		release(pid);
		return -1;
	}
	return 0;
}

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

#define MAX_SEEN 65536
static unsigned char seen[MAX_SEEN];

static void watch(long duration_ms, const char *stop_file)
{
	long end = now_ms() + duration_ms;
	int first = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (now_ms() < end && !(stop_file && access(stop_file, F_OK) == 0)) {
		DIR *proc = opendir("/proc");
		struct dirent *e;
		while (proc && (e = readdir(proc))) {
			pid_t pid = (pid_t)atoi(e->d_name);
			if (pid <= 0 || pid >= MAX_SEEN || seen[pid] || pid == getpid())
				continue;
			seen[pid] = 1;
			if (first)
				continue;   /* what ran before we started is not under test */
			int attached = seize_and_stop(pid) == 0;
			describe(pid, attached);
			if (attached)
				release(pid);
		}
		if (proc)
			closedir(proc);
		first = 0;
	}
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	long arg = atol(argv[2]);
	if (strcmp(argv[1], "exe") == 0) {
		printf("%s\n", exe_state((pid_t)arg));
	} else if (strcmp(argv[1], "attach") == 0) {
		if (ptrace(PTRACE_SEIZE, (pid_t)arg, 0, 0) < 0)
			printf("denied %s\n", strerrorname_np(errno));
		else
			printf("attached\n");
	} else if (strcmp(argv[1], "hold") == 0 && argc > 3) {
		setvbuf(stdout, NULL, _IOLBF, 0);
		if (ptrace(PTRACE_SEIZE, (pid_t)arg, 0, 0) < 0) {
			printf("denied %s\n", strerrorname_np(errno));
			return 1;
		}
		printf("held\n");
		long end = now_ms() + atol(argv[3]);
		while (now_ms() < end)
			usleep(100000);
	} else if (strcmp(argv[1], "scan") == 0) {
		DIR *proc = opendir("/proc");
		struct dirent *e;
		while (proc && (e = readdir(proc)))
			if (atoi(e->d_name) > 0 && atoi(e->d_name) != getpid())
				describe((pid_t)atoi(e->d_name), 0);
	} else if (strcmp(argv[1], "watch") == 0) {
		host_path = argc > 4 ? argv[4] : NULL;
		watch(arg, argc > 3 ? argv[3] : NULL);
	} else {
		return 2;
	}
	return 0;
}
