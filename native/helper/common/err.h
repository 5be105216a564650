/* crun-style errors: fallible functions return int (<0 on failure) and fill a struct err last. */
#ifndef CORRAL_ERR_H
#define CORRAL_ERR_H
#include <stdlib.h>
#include <unistd.h>

struct err {
	int code;          /* errno, or 0 when the failure is not a system call's */
	char msg[512];
};

/* Records "<context>: <strerror(code)>" and returns -1. */
int fail(struct err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prefixes an existing error with more context and returns -1 (wrap as it travels up). */
int wrap(struct err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline void close_fdp(int *fd) { if (*fd >= 0) close(*fd); }
static inline void free_p(void *p) { free(*(void **)p); }
#define cleanup_fd __attribute__((cleanup(close_fdp)))
#define cleanup_free __attribute__((cleanup(free_p)))

#endif
