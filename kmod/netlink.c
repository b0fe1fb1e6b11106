// SPDX-License-Identifier: GPL-2.0
/*
 * lb: the generic netlink family "lb" (include/uapi/linux/lb.h): its
 * policies, the parsing its requests share, its operations, registration.
 *
 * Policies check types and lengths; the handlers check meaning and say
 * what is wrong through extack.  A request is parsed and checked whole
 * before anything changes, and service.c undoes a change it cannot
 * publish, so a rejected request leaves the configuration as it was.
 * Every change that succeeded is then told to the events group, under the
 * lock that serialises changes, so listeners see them in their order.
 * The handlers are in nl_config.c, nl_restore.c and nl_dump.c, events in
 * nl_event.c (netlink.h).
 */
#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include "netlink.h"

#define LB_REPLY_ONLY(what) \
	{ .type = NLA_REJECT, .reject_message = what " are read-only" }

const struct nla_policy lb_tgt_policy[LB_TGT_A_MAX + 1] = {
	[LB_TGT_A_ID] = { .type = NLA_U32 },
	[LB_TGT_A_MARK] = { .type = NLA_U32 },
	[LB_TGT_A_MASK] = { .type = NLA_U32 },
	[LB_TGT_A_MASK_AUTO] = { .type = NLA_FLAG },
	[LB_TGT_A_WEIGHT] = { .type = NLA_U32 },
	[LB_TGT_A_STATS] = LB_REPLY_ONLY("counters"),
	[LB_TGT_A_ADDR] = { .type = NLA_BINARY, .len = 16 },
	[LB_TGT_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[LB_TGT_A_DOWN] = LB_REPLY_ONLY("reachability flags"),
	[LB_TGT_A_IFNAME] = LB_REPLY_ONLY("route interfaces"),
};

const struct nla_policy lb_svc_policy[LB_SVC_A_MAX + 1] = {
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
	[LB_SVC_A_TGT_FIRST] = LB_REPLY_ONLY("dump positions"),
	[LB_SVC_A_FWD] = { .type = NLA_U8 },
};

/**
 * lb_nl_fwd() - the forwarding method a new service asks for
 * @tb: its parsed LB_A_SVC
 * @extack: where a rejection is explained
 *
 * LB_SVC_A_FWD, or LB_SVC_A_NAT (older lbctl), which must agree if both
 * are given; neither is LB_FWD_MARK.  lb_svc_conf_new() checks the range.
 * Return: enum lb_fwd, or -EINVAL.
 */
int lb_nl_fwd(struct nlattr **tb, struct netlink_ext_ack *extack)
{
	if (!tb[LB_SVC_A_FWD])
		return tb[LB_SVC_A_NAT] ? LB_FWD_NAT : LB_FWD_MARK;
	if (tb[LB_SVC_A_NAT] && nla_get_u8(tb[LB_SVC_A_FWD]) != LB_FWD_NAT) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LB_SVC_A_FWD],
				    "the nat flag and the forwarding method disagree");
		return -EINVAL;
	}
	return nla_get_u8(tb[LB_SVC_A_FWD]);
}

/* Not const: before 6.2, struct nla_policy points to them without it. */
static struct netlink_range_validation lb_timeout_range = {
	.min = 1,
	.max = LB_TIMEOUT_MAX,
};

static struct netlink_range_validation lb_flowlet_range = {
	.min = LB_FLOWLET_US_MIN,
	.max = LB_FLOWLET_US_MAX,
};

/* The tunables (tune.c); the rest of LB_A_INFO is figures. */
static const struct nla_policy lb_info_policy[LB_INFO_A_MAX + 1] = {
	[LB_INFO_A_FLOWS] = LB_REPLY_ONLY("figures"),
	[LB_INFO_A_FLOW_MAX] = NLA_POLICY_MIN(NLA_U32, 1),
	[LB_INFO_A_TIMEOUT_TCP] = NLA_POLICY_FULL_RANGE(NLA_U32,
							&lb_timeout_range),
	[LB_INFO_A_TIMEOUT_TCP_SYN] = NLA_POLICY_FULL_RANGE(NLA_U32,
							    &lb_timeout_range),
	[LB_INFO_A_TIMEOUT_TCP_CLOSE] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &lb_timeout_range),
	[LB_INFO_A_TIMEOUT_UDP] = NLA_POLICY_FULL_RANGE(NLA_U32,
							&lb_timeout_range),
	[LB_INFO_A_TIMEOUT_OTHER] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &lb_timeout_range),
	[LB_INFO_A_SERVICES] = LB_REPLY_ONLY("figures"),
	[LB_INFO_A_VIP_DROPS] = LB_REPLY_ONLY("counters"),
	[LB_INFO_A_NAT_DROPS] = LB_REPLY_ONLY("counters"),
	[LB_INFO_A_EVENT_DROPS] = LB_REPLY_ONLY("counters"),
	[LB_INFO_A_FLOW_MAX_TOTAL] = LB_REPLY_ONLY("module parameters"),
	[LB_INFO_A_FLOWLET_US] = NLA_POLICY_FULL_RANGE(NLA_U32,
						       &lb_flowlet_range),
};

/* The timeouts' attributes in LB_A_INFO, by enum lb_timeout. */
const u16 lb_timeout_attrs[LB_TO_N] = {
	[LB_TO_TCP] = LB_INFO_A_TIMEOUT_TCP,
	[LB_TO_TCP_SYN] = LB_INFO_A_TIMEOUT_TCP_SYN,
	[LB_TO_TCP_CLOSE] = LB_INFO_A_TIMEOUT_TCP_CLOSE,
	[LB_TO_UDP] = LB_INFO_A_TIMEOUT_UDP,
	[LB_TO_OTHER] = LB_INFO_A_TIMEOUT_OTHER,
};

/**
 * lb_nl_tunables() - the tunables an LB_A_INFO sets
 * @nla: the LB_A_INFO (validated by the family's policy)
 * @t: the tunables, changed where @nla gives a value
 * @extack: where a rejection is explained
 *
 * Return: 0, or a negative errno (explained); lb_tunables_check() is the
 * caller's, against the module's bounds.
 */
int lb_nl_tunables(const struct nlattr *nla, struct lb_tunables *t,
		   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[LB_INFO_A_MAX + 1];
	int err, i;

	err = nla_parse_nested(tb, LB_INFO_A_MAX, nla, lb_info_policy, extack);
	if (err)
		return err;
	t->flow_max = lb_nla_u32(tb[LB_INFO_A_FLOW_MAX], t->flow_max);
	for (i = 0; i < LB_TO_N; i++)
		t->timeout[i] = lb_nla_u32(tb[lb_timeout_attrs[i]],
					   t->timeout[i]);
	t->flowlet_us = lb_nla_u32(tb[LB_INFO_A_FLOWLET_US], t->flowlet_us);
	return 0;
}

static const struct nla_policy lb_policy[LB_A_MAX + 1] = {
	[LB_A_SVC] = NLA_POLICY_NESTED(lb_svc_policy),
	[LB_A_TGT] = NLA_POLICY_NESTED(lb_tgt_policy),
	[LB_A_WEIGHTS] = { .type = NLA_NESTED },
	[LB_A_WEIGHT] = { .type = NLA_REJECT,
			  .reject_message = "weights go inside LB_A_WEIGHTS" },
	[LB_A_FLOW] = LB_REPLY_ONLY("flows"),
	[LB_A_INFO] = NLA_POLICY_NESTED(lb_info_policy),
	[LB_A_SVCS] = NLA_POLICY_NESTED_ARRAY(lb_svc_policy),
};

/* Anyone may listen: events show what a dump shows anyone (lb.h). */
static const struct genl_multicast_group lb_mcgrps[] = {
	[LB_NL_GRP_EVENTS] = { .name = LB_MCGRP_EVENTS },
};

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

/**
 * lb_nl_match() - the match of an LB_A_SVC
 * @tb: its attributes (all NULL: the catch-all)
 * @m: the match
 * @extack: where a rejection is explained
 *
 * Return: 0, or a negative errno (explained).
 */
int lb_nl_match(struct nlattr **tb, struct lb_match *m,
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

/**
 * lb_nl_parse_svc() - the attributes of a request's LB_A_SVC
 * @nla: the LB_A_SVC, or NULL (then @tb is all NULL)
 * @tb: its attributes, LB_SVC_A_MAX + 1 of them
 * @extack: where a rejection is explained
 *
 * Targets are refused: only LB_CMD_RESTORE takes them (nl_restore.c).
 * Return: 0, or a negative errno (explained).
 */
int lb_nl_parse_svc(const struct nlattr *nla, struct nlattr **tb,
		    struct netlink_ext_ack *extack)
{
	int err;

	memset(tb, 0, sizeof(*tb) * (LB_SVC_A_MAX + 1));
	if (!nla)
		return 0;
	err = nla_parse_nested(tb, LB_SVC_A_MAX, nla, lb_svc_policy, extack);
	if (!err && tb[LB_SVC_A_TARGETS]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LB_SVC_A_TARGETS],
				    "targets come one by one (path add, backend add) or with a whole configuration (restore)");
		err = -EINVAL;
	}
	return err;
}

/**
 * lb_nl_svc() - the service a request names
 * @ln: namespace state, locked
 * @nla: the request's LB_A_SVC, or NULL
 * @tb: its attributes (lb_nl_parse_svc())
 * @extack: where a rejection is explained
 *
 * The service whose match @tb gives with LB_SVC_A_FAMILY (0 for the
 * catch-all), or else the namespace's only one.
 * Return: the service, or ERR_PTR() of a negative errno (explained).
 */
struct lb_svc_conf *lb_nl_svc(struct lb_net *ln, const struct nlattr *nla,
			      struct nlattr **tb,
			      struct netlink_ext_ack *extack)
{
	struct lb_svc_conf *sc;
	struct lb_match m;
	int err;

	lockdep_assert_held(&ln->lock);
	if (!tb[LB_SVC_A_FAMILY] &&
	    (tb[LB_SVC_A_DADDR] || tb[LB_SVC_A_DPLEN] || tb[LB_SVC_A_SADDR] ||
	     tb[LB_SVC_A_SPLEN] || tb[LB_SVC_A_PROTO] || tb[LB_SVC_A_DPORT] ||
	     tb[LB_SVC_A_IIFNAME])) {
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "name a service with its family (0: any)");
		return ERR_PTR(-EINVAL);
	}
	if (!tb[LB_SVC_A_FAMILY]) {
		if (ln->n_services == 1)
			return list_first_entry(&ln->services,
						struct lb_svc_conf, node);
		if (ln->n_services)
			NL_SET_ERR_MSG(extack,
				       "several services: name one with vip");
		else
			NL_SET_ERR_MSG(extack,
				       "no service: add one with vip add");
		return ERR_PTR(-ENOENT);
	}
	err = lb_nl_match(tb, &m, extack);
	if (err)
		return ERR_PTR(err);
	sc = lb_svc_conf_find(ln, &m);
	if (!sc) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "no such service");
		return ERR_PTR(-ENOENT);
	}
	return sc;
}

/**
 * lb_nl_backend() - a backend's address and port, which must come together
 * @sc: its service, whose family the address must have
 * @tb: the attributes of its LB_A_TGT
 * @addr: the address
 * @port: the port
 * @extack: where a rejection is explained
 *
 * Return: 0, or a negative errno (explained).
 */
int lb_nl_backend(const struct lb_svc_conf *sc, struct nlattr **tb,
		  union lb_addr *addr, __be16 *port,
		  struct netlink_ext_ack *extack)
{
	if (!tb[LB_TGT_A_ADDR] != !tb[LB_TGT_A_PORT]) {
		NL_SET_ERR_MSG(extack, "a backend needs an address and a port");
		return -EINVAL;
	}
	if (tb[LB_TGT_A_MARK] || tb[LB_TGT_A_MASK] || tb[LB_TGT_A_MASK_AUTO]) {
		NL_SET_ERR_MSG(extack, "a backend has no mark or mask");
		return -EINVAL;
	}
	*port = htons(nla_get_u16(tb[LB_TGT_A_PORT]));
	return lb_nl_addr(tb[LB_TGT_A_ADDR], sc->m.family, addr, extack);
}

/**
 * lb_nl_mask() - a path's mask, as lb_tgt_add() and lb_tgt_update() take it
 * @tb: the attributes of its LB_A_TGT
 * @none: what giving neither LB_TGT_A_MASK nor LB_TGT_A_MASK_AUTO means
 *
 * LB_TGT_A_MASK_AUTO wins over LB_TGT_A_MASK, which replies give with it
 * as the mask in force: a reply's target is a valid request (restore).
 * Return: the mask, @none, or LB_MASK_AUTO.
 */
s64 lb_nl_mask(struct nlattr **tb, s64 none)
{
	if (tb[LB_TGT_A_MASK_AUTO])
		return LB_MASK_AUTO;
	return tb[LB_TGT_A_MASK] ? nla_get_u32(tb[LB_TGT_A_MASK]) : none;
}

static const struct genl_ops lb_genl_ops[] = {
	{
		.cmd = LB_CMD_SVC_GET,
		.doit = lb_nl_svc_get,
		.dumpit = lb_nl_svc_dump,
		.done = lb_nl_svc_dump_done,
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
		.cmd = LB_CMD_STATS_RESET,
		.doit = lb_nl_stats_reset,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = LB_CMD_INFO_GET,
		.doit = lb_nl_info_get,
	},
	{
		.cmd = LB_CMD_INFO_SET,
		.doit = lb_nl_info_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = LB_CMD_RESTORE,
		.doit = lb_nl_restore,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

struct genl_family lb_genl_family __ro_after_init = {
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

/**
 * lb_genl_register() - register the family, at module load
 *
 * Return: 0, or a negative errno.
 */
int lb_genl_register(void)
{
	return genl_register_family(&lb_genl_family);
}

/**
 * lb_genl_unregister() - unregister the family, at module unload
 */
void lb_genl_unregister(void)
{
	genl_unregister_family(&lb_genl_family);
}
