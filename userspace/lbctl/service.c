// SPDX-License-Identifier: GPL-2.0
/*
 * Changing services: vip add|del|set, and the shortcuts set-mode,
 * set-sched and set-weights.
 */
#include <stdio.h>
#include <string.h>

#include <linux/lb.h>

#include "args.h"
#include "lbctl.h"
#include "match.h"
#include "names.h"
#include "nl.h"
#include "service.h"
#include "show.h"
#include "target.h"

/* Which of MODE, SCHED and T settings_usage() prints. */
#define USAGE_MODE	0x1
#define USAGE_SCHED	0x2
#define USAGE_TIMEOUT	0x4

/* The grammar of the settings, for the commands that take them. */
static void settings_usage(FILE *f, unsigned int what)
{
	char lo[16], hi[16];

	if (what & USAGE_MODE)
		fputs("  MODE   := packet | flow | flowlet\n"
		      "            packet: every packet takes the next target (weighted\n"
		      "            round robin); flow: a flow keeps its target; flowlet: a\n"
		      "            flow may change target after an idle gap longer than T\n",
		      f);
	if (what & USAGE_SCHED)
		fputs("  SCHED  := wrr | maglev | wlc\n"
		      "            how new flows are placed: wrr, exact weighted shares;\n"
		      "            maglev, consistent hashing (routers with the same\n"
		      "            configuration agree); wlc, the fewest active flows per\n"
		      "            unit of weight\n",
		      f);
	if (what & USAGE_TIMEOUT)
		fprintf(f,
			"  T      := the flowlet idle gap, %s to %s: microseconds, or with\n"
			"            a unit us, ms or s\n",
			usec_str(LB_FLOWLET_US_MIN, lo, sizeof(lo)),
			usec_str(LB_FLOWLET_US_MAX, hi, sizeof(hi)));
}

static int parse_mode(const char *s)
{
	int mode = mode_parse(s);

	if (mode < 0)
		usage_error("mode must be " MODE_WORDS ", not \"%s\"", s);
	return mode;
}

static int parse_sched(const char *s)
{
	int sched = sched_parse(s);

	if (sched < 0)
		usage_error("sched must be " SCHED_WORDS ", not \"%s\"", s);
	return sched;
}

static uint32_t parse_timeout(const char *s)
{
	return parse_usec("timeout", s, LB_FLOWLET_US_MIN, LB_FLOWLET_US_MAX);
}

/* Consumes mode, sched or timeout and its value; false if none is next. */
static bool settings_parse_arg(struct args *a, struct settings *st)
{
	const char *w = args_peek(a);

	if (is_word(w, "mode")) {
		args_next(a);
		if (st->mode >= 0)
			usage_error("\"mode\" given twice");
		st->mode = parse_mode(args_value(a, w));
	} else if (is_word(w, "sched")) {
		args_next(a);
		if (st->sched >= 0)
			usage_error("\"sched\" given twice");
		st->sched = parse_sched(args_value(a, w));
	} else if (is_word(w, "timeout")) {
		args_next(a);
		if (st->has_timeout)
			usage_error("\"timeout\" given twice");
		st->timeout_us = parse_timeout(args_value(a, w));
		st->has_timeout = true;
	} else {
		return false;
	}
	return true;
}

static void settings_check(const struct settings *st)
{
	/* Without a mode, a timeout is kept for when flowlet mode comes. */
	if (st->has_timeout && st->mode >= 0 && st->mode != LB_MODE_FLOWLET)
		usage_error("timeout only applies to mode flowlet");
}

static void settings_put(struct nlmsghdr *nlh, const struct settings *st)
{
	if (st->mode >= 0)
		mnl_attr_put_u8(nlh, LB_SVC_A_MODE, st->mode);
	if (st->sched >= 0)
		mnl_attr_put_u8(nlh, LB_SVC_A_SCHED, st->sched);
	if (st->has_timeout)
		mnl_attr_put_u32(nlh, LB_SVC_A_FLOWLET_US, st->timeout_us);
}

static bool settings_any(const struct settings *st)
{
	return st->mode >= 0 || st->sched >= 0 || st->has_timeout;
}

/*
 * LB_A_SVC with the selector's match and the new settings.  Without a
 * selector it carries the settings alone, without LB_SVC_A_FAMILY (which
 * every selector sends, even "vip any"): it names no service, and the
 * request is for the namespace's only one.
 */
static void put_service(struct nlmsghdr *nlh, const struct match *sel,
			const struct settings *st)
{
	struct nlattr *nest;

	if (!sel->given && !settings_any(st))
		return;
	nest = mnl_attr_nest_start(nlh, LB_A_SVC);
	if (sel->given)
		match_put(nlh, sel);
	settings_put(nlh, st);
	mnl_attr_nest_end(nlh, nest);
}

static int send_service(uint8_t cmd, const struct match *sel,
			const struct settings *st)
{
	struct nlmsghdr *nlh;
	struct nl *nl;
	int ret;

	nl = connect_lb();
	if (!nl)
		return EXIT_ERR;
	nlh = nl_request(nl, cmd, 0);
	put_service(nlh, sel, st);
	ret = nl_write(nl, nlh);
	nl_close(nl);
	return ret;
}

/*
 * "nat", "fwd METHOD": what the kernel would refuse, refused before
 * anything is sent.
 */
static void fwd_check(const struct vip_req *v)
{
	char name[16];
	const char *w = fwd_name(v->fwd, name, sizeof(name));

	if (v->fwd == LB_FWD_MARK)
		usage_error("fwd mark: a service of paths needs no method (they are marks)");
	if (!match_is_nat(&v->sel))
		usage_error("%s: a service with backends is VIP:PORT proto tcp|udp", w);
	if (v->st.mode >= 0 && v->st.mode != LB_MODE_FLOW)
		usage_error("%s: a service with backends is in mode flow", w);
}

/* "nat" or "fwd METHOD", once. */
static bool fwd_parse_arg(struct args *a, struct vip_req *v)
{
	const char *w = args_peek(a);
	int fwd;

	if (is_word(w, "nat")) {
		fwd = LB_FWD_NAT;
		args_next(a);
	} else if (is_word(w, "fwd")) {
		args_next(a);
		w = args_value(a, w);
		fwd = fwd_parse(w);
		if (fwd < 0)
			usage_error("fwd: unknown method \"%s\" (nat, ipip, gue)", w);
	} else {
		return false;
	}
	if (v->fwd >= 0)
		usage_error("nat or fwd given twice");
	v->fwd = fwd;
	return true;
}

/* PREFIX [MATCH] [SETTINGS] [fwd METHOD | nat] */
void vip_parse(struct args *a, const char *verb, uint8_t cmd,
	       struct vip_req *v)
{
	memset(v, 0, sizeof(*v));
	v->st.mode = -1;
	v->st.sched = -1;
	v->fwd = -1;
	if (!args_more(a))
		usage_error("vip %s needs a PREFIX (or \"any\")", verb);
	match_set_vip(&v->sel, args_next(a));
	while (args_more(a)) {
		if (match_parse_arg(a, &v->sel))
			continue;
		if (cmd != LB_CMD_SVC_DEL && settings_parse_arg(a, &v->st))
			continue;
		if (cmd == LB_CMD_SVC_NEW && fwd_parse_arg(a, v))
			continue;
		args_done(a);
	}
	match_finish(&v->sel);
	settings_check(&v->st);
	if (cmd == LB_CMD_SVC_SET && !settings_any(&v->st))
		usage_error("vip set needs mode, sched or timeout");
	if (v->fwd >= 0)
		fwd_check(v);
}

void vip_put(struct nlmsghdr *nlh, const struct vip_req *v)
{
	match_put(nlh, &v->sel);
	settings_put(nlh, &v->st);
	/* The flag for NAT, as older kernels know it. */
	if (v->fwd == LB_FWD_NAT)
		mnl_attr_put(nlh, LB_SVC_A_NAT, 0, "");
	else if (v->fwd >= 0)
		mnl_attr_put_u8(nlh, LB_SVC_A_FWD, v->fwd);
}

/* vip add|del|set PREFIX [MATCH] [SETTINGS] */
static int vip_change(struct args *a, const char *verb, uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct vip_req v;
	struct nl *nl;
	int ret;

	vip_parse(a, verb, cmd, &v);
	nl = connect_lb();
	if (!nl)
		return EXIT_ERR;
	nlh = nl_request(nl, cmd, 0);
	nest = mnl_attr_nest_start(nlh, LB_A_SVC);
	vip_put(nlh, &v);
	mnl_attr_nest_end(nlh, nest);
	ret = nl_write(nl, nlh);
	nl_close(nl);
	return ret;
}

static void vip_usage(FILE *f, const char *verb)
{
	static const struct usage u[] = {
		{ "add",
		  "vip add PREFIX [MATCH] [mode MODE] [sched SCHED] [timeout T] [fwd METHOD]",
		  "  add   adds a service, which balances the packets its match takes over\n"
		  "        paths or backends, never both; refused if one with the same\n"
		  "        match exists.  fwd says how packets reach the backends, and\n"
		  "        makes a service with backends before its first (VIP:PORT proto\n"
		  "        tcp|udp fwd nat, or just nat): its packets are dropped until it\n"
		  "        has one.  nat (the default) rewrites them to the backend's\n"
		  "        ADDR:PORT; ipip sends them unchanged inside an outer IP header,\n"
		  "        gue inside IP and UDP (direct server return: backends have the\n"
		  "        VIP, their port is the VIP's)\n" },
		{ "set", "vip set PREFIX [MATCH] [mode MODE] [sched SCHED] [timeout T]",
		  "  set   changes a service's mode, scheduler or flowlet timeout\n" },
		{ "del", "vip del PREFIX [MATCH]",
		  "  del   deletes a service and its targets (also: vip delete)\n" },
		{ "show", "vip show [PREFIX [MATCH]]",
		  "  show  as lbctl show, for that service or every one (also: vip list)\n" },
	};

	usage_print(f, u, ARRAY_SIZE(u), verb);
	fputc('\n', f);
	if (!verb || is_word(verb, "add") || is_word(verb, "set"))
		settings_usage(f, USAGE_MODE | USAGE_SCHED | USAGE_TIMEOUT);
	match_usage(f);
}

static int cmd_vip(struct args *a)
{
	const char *w = args_next(a);
	struct match sel;

	if (!w || is_word(w, "show") || is_word(w, "list")) {
		memset(&sel, 0, sizeof(sel));
		if (args_more(a)) {
			match_set_vip(&sel, args_next(a));
			while (args_more(a))
				if (!match_parse_arg(a, &sel))
					args_done(a);
			match_finish(&sel);
		}
		return show(&sel);
	}
	if (is_word(w, "add"))
		return vip_change(a, w, LB_CMD_SVC_NEW);
	if (is_word(w, "del") || is_word(w, "delete"))
		return vip_change(a, w, LB_CMD_SVC_DEL);
	if (is_word(w, "set"))
		return vip_change(a, w, LB_CMD_SVC_SET);
	usage_error("vip: unknown command \"%s\" (add, del, set, show)", w);
}

static const char *const vip_verbs[] = { "add", "set", "del", "show", NULL };

const struct command vip_command = {
	.name = "vip",
	.summary = "add, change, delete or show a service",
	.verbs = vip_verbs,
	.run = cmd_vip,
	.usage = vip_usage,
};

static void set_mode_usage(FILE *f, const char *verb)
{
	static const struct usage u[] = {
		{ NULL, "set-mode MODE [timeout T] [SEL]",
		  "Changes a service's mode (and flowlet timeout), as vip set does.\n" },
	};

	usage_print(f, u, ARRAY_SIZE(u), verb);
	fputc('\n', f);
	settings_usage(f, USAGE_MODE | USAGE_TIMEOUT);
	sel_usage(f);
}

static int cmd_set_mode(struct args *a)
{
	struct settings st = { .mode = -1, .sched = -1 };
	struct match sel;

	memset(&sel, 0, sizeof(sel));
	if (!args_more(a))
		usage_error("set-mode needs a mode: " MODE_WORDS);
	st.mode = parse_mode(args_next(a));
	while (args_more(a)) {
		if (match_parse_arg(a, &sel))
			continue;
		if (is_word(args_peek(a), "timeout")) {
			args_next(a);
			if (st.has_timeout)
				usage_error("\"timeout\" given twice");
			st.timeout_us = parse_timeout(args_value(a, "timeout"));
			st.has_timeout = true;
			continue;
		}
		args_done(a);
	}
	match_finish(&sel);
	settings_check(&st);
	return send_service(LB_CMD_SVC_SET, &sel, &st);
}

const struct command set_mode_command = {
	.name = "set-mode",
	.summary = "change a service's mode: " MODE_WORDS,
	.run = cmd_set_mode,
	.usage = set_mode_usage,
};

static void set_sched_usage(FILE *f, const char *verb)
{
	static const struct usage u[] = {
		{ NULL, "set-sched SCHED [SEL]",
		  "Changes how a service places new flows, as vip set does.\n" },
	};

	usage_print(f, u, ARRAY_SIZE(u), verb);
	fputc('\n', f);
	settings_usage(f, USAGE_SCHED);
	sel_usage(f);
}

static int cmd_set_sched(struct args *a)
{
	struct settings st = { .mode = -1, .sched = -1 };
	struct match sel;

	if (!args_more(a))
		usage_error("set-sched needs a scheduler: " SCHED_WORDS);
	st.sched = parse_sched(args_next(a));
	parse_selector_only(a, &sel);
	return send_service(LB_CMD_SVC_SET, &sel, &st);
}

const struct command set_sched_command = {
	.name = "set-sched",
	.summary = "change how a service places new flows: " SCHED_WORDS,
	.run = cmd_set_sched,
	.usage = set_sched_usage,
};

static void set_weights_usage(FILE *f, const char *verb)
{
	static const struct usage u[] = {
		{ NULL, "set-weights W... [SEL]",
		  "Sets the weight of every target of a service at once, one W per\n"
		  "target in the order show lists them: all change, or none.  Flows\n"
		  "stay where they are.\n" },
	};

	usage_print(f, u, ARRAY_SIZE(u), verb);
	fputc('\n', f);
	weight_usage(f);
	sel_usage(f);
}

static int cmd_set_weights(struct args *a)
{
	struct settings none = { .mode = -1, .sched = -1 };
	uint32_t weights[LB_TARGETS_MAX];
	unsigned int n = 0, i;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct match sel;
	const char *w;
	struct nl *nl;
	int ret;

	memset(&sel, 0, sizeof(sel));
	while (args_more(a)) {
		if (match_parse_arg(a, &sel))
			continue;
		w = args_next(a);
		if (n == LB_TARGETS_MAX)
			usage_error("at most %u weights: a service has at most %u targets",
				    LB_TARGETS_MAX, LB_TARGETS_MAX);
		weights[n++] = parse_u32("a weight", w, 0, LB_WEIGHT_MAX);
	}
	match_finish(&sel);
	if (!n)
		usage_error("set-weights needs a weight per target, in the order show lists them");

	nl = connect_lb();
	if (!nl)
		return EXIT_ERR;
	nlh = nl_request(nl, LB_CMD_SVC_SET, 0);
	put_service(nlh, &sel, &none);
	nest = mnl_attr_nest_start(nlh, LB_A_WEIGHTS);
	for (i = 0; i < n; i++)
		mnl_attr_put_u32(nlh, LB_A_WEIGHT, weights[i]);
	mnl_attr_nest_end(nlh, nest);
	ret = nl_write(nl, nlh);
	nl_close(nl);
	return ret;
}

const struct command set_weights_command = {
	.name = "set-weights",
	.summary = "set every target's weight of a service at once",
	.run = cmd_set_weights,
	.usage = set_weights_usage,
};
