/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's configuration and counters, read into plain structures:
 * namespace info, services, their targets.  show, stats and flows print
 * from it.
 */
#ifndef LBCTL_SNAPSHOT_H
#define LBCTL_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include <linux/lb.h>

#include "match.h"

struct nl;

/* Counters indexed by enum lb_stats_attr. */
struct counters {
	uint64_t v[LB_STATS_A_MAX + 1];
};

/* The counters in the order lbctl prints them. */
struct counter_field {
	uint16_t attr;
	const char *json;	/* "flows_created" */
	const char *header;	/* "FLOWS_CREATED" */
	bool nat;		/* only counts for backends: not in path tables */
};

extern const struct counter_field counter_fields[];
extern const unsigned int counter_nfields;

struct target {
	uint32_t id;
	bool backend;		/* addr and port; else a path: mark and mask */
	uint32_t mark;
	uint32_t mask;		/* in force */
	bool mask_auto;		/* the default: the bits the service's marks use */
	uint8_t family;		/* a backend's, from its address's length */
	uint16_t port;
	union lb_addr addr;
	uint32_t weight;
	bool down;		/* the kernel finds no usable route to it */
	/* where its routes lead: "IF1,IF2"; "" if not known */
	char ifnames[4 * IF_NAMESIZE];
	struct counters stats;
};

struct service {
	struct match match;
	int mode;		/* -1: not reported */
	int sched;		/* -1: not reported */
	bool has_flowlet_us;
	uint32_t flowlet_us;
	bool nat;		/* LB_SVC_A_NAT: a VIP, with backends or not */
	int fwd;		/* enum lb_fwd; -1: not reported */
	bool has_targets;	/* LB_SVC_A_TARGETS came (events: not always) */
	struct target *targets;
	unsigned int ntargets;
	bool has_stats;		/* LB_SVC_A_STATS came */
	struct counters stats;
	/* LB_SVC_A_TGT_FIRST: a dump message that continues a service */
	bool continues;
	uint32_t first_target;
};

struct info {
	bool has[LB_INFO_A_MAX + 1];
	uint64_t v[LB_INFO_A_MAX + 1];
};

struct snapshot {
	bool has_info;
	struct info info;
	struct service *services;
	unsigned int nservices;
};

/*
 * Every service, or with @sel->given only the one it names; with @info
 * also the namespace info.  A dump the configuration changed under is
 * read again, a few times.  EXIT_OK, or EXIT_ERR with the reason said.
 */
int snapshot_read(struct nl *nl, const struct match *sel, bool info,
		  struct snapshot *s);
void snapshot_free(struct snapshot *s);

/*
 * One LB_A_SVC, LB_A_TGT or LB_A_INFO nest of a reply or an event, into
 * a zeroed structure (a service's targets are allocated: free them).
 * MNL_CB_OK, or MNL_CB_ERROR with errno set.
 */
int service_parse(const struct nlattr *attr, struct service *svc);
int target_parse(const struct nlattr *attr, struct target *t);
int info_parse(const struct nlattr *attr, struct info *info);
/* With @sel->given, drops every service but the one @sel names. */
void snapshot_select(struct snapshot *s, const struct match *sel);
/* Drops the services @keep says no to. */
void snapshot_filter(struct snapshot *s,
		     bool (*keep)(const struct service *svc));

/*
 * A NAT service: it holds backends, or could (no targets yet, and a
 * match of one address, proto tcp or udp and a port).
 */
bool service_nat(const struct service *svc);

/* The target with @id, or NULL. */
const struct target *snapshot_target(const struct snapshot *s, uint32_t id);

/* "0x3/0xff" */
const char *mark_str(uint32_t mark, uint32_t mask, char *buf,
		     unsigned int len);
/* A target as show prints it: "0x3/0x3" or "10.0.0.1:80". */
const char *target_str(const struct target *t, char *buf, unsigned int len);

#endif /* LBCTL_SNAPSHOT_H */
