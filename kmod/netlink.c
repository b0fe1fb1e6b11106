// SPDX-License-Identifier: GPL-2.0
/*
 * lb: the generic netlink family "lb" (include/uapi/linux/lb.h).
 *
 * Policies check types and lengths; the handlers check meaning and say
 * what is wrong through extack.  A request is parsed and checked whole
 * before anything changes, and service.c undoes a change it cannot
 * publish, so a rejected request leaves the configuration as it was.
 * Every change that succeeded is then told to the events group, under the
 * lock that serialises changes, so listeners see them in their order.
 */
#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include "lb.h"
#include "conf.h"

#define LB_REPLY_ONLY(what) \
	{ .type = NLA_REJECT, .reject_message = what " are read-only" }

static const struct nla_policy lb_tgt_policy[LB_TGT_A_MAX + 1] = {
	[LB_TGT_A_ID] = { .type = NLA_U32 },
	[LB_TGT_A_MARK] = { .type = NLA_U32 },
	[LB_TGT_A_MASK] = { .type = NLA_U32 },
	[LB_TGT_A_WEIGHT] = { .type = NLA_U32 },
	[LB_TGT_A_STATS] = LB_REPLY_ONLY("counters"),
	[LB_TGT_A_ADDR] = { .type = NLA_BINARY, .len = 16 },
	[LB_TGT_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[LB_TGT_A_DOWN] = LB_REPLY_ONLY("reachability flags"),
	[LB_TGT_A_IFNAME] = LB_REPLY_ONLY("route interfaces"),
};

static const struct nla_policy lb_svc_policy[LB_SVC_A_MAX + 1] = {
	[LB_SVC_A_FAMILY] = { .type = NLA_U8 },
	[LB_SVC_A_DADDR] = { .type = NLA_BINARY, .len = 16 },
	[LB_SVC_A_DPLEN] = { .type = NLA_U8 },
	[LB_SVC_A_SADDR] = { .type = NLA_BINARY, .len = 16 },
	[LB_SVC_A_SPLEN] = { .type = NLA_U8 },
	[LB_SVC_A_PROTO] = { .type = NLA_U8 },
	[LB_SVC_A_DPORT] = { .type = NLA_U16 },
	[LB_SVC_A_IIFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[LB_SVC_A_MODE] = { .type = NLA_U8 },
	[LB_SVC_A_SCHED] = { .type = NLA_U8 },
	[LB_SVC_A_FLOWLET_US] = { .type = NLA_U32 },
	/* Only LB_CMD_RESTORE takes them: lb_nl_parse_svc() refuses them. */
	[LB_SVC_A_TARGETS] = NLA_POLICY_NESTED_ARRAY(lb_tgt_policy),
	[LB_SVC_A_STATS] = LB_REPLY_ONLY("counters"),
	[LB_SVC_A_NAT] = { .type = NLA_FLAG },
};

static const struct nla_policy lb_policy[LB_A_MAX + 1] = {
	[LB_A_SVC] = NLA_POLICY_NESTED(lb_svc_policy),
	[LB_A_TGT] = NLA_POLICY_NESTED(lb_tgt_policy),
	[LB_A_WEIGHTS] = { .type = NLA_NESTED },
	[LB_A_WEIGHT] = { .type = NLA_REJECT,
			  .reject_message = "weights go inside LB_A_WEIGHTS" },
	[LB_A_FLOW] = LB_REPLY_ONLY("flows"),
	[LB_A_INFO] = LB_REPLY_ONLY("figures"),
	[LB_A_SVCS] = NLA_POLICY_NESTED_ARRAY(lb_svc_policy),
};

static struct genl_family lb_genl_family;

enum lb_nl_groups {
	LB_NL_GRP_EVENTS,
};

/* Anyone may listen: events show what a dump shows anyone (lb.h). */
static const struct genl_multicast_group lb_mcgrps[] = {
	[LB_NL_GRP_EVENTS] = { .name = LB_MCGRP_EVENTS },
};

/* The value of an optional attribute, or a default. */
static u32 lb_nla_u32(const struct nlattr *nla, u32 def)
{
	return nla ? nla_get_u32(nla) : def;
}

static u8 lb_nla_u8(const struct nlattr *nla, u8 def)
{
	return nla ? nla_get_u8(nla) : def;
}

/* Requests */

static int lb_nl_addr(const struct nlattr *attr, u8 family,
		      union lb_addr *addr, struct netlink_ext_ack *extack)
{
	int len = family == AF_INET ? 4 : 16;

	if (!family) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "an address needs a family");
		return -EINVAL;
	}
	if (nla_len(attr) != len) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "address length does not match its family");
		return -EINVAL;
	}
	memset(addr, 0, sizeof(*addr));
	nla_memcpy(addr, attr, len);
	return 0;
}

/* The match of LB_A_SVC; a missing LB_A_SVC is the catch-all. */
static int lb_nl_match(struct nlattr **tb, struct lb_match *m,
		       struct netlink_ext_ack *extack)
{
	u8 family = 0, full, dplen, splen;
	union lb_addr daddr, saddr;
	__be16 dport = 0;
	int err;

	if (tb[LB_SVC_A_FAMILY])
		family = nla_get_u8(tb[LB_SVC_A_FAMILY]);
	if (family && family != AF_INET && family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LB_SVC_A_FAMILY],
				    "family must be AF_INET or AF_INET6");
		return -EINVAL;
	}
	if (tb[LB_SVC_A_DADDR]) {
		err = lb_nl_addr(tb[LB_SVC_A_DADDR], family, &daddr, extack);
		if (err)
			return err;
	}
	if (tb[LB_SVC_A_SADDR]) {
		err = lb_nl_addr(tb[LB_SVC_A_SADDR], family, &saddr, extack);
		if (err)
			return err;
	}
	full = family == AF_INET ? 32 : 128;
	dplen = lb_nla_u8(tb[LB_SVC_A_DPLEN], tb[LB_SVC_A_DADDR] ? full : 0);
	splen = lb_nla_u8(tb[LB_SVC_A_SPLEN], tb[LB_SVC_A_SADDR] ? full : 0);
	if (tb[LB_SVC_A_DPORT])
		dport = htons(nla_get_u16(tb[LB_SVC_A_DPORT]));
	return lb_match_init(m, family, tb[LB_SVC_A_DADDR] ? &daddr : NULL,
			     dplen, tb[LB_SVC_A_SADDR] ? &saddr : NULL, splen,
			     lb_nla_u8(tb[LB_SVC_A_PROTO], 0), dport,
			     tb[LB_SVC_A_IIFNAME] ?
			     nla_data(tb[LB_SVC_A_IIFNAME]) : NULL, extack);
}

static int lb_nl_parse_svc(struct genl_info *info, struct nlattr **tb)
{
	int err;

	memset(tb, 0, sizeof(*tb) * (LB_SVC_A_MAX + 1));
	if (!info->attrs[LB_A_SVC])
		return 0;
	err = nla_parse_nested(tb, LB_SVC_A_MAX, info->attrs[LB_A_SVC],
			       lb_svc_policy, info->extack);
	if (!err && tb[LB_SVC_A_TARGETS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[LB_SVC_A_TARGETS],
				    "targets come one by one (path add, backend add) or with a whole configuration (restore)");
		err = -EINVAL;
	}
	return err;
}

/*
 * The service a request names (LB_A_SVC with LB_SVC_A_FAMILY, 0 for the
 * catch-all), or else the namespace's only one.
 */
static struct lb_svc_conf *lb_nl_svc(struct lb_net *ln, struct genl_info *info,
				     struct nlattr **tb)
{
	struct lb_svc_conf *sc;
	struct lb_match m;
	int err;

	lockdep_assert_held(&ln->lock);
	if (!tb[LB_SVC_A_FAMILY] &&
	    (tb[LB_SVC_A_DADDR] || tb[LB_SVC_A_DPLEN] || tb[LB_SVC_A_SADDR] ||
	     tb[LB_SVC_A_SPLEN] || tb[LB_SVC_A_PROTO] || tb[LB_SVC_A_DPORT] ||
	     tb[LB_SVC_A_IIFNAME])) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[LB_A_SVC],
				    "name a service with its family (0: any)");
		return ERR_PTR(-EINVAL);
	}
	if (!tb[LB_SVC_A_FAMILY]) {
		if (ln->n_services == 1)
			return list_first_entry(&ln->services,
						struct lb_svc_conf, node);
		if (ln->n_services)
			NL_SET_ERR_MSG(info->extack,
				       "several services: name one with vip");
		else
			NL_SET_ERR_MSG(info->extack,
				       "no service: add one with vip add");
		return ERR_PTR(-ENOENT);
	}
	err = lb_nl_match(tb, &m, info->extack);
	if (err)
		return ERR_PTR(err);
	sc = lb_svc_conf_find(ln, &m);
	if (!sc) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[LB_A_SVC],
				    "no such service");
		return ERR_PTR(-ENOENT);
	}
	return sc;
}

static int lb_nl_parse_tgt(struct genl_info *info, struct nlattr **tb)
{
	if (!info->attrs[LB_A_TGT]) {
		NL_SET_ERR_MSG(info->extack, "missing target (LB_A_TGT)");
		return -EINVAL;
	}
	return nla_parse_nested(tb, LB_TGT_A_MAX, info->attrs[LB_A_TGT],
				lb_tgt_policy, info->extack);
}

/* A backend's address and port, which must come together. */
static int lb_nl_backend(const struct lb_svc_conf *sc, struct nlattr **tb,
			 union lb_addr *addr, __be16 *port,
			 struct netlink_ext_ack *extack)
{
	if (!tb[LB_TGT_A_ADDR] != !tb[LB_TGT_A_PORT]) {
		NL_SET_ERR_MSG(extack, "a backend needs an address and a port");
		return -EINVAL;
	}
	if (tb[LB_TGT_A_MARK] || tb[LB_TGT_A_MASK]) {
		NL_SET_ERR_MSG(extack, "a backend has no mark or mask");
		return -EINVAL;
	}
	*port = htons(nla_get_u16(tb[LB_TGT_A_PORT]));
	return lb_nl_addr(tb[LB_TGT_A_ADDR], sc->m.family, addr, extack);
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

static int lb_nl_svc_new(struct sk_buff *skb, struct genl_info *info)
{
	struct lb_net *ln = lb_net(genl_info_net(info));
	struct nlattr *tb[LB_SVC_A_MAX + 1];
	struct lb_match m;
	int err;

	err = lb_nl_parse_svc(info, tb);
	if (err)
		return err;
	err = lb_nl_match(tb, &m, info->extack);
	if (err)
		return err;
	mutex_lock(&ln->lock);
	err = lb_svc_add(ln, &m,
			 tb[LB_SVC_A_MODE] ? nla_get_u8(tb[LB_SVC_A_MODE]) : -1,
			 tb[LB_SVC_A_SCHED] ?
			 nla_get_u8(tb[LB_SVC_A_SCHED]) : -1,
			 lb_nla_u32(tb[LB_SVC_A_FLOWLET_US],
				    lb_defaults.flowlet_us),
			 tb[LB_SVC_A_NAT] ? LB_FWD_NAT : LB_FWD_MARK,
			 info->extack);
	if (!err)	/* lb_svc_add() appends it */
		lb_nl_notify(ln, LB_CMD_SVC_NEW,
			     list_last_entry(&ln->services, struct lb_svc_conf,
					     node), NULL, 0);
	mutex_unlock(&ln->lock);
	return err;
}

static int lb_nl_svc_del(struct sk_buff *skb, struct genl_info *info)
{
	struct lb_net *ln = lb_net(genl_info_net(info));
	struct nlattr *tb[LB_SVC_A_MAX + 1];
	struct lb_svc_conf *sc;
	struct sk_buff *ev;
	int err;

	err = lb_nl_parse_svc(info, tb);
	if (err)
		return err;
	if (!tb[LB_SVC_A_FAMILY]) {
		NL_SET_ERR_MSG(info->extack, "name the service to delete");
		return -EINVAL;
	}
	mutex_lock(&ln->lock);
	sc = lb_nl_svc(ln, info, tb);
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

static int lb_nl_svc_set(struct sk_buff *skb, struct genl_info *info)
{
	struct lb_net *ln = lb_net(genl_info_net(info));
	struct nlattr *tb[LB_SVC_A_MAX + 1];
	struct lb_svc_conf *sc;
	u32 *weights = NULL, n = 0;
	int err;

	err = lb_nl_parse_svc(info, tb);
	if (err)
		return err;
	if (tb[LB_SVC_A_NAT]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[LB_SVC_A_NAT],
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
	sc = lb_nl_svc(ln, info, tb);
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

static int lb_nl_tgt_new(struct sk_buff *skb, struct genl_info *info)
{
	struct lb_net *ln = lb_net(genl_info_net(info));
	struct nlattr *tb[LB_SVC_A_MAX + 1];
	struct nlattr *tt[LB_TGT_A_MAX + 1];
	struct lb_svc_conf *sc;
	int err;

	err = lb_nl_parse_svc(info, tb) ?: lb_nl_parse_tgt(info, tt);
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
	sc = lb_nl_svc(ln, info, tb);
	if (IS_ERR(sc)) {
		err = PTR_ERR(sc);
	} else if (!tt[LB_TGT_A_ADDR] && !tt[LB_TGT_A_PORT]) {
		err = lb_tgt_add(ln, sc, nla_get_u32(tt[LB_TGT_A_MARK]),
				 lb_nla_u32(tt[LB_TGT_A_MASK], ~0U),
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

static int lb_nl_tgt_del(struct sk_buff *skb, struct genl_info *info)
{
	struct lb_net *ln = lb_net(genl_info_net(info));
	struct nlattr *tb[LB_SVC_A_MAX + 1];
	struct nlattr *tt[LB_TGT_A_MAX + 1];
	struct lb_svc_conf *sc;
	struct lb_tgt_conf *tc;
	struct sk_buff *ev;
	int err;

	err = lb_nl_parse_svc(info, tb) ?: lb_nl_parse_tgt(info, tt);
	if (err)
		return err;
	mutex_lock(&ln->lock);
	sc = lb_nl_svc(ln, info, tb);
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

static int lb_nl_tgt_set(struct sk_buff *skb, struct genl_info *info)
{
	struct lb_net *ln = lb_net(genl_info_net(info));
	struct nlattr *tb[LB_SVC_A_MAX + 1];
	struct nlattr *tt[LB_TGT_A_MAX + 1];
	struct lb_svc_conf *sc;
	struct lb_tgt_conf *tc;
	int err;

	err = lb_nl_parse_svc(info, tb) ?: lb_nl_parse_tgt(info, tt);
	if (err)
		return err;
	if (!tt[LB_TGT_A_WEIGHT] && !tt[LB_TGT_A_MASK]) {
		NL_SET_ERR_MSG(info->extack, "nothing to change: give a weight or mask");
		return -EINVAL;
	}
	mutex_lock(&ln->lock);
	sc = lb_nl_svc(ln, info, tb);
	tc = IS_ERR(sc) ? ERR_CAST(sc) : lb_nl_tgt(sc, info, tt);
	err = IS_ERR(tc) ? PTR_ERR(tc) :
	      lb_tgt_update(ln, sc, tc,
			    tt[LB_TGT_A_WEIGHT] ?
			    (s64)nla_get_u32(tt[LB_TGT_A_WEIGHT]) : -1,
			    tt[LB_TGT_A_MASK] ?
			    (s64)nla_get_u32(tt[LB_TGT_A_MASK]) : -1,
			    info->extack);
	if (!err)
		lb_nl_notify(ln, LB_CMD_TGT_SET, sc, tc, 0);
	mutex_unlock(&ln->lock);
	return err;
}

static int lb_nl_flow_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct lb_net *ln = lb_net(genl_info_net(info));

	mutex_lock(&ln->lock);
	lb_flow_flush(&ln->flows);
	lb_nl_notify(ln, LB_CMD_FLOW_FLUSH, NULL, NULL, 0);
	mutex_unlock(&ln->lock);
	return 0;
}

/* Whole configurations */

/* A rejection that named no attribute is about @nla (a service, a target). */
static void lb_nl_blame(struct netlink_ext_ack *extack,
			const struct nlattr *nla)
{
	if (extack && !extack->bad_attr)
		NL_SET_BAD_ATTR(extack, nla);
}

/* What lb_nl_weights() says of a nest with bytes after its last entry. */
static int lb_nl_trailing(const struct nlattr *nest, int rem,
			  struct netlink_ext_ack *extack)
{
	if (!rem)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, nest, "trailing bytes in a nest");
	return -EINVAL;
}

/* An LB_A_TGT of LB_SVC_A_TARGETS: checked as LB_CMD_TGT_NEW checks it. */
static int lb_nl_restore_tgt(struct lb_svc_conf *sc, const struct nlattr *nla,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tt[LB_TGT_A_MAX + 1];
	union lb_addr addr;
	__be16 port;
	int err;

	if (nla_type(nla) != LB_A_TGT) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "targets are LB_A_TGT nests");
		return -EINVAL;
	}
	err = nla_parse_nested(tt, LB_TGT_A_MAX, nla, lb_tgt_policy, extack);
	if (err)
		return err;
	if (tt[LB_TGT_A_ID]) {
		NL_SET_ERR_MSG_ATTR(extack, tt[LB_TGT_A_ID],
				    "ids are chosen by the kernel");
		return -EINVAL;
	}
	if (tt[LB_TGT_A_ADDR] || tt[LB_TGT_A_PORT]) {
		err = lb_nl_backend(sc, tt, &addr, &port, extack) ?:
		      lb_restore_backend(sc, &addr, port,
					 lb_nla_u32(tt[LB_TGT_A_WEIGHT], 1),
					 extack);
	} else if (tt[LB_TGT_A_MARK]) {
		err = lb_restore_path(sc, nla_get_u32(tt[LB_TGT_A_MARK]),
				      lb_nla_u32(tt[LB_TGT_A_MASK], ~0U),
				      lb_nla_u32(tt[LB_TGT_A_WEIGHT], 1),
				      extack);
	} else {
		NL_SET_ERR_MSG(extack,
			       "a path needs a mark, a backend an address and port");
		err = -EINVAL;
	}
	if (err)
		lb_nl_blame(extack, nla);
	return err;
}

/* An LB_A_SVC of LB_A_SVCS: checked as LB_CMD_SVC_NEW checks it. */
static int lb_nl_restore_svc(struct lb_restore *r, const struct nlattr *nla,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[LB_SVC_A_MAX + 1];
	const struct nlattr *t;
	struct lb_svc_conf *sc;
	struct lb_match m;
	int err, rem;

	if (nla_type(nla) != LB_A_SVC) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "services are LB_A_SVC nests");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, LB_SVC_A_MAX, nla, lb_svc_policy, extack);
	if (err)
		return err;
	err = lb_nl_match(tb, &m, extack);
	if (err)
		goto blame;
	sc = lb_restore_svc(r, &m,
			    tb[LB_SVC_A_MODE] ? nla_get_u8(tb[LB_SVC_A_MODE]) : -1,
			    tb[LB_SVC_A_SCHED] ?
			    nla_get_u8(tb[LB_SVC_A_SCHED]) : -1,
			    lb_nla_u32(tb[LB_SVC_A_FLOWLET_US],
				       lb_defaults.flowlet_us),
			    tb[LB_SVC_A_NAT] ? LB_FWD_NAT : LB_FWD_MARK,
			    extack);
	if (IS_ERR(sc)) {
		err = PTR_ERR(sc);
		goto blame;
	}
	if (!tb[LB_SVC_A_TARGETS])
		return 0;
	nla_for_each_nested(t, tb[LB_SVC_A_TARGETS], rem) {
		err = lb_nl_restore_tgt(sc, t, extack);
		if (err)
			return err;
	}
	return lb_nl_trailing(tb[LB_SVC_A_TARGETS], rem, extack);
blame:
	lb_nl_blame(extack, nla);
	return err;
}

/**
 * lb_nl_restore_attrs() - replace a namespace's configuration with the one
 *	LB_CMD_RESTORE's attributes describe
 * @ln: the namespace
 * @head: the request's attributes
 * @len: their length
 * @extack: where a rejection is explained and pointed at
 *
 * Every attribute is parsed and checked, and the configuration it makes
 * built, before the lock is taken for the commit.
 * Return: 0, or a negative errno and nothing changed.
 */
int lb_nl_restore_attrs(struct lb_net *ln, const struct nlattr *head, int len,
			struct netlink_ext_ack *extack)
{
	const struct nlattr *a, *s;
	struct lb_restore r;
	bool seen = false;
	int rem, srem, err = 0;

	lb_restore_init(&r);
	nla_for_each_attr(a, head, len, rem) {
		if (nla_type(a) != LB_A_SVCS) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "a restore carries only LB_A_SVCS");
			err = -EINVAL;
			goto out;
		}
		seen = true;
		nla_for_each_nested(s, a, srem) {
			err = lb_nl_restore_svc(&r, s, extack);
			if (err)
				goto out;
		}
		err = lb_nl_trailing(a, srem, extack);
		if (err)
			goto out;
	}
	if (!seen) {
		/* Not a way to say "none": a request that lost its payload. */
		NL_SET_ERR_MSG(extack,
			       "no LB_A_SVCS (an empty one restores no service)");
		err = -EINVAL;
		goto out;
	}
	mutex_lock(&ln->lock);
	err = lb_restore_commit(ln, &r, extack);
	if (!err)
		lb_nl_notify(ln, LB_CMD_RESTORE, NULL, NULL, 0);
	mutex_unlock(&ln->lock);
out:
	lb_restore_free(&r);
	return err;
}

static int lb_nl_restore(struct sk_buff *skb, struct genl_info *info)
{
	return lb_nl_restore_attrs(lb_net(genl_info_net(info)),
				   genlmsg_data(info->genlhdr),
				   genlmsg_len(info->genlhdr), info->extack);
}

/* Replies */

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

/* Room for a service's match and settings, without targets or counters. */
#define LB_NL_SVC_SIZE \
	(nla_total_size(0) + 6 * nla_total_size(sizeof(u8)) + \
	 2 * nla_total_size(16) + nla_total_size(sizeof(u16)) + \
	 nla_total_size(IFNAMSIZ) + nla_total_size(sizeof(u32)) + \
	 nla_total_size(0))

/* Room for one target without its counters (events), and with them. */
#define LB_NL_TGT_BARE_SIZE \
	(nla_total_size(0) + 4 * nla_total_size(sizeof(u32)) + \
	 nla_total_size(16) + nla_total_size(sizeof(u16)) + \
	 nla_total_size(0) + LB_PROBES * nla_total_size(IFNAMSIZ))
#define LB_NL_TGT_SIZE \
	(LB_NL_TGT_BARE_SIZE + \
	 nla_total_size(0) + 8 * nla_total_size_64bit(sizeof(u64)))

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

/* @s, if not NULL, receives the target's counters, which are put too. */
static int lb_nl_put_tgt(struct sk_buff *skb, struct net *net,
			 const struct lb_tgt_conf *tc, u8 family,
			 struct lb_stats *s)
{
	struct nlattr *nest = nla_nest_start(skb, LB_A_TGT);

	if (s)
		lb_stats_read(tc->cnt->pcpu, s);
	if (!nest ||
	    nla_put_u32(skb, LB_TGT_A_ID, tc->id) ||
	    nla_put_u32(skb, LB_TGT_A_WEIGHT, tc->weight) ||
	    (s && lb_nl_put_stats(skb, LB_TGT_A_STATS, s)))
		return -EMSGSIZE;
	if (lb_tgt_conf_is_backend(tc) ?
	    nla_put(skb, LB_TGT_A_ADDR, family == AF_INET ? 4 : 16,
		    &tc->addr) ||
	    nla_put_u16(skb, LB_TGT_A_PORT, ntohs(tc->port)) :
	    nla_put_u32(skb, LB_TGT_A_MARK, tc->mark) ||
	    nla_put_u32(skb, LB_TGT_A_MASK, tc->mask))
		return -EMSGSIZE;
	if (lb_nl_put_reach(skb, net, tc))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* What lb_nl_put_svc() puts besides the service's match and settings. */
#define LB_NL_TARGETS	BIT(0)	/* its targets */
#define LB_NL_STATS	BIT(1)	/* counters, its own and its targets' */

/* LB_A_SVC; the caller cancels the message if it does not fit. */
static int lb_nl_put_svc(struct sk_buff *skb, struct net *net,
			 const struct lb_svc_conf *sc, unsigned int what)
{
	struct lb_stats s, ts, *tsp = what & LB_NL_STATS ? &ts : NULL;
	struct nlattr *svc, *tgts;
	struct lb_tgt_conf *tc;
	u64 active = 0;

	svc = nla_nest_start(skb, LB_A_SVC);
	if (!svc || lb_nl_put_match(skb, &sc->m) ||
	    nla_put_u8(skb, LB_SVC_A_MODE, sc->mode) ||
	    nla_put_u8(skb, LB_SVC_A_SCHED, sc->sched) ||
	    nla_put_u32(skb, LB_SVC_A_FLOWLET_US, sc->flowlet_us) ||
	    (lb_svc_conf_is_vip(sc) &&
	     nla_put_flag(skb, LB_SVC_A_NAT)))
		return -EMSGSIZE;
	if (what & LB_NL_TARGETS) {
		tgts = nla_nest_start(skb, LB_SVC_A_TARGETS);
		if (!tgts)
			return -EMSGSIZE;
		list_for_each_entry(tc, &sc->targets, node) {
			if (lb_nl_put_tgt(skb, net, tc, sc->m.family, tsp))
				return -EMSGSIZE;
			if (tsp)
				active += ts.flows_active;
		}
		nla_nest_end(skb, tgts);
	}
	if (what & LB_NL_STATS) {
		/* A service's active flows are its targets'. */
		lb_stats_read(sc->cnt->pcpu, &s);
		s.flows_active = active;
		if (lb_nl_put_stats(skb, LB_SVC_A_STATS, &s))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, svc);
	return 0;
}

static int lb_nl_fill_svc(struct sk_buff *skb, struct net *net, u32 portid,
			  u32 seq, int flags, const struct lb_svc_conf *sc)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &lb_genl_family, flags,
			  LB_CMD_SVC_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (lb_nl_put_svc(skb, net, sc, LB_NL_TARGETS | LB_NL_STATS)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int lb_nl_svc_get(struct sk_buff *skb, struct genl_info *info)
{
	struct lb_net *ln = lb_net(genl_info_net(info));
	struct nlattr *tb[LB_SVC_A_MAX + 1];
	struct lb_svc_conf *sc;
	struct sk_buff *msg = NULL;
	int err;

	err = lb_nl_parse_svc(info, tb);
	if (err)
		return err;
	mutex_lock(&ln->lock);
	sc = lb_nl_svc(ln, info, tb);
	if (IS_ERR(sc)) {
		err = PTR_ERR(sc);
		goto unlock;
	}
	msg = nlmsg_new(NLMSG_GOODSIZE + sc->n_targets * LB_NL_TGT_SIZE,
			GFP_KERNEL);
	err = msg ? lb_nl_fill_svc(msg, genl_info_net(info), info->snd_portid,
				   info->snd_seq, 0, sc) : -ENOMEM;
unlock:
	mutex_unlock(&ln->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* cb->args[0]: services already dumped. */
static int lb_nl_svc_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct lb_net *ln = lb_net(sock_net(skb->sk));
	struct lb_svc_conf *sc;
	long i = 0;
	int err = 0;

	mutex_lock(&ln->lock);
	list_for_each_entry(sc, &ln->services, node) {
		if (i++ < cb->args[0])
			continue;
		err = lb_nl_fill_svc(skb, sock_net(skb->sk),
				     NETLINK_CB(cb->skb).portid,
				     cb->nlh->nlmsg_seq, NLM_F_MULTI, sc);
		if (err)
			break;
		cb->args[0] = i;
	}
	mutex_unlock(&ln->lock);
	/* A service too big for an empty message is an error, not a loop. */
	return err && !skb->len ? err : skb->len;
}

static int lb_nl_info_get(struct sk_buff *skb, struct genl_info *info)
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
	lb_ns_stats_read(ln, &vip_drops, &nat_drops);
	mutex_lock(&ln->lock);
	if (!nest ||
	    nla_put_u32(msg, LB_INFO_A_FLOWS, lb_flow_count(&ln->flows)) ||
	    nla_put_u32(msg, LB_INFO_A_FLOW_MAX, ln->flows.max) ||
	    nla_put_u32(msg, LB_INFO_A_TIMEOUT_TCP, lb_defaults.timeout_tcp) ||
	    nla_put_u32(msg, LB_INFO_A_TIMEOUT_TCP_SYN,
			lb_defaults.timeout_tcp_syn) ||
	    nla_put_u32(msg, LB_INFO_A_TIMEOUT_TCP_CLOSE,
			lb_defaults.timeout_tcp_close) ||
	    nla_put_u32(msg, LB_INFO_A_TIMEOUT_UDP, lb_defaults.timeout_udp) ||
	    nla_put_u32(msg, LB_INFO_A_TIMEOUT_OTHER,
			lb_defaults.timeout_other) ||
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

/* Flow dumps walk the table with an iterator kept across calls. */
static int lb_nl_flow_start(struct netlink_callback *cb)
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

static int lb_nl_flow_done(struct netlink_callback *cb)
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

static int lb_nl_flow_dump(struct sk_buff *skb, struct netlink_callback *cb)
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

/* Events */

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

static int lb_nl_event_fill(struct sk_buff *skb, const struct lb_net *ln,
			    u8 cmd, const struct lb_svc_conf *sc,
			    const struct lb_tgt_conf *tc, unsigned int what)
{
	void *hdr = genlmsg_put(skb, 0, 0, &lb_genl_family, 0, cmd);

	if (!hdr ||
	    (sc && lb_nl_put_svc(skb, ln->net, sc,
				 what & LB_EV_TARGETS ? LB_NL_TARGETS : 0)) ||
	    (sc && (what & LB_EV_WEIGHTS) && lb_nl_put_weights(skb, sc)) ||
	    (tc && lb_nl_put_tgt(skb, ln->net, tc, sc->m.family, NULL)) ||
	    (cmd == LB_CMD_RESTORE && lb_nl_put_services(skb, ln)))
		return -EMSGSIZE;
	genlmsg_end(skb, hdr);
	return 0;
}

/**
 * lb_nl_event_build() - the event that tells of a change
 * @ln: namespace state, locked; its namespace names the interfaces
 * @cmd: the change (enum lb_cmd)
 * @sc: the service it is about, or NULL (LB_CMD_FLOW_FLUSH, LB_CMD_RESTORE)
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

/*
 * lb_nl_event_build()'s event if anyone listens, else NULL: nothing is
 * built for nobody.  Made before a deletion, sent (or dropped) after it
 * by lb_nl_event_send().
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

/*
 * Sends @ev, from lb_nl_event_new(), if the change it tells of was made
 * (!@err), and frees it if not.  A listener's full socket is its loss
 * (it reads ENOBUFS), never the change's.
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

/* Tells the events group of a change just made. */
void lb_nl_notify(struct lb_net *ln, u8 cmd, const struct lb_svc_conf *sc,
		  const struct lb_tgt_conf *tc, unsigned int what)
{
	lb_nl_event_send(ln, lb_nl_event_new(ln, cmd, sc, tc, what), 0);
}

static const struct genl_ops lb_genl_ops[] = {
	{
		.cmd = LB_CMD_SVC_GET,
		.doit = lb_nl_svc_get,
		.dumpit = lb_nl_svc_dump,
	},
	{
		.cmd = LB_CMD_SVC_NEW,
		.doit = lb_nl_svc_new,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = LB_CMD_SVC_DEL,
		.doit = lb_nl_svc_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = LB_CMD_SVC_SET,
		.doit = lb_nl_svc_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = LB_CMD_TGT_NEW,
		.doit = lb_nl_tgt_new,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = LB_CMD_TGT_DEL,
		.doit = lb_nl_tgt_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = LB_CMD_TGT_SET,
		.doit = lb_nl_tgt_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		/* Flows reveal who talks to whom: admin only, as conntrack. */
		.cmd = LB_CMD_FLOW_GET,
		.start = lb_nl_flow_start,
		.dumpit = lb_nl_flow_dump,
		.done = lb_nl_flow_done,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = LB_CMD_FLOW_FLUSH,
		.doit = lb_nl_flow_flush,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = LB_CMD_INFO_GET,
		.doit = lb_nl_info_get,
	},
	{
		.cmd = LB_CMD_RESTORE,
		.doit = lb_nl_restore,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family lb_genl_family __ro_after_init = {
	.name = LB_GENL_NAME,
	.version = LB_GENL_VERSION,
	.maxattr = LB_A_MAX,
	.policy = lb_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = lb_genl_ops,
	.n_ops = ARRAY_SIZE(lb_genl_ops),
	.mcgrps = lb_mcgrps,
	.n_mcgrps = ARRAY_SIZE(lb_mcgrps),
};

int lb_genl_register(void)
{
	return genl_register_family(&lb_genl_family);
}

void lb_genl_unregister(void)
{
	genl_unregister_family(&lb_genl_family);
}
