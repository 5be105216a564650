/* CRI log and exit-file timestamps. */
#include "timefmt.h"
#include <stdio.h>
#include <time.h>

size_t format_now(char *buf)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t len = strftime(buf, 21, "%Y-%m-%dT%H:%M:%S", &tm);
	len += (size_t)snprintf(buf + len, 12, ".%09ldZ", ts.tv_nsec);
	return len;
}
