// SPDX-License-Identifier: GPL-2.0
/*
 * Time for the commands that run until stopped (monitor, stats -w):
 * timestamps as lbctl prints them, and waits that SIGINT or SIGTERM end.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"

static const char *time_fmt(const struct timespec *ts, bool utc, char *buf,
			    unsigned int len)
{
	struct tm tm;
	char s[32];

	if (!(utc ? gmtime_r(&ts->tv_sec, &tm) : localtime_r(&ts->tv_sec, &tm)))
		memset(&tm, 0, sizeof(tm));
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%06ld%s", s, ts->tv_nsec / 1000,
		 utc ? "Z" : "");
	return buf;
}

const char *time_utc(const struct timespec *ts, char *buf, unsigned int len)
{
	return time_fmt(ts, true, buf, len);
}

const char *time_local(const struct timespec *ts, char *buf,
		       unsigned int len)
{
	return time_fmt(ts, false, buf, len);
}

struct timespec now_real(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return t;
}

struct timespec now_mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t;
}

double time_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

struct timespec time_add(struct timespec t, double secs)
{
	long long ns = (long long)(secs * 1e9) + t.tv_nsec;

	t.tv_sec += ns / 1000000000;
	t.tv_nsec = ns % 1000000000;
	return t;
}

static volatile sig_atomic_t stopped;
static sigset_t unblocked;	/* the mask to wait with */

static void on_stop(int sig)
{
	(void)sig;
	stopped = 1;
}

void stop_signals_catch(void)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &unblocked);
	sigdelset(&unblocked, SIGINT);
	sigdelset(&unblocked, SIGTERM);
}

bool stop_requested(void)
{
	return stopped;
}

int wait_stop(int fd, const struct timespec *until)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec left, now;
	int n;

	for (;;) {
		if (stopped)
			return -1;
		if (until) {
			now = now_mono();
			if (time_diff(&now, until) <= 0)
				return 0;
			left.tv_sec = until->tv_sec - now.tv_sec;
			left.tv_nsec = until->tv_nsec - now.tv_nsec;
			if (left.tv_nsec < 0) {
				left.tv_sec--;
				left.tv_nsec += 1000000000;
			}
		}
		/* Signals come in only here, so none is missed. */
		n = ppoll(fd >= 0 ? &pfd : NULL, fd >= 0, until ? &left : NULL,
			  &unblocked);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}
