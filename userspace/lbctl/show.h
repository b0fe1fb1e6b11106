/* SPDX-License-Identifier: GPL-2.0 */
/* Printing a snapshot: the pieces show and stats share. */
#ifndef LBCTL_SHOW_H
#define LBCTL_SHOW_H

#include <stdbool.h>

struct args;
struct match;
struct nl;
struct service;
struct snapshot;
struct target;

/* "[vip PREFIX ...]": the optional selector, then nothing else. */
void parse_selector_only(struct args *a, struct match *sel);

/* "services 2 flows 12/65536 timeout tcp 300s ..." */
void info_text(const struct snapshot *s);
/* "vip any mode flow sched wrr" */
void service_head_text(const struct service *svc);
/* " mode flowlet timeout 1ms sched wrr": what the service has of them */
void settings_text(const struct service *svc);
/*
 * "path VERB 0x3[/0xff] weight 1 vip ARGS" or "backend VERB ARGS ADDR:PORT
 * weight 1", without the weight for del; @args from match_args().  No
 * newline.
 */
void target_cmd_text(const char *verb, const struct target *t,
		     const char *args);
/* The whole JSON document for show and stats. */
void snapshot_json(const struct snapshot *s);

/* What service_json() writes besides the match and settings. */
#define SVC_JSON_TARGETS	0x1	/* "targets" */
#define SVC_JSON_STATS		0x2	/* "stats", the service's and targets' */

/* A service's JSON object, as show -j writes it, as member @key. */
void service_json(const char *key, const struct service *svc,
		  unsigned int what);
/* A target's, with "stats" if @stats. */
void target_json(const char *key, const struct target *t, bool stats);
/* Their members but for targets and stats, into an object left open. */
void service_json_fields(const struct service *svc);
void target_json_fields(const struct target *t);

/* show, with the selector already parsed. */
int show(const struct match *sel);
/* The same over @nl, with only the services @keep (if not NULL) takes. */
int show_with(struct nl *nl, const struct match *sel,
	      bool (*keep)(const struct service *svc));

#endif /* LBCTL_SHOW_H */
