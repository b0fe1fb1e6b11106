// SPDX-License-Identifier: GPL-2.0
/*
 * lb KUnit: LB_CMD_SVC_GET dumps, driven part by part as netlink drives
 * them (lb_nl_svc_dump_ln()), in parts as small as a fresh socket's first
 * (NLMSG_GOODSIZE) and as large as netlink makes them (32 KiB).  Every
 * service comes whole, once, in order: one message when it fits one,
 * else split by target (LB_SVC_A_TGT_FIRST) with its counters in its
 * last message, up to LB_TARGETS_MAX paths or IPv6 backends.  A dump
 * during which services or targets are deleted is complete or flagged
 * NLM_F_DUMP_INTR (on a message or on NLMSG_DONE), never silently short.
 * Services here are 10.0.0.0/8, TCP, a port of their own that names them.
 */
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/tcp.h>
#include "netlink.h"
#include "util.h"

#define NSVC		8	/* services of the race tests */
#define NPATHS		10	/* paths each: a few services a part */
#define PORT0		1000
#define PART_MAX	SKB_WITH_OVERHEAD(32768)	/* netlink's largest part */

struct seen_svc {
	u16 port;
	u32 ntgt;
	u32 ids[LB_TARGETS_MAX];
	unsigned int msgs;
	bool stats;
};

/* What a dump showed. */
struct seen {
	struct seen_svc svc[NSVC + 2];
	unsigned int nsvc;
	unsigned int parts;
	bool intr;		/* NLM_F_DUMP_INTR on a message or on DONE */
};

/* A change made between two parts of a dump. */
struct race {
	unsigned int after;	/* after this part (0: the first) */
	u16 port;		/* of the service */
	enum { DEL_SVC, DEL_TGT, DEL_TGTS } del;	/* it, a target, all */
};

static struct lb_svc_conf *svc_of(struct lb_net *ln, u16 port)
{
	struct lb_svc_conf *sc;

	list_for_each_entry(sc, &ln->services, node)
		if (ntohs(sc->m.dport) == port)
			return sc;
	return NULL;
}

static void race_run(struct kunit *test, struct lb_net *ln,
		     const struct race *r)
{
	struct lb_svc_conf *sc;
	struct lb_tgt_conf *tc;

	mutex_lock(&ln->lock);
	sc = svc_of(ln, r->port);
	KUNIT_ASSERT_NOT_NULL(test, sc);
	if (r->del == DEL_SVC)
		KUNIT_EXPECT_EQ(test, lb_svc_del(ln, sc), 0);
	while (r->del != DEL_SVC && sc->n_targets) {
		tc = list_first_entry(&sc->targets, struct lb_tgt_conf, node);
		KUNIT_EXPECT_EQ(test, lb_tgt_del(ln, sc, tc), 0);
		if (r->del == DEL_TGT)
			break;
	}
	mutex_unlock(&ln->lock);
}

/* A service 10.0.0.0/8 tcp @port, with @n paths. */
static struct lb_svc_conf *add_svc(struct kunit *test, struct lb_net *ln,
				   u16 port, unsigned int n)
{
	struct lb_svc_conf *sc;
	struct lb_match m;
	union lb_addr a;
	unsigned int i;

	lb_test_addr(&a, AF_INET, 0x0a000000);
	KUNIT_ASSERT_EQ(test, lb_match_init(&m, AF_INET, &a, 8, NULL, 0,
					    IPPROTO_TCP, htons(port), NULL,
					    NULL), 0);
	mutex_lock(&ln->lock);
	KUNIT_ASSERT_EQ(test, lb_svc_add(ln, &m, LB_MODE_FLOW, LB_SCHED_WRR,
					 1000, false, NULL), 0);
	sc = svc_of(ln, port);
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, lb_tgt_add(ln, sc, 0x80000000 + i, ~0U,
						 LB_WEIGHT_MAX, NULL), 0);
	mutex_unlock(&ln->lock);
	return sc;
}

static void nested(struct kunit *test, const struct nlattr *nla, int max,
		   struct nlattr **tb)
{
	KUNIT_ASSERT_EQ(test, nla_parse_nested_deprecated(tb, max, nla, NULL,
							  NULL), 0);
}

/* The messages of one part into @s, checked as a reader checks them. */
static void part_read(struct kunit *test, const struct sk_buff *skb,
		      struct seen *s)
{
	struct nlattr *tb[LB_A_MAX + 1], *ts[LB_SVC_A_MAX + 1];
	struct nlattr *tt[LB_TGT_A_MAX + 1];
	const struct nlmsghdr *nlh;
	const struct genlmsghdr *gh;
	const struct nlattr *a;
	struct seen_svc *svc;
	int rem, arem;
	u16 port;

	nlmsg_for_each_msg(nlh, (struct nlmsghdr *)skb->data, skb->len, rem) {
		KUNIT_EXPECT_TRUE(test, nlh->nlmsg_flags & NLM_F_MULTI);
		KUNIT_EXPECT_EQ(test, nlh->nlmsg_seq, 7U);
		/* A reader stops at it, and reads nothing more of the dump. */
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			s->intr = true;
		if (s->intr)
			continue;
		gh = nlmsg_data(nlh);
		KUNIT_EXPECT_EQ(test, gh->cmd, LB_CMD_SVC_GET);
		KUNIT_ASSERT_EQ(test, nla_parse_deprecated(tb, LB_A_MAX,
							   genlmsg_data(gh),
							   genlmsg_len(gh),
							   NULL, NULL), 0);
		KUNIT_ASSERT_NOT_NULL(test, tb[LB_A_SVC]);
		nested(test, tb[LB_A_SVC], LB_SVC_A_MAX, ts);
		KUNIT_ASSERT_NOT_NULL(test, ts[LB_SVC_A_DPORT]);
		/* Every message has the match and the settings. */
		KUNIT_EXPECT_NOT_NULL(test, ts[LB_SVC_A_MODE]);
		KUNIT_EXPECT_NOT_NULL(test, ts[LB_SVC_A_FLOWLET_US]);
		KUNIT_ASSERT_NOT_NULL(test, ts[LB_SVC_A_TARGETS]);
		port = nla_get_u16(ts[LB_SVC_A_DPORT]);
		if (ts[LB_SVC_A_TGT_FIRST]) {
			/* The service before, from where it stopped. */
			KUNIT_ASSERT_GT(test, s->nsvc, 0U);
			svc = &s->svc[s->nsvc - 1];
			KUNIT_ASSERT_EQ(test, svc->port, port);
			KUNIT_EXPECT_EQ(test,
					nla_get_u32(ts[LB_SVC_A_TGT_FIRST]),
					svc->ntgt);
			KUNIT_EXPECT_FALSE(test, svc->stats);
		} else {
			KUNIT_ASSERT_LT(test, s->nsvc, ARRAY_SIZE(s->svc));
			svc = &s->svc[s->nsvc++];
			svc->port = port;
		}
		svc->msgs++;
		nla_for_each_nested(a, ts[LB_SVC_A_TARGETS], arem) {
			nested(test, a, LB_TGT_A_MAX, tt);
			KUNIT_ASSERT_NOT_NULL(test, tt[LB_TGT_A_ID]);
			KUNIT_EXPECT_NOT_NULL(test, tt[LB_TGT_A_STATS]);
			KUNIT_ASSERT_LT(test, svc->ntgt, (u32)LB_TARGETS_MAX);
			svc->ids[svc->ntgt++] = nla_get_u32(tt[LB_TGT_A_ID]);
		}
		/* A message that does not end its service has a target. */
		KUNIT_EXPECT_TRUE(test, ts[LB_SVC_A_STATS] ||
				  nla_len(ts[LB_SVC_A_TARGETS]));
		if (ts[LB_SVC_A_STATS])
			svc->stats = true;
	}
	KUNIT_EXPECT_EQ(test, rem, 0);
}

static void skb_release(void *skb)
{
	kfree_skb(skb);
}

/*
 * A dump of @ln in parts of @size bytes, into @s, with @r (if any) made
 * between two parts.  Return: 0, or the dump's error.
 */
static int dump(struct kunit *test, struct lb_net *ln, unsigned int size,
		const struct race *r, struct seen *s)
{
	struct netlink_callback *cb;
	struct nlmsghdr req = { .nlmsg_seq = 7 }, done = {};
	struct sk_buff *skb;
	int ret;

	memset(s, 0, sizeof(*s));
	cb = kunit_kzalloc(test, sizeof(*cb), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cb);
	cb->nlh = &req;
	cb->skb = alloc_skb(0, GFP_KERNEL);	/* the request: portid 0 */
	KUNIT_ASSERT_NOT_NULL(test, cb->skb);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, skb_release,
							cb->skb), 0);
	for (;;) {
		skb = alloc_skb(size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, skb);
		/* As netlink_dump() does: the part is @size, not more. */
		skb_reserve(skb, skb_tailroom(skb) - size);
		ret = lb_nl_svc_dump_ln(ln, skb, cb);
		if (ret > 0)
			part_read(test, skb, s);
		kfree_skb(skb);
		if (ret <= 0)
			break;
		if (r && r->after == s->parts)
			race_run(test, ln, r);
		KUNIT_ASSERT_LT(test, ++s->parts, 1000U);
	}
	lb_nl_svc_dump_done(cb);
	if (ret)
		return ret;
	/* netlink checks the NLMSG_DONE that ends the dump too. */
	nl_dump_check_consistent(cb, &done);
	if (done.nlmsg_flags & NLM_F_DUMP_INTR)
		s->intr = true;
	return 0;
}

/* @s shows every service of @ln, once, in order, with all its targets. */
static void expect_complete(struct kunit *test, struct lb_net *ln,
			    const struct seen *s, const char *what)
{
	const struct seen_svc *svc = s->svc;
	struct lb_svc_conf *sc;
	struct lb_tgt_conf *tc;
	u32 i;

	mutex_lock(&ln->lock);
	KUNIT_EXPECT_EQ_MSG(test, s->nsvc, ln->n_services, "%s", what);
	list_for_each_entry(sc, &ln->services, node) {
		if (svc == s->svc + s->nsvc)
			break;
		KUNIT_EXPECT_EQ_MSG(test, svc->port, ntohs(sc->m.dport),
				    "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, svc->ntgt, sc->n_targets, "%s: %u",
				    what, svc->port);
		KUNIT_EXPECT_TRUE_MSG(test, svc->stats, "%s: %u", what,
				      svc->port);
		i = 0;
		list_for_each_entry(tc, &sc->targets, node) {
			if (i == svc->ntgt)
				break;
			KUNIT_EXPECT_EQ_MSG(test, svc->ids[i], tc->id,
					    "%s: %u, target %u", what,
					    svc->port, i);
			i++;
		}
		svc++;
	}
	mutex_unlock(&ln->lock);
}

/*
 * LB_TARGETS_MAX paths, and LB_TARGETS_MAX IPv6 backends, between small
 * services: each comes whole, the big ones over several messages, the
 * small ones in one each.
 */
static void lb_dump_limit(struct kunit *test)
{
	static const unsigned int sizes[] = { NLMSG_GOODSIZE, PART_MAX };
	struct lb_net *ln = lb_test_net(test, 100);
	struct seen *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct lb_svc_conf *sc;
	unsigned int k, i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	add_svc(test, ln, PORT0, 1);
	add_svc(test, ln, PORT0 + 1, LB_TARGETS_MAX);
	sc = lb_test_add_vip(test, ln, AF_INET6, IPPROTO_TCP, 0x64, PORT0 + 2,
			     -1);
	for (i = 0; i < LB_TARGETS_MAX; i++)
		lb_test_add_backend(test, ln, sc, 0xffff0000 + i, 65535,
				    LB_WEIGHT_MAX);
	add_svc(test, ln, PORT0 + 3, 2);

	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		KUNIT_ASSERT_EQ(test, dump(test, ln, sizes[k], NULL, s), 0);
		KUNIT_EXPECT_FALSE(test, s->intr);
		expect_complete(test, ln, s, "limit");
		KUNIT_ASSERT_EQ(test, s->nsvc, 4U);
		KUNIT_EXPECT_EQ(test, s->svc[0].msgs, 1U);
		KUNIT_EXPECT_GT(test, s->svc[1].msgs, 1U);
		KUNIT_EXPECT_GT(test, s->svc[2].msgs, 1U);
		KUNIT_EXPECT_EQ(test, s->svc[3].msgs, 1U);
		kunit_info(test, "parts of %u bytes: %u; messages %u and %u",
			   sizes[k], s->parts, s->svc[1].msgs, s->svc[2].msgs);
	}
}

/*
 * A service that fits a part is one message, whatever came before it in
 * the part: services of 10 to 80 paths, several parts of 32 KiB.
 */
static void lb_dump_whole(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 100);
	struct seen *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	for (i = 0; i < NSVC; i++)
		add_svc(test, ln, PORT0 + i, NPATHS * (i + 1));
	KUNIT_ASSERT_EQ(test, dump(test, ln, PART_MAX, NULL, s), 0);
	KUNIT_EXPECT_FALSE(test, s->intr);
	KUNIT_EXPECT_GT(test, s->parts, 1U);
	expect_complete(test, ln, s, "whole");
	for (i = 0; i < s->nsvc; i++)
		KUNIT_EXPECT_EQ_MSG(test, s->svc[i].msgs, 1U, "service %u",
				    i);
}

/*
 * Every service, its first target, or all its targets, deleted after
 * every part (the service in the middle is split, so its targets go
 * behind and ahead of where the dump is): a dump that is not flagged is
 * complete, exactly the configuration at its end, never short, and none
 * fails; a dump again after a flagged one is complete and not flagged.
 */
static void lb_dump_race(struct kunit *test)
{
	struct seen *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	unsigned int i, j, intr = 0, runs = 0;
	static const char *const dels[] = {
		[DEL_SVC] = "service", [DEL_TGT] = "a target of",
		[DEL_TGTS] = "the targets of",
	};
	struct race r;
	struct lb_net *ln;
	char what[64];

	KUNIT_ASSERT_NOT_NULL(test, s);
	for (i = 0; i < 3 * NSVC; i++) {
		r.port = PORT0 + i / 3;
		r.del = i % 3;
		for (r.after = 0;; r.after++) {
			ln = lb_test_net(test, 100);
			for (j = 0; j < NSVC; j++)
				add_svc(test, ln, PORT0 + j,
					j == NSVC / 2 ? 60 : NPATHS);
			KUNIT_ASSERT_EQ(test, dump(test, ln, NLMSG_GOODSIZE,
						   &r, s), 0);
			runs++;
			j = s->parts;
			snprintf(what, sizeof(what), "%s %u after part %u",
				 dels[r.del], r.port, r.after);
			if (s->intr) {
				intr++;
				KUNIT_ASSERT_EQ(test, dump(test, ln,
							   NLMSG_GOODSIZE,
							   NULL, s), 0);
				KUNIT_EXPECT_FALSE_MSG(test, s->intr, "%s",
						       what);
			}
			expect_complete(test, ln, s, what);
			/* No part was left to delete after. */
			if (r.after >= j)
				break;
		}
	}
	kunit_info(test, "%u dumps with a deletion, %u flagged", runs, intr);
	KUNIT_EXPECT_GT(test, intr, 0U);
}

static struct kunit_case lb_dump_cases[] = {
	KUNIT_CASE(lb_dump_limit),
	KUNIT_CASE(lb_dump_whole),
	KUNIT_CASE(lb_dump_race),
	{}
};

static struct kunit_suite lb_dump_suite = {
	.name = "lb_dump",
	.test_cases = lb_dump_cases,
};

kunit_test_suite(lb_dump_suite);
