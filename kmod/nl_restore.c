// SPDX-License-Identifier: GPL-2.0
/*
 * lb: LB_CMD_RESTORE, a whole configuration in one request.  Every
 * service and target is parsed and checked as LB_CMD_SVC_NEW and
 * LB_CMD_TGT_NEW check them, and the new configuration built beside the
 * old one (service.c), before the lock is taken to swap them.
 */
#include <net/genetlink.h>
#include <net/netlink.h>
#include "netlink.h"

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
				      lb_nl_mask(tt, LB_MASK_AUTO),
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
			     u32 flowlet_us, struct netlink_ext_ack *extack)
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
	err = lb_nl_fwd(tb, extack);
	if (err < 0)
		goto blame;
	sc = lb_restore_svc(r, &m,
			    tb[LB_SVC_A_MODE] ? nla_get_u8(tb[LB_SVC_A_MODE]) : -1,
			    tb[LB_SVC_A_SCHED] ?
			    nla_get_u8(tb[LB_SVC_A_SCHED]) : -1,
			    lb_nla_u32(tb[LB_SVC_A_FLOWLET_US],
				       flowlet_us),
			    err, extack);
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
 * built, before the lock is taken for the commit.  An LB_A_INFO sets the
 * tunables it gives with it (LB_CMD_INFO_SET).
 * Return: 0, or a negative errno and nothing changed.
 */
int lb_nl_restore_attrs(struct lb_net *ln, const struct nlattr *head, int len,
			struct netlink_ext_ack *extack)
{
	const struct nlattr *a, *s, *info = NULL;
	struct lb_tunables t;
	struct lb_restore r;
	bool seen = false;
	int rem, srem, err = 0;

	lb_restore_init(&r);
	/* The tunables first: their flowlet gap is the services' default. */
	nla_for_each_attr(a, head, len, rem) {
		if (nla_type(a) == LB_A_INFO) {
			if (info) {
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "a restore has one LB_A_INFO");
				return -EINVAL;
			}
			info = a;
		} else if (nla_type(a) != LB_A_SVCS) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "a restore carries only LB_A_SVCS and LB_A_INFO");
			return -EINVAL;
		}
	}
	lb_tunables_get(ln, &t);
	if (info) {
		err = lb_nl_tunables(info, &t, extack);
		if (!err)
			err = lb_tunables_check(&t, extack);
		if (err)
			return err;
	}
	nla_for_each_attr(a, head, len, rem) {
		if (nla_type(a) != LB_A_SVCS)
			continue;
		seen = true;
		nla_for_each_nested(s, a, srem) {
			err = lb_nl_restore_svc(&r, s, t.flowlet_us, extack);
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
	if (!err && info) {
		/* Only what the request gives: the rest may have moved since. */
		lb_tunables_get(ln, &t);
		if (!lb_nl_tunables(info, &t, NULL))
			lb_tunables_set(ln, &t);
	}
	if (!err)
		lb_nl_notify(ln, LB_CMD_RESTORE, NULL, NULL, 0);
	mutex_unlock(&ln->lock);
out:
	lb_restore_free(&r);
	return err;
}

/**
 * lb_nl_restore() - LB_CMD_RESTORE: replace the whole configuration
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, or a negative errno (explained in @info's extack).
 */
int lb_nl_restore(struct sk_buff *skb, struct genl_info *info)
{
	return lb_nl_restore_attrs(lb_net(genl_info_net(info)),
				   genlmsg_data(info->genlhdr),
				   genlmsg_len(info->genlhdr), info->extack);
}
