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

static const char usage[] =
"Usage: lbctl [OPTIONS] COMMAND [ARGS]\n"
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
"Commands:\n"
"  show [SEL]                      namespace info, services, their paths or\n"
"                                  backends and key counters (also: list)\n"
"  stats [SEL]                     every counter per service and per target\n"
"  stats -w SECS [-c COUNT] [SEL]  every SECS seconds (0.1 to 86400), the\n"
"                                  rates since the last: packets/s, bits/s,\n"
"                                  new flows/s ... and active flows; COUNT\n"
"                                  intervals, or until SIGINT or SIGTERM\n"
"  monitor [SEL]                   each change, and each target going down or\n"
"                                  up, as it happens, until SIGINT or SIGTERM:\n"
"                                  a line in save's words (path add 0x3 ...,\n"
"                                  path 0x3 down vip any); \"events lost\" if\n"
"                                  lbctl fell behind; -j: an object a line\n"
"  flows [SEL]                     the flow table; with SEL only the flows on\n"
"                                  that service's targets\n"
"  flows flush                     forget every flow; next packets choose anew\n"
"  set-mode MODE [timeout T] [SEL] MODE: packet, flow or flowlet\n"
"  set-sched SCHED [SEL]           SCHED: wrr, maglev or wlc (how new flows\n"
"                                  are placed)\n"
"  set-weights W... [SEL]          one weight per target, in the order show\n"
"                                  lists them; all change at once\n"
"  vip add PREFIX [MATCH] [mode MODE] [sched SCHED] [timeout T] [nat]\n"
"  vip set PREFIX [MATCH] [mode MODE] [sched SCHED] [timeout T]\n"
"  vip del PREFIX [MATCH]          a service and its targets\n"
"  vip show [PREFIX [MATCH]]       as show (also: vip list)\n"
"  path add MARK[/MASK] [mask MASK] [weight W] [SEL]\n"
"  path set MARK[/MASK] | id ID [weight W] [mask MASK] [SEL]\n"
"  path del MARK | id ID [SEL]     its flows move to the other paths\n"
"  path show [SEL]                 as show (also: path list)\n"
"  backend add SVC ADDR:PORT [weight W]\n"
"  backend set SVC ADDR:PORT | id ID weight W\n"
"  backend del SVC ADDR:PORT | id ID\n"
"                                  its flows end: a TCP connection is reset\n"
"                                  (weight 0 first lets flows finish)\n"
"  backend show [SVC]              as show, for services with backends\n"
"                                  (also: backend list)\n"
"  save                            the whole configuration as the commands\n"
"                                  that make it, one per line (vip add, path\n"
"                                  add, backend add), for restore\n"
"  restore [-f FILE]               make such lines (from FILE, - or by default\n"
"                                  standard input) the whole configuration,\n"
"                                  at once: all of it, or none of it on the\n"
"                                  first error (\"lbctl: FILE:LINE: ...\");\n"
"                                  # starts a comment\n"
"  help                            this text (also: lbctl COMMAND help)\n"
"\n"
"Services:\n"
"  SEL    := vip PREFIX [MATCH]     names a service by its whole match, as\n"
"                                   show prints it.  Without SEL a command\n"
"                                   acts on the namespace's only service.\n"
"  MATCH  := [from PREFIX] [proto PROTO] [port PORT] [iif IFNAME]\n"
"  PREFIX := any | ADDR[/PLEN][:PORT] | V6ADDR[/PLEN] | [V6ADDR[/PLEN]]:PORT\n"
"            any is IPv4 and IPv6; a PREFIX's :PORT is the same as port PORT\n"
"  PROTO  := tcp | udp | sctp | udplite | dccp | icmp | icmpv6 | any | 0-255\n"
"  PORT   := 1-65535, needs proto tcp, udp, sctp, udplite or dccp\n"
"  SVC    := [vip] VIP:PORT [MATCH] | [vip] [V6VIP]:PORT [MATCH]\n"
"            a service with backends: one address, a port, proto tcp or\n"
"            udp.  Without proto: the only tcp or udp service that matches.\n"
"\n"
"  A service holds paths or backends, never both.  Its first backend puts\n"
"  it in flow mode, and unless sched was given, sched maglev (routers with\n"
"  the same configuration agree).  For example:\n"
"    lbctl vip add 192.0.2.10:80 proto tcp\n"
"    lbctl backend add 192.0.2.10:80 10.0.0.1:8080\n"
"    lbctl backend add 192.0.2.10:80 10.0.0.2:8080 weight 2\n"
"  Packets to a VIP that match none of its services are dropped (vip-drops\n"
"  in show) unless the VIP is an address of this host.  A service whose\n"
"  last backend went stays a VIP: its packets are dropped (nat-drops) until\n"
"  it has one again; vip add VIP:PORT proto tcp|udp nat makes one so.\n"
"\n"
"Values:\n"
"  MODE     packet: every packet takes the next path (weighted round robin)\n"
"           flow: a flow keeps its target\n"
"           flowlet: a flow may change path after an idle gap longer than T\n"
"  SCHED    wrr: exact weighted shares; maglev: consistent hashing;\n"
"           wlc: the fewest active flows per unit of weight\n"
"  T        flowlet idle gap, 10us to 10s: microseconds, or with us, ms, s\n"
"  W        weight, 0 to 65535 (default 1); 0 drains a target (no new flows)\n"
"  MARK     fwmark, decimal or 0x hex; a packet's mark m becomes\n"
"           (m & ~MASK) ^ MARK, MASK defaulting to 0xffffffff\n"
"  ADDR:PORT  a backend: IPv4 ADDR:PORT or [V6ADDR]:PORT, of the VIP's family\n"
"\n"
"Changes, flows, flows flush and restore need CAP_NET_ADMIN in the\n"
"namespace's user namespace; show, stats, save and monitor do not.\n"
"\n"
"Exit status: 0 done, 1 the kernel refused or another runtime error (such\n"
"as no service, or two, for a SVC without proto), 2 bad command line, or\n"
"for restore a bad line (nothing was sent).\n";

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

static const struct {
	const char *name;
	int (*run)(struct args *a);
} commands[] = {
	{ "show",		cmd_show },
	{ "list",		cmd_show },
	{ "stats",		cmd_stats },
	{ "flows",		cmd_flows },
	{ "set-mode",		cmd_set_mode },
	{ "set-sched",		cmd_set_sched },
	{ "set-weights",	cmd_set_weights },
	{ "vip",		cmd_vip },
	{ "path",		cmd_path },
	{ "backend",		cmd_backend },
	{ "save",		cmd_save },
	{ "restore",		cmd_restore },
	{ "monitor",		cmd_monitor },
};

int run_command(struct args *a)
{
	const char *cmd = args_next(a);
	unsigned int i;

	if (is_help(cmd) || is_help(args_peek(a))) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(cmd, commands[i].name))
			return commands[i].run(a);
	usage_error("unknown command \"%s\"", cmd);
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
			fputs(usage, stdout);
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
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	return run_command(&a);
}
