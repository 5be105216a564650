/* Error records: a message with context, wrapped as it travels up the call chain. */
#include "err.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int fail(struct err *err, int code, const char *fmt, ...)
{
	char context[384];
	va_list args;
	va_start(args, fmt);
	vsnprintf(context, sizeof context, fmt, args);
	va_end(args);
	err->code = code;
	if (code)
		snprintf(err->msg, sizeof err->msg, "%s: %s", context, strerror(code));
	else
		snprintf(err->msg, sizeof err->msg, "%s", context);
	return -1;
}

int wrap(struct err *err, const char *fmt, ...)
{
	char context[256], inner[sizeof err->msg], joined[sizeof context + sizeof inner + 2];
	va_list args;
	va_start(args, fmt);
	vsnprintf(context, sizeof context, fmt, args);
	va_end(args);
	memcpy(inner, err->msg, sizeof inner);
	snprintf(joined, sizeof joined, "%s: %s", context, inner);
	memcpy(err->msg, joined, sizeof err->msg - 1);
	err->msg[sizeof err->msg - 1] = 0;
	return -1;
}
