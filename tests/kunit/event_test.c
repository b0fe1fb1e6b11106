// SPDX-License-Identifier: GPL-2.0
/*
 * lb KUnit: the events of the multicast group LB_MCGRP_EVENTS, as
 * lb_nl_event_build() makes them.  Each carries its change's command and
 * the service and target in the attributes replies use, without counters;
 * the weights only when they were set; nothing for a flush; the number of
 * services for a restore.  Each fits the room computed for it, up to the
 * largest service there can be (lb_nl_event_build() refuses, and WARNs,
 * an event that does not).
 */
#include <net/genetlink.h>
#include <net/tcp.h>
#include "util.h"

#define VIP	0x0a000064
#define VPORT	80
#define BE	0x0a090001

static void skb_release(void *skb)
{
	kfree_skb(skb);
}

/* @cmd's event, checked as a message; its top-level attributes in @tb. */
static void event(struct kunit *test, struct lb_net *ln, u8 cmd,
		  const struct lb_svc_conf *sc, const struct lb_tgt_conf *tc,
		  unsigned int what, struct nlattr **tb)
{
	const struct genlmsghdr *gh;
	const struct nlmsghdr *nlh;
	struct sk_buff *skb;

	mutex_lock(&ln->lock);
	skb = lb_nl_event_build(ln, cmd, sc, tc, what);
	mutex_unlock(&ln->lock);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(skb), "cmd %u: %ld", cmd,
			       PTR_ERR(skb));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, skb_release,
							skb), 0);
	nlh = nlmsg_hdr(skb);
	KUNIT_ASSERT_EQ(test, nlh->nlmsg_len, skb->len);
	KUNIT_EXPECT_EQ(test, nlh->nlmsg_pid, 0U);
	KUNIT_EXPECT_EQ(test, nlh->nlmsg_seq, 0U);
	gh = nlmsg_data(nlh);
	KUNIT_EXPECT_EQ(test, gh->cmd, cmd);
	KUNIT_EXPECT_EQ(test, gh->version, LB_GENL_VERSION);
	KUNIT_ASSERT_EQ(test, nla_parse_deprecated(tb, LB_A_MAX,
						   genlmsg_data(gh),
						   genlmsg_len(gh), NULL,
						   NULL), 0);
}

static void nested(struct kunit *test, const struct nlattr *nla, int max,
		   struct nlattr **tb)
{
	KUNIT_ASSERT_NOT_NULL(test, nla);
	KUNIT_ASSERT_EQ(test, nla_parse_nested_deprecated(tb, max, nla, NULL,
							  NULL), 0);
}

/* The LB_A_TGT nests of @nla (LB_SVC_A_TARGETS); their weights in @w. */
static int targets(struct kunit *test, const struct nlattr *nla, u32 *w,
		   int max)
{
	struct nlattr *tt[LB_TGT_A_MAX + 1];
	const struct nlattr *a;
	int rem, n = 0;

	nla_for_each_nested(a, nla, rem) {
		KUNIT_EXPECT_EQ(test, nla_type(a), LB_A_TGT);
		nested(test, a, LB_TGT_A_MAX, tt);
		KUNIT_EXPECT_NULL(test, tt[LB_TGT_A_STATS]);
		KUNIT_ASSERT_NOT_NULL(test, tt[LB_TGT_A_WEIGHT]);
		if (n < max)
			w[n] = nla_get_u32(tt[LB_TGT_A_WEIGHT]);
		n++;
	}
	return n;
}

/* Path events: the service without its targets, the target, no counters. */
static void lb_event_path(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 100);
	struct nlattr *tb[LB_A_MAX + 1], *ts[LB_SVC_A_MAX + 1];
	struct nlattr *tt[LB_TGT_A_MAX + 1];
	struct net_device *lo = init_net.loopback_dev;
	struct lb_svc_conf *sc;
	struct lb_tgt_conf *tc;

	lb_test_add_paths(test, ln, LB_MODE_FLOWLET, (const u32[]){ 1, 3 }, 2);
	sc = lb_test_svc(ln);
	tc = list_last_entry(&sc->targets, struct lb_tgt_conf, node);

	event(test, ln, LB_CMD_TGT_NEW, sc, tc, 0, tb);
	KUNIT_EXPECT_NULL(test, tb[LB_A_WEIGHTS]);
	KUNIT_EXPECT_NULL(test, tb[LB_A_INFO]);
	nested(test, tb[LB_A_SVC], LB_SVC_A_MAX, ts);
	/* The catch-all: no match attribute at all, as in replies. */
	KUNIT_EXPECT_NULL(test, ts[LB_SVC_A_FAMILY]);
	KUNIT_EXPECT_NULL(test, ts[LB_SVC_A_DADDR]);
	KUNIT_ASSERT_NOT_NULL(test, ts[LB_SVC_A_MODE]);
	KUNIT_EXPECT_EQ(test, nla_get_u8(ts[LB_SVC_A_MODE]), LB_MODE_FLOWLET);
	KUNIT_ASSERT_NOT_NULL(test, ts[LB_SVC_A_SCHED]);
	KUNIT_EXPECT_EQ(test, nla_get_u8(ts[LB_SVC_A_SCHED]), LB_SCHED_WRR);
	KUNIT_ASSERT_NOT_NULL(test, ts[LB_SVC_A_FLOWLET_US]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(ts[LB_SVC_A_FLOWLET_US]), 1000U);
	KUNIT_EXPECT_NULL(test, ts[LB_SVC_A_TARGETS]);
	KUNIT_EXPECT_NULL(test, ts[LB_SVC_A_STATS]);
	KUNIT_EXPECT_NULL(test, ts[LB_SVC_A_NAT]);
	KUNIT_ASSERT_NOT_NULL(test, ts[LB_SVC_A_FWD]);
	KUNIT_EXPECT_EQ(test, nla_get_u8(ts[LB_SVC_A_FWD]), LB_FWD_MARK);
	nested(test, tb[LB_A_TGT], LB_TGT_A_MAX, tt);
	KUNIT_ASSERT_NOT_NULL(test, tt[LB_TGT_A_ID]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tt[LB_TGT_A_ID]), tc->id);
	KUNIT_ASSERT_NOT_NULL(test, tt[LB_TGT_A_MARK]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tt[LB_TGT_A_MARK]), 2U);
	KUNIT_ASSERT_NOT_NULL(test, tt[LB_TGT_A_MASK]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tt[LB_TGT_A_MASK]), ~0U);
	KUNIT_ASSERT_NOT_NULL(test, tt[LB_TGT_A_WEIGHT]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tt[LB_TGT_A_WEIGHT]), 3U);
	KUNIT_EXPECT_NULL(test, tt[LB_TGT_A_STATS]);
	KUNIT_EXPECT_NULL(test, tt[LB_TGT_A_ADDR]);
	KUNIT_EXPECT_NULL(test, tt[LB_TGT_A_DOWN]);

	/* Down, its route out of lo (twice: named once). */
	mutex_lock(&ln->lock);
	tc->down = 1;
	tc->ifindex[0] = lo->ifindex;
	tc->ifindex[1] = lo->ifindex;
	ln->net = &init_net;	/* for the names; nothing is published */
	mutex_unlock(&ln->lock);
	event(test, ln, LB_CMD_TGT_STATE, sc, tc, 0, tb);
	mutex_lock(&ln->lock);
	ln->net = NULL;
	mutex_unlock(&ln->lock);
	nested(test, tb[LB_A_TGT], LB_TGT_A_MAX, tt);
	KUNIT_EXPECT_NOT_NULL(test, tt[LB_TGT_A_DOWN]);
	KUNIT_ASSERT_NOT_NULL(test, tt[LB_TGT_A_IFNAME]);
	KUNIT_EXPECT_STREQ(test, (char *)nla_data(tt[LB_TGT_A_IFNAME]),
			   lo->name);
	KUNIT_EXPECT_EQ(test, nla_len(tt[LB_TGT_A_IFNAME]),
			(int)strlen(lo->name) + 1);
}

/* vip set and set-weights: the targets always, LB_A_WEIGHTS when set. */
static void lb_event_weights(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 100);
	struct nlattr *tb[LB_A_MAX + 1], *ts[LB_SVC_A_MAX + 1];
	const struct nlattr *a;
	struct lb_svc_conf *sc;
	u32 w[4];
	int rem, n = 0;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, (const u32[]){ 1, 2, 3 }, 3);
	sc = lb_test_svc(ln);

	event(test, ln, LB_CMD_SVC_SET, sc, NULL, LB_EV_TARGETS, tb);
	KUNIT_EXPECT_NULL(test, tb[LB_A_WEIGHTS]);
	KUNIT_EXPECT_NULL(test, tb[LB_A_TGT]);
	nested(test, tb[LB_A_SVC], LB_SVC_A_MAX, ts);
	KUNIT_EXPECT_NULL(test, ts[LB_SVC_A_STATS]);
	KUNIT_ASSERT_NOT_NULL(test, ts[LB_SVC_A_TARGETS]);
	KUNIT_EXPECT_EQ(test, targets(test, ts[LB_SVC_A_TARGETS], w, 4), 3);
	KUNIT_EXPECT_EQ(test, w[0], 1U);
	KUNIT_EXPECT_EQ(test, w[2], 3U);

	event(test, ln, LB_CMD_SVC_SET, sc, NULL,
	      LB_EV_TARGETS | LB_EV_WEIGHTS, tb);
	KUNIT_ASSERT_NOT_NULL(test, tb[LB_A_WEIGHTS]);
	nla_for_each_nested(a, tb[LB_A_WEIGHTS], rem) {
		KUNIT_EXPECT_EQ(test, nla_type(a), LB_A_WEIGHT);
		KUNIT_EXPECT_EQ(test, nla_get_u32(a), (u32)n + 1);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, 3);
}

/* A flush says nothing more; a restore, how many services there are now. */
static void lb_event_namespace(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 100);
	struct nlattr *tb[LB_A_MAX + 1], *ti[LB_INFO_A_MAX + 1];
	int i;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, (const u32[]){ 1 }, 1);
	lb_test_add_vip(test, ln, AF_INET, IPPROTO_TCP, VIP, VPORT, -1);
	event(test, ln, LB_CMD_FLOW_FLUSH, NULL, NULL, 0, tb);
	for (i = 0; i <= LB_A_MAX; i++)
		KUNIT_EXPECT_NULL(test, tb[i]);
	event(test, ln, LB_CMD_RESTORE, NULL, NULL, 0, tb);
	KUNIT_EXPECT_NULL(test, tb[LB_A_SVC]);
	nested(test, tb[LB_A_INFO], LB_INFO_A_MAX, ti);
	KUNIT_ASSERT_NOT_NULL(test, ti[LB_INFO_A_SERVICES]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(ti[LB_INFO_A_SERVICES]), 2U);
}

/* A backend's event: its VIP's match and NAT flag, its address and port. */
static void lb_event_backend(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 100);
	struct nlattr *tb[LB_A_MAX + 1], *ts[LB_SVC_A_MAX + 1];
	struct nlattr *tt[LB_TGT_A_MAX + 1];
	struct lb_svc_conf *sc;
	struct lb_tgt_conf *tc;
	__be32 addr;

	sc = lb_test_add_vip(test, ln, AF_INET, IPPROTO_TCP, VIP, VPORT, -1);
	tc = lb_test_add_backend(test, ln, sc, BE, 8080, 2);
	event(test, ln, LB_CMD_TGT_DEL, sc, tc, 0, tb);
	nested(test, tb[LB_A_SVC], LB_SVC_A_MAX, ts);
	KUNIT_EXPECT_NOT_NULL(test, ts[LB_SVC_A_NAT]);
	KUNIT_ASSERT_NOT_NULL(test, ts[LB_SVC_A_FWD]);
	KUNIT_EXPECT_EQ(test, nla_get_u8(ts[LB_SVC_A_FWD]), LB_FWD_NAT);
	KUNIT_ASSERT_NOT_NULL(test, ts[LB_SVC_A_FAMILY]);
	KUNIT_EXPECT_EQ(test, nla_get_u8(ts[LB_SVC_A_FAMILY]), AF_INET);
	KUNIT_ASSERT_NOT_NULL(test, ts[LB_SVC_A_DADDR]);
	KUNIT_EXPECT_EQ(test, nla_get_in_addr(ts[LB_SVC_A_DADDR]),
			htonl(VIP));
	KUNIT_ASSERT_NOT_NULL(test, ts[LB_SVC_A_DPORT]);
	KUNIT_EXPECT_EQ(test, nla_get_u16(ts[LB_SVC_A_DPORT]), VPORT);
	KUNIT_ASSERT_NOT_NULL(test, ts[LB_SVC_A_PROTO]);
	KUNIT_EXPECT_EQ(test, nla_get_u8(ts[LB_SVC_A_PROTO]), IPPROTO_TCP);
	/* After its first backend: flow and maglev. */
	KUNIT_EXPECT_EQ(test, nla_get_u8(ts[LB_SVC_A_MODE]), LB_MODE_FLOW);
	KUNIT_EXPECT_EQ(test, nla_get_u8(ts[LB_SVC_A_SCHED]), LB_SCHED_MAGLEV);
	nested(test, tb[LB_A_TGT], LB_TGT_A_MAX, tt);
	KUNIT_ASSERT_NOT_NULL(test, tt[LB_TGT_A_ADDR]);
	KUNIT_EXPECT_EQ(test, nla_len(tt[LB_TGT_A_ADDR]), 4);
	addr = nla_get_in_addr(tt[LB_TGT_A_ADDR]);
	KUNIT_EXPECT_EQ(test, addr, htonl(BE));
	KUNIT_ASSERT_NOT_NULL(test, tt[LB_TGT_A_PORT]);
	KUNIT_EXPECT_EQ(test, nla_get_u16(tt[LB_TGT_A_PORT]), 8080);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tt[LB_TGT_A_WEIGHT]), 2U);
	KUNIT_EXPECT_NULL(test, tt[LB_TGT_A_MARK]);
}

/*
 * The largest events there are fit their room: an IPv6 service matching
 * every field, with LB_TARGETS_MAX backends or paths, with their weights.
 */
static void lb_event_largest(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 100);
	struct nlattr *tb[LB_A_MAX + 1], *ts[LB_SVC_A_MAX + 1];
	union lb_addr vip, src, a;
	struct lb_svc_conf *sc;
	struct lb_match m[2];
	u32 w[4];
	int i, k;

	lb_test_addr(&vip, AF_INET6, VIP);
	lb_test_addr(&src, AF_INET6, 0);
	KUNIT_ASSERT_EQ(test, lb_match_init(&m[0], AF_INET6, &vip, 128, &src,
					    64, IPPROTO_TCP, htons(VPORT),
					    "abcdefghijklmno", NULL), 0);
	KUNIT_ASSERT_EQ(test, lb_match_init(&m[1], AF_INET6, &vip, 128, &src,
					    64, IPPROTO_UDP, htons(VPORT),
					    "abcdefghijklmno", NULL), 0);
	for (k = 0; k < 2; k++) {
		mutex_lock(&ln->lock);
		KUNIT_ASSERT_EQ(test, lb_svc_add(ln, &m[k], LB_MODE_FLOW,
						 LB_SCHED_WRR, 1000,
						 k ? LB_FWD_MARK : LB_FWD_NAT,
						 NULL), 0);
		sc = lb_svc_conf_find(ln, &m[k]);
		for (i = 0; i < LB_TARGETS_MAX; i++) {
			lb_test_addr(&a, AF_INET6, 0xffff0000 + i);
			KUNIT_ASSERT_EQ(test, k ?
					lb_tgt_add(ln, sc, 0x80000000 + i, ~0U,
						   LB_WEIGHT_MAX, NULL) :
					lb_backend_add(ln, sc, &a, htons(65535),
						       LB_WEIGHT_MAX, NULL),
					0);
		}
		mutex_unlock(&ln->lock);

		event(test, ln, LB_CMD_SVC_DEL, sc, NULL, LB_EV_TARGETS, tb);
		event(test, ln, LB_CMD_SVC_SET, sc, NULL,
		      LB_EV_TARGETS | LB_EV_WEIGHTS, tb);
		nested(test, tb[LB_A_SVC], LB_SVC_A_MAX, ts);
		KUNIT_EXPECT_NOT_NULL(test, ts[LB_SVC_A_IIFNAME]);
		KUNIT_EXPECT_NOT_NULL(test, ts[LB_SVC_A_SADDR]);
		KUNIT_EXPECT_EQ(test, targets(test, ts[LB_SVC_A_TARGETS], w, 4),
				LB_TARGETS_MAX);
		event(test, ln, LB_CMD_TGT_STATE, sc,
		      list_last_entry(&sc->targets, struct lb_tgt_conf, node),
		      0, tb);
	}
}

static struct kunit_case lb_event_cases[] = {
	KUNIT_CASE(lb_event_path),
	KUNIT_CASE(lb_event_weights),
	KUNIT_CASE(lb_event_namespace),
	KUNIT_CASE(lb_event_backend),
	KUNIT_CASE(lb_event_largest),
	{}
};

static struct kunit_suite lb_event_suite = {
	.name = "lb_event",
	.test_cases = lb_event_cases,
};

kunit_test_suite(lb_event_suite);
