/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time for the commands that run until stopped (monitor, stats -w):
 * timestamps as lbctl prints them, and waits that SIGINT or SIGTERM end.
 */
#ifndef LBCTL_CLOCK_H
#define LBCTL_CLOCK_H

#include <stdbool.h>
#include <time.h>

/* "2026-12-01T23:40:01.123456Z" (UTC, for JSON) */
#define TIME_STRLEN	40
const char *time_utc(const struct timespec *ts, char *buf, unsigned int len);
/* "2026-12-01T23:40:01.123456" (local time, for text, as ip -ts) */
const char *time_local(const struct timespec *ts, char *buf,
		       unsigned int len);

struct timespec now_real(void);
struct timespec now_mono(void);
/* @b - @a in seconds */
double time_diff(const struct timespec *a, const struct timespec *b);
struct timespec time_add(struct timespec t, double secs);

/*
 * Blocks SIGINT and SIGTERM, which from then on only end a wait_stop():
 * nothing is lost between the check and the wait.
 */
void stop_signals_catch(void);
/*
 * Waits until @fd (if >= 0) is readable or the monotonic clock reaches
 * *@until (if not NULL): 1 readable, 0 time is up, -1 SIGINT or SIGTERM
 * came (stop_requested() is then true) or the wait failed.
 */
int wait_stop(int fd, const struct timespec *until);
bool stop_requested(void);

#endif /* LBCTL_CLOCK_H */
