// SPDX-License-Identifier: GPL-2.0
/*
 * lb: the configuration requests of the netlink family: services and
 * targets added, changed and deleted, flows flushed.  Each is checked
 * before anything changes, made under the namespace's lock, and told to
 * the events group under it (nl_event.c).
 */
#include <net/genetlink.h>
#include <net/netlink.h>
#include "netlink.h"

static int lb_nl_parse_tgt(struct genl_info *info, struct nlattr **tb)
{
	if (!info->attrs[LB_A_TGT]) {
		NL_SET_ERR_MSG(info->extack, "missing target (LB_A_TGT)");
		return -EINVAL;
	}
	return nla_parse_nested(tb, LB_TGT_A_MAX, info->attrs[LB_A_TGT],
				lb_tgt_policy, info->extack);
}

static struct lb_tgt_conf *lb_nl_tgt(struct lb_svc_conf *sc,
				     struct genl_info *info, struct nlattr **tb)
{
	struct lb_tgt_conf *tc;
	union lb_addr addr;
	__be16 port;
	int err;

	if (tb[LB_TGT_A_ADDR] || tb[LB_TGT_A_PORT]) {
		err = lb_nl_backend(sc, tb, &addr, &port, info->extack);
		if (err)
			return ERR_PTR(err);
		tc = lb_backend_conf_find(sc, &addr, port);
		if (tc && tb[LB_TGT_A_ID] &&
		    tc->id != nla_get_u32(tb[LB_TGT_A_ID]))
			tc = NULL;
	} else if (tb[LB_TGT_A_ID] || tb[LB_TGT_A_MARK]) {
		tc = lb_tgt_conf_find(sc, tb[LB_TGT_A_ID] ?
				      (s64)nla_get_u32(tb[LB_TGT_A_ID]) : -1,
				      tb[LB_TGT_A_MARK] ?
				      (s64)nla_get_u32(tb[LB_TGT_A_MARK]) : -1);
	} else {
		NL_SET_ERR_MSG(info->extack,
			       "name the target by mark, by address and port, or by id");
		return ERR_PTR(-EINVAL);
	}
	if (!tc) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[LB_A_TGT],
				    "the service has no such target");
		return ERR_PTR(-ENOENT);
	}
	return tc;
}

/**
 * lb_nl_svc_new() - LB_CMD_SVC_NEW: add a service
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, or a negative errno (explained in @info's extack).
 */
int lb_nl_svc_new(struct sk_buff *skb, struct genl_info *info)
{
	struct lb_net *ln = lb_net(genl_info_net(info));
	struct nlattr *tb[LB_SVC_A_MAX + 1];
	struct lb_match m;
	int err, fwd;

	err = lb_nl_parse_svc(info->attrs[LB_A_SVC], tb, info->extack);
	if (err)
		return err;
	err = lb_nl_match(tb, &m, info->extack);
	if (err)
		return err;
	fwd = lb_nl_fwd(tb, info->extack);
	if (fwd < 0)
		return fwd;
	mutex_lock(&ln->lock);
	err = lb_svc_add(ln, &m,
			 tb[LB_SVC_A_MODE] ? nla_get_u8(tb[LB_SVC_A_MODE]) : -1,
			 tb[LB_SVC_A_SCHED] ?
			 nla_get_u8(tb[LB_SVC_A_SCHED]) : -1,
			 lb_nla_u32(tb[LB_SVC_A_FLOWLET_US],
				    ln->flowlet_us),
			 fwd, info->extack);
	if (!err)	/* lb_svc_add() appends it */
		lb_nl_notify(ln, LB_CMD_SVC_NEW,
			     list_last_entry(&ln->services, struct lb_svc_conf,
					     node), NULL, 0);
	mutex_unlock(&ln->lock);
	return err;
}

/**
 * lb_nl_svc_del() - LB_CMD_SVC_DEL: delete a service and its targets
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, or a negative errno (explained in @info's extack).
 */
int lb_nl_svc_del(struct sk_buff *skb, struct genl_info *info)
{
	struct lb_net *ln = lb_net(genl_info_net(info));
	struct nlattr *tb[LB_SVC_A_MAX + 1];
	struct lb_svc_conf *sc;
	struct sk_buff *ev;
	int err;

	err = lb_nl_parse_svc(info->attrs[LB_A_SVC], tb, info->extack);
	if (err)
		return err;
	if (!tb[LB_SVC_A_FAMILY]) {
		NL_SET_ERR_MSG(info->extack, "name the service to delete");
		return -EINVAL;
	}
	mutex_lock(&ln->lock);
	sc = lb_nl_svc(ln, info->attrs[LB_A_SVC], tb, info->extack);
	if (IS_ERR(sc)) {
		err = PTR_ERR(sc);
	} else {
		/* Said as it was, so built before it goes. */
		ev = lb_nl_event_new(ln, LB_CMD_SVC_DEL, sc, NULL,
				     LB_EV_TARGETS);
		err = lb_svc_del(ln, sc);
		lb_nl_event_send(ln, ev, err);
	}
	mutex_unlock(&ln->lock);
	return err;
}

/* LB_A_WEIGHTS: a nest of LB_A_WEIGHT u32s, at most LB_TARGETS_MAX. */
static int lb_nl_weights(const struct nlattr *nest, u32 *w, u32 *n,
			 struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	int rem;

	*n = 0;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != LB_A_WEIGHT || nla_len(a) != sizeof(u32)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "weights must be LB_A_WEIGHT u32");
			return -EINVAL;
		}
		if (*n == LB_TARGETS_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, a, "too many weights");
			return -EINVAL;
		}
		w[(*n)++] = nla_get_u32(a);
	}
	if (rem) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "trailing bytes in weights");
		return -EINVAL;
	}
	return 0;
}

/**
 * lb_nl_svc_set() - LB_CMD_SVC_SET: change a service's settings or weights
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, or a negative errno (explained in @info's extack).
 */
int lb_nl_svc_set(struct sk_buff *skb, struct genl_info *info)
{
	struct lb_net *ln = lb_net(genl_info_net(info));
	struct nlattr *tb[LB_SVC_A_MAX + 1];
	struct lb_svc_conf *sc;
	u32 *weights = NULL, n = 0;
	int err;

	err = lb_nl_parse_svc(info->attrs[LB_A_SVC], tb, info->extack);
	if (err)
		return err;
	if (tb[LB_SVC_A_NAT] || tb[LB_SVC_A_FWD]) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    tb[LB_SVC_A_NAT] ?: tb[LB_SVC_A_FWD],
				    "a service becomes a VIP with its first backend, or when added");
		return -EINVAL;
	}
	if (!tb[LB_SVC_A_MODE] && !tb[LB_SVC_A_SCHED] &&
	    !tb[LB_SVC_A_FLOWLET_US] && !info->attrs[LB_A_WEIGHTS]) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to change: give a mode, scheduler, flowlet timeout or weights");
		return -EINVAL;
	}
	if (info->attrs[LB_A_WEIGHTS]) {
		weights = kcalloc(LB_TARGETS_MAX, sizeof(*weights), GFP_KERNEL);
		if (!weights)
			return -ENOMEM;
		err = lb_nl_weights(info->attrs[LB_A_WEIGHTS], weights, &n,
				    info->extack);
		if (err)
			goto out;
	}
	mutex_lock(&ln->lock);
	sc = lb_nl_svc(ln, info->attrs[LB_A_SVC], tb, info->extack);
	err = IS_ERR(sc) ? PTR_ERR(sc) :
	      lb_svc_update(ln, sc,
			    tb[LB_SVC_A_MODE] ?
			    (s64)nla_get_u8(tb[LB_SVC_A_MODE]) : -1,
			    tb[LB_SVC_A_SCHED] ?
			    (s64)nla_get_u8(tb[LB_SVC_A_SCHED]) : -1,
			    tb[LB_SVC_A_FLOWLET_US] ?
			    (s64)nla_get_u32(tb[LB_SVC_A_FLOWLET_US]) : -1,
			    weights, n, info->extack);
	/* Settings and weights are separate events: each says which. */
	if (!err && (tb[LB_SVC_A_MODE] || tb[LB_SVC_A_SCHED] ||
		     tb[LB_SVC_A_FLOWLET_US]))
		lb_nl_notify(ln, LB_CMD_SVC_SET, sc, NULL, LB_EV_TARGETS);
	if (!err && weights)
		lb_nl_notify(ln, LB_CMD_SVC_SET, sc, NULL,
			     LB_EV_TARGETS | LB_EV_WEIGHTS);
	mutex_unlock(&ln->lock);
out:
	kfree(weights);
	return err;
}

/**
 * lb_nl_tgt_new() - LB_CMD_TGT_NEW: add a target to a service
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, or a negative errno (explained in @info's extack).
 */
int lb_nl_tgt_new(struct sk_buff *skb, struct genl_info *info)
{
	struct lb_net *ln = lb_net(genl_info_net(info));
	struct nlattr *tb[LB_SVC_A_MAX + 1];
	struct nlattr *tt[LB_TGT_A_MAX + 1];
	struct lb_svc_conf *sc;
	int err;

	err = lb_nl_parse_svc(info->attrs[LB_A_SVC], tb, info->extack) ?:
	      lb_nl_parse_tgt(info, tt);
	if (err)
		return err;
	if (!tt[LB_TGT_A_MARK] && !tt[LB_TGT_A_ADDR] && !tt[LB_TGT_A_PORT]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[LB_A_TGT],
				    "a path needs a mark, a backend an address and port");
		return -EINVAL;
	}
	if (tt[LB_TGT_A_ID]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tt[LB_TGT_A_ID],
				    "ids are chosen by the kernel");
		return -EINVAL;
	}
	mutex_lock(&ln->lock);
	sc = lb_nl_svc(ln, info->attrs[LB_A_SVC], tb, info->extack);
	if (IS_ERR(sc)) {
		err = PTR_ERR(sc);
	} else if (!tt[LB_TGT_A_ADDR] && !tt[LB_TGT_A_PORT]) {
		err = lb_tgt_add(ln, sc, nla_get_u32(tt[LB_TGT_A_MARK]),
				 lb_nl_mask(tt, LB_MASK_AUTO),
				 lb_nla_u32(tt[LB_TGT_A_WEIGHT], 1),
				 info->extack);
	} else {
		union lb_addr addr;
		__be16 port;

		err = lb_nl_backend(sc, tt, &addr, &port, info->extack) ?:
		      lb_backend_add(ln, sc, &addr, port,
				     lb_nla_u32(tt[LB_TGT_A_WEIGHT], 1),
				     info->extack);
	}
	if (!err)	/* added last */
		lb_nl_notify(ln, LB_CMD_TGT_NEW, sc,
			     list_last_entry(&sc->targets, struct lb_tgt_conf,
					     node), 0);
	mutex_unlock(&ln->lock);
	return err;
}

/**
 * lb_nl_tgt_del() - LB_CMD_TGT_DEL: delete a target
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, or a negative errno (explained in @info's extack).
 */
int lb_nl_tgt_del(struct sk_buff *skb, struct genl_info *info)
{
	struct lb_net *ln = lb_net(genl_info_net(info));
	struct nlattr *tb[LB_SVC_A_MAX + 1];
	struct nlattr *tt[LB_TGT_A_MAX + 1];
	struct lb_svc_conf *sc;
	struct lb_tgt_conf *tc;
	struct sk_buff *ev;
	int err;

	err = lb_nl_parse_svc(info->attrs[LB_A_SVC], tb, info->extack) ?: lb_nl_parse_tgt(info, tt);
	if (err)
		return err;
	mutex_lock(&ln->lock);
	sc = lb_nl_svc(ln, info->attrs[LB_A_SVC], tb, info->extack);
	tc = IS_ERR(sc) ? ERR_CAST(sc) : lb_nl_tgt(sc, info, tt);
	if (IS_ERR(tc)) {
		err = PTR_ERR(tc);
	} else {
		ev = lb_nl_event_new(ln, LB_CMD_TGT_DEL, sc, tc, 0);
		err = lb_tgt_del(ln, sc, tc);
		lb_nl_event_send(ln, ev, err);
	}
	mutex_unlock(&ln->lock);
	return err;
}

/**
 * lb_nl_tgt_set() - LB_CMD_TGT_SET: change a target's weight or mask
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, or a negative errno (explained in @info's extack).
 */
int lb_nl_tgt_set(struct sk_buff *skb, struct genl_info *info)
{
	struct lb_net *ln = lb_net(genl_info_net(info));
	struct nlattr *tb[LB_SVC_A_MAX + 1];
	struct nlattr *tt[LB_TGT_A_MAX + 1];
	struct lb_svc_conf *sc;
	struct lb_tgt_conf *tc;
	s64 mask;
	int err;

	err = lb_nl_parse_svc(info->attrs[LB_A_SVC], tb, info->extack) ?:
	      lb_nl_parse_tgt(info, tt);
	if (err)
		return err;
	mask = lb_nl_mask(tt, LB_MASK_KEEP);
	if (!tt[LB_TGT_A_WEIGHT] && mask == LB_MASK_KEEP) {
		NL_SET_ERR_MSG(info->extack, "nothing to change: give a weight or mask");
		return -EINVAL;
	}
	mutex_lock(&ln->lock);
	sc = lb_nl_svc(ln, info->attrs[LB_A_SVC], tb, info->extack);
	tc = IS_ERR(sc) ? ERR_CAST(sc) : lb_nl_tgt(sc, info, tt);
	err = IS_ERR(tc) ? PTR_ERR(tc) :
	      lb_tgt_update(ln, sc, tc,
			    tt[LB_TGT_A_WEIGHT] ?
			    (s64)nla_get_u32(tt[LB_TGT_A_WEIGHT]) : -1,
			    mask, info->extack);
	if (!err)
		lb_nl_notify(ln, LB_CMD_TGT_SET, sc, tc, 0);
	mutex_unlock(&ln->lock);
	return err;
}

/* @sc's counters and its targets' count from 0 again. */
static void lb_svc_conf_zero(struct lb_svc_conf *sc)
{
	struct lb_tgt_conf *tc;

	lb_counters_zero(sc->cnt);
	list_for_each_entry(tc, &sc->targets, node)
		lb_counters_zero(tc->cnt);
}

/**
 * lb_nl_stats_reset() - LB_CMD_STATS_RESET: counters from 0 again
 * @skb: the request
 * @info: its attributes: LB_A_SVC names one service, or none is all
 *
 * Return: 0, or a negative errno (explained in @info's extack).
 */
int lb_nl_stats_reset(struct sk_buff *skb, struct genl_info *info)
{
	struct lb_net *ln = lb_net(genl_info_net(info));
	struct nlattr *tb[LB_SVC_A_MAX + 1];
	struct lb_svc_conf *sc = NULL;
	int err;

	err = lb_nl_parse_svc(info->attrs[LB_A_SVC], tb, info->extack);
	if (err)
		return err;
	mutex_lock(&ln->lock);
	if (info->attrs[LB_A_SVC]) {
		sc = lb_nl_svc(ln, info->attrs[LB_A_SVC], tb, info->extack);
		if (IS_ERR(sc)) {
			err = PTR_ERR(sc);
			goto out;
		}
		lb_svc_conf_zero(sc);
	} else {
		list_for_each_entry(sc, &ln->services, node) {
			lb_svc_conf_zero(sc);
			cond_resched();	/* up to 4096 x 257 per-CPU sums */
		}
		lb_ns_stats_zero(ln);
		sc = NULL;
	}
	/* A dump split across messages must not mix counters from both sides. */
	ln->gen = ln->gen + 1 ?: 1;
	lb_nl_notify(ln, LB_CMD_STATS_RESET, sc, NULL, 0);
out:
	mutex_unlock(&ln->lock);
	return err;
}

/**
 * lb_nl_info_set() - LB_CMD_INFO_SET: change the namespace's tunables
 * @skb: the request
 * @info: its attributes: LB_A_INFO, the tunables to change
 *
 * Return: 0, or a negative errno (explained in @info's extack).
 */
int lb_nl_info_set(struct sk_buff *skb, struct genl_info *info)
{
	struct lb_net *ln = lb_net(genl_info_net(info));
	struct lb_tunables t;
	int err;

	if (!info->attrs[LB_A_INFO]) {
		NL_SET_ERR_MSG(info->extack, "no LB_A_INFO: nothing to set");
		return -EINVAL;
	}
	mutex_lock(&ln->lock);
	lb_tunables_get(ln, &t);
	err = lb_nl_tunables(info->attrs[LB_A_INFO], &t, info->extack);
	if (!err)
		err = lb_tunables_check(&t, info->extack);
	if (!err) {
		lb_tunables_set(ln, &t);
		lb_nl_notify(ln, LB_CMD_INFO_SET, NULL, NULL, 0);
	}
	mutex_unlock(&ln->lock);
	return err;
}

/**
 * lb_nl_flow_flush() - LB_CMD_FLOW_FLUSH: forget every flow
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, or a negative errno (explained in @info's extack).
 */
int lb_nl_flow_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct lb_net *ln = lb_net(genl_info_net(info));

	mutex_lock(&ln->lock);
	lb_flow_flush(&ln->flows);
	lb_nl_notify(ln, LB_CMD_FLOW_FLUSH, NULL, NULL, 0);
	mutex_unlock(&ln->lock);
	return 0;
}
