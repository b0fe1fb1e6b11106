// SPDX-License-Identifier: GPL-2.0
/*
 * lbctl: configures lb, the kernel module that balances routed traffic
 * over parallel links by setting the packet mark, and over backends by
 * address translation.  Global options, the network namespace, and
 * dispatch to the commands.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/lb.h>

#include "args.h"
#include "lbctl.h"
#include "nl.h"

struct options opt;

static const char *netns;

/* The global options, for "lbctl help". */
static const char options[] =
"Usage: lbctl [OPTIONS] COMMAND [ARGS]\n"
"       lbctl [OPTIONS] -b FILE\n"
"       lbctl COMMAND [VERB] help\n"
"\n"
"Configures lb, the kernel module that balances routed traffic: over\n"
"parallel links by setting the packet mark (ip rule fwmark picks the link),\n"
"or over backends by rewriting a VIP:PORT to a backend's ADDR:PORT and its\n"
"replies back (transparent L4 NAT).\n"
"\n"
"Options:\n"
"  -j, --json           JSON output (read commands): one document; monitor\n"
"                       and stats -w: one a line\n"
"  -p, --pretty         indent the JSON output (with -j)\n"
"  -t, --timestamp      monitor and stats -w: each line or interval starts\n"
"                       with the local time, [2026-12-01T23:40:01.123456]\n"
"  -n, --netns NETNS    act in network namespace NETNS (/var/run/netns/NETNS,\n"
"                       or a path), as ip -n does\n"
"  -b, --batch FILE     run the commands in FILE (- for standard input), one\n"
"                       a line, as ip -batch does: each applied in turn; the\n"
"                       first that fails stops it (\"lbctl: FILE:LINE: ...\")\n"
"  -V, --version        print the version\n"
"  -h, --help           print this help\n"
"\n"
"Commands:\n";

static const char epilogue[] =
"\n"
"\"lbctl COMMAND help\" (or -h, after the command or its verb) prints the\n"
"command's grammar; \"man lbctl\" is the whole reference.\n"
"\n"
"Exit status: 0 done, 1 the kernel refused or another runtime error, 2 bad\n"
"command line, or for restore a bad line (nothing was sent).\n";

void error_msg(const char *fmt, ...)
{
	unsigned int line;
	const char *file = usage_where(&line);
	va_list ap;

	fflush(stdout);
	fputs("lbctl: ", stderr);
	if (file)
		fprintf(stderr, "%s:%u: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The same as "ip -n NETNS": a name in /var/run/netns, or a path. */
static int enter_netns(const char *name)
{
	char path[4096];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/var/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		error_msg("cannot open network namespace \"%s\": %s", name,
			  strerror(errno));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		error_msg("cannot enter network namespace \"%s\": %s", name,
			  strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

struct nl *connect_lb(void)
{
	static bool entered;	/* once, for all the commands of a batch */

	if (netns && !entered) {
		if (enter_netns(netns) < 0)
			return NULL;
		entered = true;
	}
	return nl_open();
}

static int cmd_help(struct args *a);
static void help_usage(FILE *f, const char *verb);

static const struct command help_command = {
	.name = "help",
	.summary = "this text; help COMMAND [VERB]: that command's usage",
	.run = cmd_help,
	.usage = help_usage,
};

/* In the order "lbctl help" lists them. */
static const struct command *const commands[] = {
	&show_command, &stats_command, &monitor_command, &flows_command,
	&set_mode_command, &set_sched_command, &set_weights_command,
	&set_command, &vip_command, &path_command, &backend_command, &save_command,
	&restore_command, &help_command,
};

static void overview(FILE *f)
{
	const struct command *c;
	unsigned int i;

	fputs(options, f);
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		c = commands[i];
		fprintf(f, "  %-12s %s", c->name, c->summary);
		if (c->alias)
			fprintf(f, " (also: %s)", c->alias);
		fputc('\n', f);
	}
	fputs(epilogue, f);
}

static void help_usage(FILE *f, const char *verb)
{
	static const struct usage u[] = {
		{ NULL, "help [COMMAND [VERB]]",
		  "The global options and a line per command (as lbctl -h); with\n"
		  "COMMAND, its usage, or its VERB's, as lbctl COMMAND [VERB] help\n"
		  "prints it.\n" },
	};

	usage_print(f, u, ARRAY_SIZE(u), verb);
}

static const struct command *find_command(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (is_word(name, commands[i]->name) ||
		    (commands[i]->alias && is_word(name, commands[i]->alias)))
			return commands[i];
	return NULL;
}

/* @w as one of @c's verbs (delete: del, list: show); NULL if it is none. */
static const char *find_verb(const struct command *c, const char *w)
{
	const char *const *v;

	if (is_word(w, "delete"))
		w = "del";
	else if (is_word(w, "list"))
		w = "show";
	for (v = c->verbs; v && *v; v++)
		if (is_word(w, *v))
			return *v;
	return NULL;
}

static int cmd_help(struct args *a)
{
	const char *name = args_next(a), *w, *verb;
	const struct command *c;

	usage_topic(NULL, NULL);	/* its errors: see "lbctl help" */
	if (!name) {
		overview(stdout);
		return EXIT_OK;
	}
	c = find_command(name);
	if (!c)
		usage_error("help: unknown command \"%s\"", name);
	w = args_next(a);
	verb = find_verb(c, w);
	if (w && !verb)
		usage_error("help: %s has no verb \"%s\"", c->name, w);
	args_done(a);
	c->usage(stdout, verb);
	return EXIT_OK;
}

int run_command(struct args *a)
{
	const char *name = args_next(a), *verb;
	const struct command *c;

	usage_topic(NULL, NULL);
	c = find_command(name);
	if (!c && is_help(name))	/* -h, --help: a line of lbctl -b */
		c = &help_command;
	if (!c)
		usage_error("unknown command \"%s\"", name);
	verb = find_verb(c, args_peek(a));
	usage_topic(c->name, verb);
	/* "lbctl path add help", "lbctl path add 3 -h": the grammar asked for */
	if (args_help(a)) {
		c->usage(stdout, verb);
		return EXIT_OK;
	}
	return c->run(a);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json",	no_argument,		NULL, 'j' },
		{ "pretty",	no_argument,		NULL, 'p' },
		{ "timestamp",	no_argument,		NULL, 't' },
		{ "netns",	required_argument,	NULL, 'n' },
		{ "batch",	required_argument,	NULL, 'b' },
		{ "version",	no_argument,		NULL, 'V' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	const char *batch = NULL;
	struct args a;
	int c;

	opterr = 0;
	/* '+': options end at the command, as in ip(8) */
	while ((c = getopt_long(argc, argv, "+jptn:b:Vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opt.json = true;
			break;
		case 'p':
			opt.pretty = true;
			break;
		case 't':
			opt.timestamp = true;
			break;
		case 'n':
			if (!*optarg)
				usage_error("-n needs a network namespace name");
			netns = optarg;
			break;
		case 'b':
			batch = optarg;
			break;
		case 'V':
			printf("lbctl %s (lb netlink family \"%s\" version %u)\n",
			       LBCTL_VERSION, LB_GENL_NAME, LB_GENL_VERSION);
			return EXIT_OK;
		case 'h':
			overview(stdout);
			return EXIT_OK;
		case ':':
			usage_error("option \"%s\" needs a value",
				    argv[optind - 1]);
		default:
			if (optopt == 'n')
				usage_error("-n needs a network namespace name");
			if (optopt == 'b')
				usage_error("-b needs a file (- for standard input)");
			usage_error("unknown option \"%s\"", argv[optind - 1]);
		}
	}

	a.argc = argc - optind;
	a.argv = argv + optind;
	if (batch) {
		if (args_more(&a))
			usage_error("-b FILE takes its commands from FILE, not \"%s\"",
				    args_peek(&a));
		return run_batch(batch);
	}
	if (!args_more(&a)) {
		overview(stderr);
		return EXIT_USAGE;
	}
	return run_command(&a);
}
