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

/* "[vip PREFIX ...]": the optional selector, then nothing else. */
void parse_selector_only(struct args *a, struct match *sel);

/* "services 2 flows 12/65536 timeout tcp 300s ..." */
void info_text(const struct snapshot *s);
/* "vip any mode flow sched wrr" */
void service_head_text(const struct service *svc);
/* The whole JSON document for show and stats. */
void snapshot_json(const struct snapshot *s);

/* show, with the selector already parsed. */
int show(const struct match *sel);
/* The same over @nl, with only the services @keep (if not NULL) takes. */
int show_with(struct nl *nl, const struct match *sel,
	      bool (*keep)(const struct service *svc));

#endif /* LBCTL_SHOW_H */
