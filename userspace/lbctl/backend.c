// SPDX-License-Identifier: GPL-2.0
/*
 * Backend targets: backend add|del|set|show.  A backend is a real server's
 * address and port: lb rewrites its service's packets (VIP:PORT) to it
 * and the replies back.  The service comes first, as VIP:PORT [MATCH];
 * without proto, the one tcp or udp service with that match is meant.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/lb.h>

#include "args.h"
#include "lbctl.h"
#include "match.h"
#include "nl.h"
#include "show.h"
#include "snapshot.h"
#include "target.h"

static const char *family_word(uint8_t family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

/*
 * backend VERB VIP:PORT [MATCH] [ADDR:PORT | id ID] [weight W]: the first
 * word that is no keyword is the service's VIP (unless "vip" came first),
 * the next the backend.
 */
void backend_parse(struct args *a, const char *verb, uint8_t cmd,
		   struct match *sel, struct tgt_req *t)
{
	char buf[ADDR_STRLEN];
	bool has_addr = false;
	const char *w;

	memset(sel, 0, sizeof(*sel));
	memset(t, 0, sizeof(*t));
	while (args_more(a)) {
		w = args_peek(a);
		if (match_parse_arg(a, sel))
			continue;
		if ((cmd == LB_CMD_TGT_NEW || cmd == LB_CMD_TGT_SET) &&
		    tgt_parse_weight(a, t))
			continue;
		if ((cmd == LB_CMD_TGT_DEL || cmd == LB_CMD_TGT_SET) &&
		    tgt_parse_id(a, t))
			continue;
		if (cmd == LB_CMD_TGT_NEW && is_word(w, "id"))
			usage_error("backend add takes ADDR:PORT; the kernel gives the id");
		if (!sel->given) {
			match_set_vip(sel, args_next(a));
			continue;
		}
		if (cmd == BACKEND_SHOW || has_addr)
			args_done(a);
		endpoint_parse("backend", args_next(a), &t->addr);
		has_addr = true;
	}
	match_finish_nat(sel);
	if (cmd == BACKEND_SHOW)
		return;

	if (!sel->given)
		usage_error("backend %s needs the service's VIP:PORT first",
			    verb);
	if (has_addr && t->by_id)
		usage_error("backend %s: give the backend's ADDR:PORT or its id, not both",
			    verb);
	if (!has_addr && !t->by_id)
		usage_error("backend %s needs the backend's ADDR:PORT%s", verb,
			    cmd == LB_CMD_TGT_NEW ? "" : " or id ID");
	if (cmd == LB_CMD_TGT_SET && !t->has_weight)
		usage_error("backend set needs weight");
	if (has_addr && t->addr.family != sel->family)
		usage_error("backend %s is %s, vip %s: a backend has its VIP's address family",
			    endpoint_str(t->addr.family, &t->addr.addr,
					 t->addr.port, buf, sizeof(buf)),
			    family_word(t->addr.family),
			    family_word(sel->family));
	t->backend = true;
}

/*
 * Fills in a missing proto: the one of the only tcp or udp service with
 * @sel's match.  EXIT_OK, or EXIT_ERR said: there is none, or two.  (Not
 * a usage error: that promises nothing was sent.)
 */
static int find_proto(struct nl *nl, struct match *sel)
{
	unsigned int i, n = 0;
	const struct match *m;
	struct snapshot s;
	uint8_t proto = 0;
	char buf[256];
	int ret;

	if (sel->proto)
		return EXIT_OK;
	ret = snapshot_read(nl, NULL, false, &s);
	if (ret != EXIT_OK)
		return ret;
	for (i = 0; i < s.nservices; i++) {
		m = &s.services[i].match;
		if ((m->proto == IPPROTO_TCP || m->proto == IPPROTO_UDP) &&
		    match_same_but_proto(sel, m)) {
			proto = m->proto;
			n++;
		}
	}
	snapshot_free(&s);
	match_str(sel, buf, sizeof(buf));
	if (n == 1) {
		sel->proto = proto;
		return EXIT_OK;
	}
	if (n)
		error_msg("%s is a tcp and a udp service: give proto tcp or proto udp",
			  buf);
	else
		error_msg("no such service: %s proto tcp or udp", buf);
	return EXIT_ERR;
}

/*
 * Sends the change, or shows the service; "backend show" without one
 * shows every NAT service.
 */
static int run(uint8_t cmd, struct match *sel, const struct tgt_req *t)
{
	struct nl *nl;
	int ret;

	nl = connect_lb();
	if (!nl)
		return EXIT_ERR;
	ret = sel->given ? find_proto(nl, sel) : EXIT_OK;
	if (ret == EXIT_OK && cmd == BACKEND_SHOW)
		ret = show_with(nl, sel, sel->given ? NULL : service_nat);
	else if (ret == EXIT_OK)
		ret = tgt_send(nl, cmd, sel, t);
	nl_close(nl);
	return ret;
}

static void backend_usage(FILE *f, const char *verb)
{
	static const struct usage u[] = {
		{ "add", "backend add SVC ADDR:PORT [weight W]",
		  "  add   adds a backend to a service; the first puts it in flow mode,\n"
		  "        and unless sched was given, sched maglev\n" },
		{ "set", "backend set SVC ADDR:PORT | id ID weight W",
		  "  set   changes a backend's weight; 0 lets its flows finish\n" },
		{ "del", "backend del SVC ADDR:PORT | id ID",
		  "  del   deletes a backend: its flows end, a TCP connection is reset\n"
		  "        (weight 0 first lets them finish); a service whose last\n"
		  "        backend went drops its packets until it has one (also:\n"
		  "        backend delete)\n" },
		{ "show", "backend show [SVC]",
		  "  show  as lbctl show, for services with backends (also: backend\n"
		  "        list)\n" },
	};

	usage_print(f, u, ARRAY_SIZE(u), verb);
	fputc('\n', f);
	if (!is_word(verb, "show"))
		fputs("  ADDR:PORT := IPV4ADDR:PORT | [V6ADDR]:PORT\n"
		      "            a backend, of its VIP's address family\n",
		      f);
	if (!verb || is_word(verb, "set") || is_word(verb, "del"))
		id_usage(f);
	if (!verb || is_word(verb, "add") || is_word(verb, "set"))
		weight_usage(f);
	svc_usage(f);
}

static int cmd_backend(struct args *a)
{
	static const struct {
		const char *verb;
		uint8_t cmd;
	} verbs[] = {
		{ "add",	LB_CMD_TGT_NEW },
		{ "del",	LB_CMD_TGT_DEL },
		{ "delete",	LB_CMD_TGT_DEL },
		{ "set",	LB_CMD_TGT_SET },
		{ "show",	BACKEND_SHOW },
		{ "list",	BACKEND_SHOW },
	};
	const char *w = args_next(a);
	struct tgt_req t;
	struct match sel;
	unsigned int i;

	if (!w)
		w = "show";
	for (i = 0; i < ARRAY_SIZE(verbs); i++) {
		if (!strcmp(w, verbs[i].verb)) {
			backend_parse(a, w, verbs[i].cmd, &sel, &t);
			return run(verbs[i].cmd, &sel, &t);
		}
	}
	usage_error("backend: unknown command \"%s\" (add, del, set, show)", w);
}

static const char *const backend_verbs[] = {
	"add", "set", "del", "show", NULL
};

const struct command backend_command = {
	.name = "backend",
	.summary = "add, change, delete or show a backend: a real server, by NAT",
	.verbs = backend_verbs,
	.run = cmd_backend,
	.usage = backend_usage,
};
