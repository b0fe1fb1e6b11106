// SPDX-License-Identifier: GPL-2.0
/*
 * lbctl monitor: the lb module's events (its multicast group), one line
 * each as they come, as ip monitor prints routes: a change in the words
 * of the command that makes it (save's: vip add ..., path add ...), a
 * change of reachability as "path 0x3 down vip any".  With -j one JSON
 * object a line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/lb.h>

#include "addr.h"
#include "args.h"
#include "clock.h"
#include "json.h"
#include "lbctl.h"
#include "match.h"
#include "nl.h"
#include "show.h"
#include "snapshot.h"
#include "tune.h"

/* Long enough for a whole match: two prefixes, proto, port, iif. */
#define ARGS_STRLEN	256

struct event {
	uint8_t cmd;
	bool has_svc, has_tgt, has_weights;
	struct service svc;
	struct target tgt;
	unsigned int nweights;
	uint32_t weights[LB_TARGETS_MAX];
	struct info info;
	struct timespec when;	/* CLOCK_REALTIME, when it was read */
};

struct monitor {
	struct match sel;
	struct event ev;
	struct timespec when;
};

static int weights_attr(const struct nlattr *attr, void *data)
{
	struct event *e = data;

	if (mnl_attr_get_type(attr) != LB_A_WEIGHT)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0 ||
	    e->nweights == LB_TARGETS_MAX)
		return nl_bad_reply();
	e->weights[e->nweights++] = mnl_attr_get_u32(attr);
	return MNL_CB_OK;
}

static int event_attr(const struct nlattr *attr, void *data)
{
	struct event *e = data;

	switch (mnl_attr_get_type(attr)) {
	case LB_A_SVC:
		if (e->has_svc)
			return nl_bad_reply();
		e->has_svc = true;
		return service_parse(attr, &e->svc);
	case LB_A_TGT:
		e->has_tgt = true;
		return target_parse(attr, &e->tgt);
	case LB_A_WEIGHTS:
		e->has_weights = true;
		return mnl_attr_parse_nested(attr, weights_attr, e);
	case LB_A_INFO:
		return info_parse(attr, &e->info);
	}
	return MNL_CB_OK;
}

/* The words an event starts with, in text and in JSON's "event". */
static const char *event_name(const struct event *e, char *buf,
			      unsigned int len)
{
	const char *obj = e->tgt.backend ? "backend" : "path";

	switch (e->cmd) {
	case LB_CMD_SVC_NEW:
		return "vip add";
	case LB_CMD_SVC_SET:
		return e->has_weights ? "set-weights" : "vip set";
	case LB_CMD_SVC_DEL:
		return "vip del";
	case LB_CMD_TGT_NEW:
		snprintf(buf, len, "%s add", obj);
		return buf;
	case LB_CMD_TGT_SET:
		snprintf(buf, len, "%s set", obj);
		return buf;
	case LB_CMD_TGT_DEL:
		snprintf(buf, len, "%s del", obj);
		return buf;
	case LB_CMD_TGT_STATE:
		snprintf(buf, len, "%s %s", obj, e->tgt.down ? "down" : "up");
		return buf;
	case LB_CMD_FLOW_FLUSH:
		return "flows flush";
	case LB_CMD_RESTORE:
		return "restore";
	case LB_CMD_STATS_RESET:
		return "stats reset";
	case LB_CMD_INFO_SET:
		return "set";
	}
	return "unknown";
}

/* Which attributes each event must have, so no line is half empty. */
static bool event_complete(const struct event *e)
{
	switch (e->cmd) {
	case LB_CMD_SVC_NEW:
	case LB_CMD_SVC_SET:
	case LB_CMD_SVC_DEL:
		return e->has_svc;
	case LB_CMD_TGT_NEW:
	case LB_CMD_TGT_SET:
	case LB_CMD_TGT_DEL:
	case LB_CMD_TGT_STATE:
		return e->has_svc && e->has_tgt;
	}
	return true;
}

/* "path 0x3 down vip any", "backend 10.0.0.100:80 10.0.1.1:80 up dev eth1" */
static void state_text(const struct target *t, const char *args)
{
	char buf[ADDR_STRLEN];
	const char *state = t->down ? "down" : "up";

	if (t->backend)
		printf("backend %s %s %s", args,
		       endpoint_str(t->family, &t->addr, t->port, buf,
				    sizeof(buf)), state);
	else
		printf("path 0x%x %s", t->mark, state);
	if (t->ifnames[0])
		printf(" dev %s", t->ifnames);
	if (!t->backend)
		printf(" vip %s", args);
}

static void event_text(const struct event *e)
{
	char args[ARGS_STRLEN] = "", when[TIME_STRLEN];
	unsigned int i;

	if (opt.timestamp)
		printf("[%s] ", time_local(&e->when, when, sizeof(when)));
	if (e->has_svc)
		match_args(&e->svc.match, args, sizeof(args));
	switch (e->cmd) {
	case LB_CMD_SVC_NEW:
		printf("vip add %s", args);
		settings_text(&e->svc);
		if (e->svc.nat)
			printf(" nat");
		break;
	case LB_CMD_SVC_SET:
		if (!e->has_weights) {
			printf("vip set %s", args);
			settings_text(&e->svc);
			break;
		}
		printf("set-weights");
		for (i = 0; i < e->nweights; i++)
			printf(" %u", e->weights[i]);
		printf(" vip %s", args);
		break;
	case LB_CMD_SVC_DEL:
		printf("vip del %s", args);
		break;
	case LB_CMD_TGT_NEW:
		target_cmd_text("add", &e->tgt, args);
		break;
	case LB_CMD_TGT_SET:
		target_cmd_text("set", &e->tgt, args);
		break;
	case LB_CMD_TGT_DEL:
		target_cmd_text("del", &e->tgt, args);
		break;
	case LB_CMD_TGT_STATE:
		state_text(&e->tgt, args);
		break;
	case LB_CMD_FLOW_FLUSH:
		printf("flows flush");
		break;
	case LB_CMD_STATS_RESET:
		printf("stats reset");
		if (e->has_svc)
			printf(" vip %s", args);
		break;
	case LB_CMD_RESTORE:
		printf("restore");
		if (e->info.has[LB_INFO_A_SERVICES])
			printf(" services %llu", (unsigned long long)
			       e->info.v[LB_INFO_A_SERVICES]);
		break;
	case LB_CMD_INFO_SET:
		printf("set");
		tunables_text(&e->info);
		break;
	default:	/* from a newer module */
		printf("unknown event %u", e->cmd);
		break;
	}
	putchar('\n');
}

static void event_json(const struct event *e)
{
	char when[TIME_STRLEN], name[32];
	unsigned int i;

	json_begin(opt.pretty);
	json_str("time", time_utc(&e->when, when, sizeof(when)));
	json_str("event", event_name(e, name, sizeof(name)));
	if (!strcmp(name, "unknown"))
		json_uint("cmd", e->cmd);
	if (e->has_svc)
		service_json("service", &e->svc,
			     e->svc.has_targets ? SVC_JSON_TARGETS : 0);
	if (e->has_tgt)
		target_json("target", &e->tgt, false);
	if (e->has_weights) {
		json_arr_open("weights");
		for (i = 0; i < e->nweights; i++)
			json_uint(NULL, e->weights[i]);
		json_arr_close();
	}
	if (e->cmd == LB_CMD_RESTORE && e->info.has[LB_INFO_A_SERVICES])
		json_uint("services", e->info.v[LB_INFO_A_SERVICES]);
	if (e->cmd == LB_CMD_INFO_SET)
		tunables_json("info", &e->info);
	json_end();
}

/* The socket overran: what was lost is unknown, so say so in the stream. */
static void lost_events(const struct timespec *when)
{
	char buf[TIME_STRLEN];

	if (opt.json) {
		json_begin(opt.pretty);
		json_str("time", time_utc(when, buf, sizeof(buf)));
		json_str("event", "lost");
		json_end();
		return;
	}
	if (opt.timestamp)
		printf("[%s] ", time_local(when, buf, sizeof(buf)));
	printf("events lost (lbctl fell behind): what was printed may not be the configuration\n");
}

static int on_event(const struct nlmsghdr *nlh, void *data)
{
	struct monitor *m = data;
	struct event *e = &m->ev;
	const struct genlmsghdr *gh = mnl_nlmsg_get_payload(nlh);
	int ret;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*gh))
		return nl_bad_reply();
	memset(e, 0, sizeof(*e));
	e->cmd = gh->cmd;
	e->when = m->when;
	ret = nl_parse(nlh, event_attr, e);
	if (ret >= 0 && !event_complete(e)) {
		errno = EBADMSG;
		ret = MNL_CB_ERROR;
	}
	if (ret >= 0 && (!m->sel.given || !e->has_svc ||
			 match_equal(&e->svc.match, &m->sel))) {
		if (opt.json)
			event_json(e);
		else
			event_text(e);
	}
	free(e->svc.targets);
	return ret < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

static void monitor_usage(FILE *f, const char *verb)
{
	static const struct usage u[] = {
		{ NULL, "monitor [SEL]",
		  "Each change, and each target going down or up, as it happens, until\n"
		  "SIGINT or SIGTERM: a line in save's words (path add 0x3 ..., path 0x3\n"
		  "down vip any), \"events lost\" if lbctl fell behind; with -j an object\n"
		  "a line.  With SEL, that service's events, and flushes and restores.\n" },
	};

	usage_print(f, u, ARRAY_SIZE(u), verb);
	fputc('\n', f);
	sel_usage(f);
}

static int cmd_monitor(struct args *a)
{
	static struct monitor m;	/* 1 KiB of weights: not on the stack */
	int ret, rc = EXIT_OK;
	struct nl *nl;

	parse_selector_only(a, &m.sel);
	nl = connect_lb();
	if (!nl)
		return EXIT_ERR;
	if (nl_join_events(nl) < 0) {
		nl_close(nl);
		return EXIT_ERR;
	}
	/* A line as soon as it is known, into a pipe or a file too. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	stop_signals_catch();
	while (wait_stop(nl_fd(nl), NULL) > 0) {
		m.when = now_real();
		ret = nl_read_events(nl, on_event, &m);
		if (ret == -ENOBUFS) {
			lost_events(&m.when);
		} else if (ret == -ENODEV) {
			/* A module loaded again has a new group to join. */
			error_msg("the lb module was unloaded");
			rc = EXIT_ERR;
			break;
		} else if (ret == -EBADMSG || ret == -EPROTO) {
			/* lbctl's verdict on what it read, not a system error */
			error_msg("cannot read events: unexpected message from the lb module");
			rc = EXIT_ERR;
			break;
		} else if (ret < 0 && ret != -EAGAIN && ret != -EINTR) {
			error_msg("cannot read events: %s", strerror(-ret));
			rc = EXIT_ERR;
			break;
		}
		if (ferror(stdout)) {
			rc = EXIT_ERR;
			break;
		}
	}
	nl_close(nl);
	return rc;
}

const struct command monitor_command = {
	.name = "monitor",
	.summary = "each change and each target going down or up, as it happens",
	.run = cmd_monitor,
	.usage = monitor_usage,
};
