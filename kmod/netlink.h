/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lb: what the files of the generic netlink family share.
 *
 *   netlink.c     the family, its policies, attribute parsing, registration
 *   nl_config.c   configuration requests: services, targets, flow flush
 *   nl_restore.c  LB_CMD_RESTORE, a whole configuration at once
 *   nl_dump.c     replies: services (one, or dumped), info, flows
 *   nl_event.c    events, for the multicast group LB_MCGRP_EVENTS
 *
 * What the rest of the module calls is in conf.h.
 */
#ifndef _LB_NETLINK_H
#define _LB_NETLINK_H

#include <net/genetlink.h>
#include "lb.h"
#include "conf.h"

extern struct genl_family lb_genl_family;
extern const struct nla_policy lb_svc_policy[LB_SVC_A_MAX + 1];
extern const struct nla_policy lb_tgt_policy[LB_TGT_A_MAX + 1];

enum lb_nl_groups {
	LB_NL_GRP_EVENTS,
};

/* The value of an optional attribute, or a default. */
static inline u32 lb_nla_u32(const struct nlattr *nla, u32 def)
{
	return nla ? nla_get_u32(nla) : def;
}

static inline u8 lb_nla_u8(const struct nlattr *nla, u8 def)
{
	return nla ? nla_get_u8(nla) : def;
}

/* netlink.c: parsing */
int lb_nl_fwd(struct nlattr **tb, struct netlink_ext_ack *extack);
int lb_nl_match(struct nlattr **tb, struct lb_match *m,
		struct netlink_ext_ack *extack);
int lb_nl_parse_svc(const struct nlattr *nla, struct nlattr **tb,
		    struct netlink_ext_ack *extack);
struct lb_svc_conf *lb_nl_svc(struct lb_net *ln, const struct nlattr *nla,
			      struct nlattr **tb,
			      struct netlink_ext_ack *extack);
int lb_nl_backend(const struct lb_svc_conf *sc, struct nlattr **tb,
		  union lb_addr *addr, __be16 *port,
		  struct netlink_ext_ack *extack);
s64 lb_nl_mask(struct nlattr **tb, s64 none);
extern const u16 lb_timeout_attrs[LB_TO_N];
int lb_nl_tunables(const struct nlattr *nla, struct lb_tunables *t,
		   struct netlink_ext_ack *extack);

/* nl_config.c: the handlers of configuration requests */
int lb_nl_svc_new(struct sk_buff *skb, struct genl_info *info);
int lb_nl_svc_del(struct sk_buff *skb, struct genl_info *info);
int lb_nl_svc_set(struct sk_buff *skb, struct genl_info *info);
int lb_nl_tgt_new(struct sk_buff *skb, struct genl_info *info);
int lb_nl_tgt_del(struct sk_buff *skb, struct genl_info *info);
int lb_nl_tgt_set(struct sk_buff *skb, struct genl_info *info);
int lb_nl_flow_flush(struct sk_buff *skb, struct genl_info *info);
int lb_nl_stats_reset(struct sk_buff *skb, struct genl_info *info);
int lb_nl_info_set(struct sk_buff *skb, struct genl_info *info);

/* nl_restore.c */
int lb_nl_restore(struct sk_buff *skb, struct genl_info *info);

/* nl_dump.c: replies */

/*
 * Room for a service's match and settings, without targets or counters:
 * family, prefix lengths, protocol, mode, scheduler, method (u8); addresses;
 * port; interface; flowlet gap; the nat flag.
 */
#define LB_NL_SVC_SIZE \
	(nla_total_size(0) + 7 * nla_total_size(sizeof(u8)) + \
	 2 * nla_total_size(16) + nla_total_size(sizeof(u16)) + \
	 nla_total_size(IFNAMSIZ) + nla_total_size(sizeof(u32)) + \
	 nla_total_size(0))

/* Room for one target without its counters (events). */
#define LB_NL_TGT_BARE_SIZE \
	(nla_total_size(0) + 4 * nla_total_size(sizeof(u32)) + \
	 nla_total_size(16) + nla_total_size(sizeof(u16)) + \
	 2 * nla_total_size(0) + LB_PROBES * nla_total_size(IFNAMSIZ))

/* What lb_nl_put_svc() puts besides the service's match and settings. */
#define LB_NL_TARGETS	BIT(0)	/* its targets */
#define LB_NL_STATS	BIT(1)	/* counters, its own and its targets' */

int lb_nl_put_svc(struct sk_buff *skb, struct net *net,
		  const struct lb_svc_conf *sc, unsigned int what);
int lb_nl_put_tgt(struct sk_buff *skb, struct net *net,
		  const struct lb_svc_conf *sc, const struct lb_tgt_conf *tc,
		  u32 mark_bits, struct lb_stats *s);
int lb_nl_svc_get(struct sk_buff *skb, struct genl_info *info);
int lb_nl_svc_dump(struct sk_buff *skb, struct netlink_callback *cb);
int lb_nl_svc_dump_done(struct netlink_callback *cb);
int lb_nl_svc_dump_ln(struct lb_net *ln, struct sk_buff *skb,
		      struct netlink_callback *cb);
int lb_nl_info_get(struct sk_buff *skb, struct genl_info *info);

/* Room for a namespace's tunables, in an LB_A_INFO. */
#define LB_NL_TUNABLES_SIZE ((2 + LB_TO_N) * nla_total_size(sizeof(u32)))

int lb_nl_put_tunables(struct sk_buff *skb, const struct lb_net *ln);
int lb_nl_flow_start(struct netlink_callback *cb);
int lb_nl_flow_dump(struct sk_buff *skb, struct netlink_callback *cb);
int lb_nl_flow_done(struct netlink_callback *cb);

#endif /* _LB_NETLINK_H */
