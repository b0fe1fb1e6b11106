// SPDX-License-Identifier: GPL-2.0
/*
 * lbctl stats: every counter, per service and per target, as tables; with
 * -w SECS, the rates between successive dumps, every SECS seconds.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "args.h"
#include "clock.h"
#include "json.h"
#include "lbctl.h"
#include "match.h"
#include "metrics.h"
#include "nl.h"
#include "show.h"
#include "snapshot.h"
#include "table.h"

/* @nat: with the counters only backends have. */
static void counter_cells(struct table *t, const struct counters *c,
			  bool nat)
{
	unsigned int i;

	for (i = 0; i < counter_nfields; i++)
		if (nat || !counter_fields[i].nat)
			table_cell(t, "%llu", (unsigned long long)
				   c->v[counter_fields[i].attr]);
}

/*
 * Both tables start alike: ID, MARK (BACKEND for NAT), WEIGHT, then
 * @ncols counters; a row per target, then the service's own.
 */
#define HEAD_COLS	3

static unsigned int table_head(const char **headers, bool nat)
{
	headers[0] = "ID";
	headers[1] = nat ? "BACKEND" : "MARK";
	headers[2] = "WEIGHT";
	return HEAD_COLS;
}

static void table_start(struct table *t, unsigned int ncols,
			const char **headers)
{
	unsigned int i;

	table_init(t, ncols, headers);
	for (i = 2; i < t->ncols; i++)
		table_right(t, i);
}

/* @down: say so after the target (the rates' table). */
static void target_head(struct table *t, const struct target *tgt, bool down)
{
	char name[ADDR_STRLEN];

	table_cell(t, "%u", tgt->id);
	table_cell(t, "%s%s", target_str(tgt, name, sizeof(name)),
		   down && tgt->down ? " DOWN" : "");
	table_cell(t, "%u", tgt->weight);
}

/* the service's own counters, under its targets' */
static void service_head(struct table *t)
{
	table_cell(t, "service");
	table_cell(t, "-");
	table_cell(t, "-");
}

static void service_table(const struct service *svc)
{
	const char *headers[TABLE_COLS];
	bool nat = service_nat(svc);
	unsigned int i, n;
	struct table t;

	n = table_head(headers, nat);
	for (i = 0; i < counter_nfields && n < TABLE_COLS; i++)
		if (nat || !counter_fields[i].nat)
			headers[n++] = counter_fields[i].header;
	table_start(&t, n, headers);
	for (i = 0; i < svc->ntargets; i++) {
		target_head(&t, &svc->targets[i], false);
		counter_cells(&t, &svc->targets[i].stats, nat);
	}
	service_head(&t);
	counter_cells(&t, &svc->stats, nat);
	table_print(&t, "    ");
}

/* stats -w: what is a rate per second, and how it is shown. */
static const struct rate_field {
	uint16_t attr;
	unsigned int scale;	/* bytes: 8, to bits */
	const char *json;
	const char *header;
	bool nat;		/* only counts for backends */
} rate_fields[] = {
	{ LB_STATS_A_PACKETS,		1, "packets",	"PACKETS/S",	false },
	{ LB_STATS_A_BYTES,		8, "bits",	"BITS/S",	false },
	{ LB_STATS_A_FLOWS_CREATED,	1, "flows_created", "FLOWS_CREATED/S",
									false },
	{ LB_STATS_A_FALLBACKS,		1, "fallbacks",	"FALLBACKS/S",	false },
	{ LB_STATS_A_FLOWLET_SWITCHES,	1, "flowlet_switches",
					   "FLOWLET_SWITCHES/S",	false },
	{ LB_STATS_A_REPLY_PACKETS,	1, "reply_packets", "REPLY_PACKETS/S",
									true },
	{ LB_STATS_A_REPLY_BYTES,	8, "reply_bits", "REPLY_BITS/S", true },
};

#define NRATES	ARRAY_SIZE(rate_fields)

/*
 * The rates from @old to @now over @secs; false if there are none: no
 * sample before (a new service or target) or a counter went back (reset,
 * or wrapped), which must not show as a huge rate.
 */
static bool rates(const struct counters *old, const struct counters *now,
		  double secs, double r[NRATES])
{
	unsigned int i;
	uint16_t at;

	if (!old || secs <= 0)
		return false;
	for (i = 0; i < NRATES; i++) {
		at = rate_fields[i].attr;
		if (now->v[at] < old->v[at])
			return false;
		r[i] = (double)(now->v[at] - old->v[at]) *
		       rate_fields[i].scale / secs;
	}
	return true;
}

/* The same target: the same id, and the same mark or backend. */
static bool same_target(const struct target *a, const struct target *b)
{
	return a->id == b->id && a->backend == b->backend &&
	       (a->backend ? a->family == b->family && a->port == b->port &&
			     !memcmp(&a->addr, &b->addr, addr_len(a->family)) :
			     a->mark == b->mark);
}

static const struct service *old_service(const struct snapshot *old,
					 const struct service *svc)
{
	unsigned int i;

	for (i = 0; i < old->nservices; i++)
		if (match_equal(&old->services[i].match, &svc->match))
			return &old->services[i];
	return NULL;
}

static const struct counters *old_target(const struct service *old,
					 const struct target *t)
{
	unsigned int i;

	for (i = 0; old && i < old->ntargets; i++)
		if (same_target(&old->targets[i], t))
			return &old->targets[i].stats;
	return NULL;
}

/* "81.6k": bits per second, three digits or so. */
static const char *si(double v, char *buf, unsigned int len)
{
	static const char unit[] = " kMGTP";
	unsigned int u = 0;

	while (v >= 1000 && u + 1 < sizeof(unit) - 1) {
		v /= 1000;
		u++;
	}
	if (!u)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.*f%c", v < 10 ? 2 : v < 100 ? 1 : 0, v,
			 unit[u]);
	return buf;
}

static void rate_cells(struct table *t, const struct counters *old,
		       const struct counters *now, double secs, bool nat)
{
	double r[NRATES];
	bool ok = rates(old, now, secs, r);
	unsigned int i;
	char buf[32];

	for (i = 0; i < NRATES; i++) {
		if (rate_fields[i].nat && !nat)
			continue;
		if (!ok)
			table_cell(t, "-");
		else if (rate_fields[i].scale == 8)
			table_cell(t, "%s", si(r[i], buf, sizeof(buf)));
		else
			table_cell(t, "%.1f", r[i]);
		/* the gauge, after the new flows */
		if (rate_fields[i].attr == LB_STATS_A_FLOWS_CREATED)
			table_cell(t, "%llu", (unsigned long long)
				   now->v[LB_STATS_A_FLOWS_ACTIVE]);
	}
}

static void rate_table(const struct service *old, const struct service *svc,
		       double secs)
{
	const char *headers[TABLE_COLS];
	bool nat = service_nat(svc);
	const struct target *tgt;
	unsigned int i, n;
	struct table t;

	n = table_head(headers, nat);
	for (i = 0; i < NRATES && n < TABLE_COLS; i++) {
		if (rate_fields[i].nat && !nat)
			continue;
		headers[n++] = rate_fields[i].header;
		if (rate_fields[i].attr == LB_STATS_A_FLOWS_CREATED)
			headers[n++] = "FLOWS_ACTIVE";
	}
	table_start(&t, n, headers);
	for (i = 0; i < svc->ntargets; i++) {
		tgt = &svc->targets[i];
		target_head(&t, tgt, true);
		rate_cells(&t, old_target(old, tgt), &tgt->stats, secs, nat);
	}
	service_head(&t);
	rate_cells(&t, old ? &old->stats : NULL, &svc->stats, secs, nat);
	table_print(&t, "    ");
}

static void rates_json(const struct counters *old, const struct counters *now,
		       double secs)
{
	double r[NRATES];
	unsigned int i;

	json_uint("flows_active", now->v[LB_STATS_A_FLOWS_ACTIVE]);
	if (!rates(old, now, secs, r)) {
		json_null("rates");
		return;
	}
	json_obj_open("rates");
	for (i = 0; i < NRATES; i++)
		json_double(rate_fields[i].json, r[i]);
	json_obj_close();
}

static void interval_json(const struct snapshot *old,
			  const struct snapshot *now, double secs,
			  const struct timespec *when)
{
	const struct service *svc, *o;
	char buf[TIME_STRLEN];
	unsigned int i, j;

	json_begin(opt.pretty);
	json_str("time", time_utc(when, buf, sizeof(buf)));
	json_double("interval_s", secs);
	json_arr_open("services");
	for (i = 0; i < now->nservices; i++) {
		svc = &now->services[i];
		o = old_service(old, svc);
		json_obj_open(NULL);
		service_json_fields(svc);
		rates_json(o ? &o->stats : NULL, &svc->stats, secs);
		json_arr_open("targets");
		for (j = 0; j < svc->ntargets; j++) {
			json_obj_open(NULL);
			target_json_fields(&svc->targets[j]);
			rates_json(old_target(o, &svc->targets[j]),
				   &svc->targets[j].stats, secs);
			json_obj_close();
		}
		json_arr_close();
		json_obj_close();
	}
	json_arr_close();
	json_end();
}

static void interval_text(const struct snapshot *old,
			  const struct snapshot *now, double secs,
			  const struct timespec *when, unsigned int n)
{
	char buf[TIME_STRLEN];
	unsigned int i;

	if (n > 1)
		putchar('\n');
	if (opt.timestamp)
		printf("[%s] ", time_local(when, buf, sizeof(buf)));
	printf("interval %.3fs\n", secs);
	for (i = 0; i < now->nservices; i++) {
		service_head_text(&now->services[i]);
		rate_table(old_service(old, &now->services[i]),
			   &now->services[i], secs);
	}
	fflush(stdout);
}

/* SECS: seconds, with a fraction perhaps ("0.5"), 0.1 to 86400. */
static double parse_secs(const char *s)
{
	const char *p = s;
	double v;

	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	v = strtod(s, NULL);
	if (*p || p == s || !isdigit((unsigned char)s[0]) || v < 0.1 ||
	    v > 86400)
		usage_error("-w needs seconds from 0.1 to 86400, not \"%s\"", s);
	return v;
}

/*
 * A dump and when it was taken: the middle of the request, as the kernel
 * reads the counters while it answers (a dump that waited, on a loaded
 * host, must not stretch the interval its counters cover).  Every
 * service is read and @sel's kept: one deleted and added again between
 * two dumps is not an error, it has no rates for an interval.
 */
static int sample(struct nl *nl, const struct match *sel, struct snapshot *s,
		  struct timespec *t)
{
	struct timespec before = now_mono(), after;
	int ret = snapshot_read(nl, NULL, false, s);

	after = now_mono();
	*t = time_add(before, time_diff(&before, &after) / 2);
	snapshot_select(s, sel);
	return ret;
}

/* Every @secs, the rates since the dump before; @count intervals (0: no end). */
static int watch(const struct match *sel, double secs, uint32_t count)
{
	struct snapshot s[2];
	struct timespec t[2], next, real;
	unsigned int cur = 0, n;
	struct nl *nl;
	int ret;

	nl = connect_lb();
	if (!nl)
		return EXIT_ERR;
	stop_signals_catch();
	ret = sample(nl, sel, &s[cur], &t[cur]);
	if (ret == EXIT_OK && sel->given && !s[cur].nservices) {
		error_msg("no such service");
		ret = EXIT_ERR;
	}
	next = t[cur];
	for (n = 1; ret == EXIT_OK && (!count || n <= count); n++) {
		/*
		 * On the grid of the first sample, unless that is past (a
		 * stopped process): then an interval after the last one.
		 */
		next = time_add(next, secs);
		if (time_diff(&t[cur], &next) <= 0)
			next = time_add(t[cur], secs);
		if (wait_stop(-1, &next) < 0)
			break;
		ret = sample(nl, sel, &s[!cur], &t[!cur]);
		if (ret != EXIT_OK)
			break;
		real = now_real();
		if (opt.json)
			interval_json(&s[cur], &s[!cur],
				      time_diff(&t[cur], &t[!cur]), &real);
		else
			interval_text(&s[cur], &s[!cur],
				      time_diff(&t[cur], &t[!cur]), &real, n);
		snapshot_free(&s[cur]);
		cur = !cur;
	}
	snapshot_free(&s[cur]);	/* a failed read left it empty */
	nl_close(nl);
	if (ret == EXIT_OK && ferror(stdout)) {
		error_msg("cannot write the rates: standard output failed");
		return EXIT_ERR;
	}
	return ret;
}

/* stats reset [SEL]: the counters count from 0 again. */
static int stats_reset(struct args *a)
{
	struct nlmsghdr *nlh;
	struct match sel;
	struct nl *nl;
	int ret;

	parse_selector_only(a, &sel);
	nl = connect_lb();
	if (!nl)
		return EXIT_ERR;
	nlh = nl_request(nl, LB_CMD_STATS_RESET, 0);
	sel_put(nlh, &sel);
	ret = nl_write(nl, nlh);
	nl_close(nl);
	return ret;
}

static void stats_usage(FILE *f, const char *verb)
{
	static const struct usage u[] = {
		{ "show", "stats [SEL]",
		  "Every counter, a table per service and a row per target.\n" },
		{ "show", "stats -w SECS [-c COUNT] [SEL]",
		  "With -w, every SECS seconds (0.1 to 86400), the rates since the last:\n"
		  "packets/s, bits/s, new flows/s ... and the active flows; COUNT\n"
		  "intervals, or until SIGINT or SIGTERM.\n" },
		{ "show", "stats -o prometheus [SEL]",
		  "The counters in the Prometheus text format, for node_exporter's\n"
		  "textfile collector, with the names and labels of its IPVS\n"
		  "collector where they mean the same (lb_ for node_ipvs_). Also\n"
		  "-o json (as -j) and -o text.\n" },
		{ "reset", "stats reset [SEL]",
		  "stats reset: the counters of the service SEL names (and its\n"
		  "targets'), or of all and the namespace's drops, count from 0\n"
		  "again; active flows, flows and configuration stay.\n" },
	};

	usage_print(f, u, ARRAY_SIZE(u), verb);
	fputc('\n', f);
	sel_usage(f);
}

/* -o FORMAT; none given is text, or JSON with -j. */
enum stats_format { FORMAT_NONE, FORMAT_TEXT, FORMAT_JSON, FORMAT_PROMETHEUS };

static enum stats_format parse_format(const char *s)
{
	if (is_word(s, "text"))
		return FORMAT_TEXT;
	if (is_word(s, "json"))
		return FORMAT_JSON;
	if (is_word(s, "prometheus"))
		return FORMAT_PROMETHEUS;
	usage_error("-o takes text, json or prometheus, not \"%s\"", s);
}

static int cmd_stats(struct args *a)
{
	enum stats_format format = FORMAT_NONE;
	uint32_t count = 0;
	double secs = 0;
	struct snapshot s;
	struct match sel;
	unsigned int i;
	struct nl *nl;
	const char *w;
	int ret;

	w = args_peek(a);
	if (is_word(w, "reset")) {
		args_next(a);
		return stats_reset(a);
	}
	if (is_word(w, "show") || is_word(w, "list"))
		args_next(a);
	memset(&sel, 0, sizeof(sel));
	while (args_more(a)) {
		w = args_peek(a);
		if (is_word(w, "-w")) {
			args_next(a);
			if (secs)
				usage_error("\"-w\" given twice");
			secs = parse_secs(args_value(a, w));
		} else if (is_word(w, "-c")) {
			args_next(a);
			if (count)
				usage_error("\"-c\" given twice");
			count = parse_u32("-c", args_value(a, w), 1,
					  UINT32_MAX);
		} else if (is_word(w, "-o")) {
			args_next(a);
			if (format != FORMAT_NONE)
				usage_error("\"-o\" given twice");
			format = parse_format(args_value(a, w));
		} else if (!match_parse_arg(a, &sel)) {
			args_done(a);
		}
	}
	match_finish(&sel);
	if (count && !secs)
		usage_error("-c COUNT counts the intervals of -w SECS");
	if (format == FORMAT_PROMETHEUS && secs)
		usage_error("-o prometheus prints one sample: not with -w");
	if (opt.json && format != FORMAT_NONE && format != FORMAT_JSON)
		usage_error("-o %s or -j, not both",
			    format == FORMAT_TEXT ? "text" : "prometheus");
	if (format == FORMAT_JSON)
		opt.json = true;
	if (secs)
		return watch(&sel, secs, count);

	nl = connect_lb();
	if (!nl)
		return EXIT_ERR;
	ret = snapshot_read(nl, &sel, true, &s);
	nl_close(nl);
	if (ret != EXIT_OK)
		return ret;

	if (format == FORMAT_PROMETHEUS) {
		snapshot_prometheus(&s);
	} else if (opt.json) {
		snapshot_json(&s);
	} else {
		info_text(&s);
		for (i = 0; i < s.nservices; i++) {
			service_head_text(&s.services[i]);
			service_table(&s.services[i]);
		}
	}
	snapshot_free(&s);
	return EXIT_OK;
}

static const char *const stats_verbs[] = { "show", "reset", NULL };

const struct command stats_command = {
	.name = "stats",
	.summary = "every counter; -w SECS: rates; -o prometheus; reset: from 0",
	.verbs = stats_verbs,
	.run = cmd_stats,
	.usage = stats_usage,
};
