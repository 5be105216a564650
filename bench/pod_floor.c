/* pod-floor (bench only, never shipped): the kernel work of one pod's life with one container,
   done the shortest way, with no runtime around it: no records, no fsync, no RPC, no helper
   program, no CNI. It is the floor a runtime's own work is compared to (bench/kernel_floor.ts).

   usage: pod-floor <work dir> <image rootfs> <cgroup dir>...   (one cgroup dir per hierarchy)
   prints "<step> <microseconds>" for each CRI step, or "error <what>: <errno text>" and exits 1.
   It makes <work dir> and <work dir>.base and leaves them empty for the caller to remove.

   RunPodSandbox: pod cgroups, a network namespace pinned by a bind mount, an infra process in
     new IPC and UTS namespaces, a tmpfs /dev/shm, the pod's hosts, resolv.conf and hostname.
   CreateContainer: container cgroups, an overlay rootfs (volatile: its unmount syncs nothing,
     which a runtime could choose; corral and containerd do not), the init in the pod's namespaces and
     new pid and mount namespaces, its /proc, /sys, /dev (tmpfs, devices bound, devpts, shm), the
     pod's files bound, pivot_root; it waits for the start.
   StartContainer: the init released, until its exec of sh.
   ExecSync: `true` in all the container's namespaces and its cgroups, waited for.
   StopContainer: SIGTERM to the init (sh exits; the kernel ends the rest), waited for.
   StopPodSandbox: the infra killed and waited for, the netns unpinned.
   RemovePodSandbox: the rootfs unmounted and its dirs removed, cgroups removed, shm unmounted,
   pod files removed. */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CGROUPS 16

static char work[1024], image[1024];
static char *parents[MAX_CGROUPS];
static int n_cgroups;
static pid_t infra = -1, init_pid = -1;

static void die(const char *what)
{
	printf("error %s: %s\n", what, strerror(errno));
	fflush(stdout);
	if (init_pid > 0)
		kill(init_pid, SIGKILL);
	if (infra > 0)
		kill(infra, SIGKILL);
	exit(1);
}

static void child_die(const char *what)
{
	dprintf(2, "pod-floor: %s: %s\n", what, strerror(errno));
	_exit(127);
}

static char *at(const char *name)
{
	static char paths[8][1200];
	static int next;
	char *p = paths[next++ % 8];
	snprintf(p, sizeof paths[0], "%s/%s", work, name);
	return p;
}

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static long long mark;
static void step(const char *name)
{
	long long t = now_us();
	printf("%s %lld\n", name, t - mark);
	mark = t;
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) < 0)
		die(path);
}

static void copy_file(const char *from, const char *to)
{
	char buf[256] = "";
	int fd = open(from, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;   /* not a cpuset hierarchy */
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n > 0)
		write_file(to, buf);
}

/* <parent>/<name> in every hierarchy; a v1 cpuset needs its parent's cpus and mems first. */
static void make_cgroups(const char *name, const char *under)
{
	char dir[1400], from[1500], to[1500];
	for (int i = 0; i < n_cgroups; i++) {
		snprintf(dir, sizeof dir, "%s%s%s/%s", parents[i], under ? "/" : "", under ? under : "", name);
		if (mkdir(dir, 0755) < 0)
			die(dir);
		for (const char *f = "cpuset.cpus"; f; f = strcmp(f, "cpuset.cpus") == 0 ? "cpuset.mems" : NULL) {
			snprintf(from, sizeof from, "%s/../%s", dir, f);
			snprintf(to, sizeof to, "%s/%s", dir, f);
			copy_file(from, to);
		}
	}
}

static void join_cgroups(const char *path_under_parent, pid_t pid)
{
	char file[1500], text[16];
	snprintf(text, sizeof text, "%d", (int)pid);
	for (int i = 0; i < n_cgroups; i++) {
		snprintf(file, sizeof file, "%s/%s/cgroup.procs", parents[i], path_under_parent);
		write_file(file, text);
	}
}

/* An emptied v1 cgroup may still be busy for a moment after its last task was reaped. */
static void remove_cgroups(const char *path_under_parent)
{
	char dir[1400];
	for (int i = 0; i < n_cgroups; i++) {
		snprintf(dir, sizeof dir, "%s/%s", parents[i], path_under_parent);
		int tries = 0;
		while (rmdir(dir) < 0)
			if (errno != EBUSY || ++tries > 5000)
				die(dir);
			else
				usleep(100);
	}
}

/* Everything under the top directory (a mount point here: the caller removes it). */
static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	if (ftw->level == 0)
		return 0;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static void remove_tree(const char *dir)
{
	if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
		die(dir);
}

static void wait_for(pid_t pid, const char *what)
{
	if (waitpid(pid, NULL, 0) < 0)
		die(what);
}

/* Network namespace first, pinned; the infra joins it and makes its IPC and UTS namespaces. */
static void run_pod(void)
{
	make_cgroups("floor-pod", NULL);
	int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	write_file(at("net"), "");
	if (home < 0 || unshare(CLONE_NEWNET) < 0 ||
	    mount("/proc/thread-self/ns/net", at("net"), NULL, MS_BIND, NULL) < 0 || setns(home, CLONE_NEWNET) < 0)
		die("pin a network namespace");
	close(home);
	int ready[2];
	if (pipe2(ready, O_CLOEXEC) < 0)
		die("pipe");
	infra = fork();
	if (infra < 0)
		die("fork infra");
	if (infra == 0) {
		int net = open(at("net"), O_RDONLY | O_CLOEXEC);
		if (net < 0 || setns(net, CLONE_NEWNET) < 0 || unshare(CLONE_NEWIPC | CLONE_NEWUTS) < 0 ||
		    sethostname("floor", 5) < 0)
			child_die("infra namespaces");
		close(ready[1]);
		for (;;)
			pause();
	}
	close(ready[1]);
	char c;
	if (read(ready[0], &c, 1) < 0)
		die("infra start");
	close(ready[0]);
	join_cgroups("floor-pod", infra);
	if (mkdir(at("shm"), 0755) < 0 || mount("shm", at("shm"), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=65536k") < 0)
		die("pod shm");
	write_file(at("hosts"), "127.0.0.1 localhost\n");
	write_file(at("resolv.conf"), "nameserver 10.0.0.10\n");
	write_file(at("hostname"), "floor\n");
	step("RunPodSandbox");
}

static void mount_or_die(const char *src, const char *dst, const char *type, unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data) < 0)
		child_die(dst);
}

static void bind_in(const char *src, const char *root, const char *dst, int is_dir)
{
	char target[1400];
	snprintf(target, sizeof target, "%s%s", root, dst);
	if (is_dir)
		mkdir(target, 0755);
	else
		close(open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	mount_or_die(src, target, NULL, MS_BIND, NULL);
}

/* The container's own view, in its new mount namespace, then pivot_root into it. */
static void build_root(const char *root)
{
	char path[1400];
	static const char *const devices[] = { "null", "zero", "full", "random", "urandom", "tty" };
	mount_or_die(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	snprintf(path, sizeof path, "%s/proc", root);
	mount_or_die("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	snprintf(path, sizeof path, "%s/sys", root);
	mount_or_die("sysfs", path, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL);
	snprintf(path, sizeof path, "%s/dev", root);
	mount_or_die("tmpfs", path, "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
	for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++) {
		char dev[32];
		snprintf(dev, sizeof dev, "/dev/%s", devices[i]);
		bind_in(dev, root, dev, 0);
	}
	snprintf(path, sizeof path, "%s/dev/pts", root);
	mkdir(path, 0755);
	mount_or_die("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620");
	bind_in(at("shm"), root, "/dev/shm", 1);
	bind_in(at("hosts"), root, "/etc/hosts", 0);
	bind_in(at("resolv.conf"), root, "/etc/resolv.conf", 0);
	bind_in(at("hostname"), root, "/etc/hostname", 0);
	if (chdir(root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		child_die("pivot_root");
}

/* The init: joins the pod's namespaces, makes its pid and mount namespaces (forking into the
   pid one), builds its root, waits for the start and execs. The middle process exits at once. */
static void create_container(int start_r, int execd_w)
{
	char root[1200], opts[4000];
	make_cgroups("ctr", "floor-pod");
	snprintf(root, sizeof root, "%s", at("merged"));
	snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s,volatile", image, at("upper"), at("ovlwork"));
	if (mkdir(at("upper"), 0755) < 0 || mkdir(at("ovlwork"), 0755) < 0 || mkdir(root, 0755) < 0 ||
	    mount("overlay", root, "overlay", 0, opts) < 0)
		die("overlay rootfs");
	int pidpipe[2];
	if (pipe2(pidpipe, O_CLOEXEC) < 0)
		die("pipe");
	pid_t middle = fork();
	if (middle < 0)
		die("fork");
	if (middle == 0) {
		char ns[64];
		static const char *const kinds[] = { "net", "ipc", "uts" };
		for (int i = 0; i < 3; i++) {
			snprintf(ns, sizeof ns, "/proc/%d/ns/%s", (int)infra, kinds[i]);
			int fd = open(ns, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || setns(fd, 0) < 0)
				child_die(ns);
			close(fd);
		}
		if (unshare(CLONE_NEWPID | CLONE_NEWNS) < 0)
			child_die("unshare pid, mount");
		pid_t child = fork();
		if (child < 0)
			child_die("fork init");
		if (child > 0) {
			dprintf(pidpipe[1], "%d", (int)child);
			_exit(0);
		}
		build_root(root);
		char c;
		if (read(start_r, &c, 1) != 1)
			_exit(1);
		execl("/bin/sh", "sh", "-c", "trap \"exit 0\" TERM; sleep 3600 & wait", (char *)NULL);
		child_die("exec sh");
	}
	close(pidpipe[1]);
	char text[16] = "";
	if (read(pidpipe[0], text, sizeof text - 1) <= 0)
		die("init pid");
	close(pidpipe[0]);
	wait_for(middle, "middle process");
	init_pid = atoi(text);
	join_cgroups("floor-pod/ctr", init_pid);
	close(execd_w);
	step("CreateContainer");
}

static void start_container(int start_w, int execd_r)
{
	char c;
	if (write(start_w, "s", 1) != 1)
		die("start");
	if (read(execd_r, &c, 1) != 0)   /* EOF: the init's exec closed its end */
		die("exec");
	step("StartContainer");
}

static void exec_true(void)
{
	pid_t middle = fork();
	if (middle < 0)
		die("fork exec");
	if (middle == 0) {
		char ns[64];
		static const char *const kinds[] = { "ipc", "uts", "net", "pid", "mnt" };
		int fds[5];
		for (int i = 0; i < 5; i++) {
			snprintf(ns, sizeof ns, "/proc/%d/ns/%s", (int)init_pid, kinds[i]);
			if ((fds[i] = open(ns, O_RDONLY | O_CLOEXEC)) < 0)
				child_die(ns);
		}
		char procs[1500], me[16];
		snprintf(me, sizeof me, "%d", (int)getpid());
		for (int i = 0; i < n_cgroups; i++) {
			snprintf(procs, sizeof procs, "%s/floor-pod/ctr/cgroup.procs", parents[i]);
			int fd = open(procs, O_WRONLY | O_CLOEXEC);
			if (fd < 0 || write(fd, me, strlen(me)) < 0)
				child_die(procs);
			close(fd);
		}
		for (int i = 0; i < 5; i++)
			if (setns(fds[i], 0) < 0)
				child_die("setns");
		pid_t child = fork();
		if (child == 0) {
			execl("/bin/true", "true", (char *)NULL);
			child_die("exec true");
		}
		int status;
		_exit(child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	}
	int status;
	if (waitpid(middle, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("exec true");
	step("ExecSync");
}

static void mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			die(path);
		*p = '/';
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		die(path);
}

static void bind_at(const char *base, const char *path, unsigned long flags)
{
	char target[1400];
	snprintf(target, sizeof target, "%s%s", base, path);
	mkdir_p(target);
	if (mount(path, target, NULL, MS_BIND | flags, NULL) < 0)
		die(target);
}

/* Once, untimed, as a runtime would once (corrald its empty-root namespace): a mount namespace
   holding only what the steps use (the work dir and image, /proc, /dev, the cgroup hierarchies),
   so the container's own mount namespace copies a handful of mounts, not the host's table. */
static void enter_base_namespace(void)
{
	char base[1100];
	snprintf(base, sizeof base, "%s.base", work);
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 || mkdir(base, 0700) < 0 ||
	    mount("floor", base, "tmpfs", 0, "mode=755") < 0)
		die("base mount namespace");
	bind_at(base, work, 0);
	bind_at(base, image, 0);
	bind_at(base, "/dev", 0);
	bind_at(base, "/sys/fs/cgroup", MS_REC);
	char proc[1200];
	snprintf(proc, sizeof proc, "%s/proc", base);
	if (mkdir(proc, 0555) < 0 || mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die(proc);
	if (chdir(base) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		die("pivot_root to the base");
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc - 3 > MAX_CGROUPS) {
		fprintf(stderr, "usage: pod-floor <work dir> <image rootfs> <cgroup dir>...\n");
		return 2;
	}
	snprintf(work, sizeof work, "%s", argv[1]);
	snprintf(image, sizeof image, "%s", argv[2]);
	n_cgroups = argc - 3;
	for (int i = 0; i < n_cgroups; i++)
		parents[i] = argv[3 + i];
	/* The init's parent exits: it is reparented here, so it can be waited for. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0 || mkdir(work, 0700) < 0)
		die("set up");
	enter_base_namespace();
	mark = now_us();
	run_pod();
	/* Made after the infra's fork, so only the init holds them: its exec closes execd. */
	int start[2], execd[2];
	if (pipe2(start, O_CLOEXEC) < 0 || pipe2(execd, O_CLOEXEC) < 0)
		die("pipe");
	create_container(start[0], execd[1]);
	close(start[0]);
	start_container(start[1], execd[0]);
	exec_true();
	kill(init_pid, SIGTERM);
	wait_for(init_pid, "the init's exit");
	init_pid = -1;
	step("StopContainer");
	kill(infra, SIGKILL);
	wait_for(infra, "the infra's exit");
	infra = -1;
	if (umount2(at("net"), MNT_DETACH) < 0 || unlink(at("net")) < 0)
		die("unpin the network namespace");
	step("StopPodSandbox");
	if (umount2(at("merged"), 0) < 0 || rmdir(at("merged")) < 0)
		die("unmount the rootfs");
	remove_tree(at("upper"));
	remove_tree(at("ovlwork"));
	if (rmdir(at("upper")) < 0 || rmdir(at("ovlwork")) < 0)
		die("remove the rootfs's dirs");
	remove_cgroups("floor-pod/ctr");
	remove_cgroups("floor-pod");
	if (umount2(at("shm"), 0) < 0)
		die("unmount the pod's shm");
	remove_tree(work);
	step("RemovePodSandbox");
	return 0;
}
