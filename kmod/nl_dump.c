// SPDX-License-Identifier: GPL-2.0
/*
 * lb: replies.  LB_CMD_SVC_GET of one service, or a dump of them all or
 * of one; LB_CMD_INFO_GET; LB_CMD_FLOW_GET, a dump of the flow table.
 *
 * A dump is read in parts, each as large as netlink makes it: the
 * reader's buffer, at most 32 KiB, or about 4 KiB for a fresh socket's
 * first read.  A service is one message when it fits a part; else its
 * targets are spread over messages of their own (the layout is in
 * include/uapi/linux/lb.h).  Parts resume by position, so each part is
 * stamped with the configuration's generation (lb_net.gen) and netlink
 * flags NLM_F_DUMP_INTR on the first message after a change: the reader
 * starts again, rather than miss a service or a target.
 */
#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include "netlink.h"

/* The largest reply of a doit: what a dump message can be (see above). */
#define LB_NL_REPLY_MAX		32768

#define LB_NL_STATS_SIZE \
	(nla_total_size(0) + 8 * nla_total_size_64bit(sizeof(u64)))
#define LB_NL_TGT_SIZE		(LB_NL_TGT_BARE_SIZE + LB_NL_STATS_SIZE)

static int lb_nl_put_stats(struct sk_buff *skb, int type,
			   const struct lb_stats *s)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest ||
	    nla_put_u64_64bit(skb, LB_STATS_A_PACKETS, s->packets,
			      LB_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, LB_STATS_A_BYTES, s->bytes, LB_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, LB_STATS_A_FLOWS_CREATED, s->flows_created,
			      LB_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, LB_STATS_A_FLOWS_ACTIVE, s->flows_active,
			      LB_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, LB_STATS_A_FALLBACKS, s->fallbacks,
			      LB_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, LB_STATS_A_FLOWLET_SWITCHES,
			      s->flowlet_switches, LB_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, LB_STATS_A_REPLY_PACKETS,
			      s->reply_packets, LB_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, LB_STATS_A_REPLY_BYTES, s->reply_bytes,
			      LB_STATS_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int lb_nl_put_match(struct sk_buff *skb, const struct lb_match *m)
{
	int alen = m->family == AF_INET ? 4 : 16;

	if (m->family &&
	    (nla_put_u8(skb, LB_SVC_A_FAMILY, m->family) ||
	     nla_put(skb, LB_SVC_A_DADDR, alen, &m->daddr) ||
	     nla_put_u8(skb, LB_SVC_A_DPLEN, m->dplen)))
		return -EMSGSIZE;
	if (m->splen &&
	    (nla_put(skb, LB_SVC_A_SADDR, alen, &m->saddr) ||
	     nla_put_u8(skb, LB_SVC_A_SPLEN, m->splen)))
		return -EMSGSIZE;
	if (m->proto && nla_put_u8(skb, LB_SVC_A_PROTO, m->proto))
		return -EMSGSIZE;
	if (m->dport && nla_put_u16(skb, LB_SVC_A_DPORT, ntohs(m->dport)))
		return -EMSGSIZE;
	if (m->iifname[0] && nla_put_string(skb, LB_SVC_A_IIFNAME, m->iifname))
		return -EMSGSIZE;
	return 0;
}

/* Whether @tc can be reached, and through which interfaces (health.c). */
static int lb_nl_put_reach(struct sk_buff *skb, struct net *net,
			   const struct lb_tgt_conf *tc)
{
	char names[LB_PROBES][IFNAMSIZ] = {};
	int i, j, err = 0;

	if (tc->down && nla_put_flag(skb, LB_TGT_A_DOWN))
		return -EMSGSIZE;
	if (!net)
		return 0;
	rcu_read_lock();
	for (i = 0; i < LB_PROBES; i++) {
		struct net_device *dev;

		dev = tc->ifindex[i] ?
		      dev_get_by_index_rcu(net, tc->ifindex[i]) : NULL;
		if (dev)
			strscpy(names[i], dev->name, IFNAMSIZ);
	}
	rcu_read_unlock();
	/* Each interface once. */
	for (i = 0; i < LB_PROBES && !err; i++) {
		for (j = 0; j < i && strcmp(names[i], names[j]); j++)
			;
		if (names[i][0] && j == i)
			err = nla_put_string(skb, LB_TGT_A_IFNAME, names[i]);
	}
	return err;
}

/**
 * lb_nl_put_tgt() - a target, as LB_A_TGT
 * @skb: the message
 * @net: the namespace that names its interfaces, or NULL: none named
 * @sc: its service
 * @tc: the target
 * @mark_bits: lb_svc_conf_mark_bits(@sc), for a path's default mask
 * @s: if not NULL, receives the target's counters, which are put too
 *
 * Return: 0, or -EMSGSIZE with @skb as it was.
 */
int lb_nl_put_tgt(struct sk_buff *skb, struct net *net,
		  const struct lb_svc_conf *sc, const struct lb_tgt_conf *tc,
		  u32 mark_bits, struct lb_stats *s)
{
	struct nlattr *nest = nla_nest_start(skb, LB_A_TGT);

	if (s)
		lb_counters_read(tc->cnt, s);
	if (!nest ||
	    nla_put_u32(skb, LB_TGT_A_ID, tc->id) ||
	    nla_put_u32(skb, LB_TGT_A_WEIGHT, tc->weight) ||
	    (s && lb_nl_put_stats(skb, LB_TGT_A_STATS, s)))
		goto cancel;
	if (lb_tgt_conf_is_backend(tc) ?
	    nla_put(skb, LB_TGT_A_ADDR, sc->m.family == AF_INET ? 4 : 16,
		    &tc->addr) ||
	    nla_put_u16(skb, LB_TGT_A_PORT, ntohs(tc->port)) :
	    nla_put_u32(skb, LB_TGT_A_MARK, tc->mark) ||
	    nla_put_u32(skb, LB_TGT_A_MASK, lb_tgt_conf_mask(tc, mark_bits)) ||
	    (tc->mask_auto && nla_put_flag(skb, LB_TGT_A_MASK_AUTO)))
		goto cancel;
	if (lb_nl_put_reach(skb, net, tc))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* A service's match and settings, inside its LB_A_SVC. */
static int lb_nl_put_settings(struct sk_buff *skb,
			      const struct lb_svc_conf *sc)
{
	if (lb_nl_put_match(skb, &sc->m) ||
	    nla_put_u8(skb, LB_SVC_A_MODE, sc->mode) ||
	    nla_put_u8(skb, LB_SVC_A_SCHED, sc->sched) ||
	    nla_put_u32(skb, LB_SVC_A_FLOWLET_US, sc->flowlet_us) ||
	    nla_put_u8(skb, LB_SVC_A_FWD, sc->fwd) ||
	    (sc->fwd == LB_FWD_NAT && nla_put_flag(skb, LB_SVC_A_NAT)))
		return -EMSGSIZE;
	return 0;
}

/**
 * lb_nl_put_svc() - a service, as LB_A_SVC, in one piece
 * @skb: the message
 * @net: the namespace that names its targets' interfaces, or NULL
 * @sc: the service
 * @what: LB_NL_TARGETS, LB_NL_STATS: what to put besides its match and
 *	settings
 *
 * Return: 0, or -EMSGSIZE: the caller cancels the message.
 */
int lb_nl_put_svc(struct sk_buff *skb, struct net *net,
		  const struct lb_svc_conf *sc, unsigned int what)
{
	struct lb_stats s, ts, *tsp = what & LB_NL_STATS ? &ts : NULL;
	struct nlattr *svc, *tgts;
	struct lb_tgt_conf *tc;
	u64 active = 0;
	u32 mark_bits;

	svc = nla_nest_start(skb, LB_A_SVC);
	if (!svc || lb_nl_put_settings(skb, sc))
		return -EMSGSIZE;
	if (what & LB_NL_TARGETS) {
		tgts = nla_nest_start(skb, LB_SVC_A_TARGETS);
		if (!tgts)
			return -EMSGSIZE;
		mark_bits = lb_svc_conf_mark_bits(sc);
		list_for_each_entry(tc, &sc->targets, node) {
			if (lb_nl_put_tgt(skb, net, sc, tc, mark_bits, tsp))
				return -EMSGSIZE;
			if (tsp)
				active += ts.flows_active;
		}
		nla_nest_end(skb, tgts);
	}
	if (what & LB_NL_STATS) {
		/* A service's active flows are its targets'. */
		lb_counters_read(sc->cnt, &s);
		s.flows_active = active;
		if (lb_nl_put_stats(skb, LB_SVC_A_STATS, &s))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, svc);
	return 0;
}

/**
 * lb_nl_svc_get() - LB_CMD_SVC_GET without NLM_F_DUMP: one service
 * @skb: the request
 * @info: its attributes; LB_A_SVC names the service as in other requests
 *
 * The reply is one message of at most LB_NL_REPLY_MAX bytes, so that the
 * buffer a dump needs reads it; a service too large for that is refused,
 * with the advice to dump it.
 * Return: 0, or a negative errno (explained in @info's extack).
 */
int lb_nl_svc_get(struct sk_buff *skb, struct genl_info *info)
{
	struct lb_net *ln = lb_net(genl_info_net(info));
	struct nlattr *tb[LB_SVC_A_MAX + 1];
	struct sk_buff *msg = NULL;
	struct lb_svc_conf *sc;
	void *hdr;
	int err;

	err = lb_nl_parse_svc(info->attrs[LB_A_SVC], tb, info->extack);
	if (err)
		return err;
	mutex_lock(&ln->lock);
	sc = lb_nl_svc(ln, info->attrs[LB_A_SVC], tb, info->extack);
	if (IS_ERR(sc)) {
		err = PTR_ERR(sc);
		goto unlock;
	}
	msg = nlmsg_new(min_t(size_t, LB_NL_REPLY_MAX, NLMSG_GOODSIZE +
			      sc->n_targets * LB_NL_TGT_SIZE), GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto unlock;
	}
	hdr = genlmsg_put_reply(msg, info, &lb_genl_family, 0,
				LB_CMD_SVC_GET);
	if (!hdr || lb_nl_put_svc(msg, genl_info_net(info), sc,
				  LB_NL_TARGETS | LB_NL_STATS) ||
	    msg->len > LB_NL_REPLY_MAX) {
		NL_SET_ERR_MSG(info->extack,
			       "the service is too large for one message: dump it (NLM_F_DUMP, with LB_A_SVC naming it)");
		err = -EMSGSIZE;
		goto unlock;
	}
	genlmsg_end(msg, hdr);
unlock:
	mutex_unlock(&ln->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* Where a service dump is, in cb->ctx (zeroed when it starts). */
struct lb_nl_svc_dump {
	struct lb_match *sel;	/* the one service dumped, or NULL: all */
	bool selected;		/* the first part looked sel up */
	u32 svc;		/* services sent whole */
	u32 tgt;		/* targets sent of the next one */
	u64 active;		/* their active flows */
};

static struct lb_nl_svc_dump *lb_nl_svc_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct lb_nl_svc_dump) > sizeof(cb->ctx));
	return (struct lb_nl_svc_dump *)cb->ctx;
}

/*
 * The one service the dump's LB_A_SVC names, if any, as it names one for
 * other requests; it must exist now.  Looked up by the first part, not by
 * a start callback: Linux 6.1 drops a start's extack message, and a part's
 * goes out with its NLMSG_DONE.  Context: ln->lock held.
 */
static int lb_nl_svc_dump_select(struct lb_net *ln,
				 struct netlink_callback *cb,
				 struct lb_nl_svc_dump *d)
{
	struct nlattr *tb[LB_SVC_A_MAX + 1];
	const struct nlattr *nla;
	struct lb_svc_conf *sc;
	int err;

	/* Validated against the family's policy by genetlink. */
	nla = nlmsg_find_attr(cb->nlh, GENL_HDRLEN, LB_A_SVC);
	if (!nla)
		return 0;
	err = lb_nl_parse_svc(nla, tb, cb->extack);
	if (err)
		return err;
	sc = lb_nl_svc(ln, nla, tb, cb->extack);
	if (IS_ERR(sc))
		return PTR_ERR(sc);
	d->sel = kmalloc(sizeof(*d->sel), GFP_KERNEL);
	if (!d->sel)
		return -ENOMEM;
	*d->sel = sc->m;
	return 0;
}

/**
 * lb_nl_svc_dump_done() - a service dump ends
 * @cb: the dump
 *
 * Return: 0.
 */
int lb_nl_svc_dump_done(struct netlink_callback *cb)
{
	kfree(lb_nl_svc_dump_ctx(cb)->sel);
	return 0;
}

/*
 * A dump's message of @sc: its match and settings, its targets from d->tgt
 * on as far as they fit, and after the last one its counters, whose
 * active flows are those of its targets as they were put.  A service that
 * does not fit whole after other messages waits for the next part, so it
 * is split only when a part of its own is too small; each message of a
 * split service holds at least one target.
 * Return: 0 when the service is done, -EMSGSIZE when @skb is full (d->tgt
 * says how far the service went).
 */
static int lb_nl_dump_svc(struct sk_buff *skb, struct netlink_callback *cb,
			  struct net *net, const struct lb_svc_conf *sc)
{
	struct lb_nl_svc_dump *d = lb_nl_svc_dump_ctx(cb);
	u64 active = 0, last_active = 0;
	struct nlattr *svc, *tgts;
	bool alone = !skb->len;
	unsigned char *last = NULL;
	u32 i = 0, n = 0, mark_bits;
	struct lb_tgt_conf *tc;
	struct lb_stats s;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &lb_genl_family, NLM_F_MULTI, LB_CMD_SVC_GET);
	if (!hdr)
		return -EMSGSIZE;
	svc = nla_nest_start(skb, LB_A_SVC);
	if (!svc || lb_nl_put_settings(skb, sc) ||
	    (d->tgt && nla_put_u32(skb, LB_SVC_A_TGT_FIRST, d->tgt)))
		goto cancel;
	tgts = nla_nest_start(skb, LB_SVC_A_TARGETS);
	if (!tgts)
		goto cancel;
	mark_bits = lb_svc_conf_mark_bits(sc);
	list_for_each_entry(tc, &sc->targets, node) {
		if (i++ < d->tgt)
			continue;
		last = skb_tail_pointer(skb);
		if (lb_nl_put_tgt(skb, net, sc, tc, mark_bits, &s))
			break;
		last_active = s.flows_active;
		active += last_active;
		n++;
	}
	nla_nest_end(skb, tgts);
	/* Past its end if targets went since the last part (flagged). */
	if (d->tgt + n >= sc->n_targets) {
		lb_counters_read(sc->cnt, &s);
		s.flows_active = d->active + active;
		if (!lb_nl_put_stats(skb, LB_SVC_A_STATS, &s)) {
			nla_nest_end(skb, svc);
			genl_dump_check_consistent(cb, hdr);
			genlmsg_end(skb, hdr);
			d->tgt = 0;
			d->active = 0;
			return 0;
		}
		/* The counters go with the last target, in the next part. */
		if (n) {
			nlmsg_trim(skb, last);
			nla_nest_end(skb, tgts);
			active -= last_active;
			n--;
		}
	}
	if (!n || (!alone && !d->tgt))
		goto cancel;
	nla_nest_end(skb, svc);
	genl_dump_check_consistent(cb, hdr);
	genlmsg_end(skb, hdr);
	d->tgt += n;
	d->active += active;
	return -EMSGSIZE;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/**
 * lb_nl_svc_dump_ln() - the next part of a service dump of @ln
 * @ln: the namespace dumped
 * @skb: the part, filled with as many messages as fit
 * @cb: the dump
 *
 * lb_nl_svc_dump() for the namespace of its socket; unit tests call it.
 * Return: the part's length, 0 when the dump is done, or a negative errno.
 */
int lb_nl_svc_dump_ln(struct lb_net *ln, struct sk_buff *skb,
		      struct netlink_callback *cb)
{
	struct lb_nl_svc_dump *d = lb_nl_svc_dump_ctx(cb);
	struct lb_svc_conf *sc;
	u32 i = 0;
	int err = 0;

	mutex_lock(&ln->lock);
	if (!d->selected) {
		d->selected = true;
		err = lb_nl_svc_dump_select(ln, cb, d);
		if (err) {
			mutex_unlock(&ln->lock);
			return err;
		}
	}
	/* A change since the last part flags the next message kept. */
	cb->seq = ln->gen;
	if (d->sel) {
		sc = lb_svc_conf_find(ln, d->sel);
		if (sc && !d->svc) {
			err = lb_nl_dump_svc(skb, cb, ln->net, sc);
			d->svc = !err;
		}
	} else {
		list_for_each_entry(sc, &ln->services, node) {
			if (i++ < d->svc)
				continue;
			err = lb_nl_dump_svc(skb, cb, ln->net, sc);
			if (err)
				break;
			d->svc++;
		}
	}
	mutex_unlock(&ln->lock);
	/* Nothing fits an empty part: an error, not a loop. */
	return err && !skb->len ? err : skb->len;
}

/**
 * lb_nl_svc_dump() - the next part of a service dump
 * @skb: the part
 * @cb: the dump
 *
 * Return: the part's length, 0 when the dump is done, or a negative errno.
 */
int lb_nl_svc_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return lb_nl_svc_dump_ln(lb_net(sock_net(skb->sk)), skb, cb);
}

/**
 * lb_nl_put_tunables() - a namespace's tunables, into an LB_A_INFO
 * @skb: the message, inside the nest
 * @ln: the namespace's state, locked
 *
 * Return: 0, or -EMSGSIZE (LB_NL_TUNABLES_SIZE is the room it takes).
 */
int lb_nl_put_tunables(struct sk_buff *skb, const struct lb_net *ln)
{
	struct lb_tunables t;
	int i;

	lb_tunables_get(ln, &t);
	if (nla_put_u32(skb, LB_INFO_A_FLOW_MAX, t.flow_max) ||
	    nla_put_u32(skb, LB_INFO_A_FLOWLET_US, t.flowlet_us))
		return -EMSGSIZE;
	for (i = 0; i < LB_TO_N; i++)
		if (nla_put_u32(skb, lb_timeout_attrs[i], t.timeout[i]))
			return -EMSGSIZE;
	return 0;
}

/**
 * lb_nl_info_get() - LB_CMD_INFO_GET: namespace-wide settings and figures
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, or a negative errno.
 */
int lb_nl_info_get(struct sk_buff *skb, struct genl_info *info)
{
	struct lb_net *ln = lb_net(genl_info_net(info));
	u64 vip_drops, nat_drops;
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &lb_genl_family, 0, LB_CMD_INFO_GET);
	if (!hdr)
		goto err;
	nest = nla_nest_start(msg, LB_A_INFO);
	mutex_lock(&ln->lock);
	lb_ns_stats_read(ln, &vip_drops, &nat_drops);
	if (!nest ||
	    nla_put_u32(msg, LB_INFO_A_FLOWS, lb_flow_count(&ln->flows)) ||
	    lb_nl_put_tunables(msg, ln) ||
	    nla_put_u32(msg, LB_INFO_A_FLOW_MAX_TOTAL,
			lb_defaults.flow_max_total) ||
	    nla_put_u32(msg, LB_INFO_A_SERVICES, ln->n_services) ||
	    nla_put_u64_64bit(msg, LB_INFO_A_VIP_DROPS, vip_drops,
			      LB_INFO_A_PAD) ||
	    nla_put_u64_64bit(msg, LB_INFO_A_NAT_DROPS, nat_drops,
			      LB_INFO_A_PAD) ||
	    nla_put_u64_64bit(msg, LB_INFO_A_EVENT_DROPS, ln->event_drops,
			      LB_INFO_A_PAD)) {
		mutex_unlock(&ln->lock);
		goto err;
	}
	mutex_unlock(&ln->lock);
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/**
 * lb_nl_flow_start() - a flow dump begins
 * @cb: the dump; cb->args[0] gets the iterator it walks the table with
 *
 * Return: 0, or -ENOMEM.
 */
int lb_nl_flow_start(struct netlink_callback *cb)
{
	struct lb_net *ln = lb_net(sock_net(cb->skb->sk));
	struct rhashtable_iter *iter;

	iter = kmalloc(sizeof(*iter), GFP_KERNEL);
	if (!iter)
		return -ENOMEM;
	rhashtable_walk_enter(&ln->flows.ht, iter);
	cb->args[0] = (long)iter;
	return 0;
}

/**
 * lb_nl_flow_done() - a flow dump ends: its iterator goes
 * @cb: the dump
 *
 * Return: 0.
 */
int lb_nl_flow_done(struct netlink_callback *cb)
{
	struct rhashtable_iter *iter = (struct rhashtable_iter *)cb->args[0];

	if (iter) {
		rhashtable_walk_exit(iter);
		kfree(iter);
	}
	return 0;
}

static int lb_nl_fill_flow(struct sk_buff *skb, struct netlink_callback *cb,
			   const struct lb_flow *f, u32 now)
{
	const struct lb_flow_key *k = &f->key;
	int alen = k->family == AF_INET ? 4 : 16;
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &lb_genl_family, NLM_F_MULTI, LB_CMD_FLOW_GET);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, LB_A_FLOW);
	if (!nest ||
	    nla_put_u8(skb, LB_FLOW_A_FAMILY, k->family) ||
	    nla_put_u8(skb, LB_FLOW_A_PROTO, k->proto) ||
	    nla_put(skb, LB_FLOW_A_SADDR, alen, &k->saddr) ||
	    nla_put(skb, LB_FLOW_A_DADDR, alen, &k->daddr) ||
	    nla_put_u16(skb, LB_FLOW_A_SPORT, ntohs(k->sport)) ||
	    nla_put_u16(skb, LB_FLOW_A_DPORT, ntohs(k->dport)) ||
	    nla_put_u32(skb, LB_FLOW_A_TGT_ID, READ_ONCE(f->tgt_id)) ||
	    nla_put_u32(skb, LB_FLOW_A_IDLE_MS,
			jiffies_to_msecs(max_t(s32, now - READ_ONCE(f->seen),
					       0))) ||
	    (lb_flow_closing(f) && nla_put_flag(skb, LB_FLOW_A_CLOSING))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

/**
 * lb_nl_flow_dump() - the next part of a flow dump
 * @skb: the part, filled with as many flows as fit
 * @cb: the dump
 *
 * Flows come and go while the table is walked: a dump is not a snapshot.
 * Return: the part's length, 0 when the dump is done.
 */
int lb_nl_flow_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct rhashtable_iter *iter = (struct rhashtable_iter *)cb->args[0];
	u32 now = (u32)jiffies;
	struct lb_flow *f;

	rhashtable_walk_start(iter);
	for (;;) {
		/* Peek, so a flow that does not fit is sent next time. */
		f = rhashtable_walk_peek(iter);
		if (IS_ERR(f) && PTR_ERR(f) == -EAGAIN)
			continue;
		if (IS_ERR_OR_NULL(f) || lb_nl_fill_flow(skb, cb, f, now))
			break;
		rhashtable_walk_next(iter);
	}
	rhashtable_walk_stop(iter);
	return skb->len;
}
