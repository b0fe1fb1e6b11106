/* SPDX-License-Identifier: GPL-2.0 */
/* What every lbctl command shares: options, exit codes, messages. */
#ifndef LBCTL_H
#define LBCTL_H

#include <stdbool.h>

/* From the top-level VERSION file, by the Makefile: one version for all of lb. */
#ifndef LBCTL_VERSION
#error "LBCTL_VERSION is defined by userspace/lbctl/Makefile from VERSION"
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Exit codes, as "lbctl help" documents them. */
enum {
	EXIT_OK		= 0,
	EXIT_ERR	= 1,	/* the kernel refused, or a runtime error */
	EXIT_USAGE	= 2,	/* bad command line, nothing was sent */
};

struct options {
	bool json;
	bool pretty;
	bool timestamp;		/* -t: monitor and stats -w lines */
};

extern struct options opt;

/* "lbctl: <message>" on stderr. */
void error_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct args;
struct nl;

/*
 * Enters the -n namespace, opens the socket and finds the family; NULL
 * with the reason said if that failed.
 */
struct nl *connect_lb(void);

int cmd_show(struct args *a);
int cmd_stats(struct args *a);
int cmd_flows(struct args *a);
int cmd_set_mode(struct args *a);
int cmd_set_sched(struct args *a);
int cmd_set_weights(struct args *a);
int cmd_vip(struct args *a);
int cmd_path(struct args *a);
int cmd_backend(struct args *a);
int cmd_save(struct args *a);
int cmd_restore(struct args *a);
int cmd_monitor(struct args *a);

/* One command line, without "lbctl" and its options: its exit status. */
int run_command(struct args *a);
/* lbctl -b FILE: each line of FILE ("-": standard input) a command. */
int run_batch(const char *file);

#endif /* LBCTL_H */
