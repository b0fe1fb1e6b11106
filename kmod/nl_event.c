// SPDX-License-Identifier: GPL-2.0
/*
 * lb: events, for the family's multicast group LB_MCGRP_EVENTS: one
 * message per change that succeeded, in the attributes replies use,
 * without counters (include/uapi/linux/lb.h).  Built only when someone
 * listens, each as small as it can be, and never failing the change.
 */
#include <net/genetlink.h>
#include <net/netlink.h>
#include "netlink.h"

/* Room for an event's attributes (lb_nl_event_fill()). */
static size_t lb_nl_event_size(u8 cmd, const struct lb_svc_conf *sc,
			       const struct lb_tgt_conf *tc, unsigned int what)
{
	size_t n = 0;

	if (sc)
		n += LB_NL_SVC_SIZE;
	if (sc && (what & LB_EV_TARGETS))
		n += nla_total_size(0) + sc->n_targets * LB_NL_TGT_BARE_SIZE;
	if (sc && (what & LB_EV_WEIGHTS))
		n += nla_total_size(0) +
		     sc->n_targets * nla_total_size(sizeof(u32));
	if (tc)
		n += LB_NL_TGT_BARE_SIZE;
	if (cmd == LB_CMD_RESTORE)
		n += nla_total_size(0) + nla_total_size(sizeof(u32));
	if (cmd == LB_CMD_INFO_SET)
		n += nla_total_size(0) + LB_NL_TUNABLES_SIZE;
	return n;
}

static int lb_nl_put_weights(struct sk_buff *skb, const struct lb_svc_conf *sc)
{
	struct nlattr *nest = nla_nest_start(skb, LB_A_WEIGHTS);
	struct lb_tgt_conf *tc;

	if (!nest)
		return -EMSGSIZE;
	list_for_each_entry(tc, &sc->targets, node)
		if (nla_put_u32(skb, LB_A_WEIGHT, tc->weight))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int lb_nl_put_services(struct sk_buff *skb, const struct lb_net *ln)
{
	struct nlattr *nest = nla_nest_start(skb, LB_A_INFO);

	if (!nest || nla_put_u32(skb, LB_INFO_A_SERVICES, ln->n_services))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int lb_nl_put_info_tunables(struct sk_buff *skb,
				   const struct lb_net *ln)
{
	struct nlattr *nest = nla_nest_start(skb, LB_A_INFO);

	if (!nest || lb_nl_put_tunables(skb, ln))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int lb_nl_event_fill(struct sk_buff *skb, const struct lb_net *ln,
			    u8 cmd, const struct lb_svc_conf *sc,
			    const struct lb_tgt_conf *tc, unsigned int what)
{
	void *hdr = genlmsg_put(skb, 0, 0, &lb_genl_family, 0, cmd);

	if (!hdr ||
	    (sc && lb_nl_put_svc(skb, ln->net, sc,
				 what & LB_EV_TARGETS ? LB_NL_TARGETS : 0)) ||
	    (sc && (what & LB_EV_WEIGHTS) && lb_nl_put_weights(skb, sc)) ||
	    (tc && lb_nl_put_tgt(skb, ln->net, sc, tc,
				 lb_svc_conf_mark_bits(sc), NULL)) ||
	    (cmd == LB_CMD_RESTORE && lb_nl_put_services(skb, ln)) ||
	    (cmd == LB_CMD_INFO_SET && lb_nl_put_info_tunables(skb, ln)))
		return -EMSGSIZE;
	genlmsg_end(skb, hdr);
	return 0;
}

/**
 * lb_nl_event_build() - the event that tells of a change
 * @ln: namespace state, locked; its namespace names the interfaces
 * @cmd: the change (enum lb_cmd)
 * @sc: the service it is about, or NULL (LB_CMD_FLOW_FLUSH, LB_CMD_RESTORE,
 *	LB_CMD_STATS_RESET of all, LB_CMD_INFO_SET)
 * @tc: the target of @sc it is about, or NULL
 * @what: LB_EV_TARGETS: with @sc's targets; LB_EV_WEIGHTS: with their
 *	weights in LB_A_WEIGHTS
 *
 * The message is allocated as small as it can be: each one a listener has
 * not read yet takes room in its socket.
 * Return: the message, or ERR_PTR(-ENOMEM) (-EMSGSIZE: a bug).
 */
struct sk_buff *lb_nl_event_build(const struct lb_net *ln, u8 cmd,
				  const struct lb_svc_conf *sc,
				  const struct lb_tgt_conf *tc,
				  unsigned int what)
{
	struct sk_buff *skb;

	lockdep_assert_held(&ln->lock);
	skb = genlmsg_new(lb_nl_event_size(cmd, sc, tc, what), GFP_KERNEL);
	if (!skb)
		return ERR_PTR(-ENOMEM);
	/* lb_nl_event_size() is wrong if this fails. */
	if (WARN_ON_ONCE(lb_nl_event_fill(skb, ln, cmd, sc, tc, what))) {
		nlmsg_free(skb);
		return ERR_PTR(-EMSGSIZE);
	}
	return skb;
}

/**
 * lb_nl_event_new() - lb_nl_event_build()'s event if anyone listens
 * @ln: namespace state, locked
 * @cmd: the change (enum lb_cmd)
 * @sc: the service it is about, or NULL
 * @tc: the target of @sc it is about, or NULL
 * @what: as for lb_nl_event_build()
 *
 * Nothing is built for nobody.  Made before a deletion, sent (or dropped)
 * after it by lb_nl_event_send().
 * Return: the message, NULL if nobody listens, or an ERR_PTR().
 */
struct sk_buff *lb_nl_event_new(const struct lb_net *ln, u8 cmd,
				const struct lb_svc_conf *sc,
				const struct lb_tgt_conf *tc, unsigned int what)
{
	if (!ln->net ||
	    !genl_has_listeners(&lb_genl_family, ln->net, LB_NL_GRP_EVENTS))
		return NULL;
	return lb_nl_event_build(ln, cmd, sc, tc, what);
}

/**
 * lb_nl_event_send() - send an event if its change was made
 * @ln: namespace state, locked
 * @ev: from lb_nl_event_new()
 * @err: the change's result: sent if 0, freed if not
 *
 * A listener's full socket is its loss (it reads ENOBUFS), never the
 * change's; an event that could not be allocated is counted.
 */
void lb_nl_event_send(struct lb_net *ln, struct sk_buff *ev, int err)
{
	lockdep_assert_held(&ln->lock);
	if (IS_ERR_OR_NULL(ev)) {
		if (IS_ERR(ev) && !err)
			ln->event_drops++;
		return;
	}
	if (err) {
		nlmsg_free(ev);
		return;
	}
	genlmsg_multicast_netns(&lb_genl_family, ln->net, ev, 0,
				LB_NL_GRP_EVENTS, GFP_KERNEL);
}

/**
 * lb_nl_notify() - tell the events group of a change just made
 * @ln: namespace state, locked
 * @cmd: the change (enum lb_cmd)
 * @sc: the service it is about, or NULL
 * @tc: the target of @sc it is about, or NULL
 * @what: as for lb_nl_event_build()
 */
void lb_nl_notify(struct lb_net *ln, u8 cmd, const struct lb_svc_conf *sc,
		  const struct lb_tgt_conf *tc, unsigned int what)
{
	lb_nl_event_send(ln, lb_nl_event_new(ln, cmd, sc, tc, what), 0);
}
