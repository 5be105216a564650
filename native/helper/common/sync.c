/* Parent/child synchronisation messages (see sync.h). */
#define _GNU_SOURCE
#include "sync.h"
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

int sync_send(int fd, char type, const char *text, struct err *err)
{
	char buf[600];
	size_t len = text ? strlen(text) : 0;
	if (len > sizeof buf - 1)
		len = sizeof buf - 1;
	buf[0] = type;
	if (len)
		memcpy(buf + 1, text, len);
	ssize_t n;
	do
		n = send(fd, buf, len + 1, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return fail(err, errno, "send sync message '%c'", type);
	return 0;
}

int sync_recv(int fd, char *buf, size_t size, struct err *err)
{
	ssize_t n;
	do
		n = recv(fd, buf, size - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return fail(err, errno, "receive sync message");
	buf[n > 0 ? n : 0] = 0;
	return n == 0 ? 0 : (unsigned char)buf[0];
}

int sync_expect(int fd, char type, char *buf, size_t size, struct err *err)
{
	int got = sync_recv(fd, buf, size, err);
	if (got < 0)
		return -1;
	if (got == SYNC_ERROR)
		return fail(err, 0, "%s", buf + 1);
	if (got == 0)
		return fail(err, 0, "child exited before sending '%c'", type);
	if (got != type)
		return fail(err, 0, "expected sync message '%c', got '%c'", type, got);
	return 0;
}

void sync_die(int fd, const struct err *err)
{
	struct err ignored;
	sync_send(fd, SYNC_ERROR, err->msg, &ignored);
	_exit(127);
}

pid_t sync_fork(int *fd, struct err *err)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return fail(err, errno, "socketpair");
	pid_t pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return fail(err, errno, "fork");
	}
	close(sv[pid == 0 ? 0 : 1]);
	*fd = sv[pid == 0 ? 1 : 0];
	return pid;
}

int sync_send_fd(int sock, char type, int fd, struct err *err)
{
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &type, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		return fail(err, errno, "send descriptor '%c'", type);
	return 0;
}

int sync_recv_fd(int sock, char type, struct err *err)
{
	char buf[600];
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
	ssize_t n;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return fail(err, errno, "receive descriptor '%c'", type);
	buf[n > 0 ? n : 0] = 0;
	if (n > 0 && buf[0] == SYNC_ERROR)
		return fail(err, 0, "%s", buf + 1);
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	if (n == 0 || buf[0] != type || !cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return fail(err, 0, "expected a descriptor message '%c'", type);
	int fd;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
	return fd;
}
