/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A service's match: which packets it balances.  It also names the
 * service in requests, as "vip PREFIX [from PREFIX] [proto P] [port N]
 * [iif IFNAME]" on the command line.
 */
#ifndef LBCTL_MATCH_H
#define LBCTL_MATCH_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"

struct args;
struct nlattr;
struct nlmsghdr;

struct match {
	bool given;		/* a selector was written (or read) */
	uint8_t family;		/* AF_UNSPEC: IPv4 and IPv6 */
	uint8_t daddr_len;	/* 0: any destination */
	uint8_t saddr_len;	/* 0: any source */
	union lb_addr daddr;
	union lb_addr saddr;
	uint8_t dplen;
	uint8_t splen;
	uint8_t proto;		/* 0: any */
	uint16_t dport;		/* 0: any */
	char iif[IFNAMSIZ];	/* "": any */

	/* while parsing: what was written, for the checks at the end */
	uint8_t vip_family;
	uint8_t from_family;
	bool seen_from, seen_proto, seen_port, seen_iif;
};

/*
 * The grammar of what this file reads, for the commands' usage: MATCH,
 * PREFIX, PROTO and PORT; after SEL (a service as most commands name
 * it), or SVC (a service with backends).
 */
void match_usage(FILE *f);
void sel_usage(FILE *f);
void svc_usage(FILE *f);

/*
 * Consumes a selector keyword (vip, from, proto, port, iif) and its value.
 * False, consuming nothing, if the next word is not one of them.
 */
bool match_parse_arg(struct args *a, struct match *m);
/* The PREFIX of "vip add PREFIX ...", written without the keyword. */
void match_set_vip(struct match *m, const char *s);
/* Checks that need the whole selector; usage errors. */
void match_finish(struct match *m);
/*
 * The same for a service with backends (a NAT service): one address, a
 * port, proto tcp or udp or none yet (see match_same_but_proto()).
 */
void match_finish_nat(struct match *m);
/* One address, tcp or udp, a port: a match that can hold backends. */
bool match_is_nat(const struct match *m);
/* The same match but perhaps for the protocol. */
bool match_same_but_proto(const struct match *a, const struct match *b);
/* The same match: they name the same service. */
bool match_equal(const struct match *a, const struct match *b);

/* Into the LB_A_SVC nest being built: the match fields. */
void match_put(struct nlmsghdr *nlh, const struct match *m);
/* The service @sel names, as LB_A_SVC; nothing if @sel is NULL or names none. */
void sel_put(struct nlmsghdr *nlh, const struct match *sel);
/* From a reply's LB_A_SVC: 1 if @attr was a match field, 0 if not, -1 bad. */
int match_read_attr(const struct nlattr *attr, struct match *m);
/* After the last attribute: -1 if the addresses disagree with the family. */
int match_read_done(struct match *m);

/* "vip 10.0.0.0/8 proto tcp port 80": a selector that names it again. */
const char *match_str(const struct match *m, char *buf, unsigned int len);
/*
 * "10.0.0.100:80 proto tcp": the same as the words after "vip add", the
 * port with the address (VIP:PORT, as backend add's SVC wants it).
 */
const char *match_args(const struct match *m, char *buf, unsigned int len);
/* The match's keys of the service's JSON object. */
void match_json(const struct match *m);

#endif /* LBCTL_MATCH_H */
