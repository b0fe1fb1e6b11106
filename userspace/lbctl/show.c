// SPDX-License-Identifier: GPL-2.0
/* lbctl show: services, their targets and key counters. */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "args.h"
#include "json.h"
#include "lbctl.h"
#include "names.h"
#include "nl.h"
#include "show.h"
#include "snapshot.h"
#include "tune.h"

void parse_selector_only(struct args *a, struct match *sel)
{
	memset(sel, 0, sizeof(*sel));
	while (args_more(a))
		if (!match_parse_arg(a, sel))
			args_done(a);
	match_finish(sel);
}

/* A namespace figure: its attribute, word in text and key in JSON. */
struct info_field {
	uint16_t attr;
	const char *text;
	const char *json;
};

/*
 * Packets to a VIP that no service took, NAT packets not translated, and
 * events the kernel could not allocate (text: only if any).
 */
static const struct info_field drops[] = {
	{ LB_INFO_A_VIP_DROPS,	"vip-drops",	"vip_drops" },
	{ LB_INFO_A_NAT_DROPS,	"nat-drops",	"nat_drops" },
	{ LB_INFO_A_EVENT_DROPS, "event-drops",	"event_drops" },
};

#define NDROPS		ARRAY_SIZE(drops)

static unsigned long long ull(uint64_t v)
{
	return v;
}

void info_text(const struct snapshot *s)
{
	const struct info *in = &s->info;
	const char *sep = "", *word = "timeout ";
	unsigned int i;
	char us[16];
	uint16_t at;

	if (!s->has_info)
		return;
	if (in->has[LB_INFO_A_SERVICES]) {
		printf("services %llu", ull(in->v[LB_INFO_A_SERVICES]));
		sep = " ";
	}
	if (in->has[LB_INFO_A_FLOWS]) {
		printf("%sflows %llu", sep, ull(in->v[LB_INFO_A_FLOWS]));
		if (in->has[LB_INFO_A_FLOW_MAX])
			printf("/%llu", ull(in->v[LB_INFO_A_FLOW_MAX]));
		if (in->has[LB_INFO_A_FLOW_MAX_TOTAL])
			printf(" flow-max-total %llu",
			       ull(in->v[LB_INFO_A_FLOW_MAX_TOTAL]));
		sep = " ";
	}
	/* The timeouts as set takes them (tune.c), with a unit. */
	for (i = 0; i < ntunables; i++) {
		at = tunables[i].attr;
		if (!is_timeout(at) || !in->has[at])
			continue;
		printf("%s%s%s %llus", sep, word, tunables[i].word,
		       ull(in->v[at]));
		sep = " ";
		word = "";
	}
	if (in->has[LB_INFO_A_FLOWLET_US]) {
		printf("%sflowlet %s", sep,
		       usec_str(in->v[LB_INFO_A_FLOWLET_US], us, sizeof(us)));
		sep = " ";
	}
	for (i = 0; i < NDROPS; i++) {
		if (!in->has[drops[i].attr] ||
		    (drops[i].attr == LB_INFO_A_EVENT_DROPS &&
		     !in->v[drops[i].attr]))
			continue;
		printf("%s%s %llu", sep, drops[i].text,
		       ull(in->v[drops[i].attr]));
		sep = " ";
	}
	if (*sep)
		putchar('\n');
}

void settings_text(const struct service *svc)
{
	char name[16], us[16];

	if (svc->mode >= 0)
		printf(" mode %s", mode_name(svc->mode, name, sizeof(name)));
	/* Only flowlet mode reads the gap, and lbctl takes it only there. */
	if (svc->mode == LB_MODE_FLOWLET && svc->has_flowlet_us)
		printf(" timeout %s", usec_str(svc->flowlet_us, us,
					       sizeof(us)));
	if (svc->sched >= 0)
		printf(" sched %s", sched_name(svc->sched, name,
					       sizeof(name)));
	/* Paths and NAT go without: the targets (or "nat") say which. */
	if (svc->fwd > LB_FWD_NAT)
		printf(" fwd %s", fwd_name(svc->fwd, name, sizeof(name)));
}

void service_head_text(const struct service *svc)
{
	char buf[256];

	printf("%s", match_str(&svc->match, buf, sizeof(buf)));
	settings_text(svc);
	putchar('\n');
}

void target_cmd_text(const char *verb, const struct target *t,
		     const char *args)
{
	char buf[ADDR_STRLEN];
	bool del = !strcmp(verb, "del");

	if (t->backend) {
		printf("backend %s %s %s", verb, args,
		       endpoint_str(t->family, &t->addr, t->port, buf,
				    sizeof(buf)));
		if (!del)
			printf(" weight %u", t->weight);
		return;
	}
	printf("path %s 0x%x", verb, t->mark);
	/* The mark alone names a path: del takes no mask; none is auto. */
	if (!del && !t->mask_auto)
		printf("/0x%x", t->mask);
	if (!del)
		printf(" weight %u", t->weight);
	printf(" vip %s", args);
}

static void target_text(const struct target *t)
{
	const uint64_t *c = t->stats.v;
	char buf[ADDR_STRLEN];

	printf("    id %u %s %s weight %u%s%s%s%s packets %llu", t->id,
	       t->backend ? "backend" : "mark",
	       target_str(t, buf, sizeof(buf)), t->weight,
	       t->weight ? "" : " (draining)",
	       t->down ? " DOWN" : "", t->ifnames[0] ? " dev " : "",
	       t->ifnames,
	       ull(c[LB_STATS_A_PACKETS]));
	if (t->backend)
		printf(" bytes %llu reply-packets %llu reply-bytes %llu",
		       ull(c[LB_STATS_A_BYTES]),
		       ull(c[LB_STATS_A_REPLY_PACKETS]),
		       ull(c[LB_STATS_A_REPLY_BYTES]));
	printf(" flows %llu\n", ull(c[LB_STATS_A_FLOWS_ACTIVE]));
}

static void show_text(const struct snapshot *s)
{
	const struct service *svc;
	unsigned int i, j;

	info_text(s);
	for (i = 0; i < s->nservices; i++) {
		svc = &s->services[i];
		service_head_text(svc);
		for (j = 0; j < svc->ntargets; j++)
			target_text(&svc->targets[j]);
	}
}

/* "devs": the interfaces a target's routes lead out of, from "IF1,IF2". */
static void json_devs(const char *list)
{
	char buf[sizeof(((struct target *)0)->ifnames)], *save, *name;

	snprintf(buf, sizeof(buf), "%s", list);
	json_arr_open("devs");
	for (name = strtok_r(buf, ",", &save); name;
	     name = strtok_r(NULL, ",", &save))
		json_str(NULL, name);
	json_arr_close();
}

static void counters_json(const struct counters *c)
{
	unsigned int i;

	json_obj_open("stats");
	for (i = 0; i < counter_nfields; i++)
		json_uint(counter_fields[i].json,
			  c->v[counter_fields[i].attr]);
	json_obj_close();
}

static void info_json(const struct snapshot *s)
{
	const struct info *in = &s->info;
	unsigned int i;

	json_obj_open("info");
	if (in->has[LB_INFO_A_SERVICES])
		json_uint("services", in->v[LB_INFO_A_SERVICES]);
	if (in->has[LB_INFO_A_FLOWS])
		json_uint("flows", in->v[LB_INFO_A_FLOWS]);
	if (in->has[LB_INFO_A_FLOW_MAX])
		json_uint("flow_max", in->v[LB_INFO_A_FLOW_MAX]);
	if (in->has[LB_INFO_A_FLOW_MAX_TOTAL])
		json_uint("flow_max_total", in->v[LB_INFO_A_FLOW_MAX_TOTAL]);
	for (i = 0; i < ntunables; i++)
		if (is_timeout(tunables[i].attr) && in->has[tunables[i].attr])
			json_uint(tunables[i].json, in->v[tunables[i].attr]);
	if (in->has[LB_INFO_A_FLOWLET_US])
		json_uint("flowlet_timeout_us", in->v[LB_INFO_A_FLOWLET_US]);
	for (i = 0; i < NDROPS; i++)
		if (in->has[drops[i].attr])
			json_uint(drops[i].json, in->v[drops[i].attr]);
	json_obj_close();
}

void target_json_fields(const struct target *t)
{
	char addr[ADDR_STRLEN];

	json_uint("id", t->id);
	if (t->backend) {
		json_str("kind", "backend");
		json_str("addr", addr_str(t->family, &t->addr, addr,
					  sizeof(addr)));
		json_uint("port", t->port);
	} else {
		json_str("kind", "path");
		json_uint("mark", t->mark);
		json_uint("mask", t->mask);
		json_bool("mask_auto", t->mask_auto);
	}
	json_uint("weight", t->weight);
	json_bool("down", t->down);
	json_devs(t->ifnames);
}

void target_json(const char *key, const struct target *t, bool stats)
{
	json_obj_open(key);
	target_json_fields(t);
	if (stats)
		counters_json(&t->stats);
	json_obj_close();
}

void service_json_fields(const struct service *svc)
{
	char name[16];

	match_json(&svc->match);
	if (svc->mode >= 0)
		json_str("mode", mode_name(svc->mode, name, sizeof(name)));
	else
		json_null("mode");
	if (svc->sched >= 0)
		json_str("sched", sched_name(svc->sched, name, sizeof(name)));
	else
		json_null("sched");
	if (svc->has_flowlet_us)
		json_uint("flowlet_timeout_us", svc->flowlet_us);
	else
		json_null("flowlet_timeout_us");
	json_bool("nat", svc->nat);
	if (svc->fwd >= 0)
		json_str("fwd", fwd_name(svc->fwd, name, sizeof(name)));
	else
		json_null("fwd");
}

void service_json(const char *key, const struct service *svc,
		  unsigned int what)
{
	unsigned int i;

	json_obj_open(key);
	service_json_fields(svc);
	if (what & SVC_JSON_TARGETS) {
		json_arr_open("targets");
		for (i = 0; i < svc->ntargets; i++)
			target_json(NULL, &svc->targets[i],
				    what & SVC_JSON_STATS);
		json_arr_close();
	}
	if (what & SVC_JSON_STATS)
		counters_json(&svc->stats);
	json_obj_close();
}

void snapshot_json(const struct snapshot *s)
{
	unsigned int i;

	json_begin(opt.pretty);
	info_json(s);
	json_arr_open("services");
	for (i = 0; i < s->nservices; i++)
		service_json(NULL, &s->services[i],
			     SVC_JSON_TARGETS | SVC_JSON_STATS);
	json_arr_close();
	json_end();
}

int show_with(struct nl *nl, const struct match *sel,
	      bool (*keep)(const struct service *svc))
{
	struct snapshot s;
	int ret;

	ret = snapshot_read(nl, sel, true, &s);
	if (ret != EXIT_OK)
		return ret;
	if (keep)
		snapshot_filter(&s, keep);
	if (opt.json)
		snapshot_json(&s);
	else
		show_text(&s);
	snapshot_free(&s);
	return EXIT_OK;
}

int show(const struct match *sel)
{
	struct nl *nl;
	int ret;

	nl = connect_lb();
	if (!nl)
		return EXIT_ERR;
	ret = show_with(nl, sel, NULL);
	nl_close(nl);
	return ret;
}

static void show_usage(FILE *f, const char *verb)
{
	static const struct usage u[] = {
		{ NULL, "show [SEL]",
		  "The namespace's figures (services, flows, timeouts, drops), then each\n"
		  "service, or the one SEL names, with its mode and scheduler, and its\n"
		  "paths or backends with their key counters.  (Also: lbctl list.)\n" },
	};

	usage_print(f, u, ARRAY_SIZE(u), verb);
	fputc('\n', f);
	sel_usage(f);
}

static int cmd_show(struct args *a)
{
	struct match sel;

	parse_selector_only(a, &sel);
	return show(&sel);
}

const struct command show_command = {
	.name = "show",
	.alias = "list",
	.summary = "the services, their targets and key counters",
	.run = cmd_show,
	.usage = show_usage,
};
