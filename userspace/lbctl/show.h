/* SPDX-License-Identifier: GPL-2.0 */
/* Printing a snapshot: the pieces show and stats share. */
#ifndef LBCTL_SHOW_H
#define LBCTL_SHOW_H

struct args;
struct match;
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

#endif /* LBCTL_SHOW_H */
