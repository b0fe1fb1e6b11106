/* SPDX-License-Identifier: GPL-2.0 */
/* What every lbctl command shares: options, exit codes, messages. */
#ifndef LBCTL_H
#define LBCTL_H

#include <stdbool.h>
#include <stdio.h>

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

/*
 * A command, in the file that implements it: "lbctl help" lists them,
 * and each prints its own usage.
 */
struct command {
	const char *name;
	const char *alias;		/* another name, or NULL */
	const char *summary;		/* its line in "lbctl help" */
	/*
	 * its verbs ("add", ...), NULL-terminated, NULL if it has none; the
	 * aliases delete and list are del's and show's
	 */
	const char *const *verbs;
	int (*run)(struct args *a);
	/* its usage for @verb, one of its verbs, or all of it if NULL */
	void (*usage)(FILE *f, const char *verb);
};

extern const struct command show_command, stats_command, monitor_command,
	flows_command, set_mode_command, set_sched_command,
	set_weights_command, vip_command, path_command, backend_command,
	save_command, restore_command, set_command;

/* One command line, without "lbctl" and its options: its exit status. */
int run_command(struct args *a);
/* lbctl -b FILE: each line of FILE ("-": standard input) a command. */
int run_batch(const char *file);

#endif /* LBCTL_H */
