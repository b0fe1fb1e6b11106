// SPDX-License-Identifier: GPL-2.0
/*
 * lbctl set: the namespace's tunables (LB_CMD_INFO_SET): the flow table's
 * bound and idle timeouts, and the flowlet gap of services added without
 * one.  show prints them in the words set takes; save writes a set line
 * of those that differ from the module's parameters (what a namespace
 * starts with), and restore sets every one with the configuration: the
 * file's, and the module's for the rest, so save and restore round-trip.
 */
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/lb.h>

#include "args.h"
#include "json.h"
#include "lbctl.h"
#include "nl.h"
#include "snapshot.h"
#include "tune.h"

const struct tunable tunables[] = {
	{ LB_INFO_A_FLOW_MAX, "flow-max", "flow_max", "flow_max" },
	{ LB_INFO_A_TIMEOUT_TCP, "tcp", "timeout_tcp", "timeout_tcp" },
	{ LB_INFO_A_TIMEOUT_TCP_SYN, "tcp-syn", "timeout_tcp_syn",
	  "timeout_tcp_syn" },
	{ LB_INFO_A_TIMEOUT_TCP_CLOSE, "tcp-close", "timeout_tcp_close",
	  "timeout_tcp_close" },
	{ LB_INFO_A_TIMEOUT_UDP, "udp", "timeout_udp", "timeout_udp" },
	{ LB_INFO_A_TIMEOUT_OTHER, "other", "timeout_other", "timeout_other" },
	{ LB_INFO_A_FLOWLET_US, "flowlet", "flowlet_us", "flowlet_timeout_us" },
};

const unsigned int ntunables = ARRAY_SIZE(tunables);

bool is_timeout(uint16_t attr)
{
	return attr != LB_INFO_A_FLOW_MAX && attr != LB_INFO_A_FLOWLET_US;
}

/* A timeout in seconds, "300" or "300s". */
static uint32_t parse_seconds(const char *what, const char *s)
{
	char buf[16];
	size_t n = strlen(s);

	if (n && n < sizeof(buf) && s[n - 1] == 's') {
		memcpy(buf, s, n - 1);
		buf[n - 1] = '\0';
		s = buf;
	}
	return parse_u32(what, s, 1, LB_TIMEOUT_MAX);
}

static void set_one(struct info *t, uint16_t attr, uint32_t v,
		    const char *word)
{
	if (t->has[attr])
		usage_error("\"%s\" given twice", word);
	t->has[attr] = true;
	t->v[attr] = v;
}

/* timeout [tcp S] [tcp-syn S] [tcp-close S] [udp S] [other S]: at least one */
static void parse_timeouts(struct args *a, struct info *t)
{
	bool any = false;
	unsigned int i;
	const char *w;

	while (args_more(a)) {
		w = args_peek(a);
		for (i = 0; i < ARRAY_SIZE(tunables); i++)
			if (is_timeout(tunables[i].attr) &&
			    is_word(w, tunables[i].word))
				break;
		if (i == ARRAY_SIZE(tunables))
			break;
		args_next(a);
		set_one(t, tunables[i].attr,
			parse_seconds(w, args_value(a, w)), w);
		any = true;
	}
	if (!any)
		usage_error("timeout needs tcp, tcp-syn, tcp-close, udp or other and seconds");
}

void tunables_parse(struct args *a, struct info *t)
{
	const char *w;

	memset(t, 0, sizeof(*t));
	while (args_more(a)) {
		w = args_peek(a);
		if (is_word(w, "flow-max")) {
			args_next(a);
			set_one(t, LB_INFO_A_FLOW_MAX,
				parse_u32(w, args_value(a, w), 1, UINT32_MAX),
				w);
		} else if (is_word(w, "timeout")) {
			args_next(a);
			parse_timeouts(a, t);
		} else if (is_word(w, "flowlet")) {
			args_next(a);
			set_one(t, LB_INFO_A_FLOWLET_US,
				parse_usec(w, args_value(a, w),
					   LB_FLOWLET_US_MIN,
					   LB_FLOWLET_US_MAX), w);
		} else {
			args_done(a);
		}
	}
	if (!tunables_any(t))
		usage_error("set needs flow-max, timeout or flowlet");
}

bool tunables_any(const struct info *t)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tunables); i++)
		if (t->has[tunables[i].attr])
			return true;
	return false;
}

void tunables_put(struct nlmsghdr *nlh, const struct info *t)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, LB_A_INFO);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tunables); i++)
		if (t->has[tunables[i].attr])
			mnl_attr_put_u32(nlh, tunables[i].attr,
					 t->v[tunables[i].attr]);
	mnl_attr_nest_end(nlh, nest);
}

void tunables_text(const struct info *t)
{
	const char *timeout = " timeout";
	char us[16];
	unsigned int i;
	uint16_t at;

	for (i = 0; i < ARRAY_SIZE(tunables); i++) {
		at = tunables[i].attr;
		if (!t->has[at])
			continue;
		if (at == LB_INFO_A_FLOWLET_US) {
			printf(" flowlet %s",
			       usec_str(t->v[at], us, sizeof(us)));
			continue;
		}
		if (is_timeout(at)) {
			printf("%s", timeout);
			timeout = "";
		}
		printf(" %s %llu", tunables[i].word,
		       (unsigned long long)t->v[at]);
	}
}

void tunables_json(const char *key, const struct info *t)
{
	unsigned int i;

	json_obj_open(key);
	for (i = 0; i < ARRAY_SIZE(tunables); i++)
		if (t->has[tunables[i].attr])
			json_uint(tunables[i].json, t->v[tunables[i].attr]);
	json_obj_close();
}

/* The module parameter @name, or false if it cannot be read. */
static bool module_param(const char *name, uint64_t *v)
{
	char path[96];
	unsigned long long n;
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/sys/module/lb/parameters/%s", name);
	f = fopen(path, "r");
	if (!f)
		return false;
	ok = fscanf(f, "%llu", &n) == 1;
	fclose(f);
	if (ok)
		*v = n;
	return ok;
}

void tunables_tuned(const struct info *in, struct info *out)
{
	unsigned int i;
	uint16_t at;
	uint64_t v;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < ARRAY_SIZE(tunables); i++) {
		at = tunables[i].attr;
		if (!in->has[at] ||
		    (module_param(tunables[i].param, &v) && v == in->v[at]))
			continue;
		out->has[at] = true;
		out->v[at] = in->v[at];
	}
}

void tunables_complete(struct info *t)
{
	unsigned int i;
	uint16_t at;
	uint64_t v;

	for (i = 0; i < ARRAY_SIZE(tunables); i++) {
		at = tunables[i].attr;
		if (t->has[at] || !module_param(tunables[i].param, &v))
			continue;
		t->has[at] = true;
		t->v[at] = v;
	}
}

static int cmd_set(struct args *a)
{
	struct nlmsghdr *nlh;
	struct info t;
	struct nl *nl;
	int ret;

	tunables_parse(a, &t);
	nl = connect_lb();
	if (!nl)
		return EXIT_ERR;
	nlh = nl_request(nl, LB_CMD_INFO_SET, 0);
	tunables_put(nlh, &t);
	ret = nl_write(nl, nlh);
	nl_close(nl);
	return ret;
}

static void set_usage(FILE *f, const char *verb)
{
	static const struct usage u[] = {
		{ NULL, "set [flow-max N] [timeout KIND S...] [flowlet T]",
		  "The namespace's tunables, as show prints them: the flow table's bound\n"
		  "(at most the module parameter flow_max), its idle timeouts in\n"
		  "seconds (1 to 604800) by KIND: tcp, tcp-syn (a TCP flow never\n"
		  "answered), tcp-close (after FIN or RST), udp, other; and the flowlet\n"
		  "gap of services added without one (10us to 10s).  All or none\n"
		  "change; flows stay, each judged by the new timeouts from its next\n"
		  "packet or sweep on.  A namespace starts with the module's\n"
		  "parameters; save writes what differs from them.\n" },
	};

	usage_print(f, u, ARRAY_SIZE(u), verb);
}

const struct command set_command = {
	.name = "set",
	.summary = "change the namespace's flow bound, timeouts and flowlet gap",
	.run = cmd_set,
	.usage = set_usage,
};
