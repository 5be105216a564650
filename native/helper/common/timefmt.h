/* RFC 3339 timestamps with nanoseconds, in UTC: "2026-11-26T20:16:56.123456789Z". */
#ifndef CORRAL_TIMEFMT_H
#define CORRAL_TIMEFMT_H
#include <stddef.h>

#define TIMESTAMP_LEN 30
/* Formats the current real time into buf (at least TIMESTAMP_LEN + 1 bytes); returns its length. */
size_t format_now(char *buf);

#endif
