// SPDX-License-Identifier: GPL-2.0
/*
 * lb KUnit: LB_CMD_RESTORE, fed the attributes lbctl sends
 * (lb_nl_restore_attrs()).  A restore replaces the whole configuration;
 * services and targets it keeps keep their counters, ids and flows, on
 * paths (the hook) and backends (the VIP hooks); the ids of targets that
 * go are freed and those kept are not; a refused restore, wherever its
 * fault, changes nothing and points extack at the offending attribute.
 * Paths have marks that name them, as in util.c.
 */
#include <linux/ip.h>
#include <net/netlink.h>
#include <net/tcp.h>
#include "util.h"

#define CLIENT	0x0a000001
#define CPORT	40000
#define VIP	0x0a000064
#define VIP2	0x0a000065
#define VPORT	80
#define NET1	0x0a010000	/* 10.1.0.0/16 */
#define NET2	0x0a020000	/* 10.2.0.0/16 */

static const struct {
	u32 addr;
	u16 port;
} be[] = {
	{ 0x0a090001, 8080 },
	{ 0x0a090002, 8080 },
	{ 0x0a090003, 8081 },
};

/* A restore request's attributes, nested as lbctl nests them. */
struct req {
	struct sk_buff *skb;
	struct nlattr *svcs, *svc, *tgts;
};

static void req_free(void *skb)
{
	kfree_skb(skb);
}

static struct req *req_new(struct kunit *test)
{
	struct req *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->skb = alloc_skb(64 * 1024, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r->skb);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, req_free,
							r->skb), 0);
	r->svcs = nla_nest_start(r->skb, LB_A_SVCS);
	KUNIT_ASSERT_NOT_NULL(test, r->svcs);
	return r;
}

/* Ends the open service, and its targets. */
static void req_close(struct req *r)
{
	if (r->tgts)
		nla_nest_end(r->skb, r->tgts);
	if (r->svc)
		nla_nest_end(r->skb, r->svc);
	r->tgts = NULL;
	r->svc = NULL;
}

/* Ends LB_A_SVCS; the next service starts another (they are <= 64 KiB). */
static void req_split(struct kunit *test, struct req *r)
{
	req_close(r);
	nla_nest_end(r->skb, r->svcs);
	r->svcs = nla_nest_start(r->skb, LB_A_SVCS);
	KUNIT_ASSERT_NOT_NULL(test, r->svcs);
}

/*
 * A service matching @addr/@plen (IPv4; 0/0: any family, as "vip any"),
 * @proto and @port (0: any), in @mode with @sched (-1: not given).
 */
static struct nlattr *req_svc(struct kunit *test, struct req *r, u32 addr,
			      u8 plen, u8 proto, u16 port, int mode,
			      int sched)
{
	struct sk_buff *skb = r->skb;
	union lb_addr a;

	req_close(r);
	r->svc = nla_nest_start(skb, LB_A_SVC);
	KUNIT_ASSERT_NOT_NULL(test, r->svc);
	lb_test_addr(&a, AF_INET, addr);
	KUNIT_ASSERT_FALSE(test, nla_put_u8(skb, LB_SVC_A_FAMILY,
					    plen ? AF_INET : 0) ||
			   (plen && nla_put(skb, LB_SVC_A_DADDR, 4, &a)) ||
			   nla_put_u8(skb, LB_SVC_A_DPLEN, plen) ||
			   (proto && nla_put_u8(skb, LB_SVC_A_PROTO, proto)) ||
			   (port && nla_put_u16(skb, LB_SVC_A_DPORT, port)) ||
			   (mode >= 0 && nla_put_u8(skb, LB_SVC_A_MODE, mode)) ||
			   (sched >= 0 &&
			    nla_put_u8(skb, LB_SVC_A_SCHED, sched)));
	return r->svc;
}

/* The service VIP:@port, TCP, as "vip add VIP:PORT proto tcp" sends it. */
static struct nlattr *req_vip(struct kunit *test, struct req *r, u32 vip,
			      u16 port, int sched)
{
	return req_svc(test, r, vip, 32, IPPROTO_TCP, port, -1, sched);
}

static struct nlattr *req_tgt(struct kunit *test, struct req *r)
{
	struct nlattr *t;

	if (!r->tgts) {
		r->tgts = nla_nest_start(r->skb, LB_SVC_A_TARGETS);
		KUNIT_ASSERT_NOT_NULL(test, r->tgts);
	}
	t = nla_nest_start(r->skb, LB_A_TGT);
	KUNIT_ASSERT_NOT_NULL(test, t);
	return t;
}

/* A path of @mark and @mask: a u32, or LB_MASK_AUTO to leave it out. */
static struct nlattr *req_path(struct kunit *test, struct req *r, u32 mark,
			       s64 mask, u32 weight)
{
	struct nlattr *t = req_tgt(test, r);

	KUNIT_ASSERT_FALSE(test, nla_put_u32(r->skb, LB_TGT_A_MARK, mark) ||
			   (mask != LB_MASK_AUTO &&
			    nla_put_u32(r->skb, LB_TGT_A_MASK, mask)) ||
			   nla_put_u32(r->skb, LB_TGT_A_WEIGHT, weight));
	nla_nest_end(r->skb, t);
	return t;
}

static struct nlattr *req_backend(struct kunit *test, struct req *r,
				  unsigned int i, u32 weight)
{
	struct nlattr *t = req_tgt(test, r);
	union lb_addr a;

	lb_test_addr(&a, AF_INET, be[i].addr);
	KUNIT_ASSERT_FALSE(test, nla_put(r->skb, LB_TGT_A_ADDR, 4, &a) ||
			   nla_put_u16(r->skb, LB_TGT_A_PORT, be[i].port) ||
			   nla_put_u32(r->skb, LB_TGT_A_WEIGHT, weight));
	nla_nest_end(r->skb, t);
	return t;
}

static int req_send(struct lb_net *ln, struct req *r,
		    struct netlink_ext_ack *ext)
{
	req_close(r);
	if (r->svcs)
		nla_nest_end(r->skb, r->svcs);
	r->svcs = NULL;
	memset(ext, 0, sizeof(*ext));
	return lb_nl_restore_attrs(ln, (const struct nlattr *)r->skb->data,
				   r->skb->len, ext);
}

static void restore_ok(struct kunit *test, struct lb_net *ln, struct req *r)
{
	struct netlink_ext_ack ext;

	KUNIT_ASSERT_EQ(test, req_send(ln, r, &ext), 0);
	KUNIT_EXPECT_NULL(test, ext._msg);
}

/* Everything configured, counters' identity included, as text. */
static char *conf_str(struct kunit *test, struct lb_net *ln)
{
	const size_t len = 64 * 1024;
	char *buf = kunit_kzalloc(test, len, GFP_KERNEL);
	struct lb_svc_conf *sc;
	struct lb_tgt_conf *tc;
	size_t n;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	mutex_lock(&ln->lock);
	n = scnprintf(buf, len, "cfg %p services %u\n",
		      rcu_dereference_protected(ln->cfg,
						lockdep_is_held(&ln->lock)),
		      ln->n_services);
	list_for_each_entry(sc, &ln->services, node) {
		n += scnprintf(buf + n, len - n,
			       "%u %pI6c/%u %u %u mode %u/%u sched %u/%u gap %u nat %u cnt %p\n",
			       sc->m.family, &sc->m.daddr, sc->m.dplen,
			       sc->m.proto, ntohs(sc->m.dport), sc->mode,
			       sc->auto_mode, sc->sched, sc->auto_sched,
			       sc->flowlet_us, sc->fwd, sc->cnt);
		list_for_each_entry(tc, &sc->targets, node)
			n += scnprintf(buf + n, len - n,
				       "  id %u mark %x/%x%s weight %u %pI6c:%u cnt %p%s\n",
				       tc->id, tc->mark, tc->mask,
				       tc->mask_auto ? " auto" : "", tc->weight,
				       &tc->addr, ntohs(tc->port), tc->cnt,
				       tc->id_shared ? " shared" : "");
	}
	mutex_unlock(&ln->lock);
	return buf;
}

/* Whether @id is allocated, asked of the ida itself. */
static bool id_taken(struct lb_net *ln, u32 id)
{
	int got = ida_alloc_range(&ln->tgt_ids, id, id, GFP_KERNEL);

	if (got < 0)
		return true;
	ida_free(&ln->tgt_ids, got);
	return false;
}

static struct lb_svc_conf *svc_at(struct lb_net *ln, unsigned int i)
{
	struct lb_svc_conf *sc;

	list_for_each_entry(sc, &ln->services, node)
		if (!i--)
			return sc;
	return NULL;
}

static struct lb_tgt_conf *tgt_at(struct lb_svc_conf *sc, unsigned int i)
{
	struct lb_tgt_conf *tc;

	list_for_each_entry(tc, &sc->targets, node)
		if (!i--)
			return tc;
	return NULL;
}

static struct lb_stats stats_of(struct lb_counters *c)
{
	struct lb_stats s;

	lb_stats_read(c->pcpu, &s);
	return s;
}

/* Marks of @n TCP flows from ports base.. to @daddr; counts per mark. */
static void flows(struct kunit *test, struct lb_net *ln, u32 daddr, u16 base,
		  int n, u8 flags, u32 *marks, u32 count[8])
{
	struct lb_test_pkt p = { AF_INET, IPPROTO_TCP, CLIENT, daddr, 0, 5201,
				 flags };
	int i;

	for (i = 0; i < n; i++) {
		p.sport = base + i;
		marks[i] = lb_test_mark(test, ln, &p);
		KUNIT_ASSERT_LT(test, marks[i], 8U);
		count[marks[i]]++;
	}
}

/* The backend (index in be[]) lb sends a packet of client port @sport to. */
static int backend_of(struct kunit *test, struct lb_net *ln, u16 sport,
		      u8 flags)
{
	struct lb_test_pkt p = { AF_INET, IPPROTO_TCP, CLIENT, VIP, sport,
				 VPORT, flags, .payload = 10 };
	struct sk_buff *skb = lb_test_skb(test, &p);
	const struct iphdr *iph = ip_hdr(skb);
	const struct tcphdr *th = (const struct tcphdr *)(iph + 1);
	int i, ret = -1;

	if (lb_test_vip_in(ln, skb) == NF_ACCEPT)
		for (i = 0; i < ARRAY_SIZE(be); i++)
			if (iph->daddr == htonl(be[i].addr) &&
			    th->dest == htons(be[i].port))
				ret = i;
	kfree_skb(skb);
	return ret;
}

/* A backend's reply to client port @sport leaves from VIP:VPORT. */
static bool reply_from_vip(struct kunit *test, struct lb_net *ln,
			   unsigned int i, u16 sport)
{
	struct lb_test_pkt p = { AF_INET, IPPROTO_TCP, be[i].addr, CLIENT,
				 be[i].port, sport, TCPHDR_ACK };
	struct sk_buff *skb = lb_test_skb(test, &p);
	const struct iphdr *iph = ip_hdr(skb);
	const struct tcphdr *th = (const struct tcphdr *)(iph + 1);
	bool ok;

	ok = lb_test_vip_out(ln, skb) == NF_ACCEPT &&
	     iph->saddr == htonl(VIP) && th->source == htons(VPORT);
	kfree_skb(skb);
	return ok;
}

/*
 * The configuration becomes the request's, in its order, whatever was
 * there: services go, come, change mode; of the targets only those of a
 * service kept, with the same mark, keep their ids; the others' are free.
 */
static void lb_restore_replaces(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	u32 keep_id, gone_ids[3], marks[1], count[8] = {};
	const struct lb_cfg *cfg;
	struct lb_svc_conf *sc;
	struct lb_tgt_conf *tc;
	struct req *r;
	int i;

	r = req_new(test);
	req_svc(test, r, 0, 0, 0, 0, LB_MODE_FLOW, LB_SCHED_WRR);
	req_path(test, r, 1, ~0U, 1);
	req_path(test, r, 2, ~0U, 1);
	req_svc(test, r, NET1, 16, 0, 0, LB_MODE_PACKET, -1);
	req_path(test, r, 5, ~0U, 1);
	req_vip(test, r, VIP, VPORT, -1);
	req_backend(test, r, 0, 1);
	restore_ok(test, ln, r);
	KUNIT_ASSERT_EQ(test, ln->n_services, 3U);
	keep_id = tgt_at(svc_at(ln, 0), 0)->id;
	gone_ids[0] = tgt_at(svc_at(ln, 0), 1)->id;
	gone_ids[1] = tgt_at(svc_at(ln, 1), 0)->id;
	gone_ids[2] = tgt_at(svc_at(ln, 2), 0)->id;
	flows(test, ln, NET1 + 1, 100, 1, TCPHDR_SYN, marks, count);
	KUNIT_EXPECT_EQ(test, marks[0], 5U);

	/* Two LB_A_SVCS: services of both, in order. */
	r = req_new(test);
	req_svc(test, r, NET2, 16, 0, 0, LB_MODE_FLOWLET, LB_SCHED_WRR);
	KUNIT_ASSERT_EQ(test, nla_put_u32(r->skb, LB_SVC_A_FLOWLET_US, 5000),
			0);
	req_path(test, r, 7, 0xf, 2);
	req_split(test, r);
	req_vip(test, r, VIP2, VPORT, LB_SCHED_WLC);
	req_backend(test, r, 1, 1);
	req_svc(test, r, 0, 0, 0, 0, LB_MODE_PACKET, LB_SCHED_WRR);
	req_path(test, r, 1, LB_MASK_AUTO, 4);
	restore_ok(test, ln, r);

	KUNIT_ASSERT_EQ(test, ln->n_services, 3U);
	sc = svc_at(ln, 0);
	KUNIT_EXPECT_EQ(test, sc->m.daddr.ip, htonl(NET2));
	KUNIT_EXPECT_EQ(test, sc->m.dplen, 16);
	KUNIT_EXPECT_EQ(test, sc->mode, LB_MODE_FLOWLET);
	KUNIT_EXPECT_EQ(test, sc->flowlet_us, 5000U);
	tc = tgt_at(sc, 0);
	KUNIT_EXPECT_EQ(test, tc->mark, 7U);
	KUNIT_EXPECT_EQ(test, tc->mask, 0xfU);
	KUNIT_EXPECT_FALSE(test, tc->mask_auto);
	KUNIT_EXPECT_EQ(test, tc->weight, 2U);
	sc = svc_at(ln, 1);
	KUNIT_EXPECT_EQ(test, sc->m.daddr.ip, htonl(VIP2));
	KUNIT_EXPECT_EQ(test, sc->fwd, LB_FWD_NAT);
	KUNIT_EXPECT_EQ(test, sc->mode, LB_MODE_FLOW);	/* a first backend's */
	KUNIT_EXPECT_EQ(test, sc->sched, LB_SCHED_WLC);
	sc = svc_at(ln, 2);
	KUNIT_EXPECT_EQ(test, sc->m.family, 0);
	KUNIT_EXPECT_EQ(test, sc->mode, LB_MODE_PACKET);
	KUNIT_EXPECT_EQ(test, sc->n_targets, 1U);
	tc = tgt_at(sc, 0);
	KUNIT_EXPECT_EQ(test, tc->id, keep_id);
	KUNIT_EXPECT_EQ(test, tc->weight, 4U);
	KUNIT_EXPECT_TRUE(test, tc->mask_auto);	/* no mask given */
	KUNIT_EXPECT_EQ(test, lb_tgt_conf_mask(tc, lb_svc_conf_mark_bits(sc)),
			1U);
	for (i = 0; i < ARRAY_SIZE(gone_ids); i++) {
		KUNIT_EXPECT_NE(test, tgt_at(svc_at(ln, 0), 0)->id, gone_ids[i]);
		KUNIT_EXPECT_NE(test, tgt_at(svc_at(ln, 1), 0)->id, gone_ids[i]);
		KUNIT_EXPECT_FALSE_MSG(test, id_taken(ln, gone_ids[i]),
				       "id %u of a target gone is not free",
				       gone_ids[i]);
	}
	KUNIT_EXPECT_TRUE(test, id_taken(ln, keep_id));
	KUNIT_EXPECT_NULL(test, strstr(conf_str(test, ln), "shared"));

	/* The snapshot is the new configuration's. */
	cfg = rcu_dereference_protected(ln->cfg, true);
	KUNIT_EXPECT_EQ(test, cfg->n_svc, 2U);
	KUNIT_EXPECT_EQ(test, cfg->n_vip_svcs, 1U);
	KUNIT_EXPECT_EQ(test, cfg->n_backends, 1U);
	KUNIT_EXPECT_FALSE(test, lb_is_vip(cfg, AF_INET,
					   &(union lb_addr){ .ip = htonl(VIP) }));
	KUNIT_EXPECT_TRUE(test, lb_is_vip(cfg, AF_INET,
					  &(union lb_addr){ .ip = htonl(VIP2) }));
	flows(test, ln, NET1 + 1, 100, 1, TCPHDR_SYN, marks, count);
	KUNIT_EXPECT_EQ(test, marks[0], 1U);	/* 10.1/16 is gone: any */
	flows(test, ln, NET2 + 1, 100, 1, TCPHDR_SYN, marks, count);
	KUNIT_EXPECT_EQ(test, marks[0], 7U);	/* 7 under mask 0xf */
}

/*
 * A path written as a dump writes an auto one (LB_TGT_A_MASK, the mask in
 * force, and LB_TGT_A_MASK_AUTO) is restored with the default mask, as a
 * path given no mask is: the bits of its service's marks.
 */
static void lb_restore_mask_auto(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct req *r = req_new(test);
	struct lb_svc_conf *sc;
	struct nlattr *t;

	req_svc(test, r, 0, 0, 0, 0, LB_MODE_FLOW, -1);
	t = req_tgt(test, r);
	KUNIT_ASSERT_FALSE(test, nla_put_u32(r->skb, LB_TGT_A_MARK, 1) ||
			   nla_put_u32(r->skb, LB_TGT_A_MASK, 0xff) ||
			   nla_put_flag(r->skb, LB_TGT_A_MASK_AUTO));
	nla_nest_end(r->skb, t);
	req_path(test, r, 2, LB_MASK_AUTO, 1);
	restore_ok(test, ln, r);

	sc = svc_at(ln, 0);
	KUNIT_ASSERT_EQ(test, sc->n_targets, 2U);
	KUNIT_EXPECT_TRUE(test, tgt_at(sc, 0)->mask_auto);
	KUNIT_EXPECT_TRUE(test, tgt_at(sc, 1)->mask_auto);
	KUNIT_EXPECT_EQ(test, lb_tgt_conf_mask(tgt_at(sc, 0),
					       lb_svc_conf_mark_bits(sc)), 3U);
}

/*
 * Paths kept keep their ids, counters and flows, whatever their new
 * weights and order; a path that goes has its flows moved and its id
 * freed; the service keeps its counters.
 */
static void lb_restore_keeps_path_flows(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	u32 marks[30], again[30], count[8] = {}, c2[8] = {}, id[4];
	struct lb_counters *cnt[4], *svc_cnt;
	struct lb_svc_conf *sc;
	struct lb_tgt_conf *tc;
	struct lb_stats s;
	struct req *r;
	int i, err;

	r = req_new(test);
	req_svc(test, r, 0, 0, 0, 0, LB_MODE_FLOW, LB_SCHED_WRR);
	for (i = 1; i <= 3; i++)
		req_path(test, r, i, ~0U, 1);
	restore_ok(test, ln, r);
	sc = lb_test_svc(ln);
	svc_cnt = sc->cnt;
	for (i = 1; i <= 3; i++) {
		tc = tgt_at(sc, i - 1);
		id[i] = tc->id;
		cnt[i] = tc->cnt;
	}
	flows(test, ln, 0x0a0a0302, 1000, 30, TCPHDR_SYN, marks, count);
	for (i = 1; i <= 3; i++)
		KUNIT_EXPECT_EQ(test, count[i], 10U);

	/* 3 goes, 4 comes, 2 and 1 swap places and change weights. */
	r = req_new(test);
	req_svc(test, r, 0, 0, 0, 0, LB_MODE_FLOW, LB_SCHED_WRR);
	req_path(test, r, 2, ~0U, 3);
	req_path(test, r, 1, ~0U, 1);
	req_path(test, r, 4, ~0U, 1);
	restore_ok(test, ln, r);

	sc = lb_test_svc(ln);
	KUNIT_EXPECT_PTR_EQ(test, sc->cnt, svc_cnt);
	KUNIT_EXPECT_EQ(test, stats_of(sc->cnt).packets, 30ULL);
	KUNIT_ASSERT_EQ(test, sc->n_targets, 3U);
	tc = tgt_at(sc, 0);
	KUNIT_EXPECT_EQ(test, tc->mark, 2U);
	KUNIT_EXPECT_EQ(test, tc->id, id[2]);
	KUNIT_EXPECT_PTR_EQ(test, tc->cnt, cnt[2]);
	KUNIT_EXPECT_EQ(test, tc->weight, 3U);
	tc = tgt_at(sc, 1);
	KUNIT_EXPECT_EQ(test, tc->id, id[1]);
	KUNIT_EXPECT_PTR_EQ(test, tc->cnt, cnt[1]);
	s = stats_of(cnt[1]);
	KUNIT_EXPECT_EQ(test, s.packets, 10ULL);	/* not reset */
	KUNIT_EXPECT_EQ(test, s.flows_active, 10ULL);
	tc = tgt_at(sc, 2);
	KUNIT_EXPECT_EQ(test, tc->mark, 4U);
	for (i = 1; i <= 3; i++)
		KUNIT_EXPECT_NE(test, tc->id, id[i]);
	KUNIT_EXPECT_FALSE(test, id_taken(ln, id[3]));
	KUNIT_EXPECT_TRUE(test, id_taken(ln, id[1]));
	KUNIT_EXPECT_TRUE(test, id_taken(ln, id[2]));

	/* The next packet of every flow: kept ones stay, 3's move. */
	flows(test, ln, 0x0a0a0302, 1000, 30, TCPHDR_ACK, again, c2);
	for (i = 0; i < 30; i++) {
		if (marks[i] == 3)
			KUNIT_EXPECT_NE(test, again[i], 3U);
		else
			KUNIT_EXPECT_EQ_MSG(test, again[i], marks[i],
					    "flow %d moved", i);
		KUNIT_EXPECT_NE(test, again[i], 0U);
	}
	s = stats_of(cnt[1]);
	KUNIT_EXPECT_EQ(test, s.packets, 10ULL + c2[1]);
	KUNIT_EXPECT_EQ(test, s.flows_active, (u64)c2[1]);
	KUNIT_EXPECT_EQ(test, stats_of(cnt[2]).packets, 10ULL + c2[2]);
	KUNIT_EXPECT_EQ(test, stats_of(svc_cnt).packets, 60ULL);

	/* A kept id is freed once, when its target goes. */
	mutex_lock(&ln->lock);
	err = lb_tgt_del(ln, sc, tgt_at(sc, 1));
	mutex_unlock(&ln->lock);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_FALSE(test, id_taken(ln, id[1]));
}

/*
 * Backends kept keep their flows, in both directions; a backend that
 * goes has its flows placed anew on the others.
 */
static void lb_restore_keeps_backend_flows(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	int first[30], count[3] = {}, i, b;
	struct lb_counters *cnt0;
	struct lb_svc_conf *sc;
	struct req *r;

	r = req_new(test);
	req_vip(test, r, VIP, VPORT, -1);
	for (i = 0; i < 3; i++)
		req_backend(test, r, i, 1);
	restore_ok(test, ln, r);
	sc = lb_test_svc(ln);
	/* As "vip add" then "backend add": the first backend's defaults. */
	KUNIT_EXPECT_EQ(test, sc->mode, LB_MODE_FLOW);
	KUNIT_EXPECT_EQ(test, sc->sched, LB_SCHED_MAGLEV);
	KUNIT_EXPECT_EQ(test, sc->fwd, LB_FWD_NAT);
	cnt0 = tgt_at(sc, 0)->cnt;
	for (i = 0; i < 30; i++) {
		first[i] = backend_of(test, ln, CPORT + i, TCPHDR_SYN);
		KUNIT_ASSERT_GE(test, first[i], 0);
		count[first[i]]++;
	}
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_GT(test, count[i], 0);

	/* be[2] goes; be[0] and be[1] change weights and order. */
	r = req_new(test);
	req_vip(test, r, VIP, VPORT, LB_SCHED_MAGLEV);
	req_backend(test, r, 1, 5);
	req_backend(test, r, 0, 1);
	restore_ok(test, ln, r);
	sc = lb_test_svc(ln);
	KUNIT_EXPECT_PTR_EQ(test, tgt_at(sc, 1)->cnt, cnt0);
	KUNIT_EXPECT_EQ(test, stats_of(cnt0).flows_active, (u64)count[0]);

	for (i = 0; i < 30; i++) {
		b = backend_of(test, ln, CPORT + i, TCPHDR_ACK);
		if (first[i] == 2) {
			KUNIT_EXPECT_GE(test, b, 0);
			KUNIT_EXPECT_LT(test, b, 2);
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, b, first[i], "flow %d moved", i);
		KUNIT_EXPECT_TRUE(test, reply_from_vip(test, ln, b, CPORT + i));
	}
	KUNIT_EXPECT_FALSE(test, reply_from_vip(test, ln, 2, CPORT));
}

/*
 * A NAT service without backends survives a restore (LB_SVC_A_NAT, or
 * LB_SVC_A_FWD LB_FWD_NAT, or both): its VIP is one, its packets are
 * dropped, not passed on; and it is as after a first backend (flow,
 * Maglev).
 */
static void lb_restore_nat_without_backends(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	const struct lb_cfg *cfg;
	struct lb_svc_conf *sc;
	u64 vip_drops, nat_drops;
	struct req *r;
	int pass;

	for (pass = 0; pass < 3; pass++) {
		r = req_new(test);
		req_vip(test, r, VIP, VPORT, -1);
		if (pass != 1)
			KUNIT_ASSERT_EQ(test,
					nla_put_flag(r->skb, LB_SVC_A_NAT), 0);
		if (pass != 0)
			KUNIT_ASSERT_EQ(test, nla_put_u8(r->skb, LB_SVC_A_FWD,
							 LB_FWD_NAT), 0);
		restore_ok(test, ln, r);
		sc = lb_test_svc(ln);
		KUNIT_EXPECT_EQ(test, sc->fwd, LB_FWD_NAT);
		KUNIT_EXPECT_EQ(test, sc->n_targets, 0U);
		KUNIT_EXPECT_EQ(test, sc->mode, LB_MODE_FLOW);
		KUNIT_EXPECT_EQ(test, sc->sched, LB_SCHED_MAGLEV);
		cfg = rcu_dereference_protected(ln->cfg, true);
		KUNIT_EXPECT_EQ(test, cfg->n_vip_svcs, 1U);
		KUNIT_EXPECT_TRUE(test, lb_is_vip(cfg, AF_INET,
						  &(union lb_addr){ .ip = htonl(VIP) }));
		KUNIT_EXPECT_EQ(test, backend_of(test, ln, CPORT, TCPHDR_SYN),
				-1);
		mutex_lock(&ln->lock);
		lb_ns_stats_read(ln, &vip_drops, &nat_drops);
		mutex_unlock(&ln->lock);
		KUNIT_EXPECT_EQ(test, nat_drops, pass + 1ULL);
	}
}

/* An empty LB_A_SVCS: no service, no target id in use, nothing balanced. */
static void lb_restore_empty(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	u32 marks[1], count[8] = {};
	const struct lb_cfg *cfg;
	struct req *r;

	r = req_new(test);
	req_svc(test, r, 0, 0, 0, 0, LB_MODE_FLOW, -1);
	req_path(test, r, 1, ~0U, 1);
	req_vip(test, r, VIP, VPORT, -1);
	req_backend(test, r, 0, 1);
	restore_ok(test, ln, r);
	flows(test, ln, 0x0a0a0302, 1000, 1, TCPHDR_SYN, marks, count);
	KUNIT_ASSERT_EQ(test, marks[0], 1U);

	restore_ok(test, ln, req_new(test));
	KUNIT_EXPECT_EQ(test, ln->n_services, 0U);
	KUNIT_EXPECT_TRUE(test, list_empty(&ln->services));
	KUNIT_EXPECT_TRUE(test, ida_is_empty(&ln->tgt_ids));
	cfg = rcu_dereference_protected(ln->cfg, true);
	KUNIT_EXPECT_EQ(test, cfg->n_svc, 0U);
	KUNIT_EXPECT_EQ(test, cfg->n_vip_svcs, 0U);
	KUNIT_EXPECT_EQ(test, cfg->n_vips, 0U);
	flows(test, ln, 0x0a0a0302, 1000, 1, TCPHDR_ACK, marks, count);
	KUNIT_EXPECT_EQ(test, marks[0], 0U);
	KUNIT_EXPECT_EQ(test, backend_of(test, ln, CPORT, TCPHDR_SYN), -1);
}

/* A refused request, and the attribute its rejection must point into. */
struct bad {
	const char *what;
	int err;
	struct nlattr *(*build)(struct kunit *test, struct req *r);
};

static struct nlattr *bad_last_svc(struct kunit *test, struct req *r)
{
	struct nlattr *svc;

	req_svc(test, r, 0, 0, 0, 0, LB_MODE_FLOW, -1);
	req_path(test, r, 1, ~0U, 1);
	req_svc(test, r, NET1, 16, 0, 0, -1, -1);
	req_path(test, r, 2, ~0U, 1);
	svc = req_svc(test, r, NET2, 16, 0, 0, LB_MODE_MAX + 1, -1);
	req_path(test, r, 3, ~0U, 1);
	return svc;
}

static struct nlattr *bad_dup_path(struct kunit *test, struct req *r)
{
	req_svc(test, r, 0, 0, 0, 0, LB_MODE_FLOW, -1);
	req_path(test, r, 1, ~0U, 1);
	req_path(test, r, 3, ~0U, 1);
	return req_path(test, r, 3, 0xff, 2);
}

static struct nlattr *bad_dup_backend(struct kunit *test, struct req *r)
{
	req_vip(test, r, VIP, VPORT, -1);
	req_backend(test, r, 0, 1);
	req_backend(test, r, 1, 1);
	return req_backend(test, r, 0, 3);
}

static struct nlattr *bad_too_many(struct kunit *test, struct req *r)
{
	struct nlattr *t = NULL;
	int i;

	req_svc(test, r, 0, 0, 0, 0, LB_MODE_FLOW, -1);
	for (i = 0; i <= LB_TARGETS_MAX; i++)
		t = req_path(test, r, i, ~0U, 1);
	return t;
}

static struct nlattr *bad_backend_on_paths(struct kunit *test, struct req *r)
{
	req_vip(test, r, VIP, VPORT, -1);
	req_path(test, r, 1, ~0U, 1);
	return req_backend(test, r, 0, 1);
}

static struct nlattr *bad_path_on_backends(struct kunit *test, struct req *r)
{
	req_vip(test, r, VIP, VPORT, -1);
	req_backend(test, r, 0, 1);
	return req_path(test, r, 1, ~0U, 1);
}

static struct nlattr *bad_backend_mode(struct kunit *test, struct req *r)
{
	req_svc(test, r, VIP, 32, IPPROTO_TCP, VPORT, LB_MODE_PACKET, -1);
	return req_backend(test, r, 0, 1);
}

static struct nlattr *bad_dup_svc(struct kunit *test, struct req *r)
{
	req_svc(test, r, NET1, 16, 0, 0, -1, -1);
	req_svc(test, r, NET2, 16, 0, 0, -1, -1);
	req_split(test, r);
	return req_svc(test, r, NET1, 16, 0, 0, LB_MODE_PACKET, -1);
}

static struct nlattr *bad_weight(struct kunit *test, struct req *r)
{
	req_svc(test, r, 0, 0, 0, 0, LB_MODE_FLOW, -1);
	req_path(test, r, 1, ~0U, 1);
	return req_path(test, r, 2, ~0U, LB_WEIGHT_MAX + 1);
}

static struct nlattr *bad_mark_mask(struct kunit *test, struct req *r)
{
	req_svc(test, r, 0, 0, 0, 0, LB_MODE_FLOW, -1);
	return req_path(test, r, 0x13, 0xf0, 1);
}

static struct nlattr *bad_id(struct kunit *test, struct req *r)
{
	struct nlattr *t;

	req_svc(test, r, 0, 0, 0, 0, LB_MODE_FLOW, -1);
	t = req_tgt(test, r);
	KUNIT_ASSERT_FALSE(test, nla_put_u32(r->skb, LB_TGT_A_MARK, 1) ||
			   nla_put_u32(r->skb, LB_TGT_A_ID, 7));
	nla_nest_end(r->skb, t);
	return t;
}

static struct nlattr *bad_addr_len(struct kunit *test, struct req *r)
{
	static const u8 v6[16] = { 0xfd };
	struct nlattr *t;

	req_vip(test, r, VIP, VPORT, -1);
	t = req_tgt(test, r);
	KUNIT_ASSERT_FALSE(test, nla_put(r->skb, LB_TGT_A_ADDR, 16, v6) ||
			   nla_put_u16(r->skb, LB_TGT_A_PORT, 80));
	nla_nest_end(r->skb, t);
	return t;
}

static struct nlattr *bad_tgt_attr(struct kunit *test, struct req *r)
{
	struct nlattr *t;

	req_svc(test, r, 0, 0, 0, 0, LB_MODE_FLOW, -1);
	req_path(test, r, 1, ~0U, 1);
	t = req_tgt(test, r);
	KUNIT_ASSERT_FALSE(test, nla_put_u32(r->skb, LB_TGT_A_MARK, 2) ||
			   nla_put_u32(r->skb, LB_TGT_A_MAX + 1, 0));
	nla_nest_end(r->skb, t);
	return t;
}

static struct nlattr *bad_nat_prefix(struct kunit *test, struct req *r)
{
	struct nlattr *svc = req_svc(test, r, NET1, 16, IPPROTO_TCP, VPORT,
				     -1, -1);

	KUNIT_ASSERT_EQ(test, nla_put_flag(r->skb, LB_SVC_A_NAT), 0);
	return svc;
}

static struct nlattr *bad_nat_mode(struct kunit *test, struct req *r)
{
	struct nlattr *svc = req_svc(test, r, VIP, 32, IPPROTO_TCP, VPORT,
				     LB_MODE_PACKET, -1);

	KUNIT_ASSERT_EQ(test, nla_put_flag(r->skb, LB_SVC_A_NAT), 0);
	return svc;
}

/* The nat flag with another method. */
static struct nlattr *bad_fwd_nat(struct kunit *test, struct req *r)
{
	struct nlattr *svc = req_svc(test, r, VIP, 32, IPPROTO_TCP, VPORT,
				     -1, -1);

	KUNIT_ASSERT_FALSE(test, nla_put_flag(r->skb, LB_SVC_A_NAT) ||
			   nla_put_u8(r->skb, LB_SVC_A_FWD, LB_FWD_MARK));
	return svc;
}

static struct nlattr *bad_fwd(struct kunit *test, struct req *r)
{
	struct nlattr *svc = req_svc(test, r, VIP, 32, IPPROTO_TCP, VPORT,
				     -1, -1);

	KUNIT_ASSERT_EQ(test, nla_put_u8(r->skb, LB_SVC_A_FWD,
					 LB_FWD_MAX + 1), 0);
	return svc;
}

static struct nlattr *bad_prefix_len(struct kunit *test, struct req *r)
{
	req_svc(test, r, NET1, 16, 0, 0, -1, -1);
	return req_svc(test, r, NET2, 33, 0, 0, -1, -1);
}

/* A target where a service belongs. */
static struct nlattr *bad_svc_type(struct kunit *test, struct req *r)
{
	struct nlattr *t;

	req_svc(test, r, NET1, 16, 0, 0, -1, -1);
	req_close(r);
	t = nla_nest_start(r->skb, LB_A_TGT);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_EQ(test, nla_put_u32(r->skb, LB_TGT_A_MARK, 1), 0);
	nla_nest_end(r->skb, t);
	return t;
}

/* LB_A_SVC beside LB_A_SVCS, as LB_CMD_SVC_NEW would have it. */
static struct nlattr *bad_top(struct kunit *test, struct req *r)
{
	struct nlattr *svc;

	req_svc(test, r, NET1, 16, 0, 0, -1, -1);
	req_close(r);
	nla_nest_end(r->skb, r->svcs);
	r->svcs = NULL;
	svc = nla_nest_start(r->skb, LB_A_SVC);
	KUNIT_ASSERT_NOT_NULL(test, svc);
	nla_nest_end(r->skb, svc);
	return svc;
}

/* Nothing at all: not a way to say "no service". */
static struct nlattr *bad_nothing(struct kunit *test, struct req *r)
{
	nla_nest_cancel(r->skb, r->svcs);
	r->svcs = NULL;
	return NULL;
}

static const struct bad bad_requests[] = {
	{ "mode 3 in the last service", -EINVAL, bad_last_svc },
	{ "a path twice", -EEXIST, bad_dup_path },
	{ "a backend twice", -EEXIST, bad_dup_backend },
	{ "257 paths", -ENOSPC, bad_too_many },
	{ "a backend in a path service", -EINVAL, bad_backend_on_paths },
	{ "a path in a NAT service", -EINVAL, bad_path_on_backends },
	{ "a backend in mode packet", -EINVAL, bad_backend_mode },
	{ "a service twice", -EEXIST, bad_dup_svc },
	{ "weight 65536", -ERANGE, bad_weight },
	{ "mark outside its mask", -EINVAL, bad_mark_mask },
	{ "a target id", -EINVAL, bad_id },
	{ "an IPv6 backend in an IPv4 service", -EINVAL, bad_addr_len },
	{ "an unknown target attribute", -EINVAL, bad_tgt_attr },
	{ "nat on a prefix", -EINVAL, bad_nat_prefix },
	{ "nat in mode packet", -EINVAL, bad_nat_mode },
	{ "nat with fwd mark", -EINVAL, bad_fwd_nat },
	{ "an unknown fwd", -EINVAL, bad_fwd },
	{ "a /33", -EINVAL, bad_prefix_len },
	{ "a target for a service", -EINVAL, bad_svc_type },
	{ "LB_A_SVC outside LB_A_SVCS", -EINVAL, bad_top },
	{ "no LB_A_SVCS", -EINVAL, bad_nothing },
};

/* Is @bad @nla, or an attribute inside it? */
static bool points_into(const struct nlattr *bad, const struct nlattr *nla)
{
	const u8 *b = (const u8 *)bad, *n = (const u8 *)nla;

	return b >= n && b < n + nla->nla_len;
}

/*
 * Every refused restore says why, points at the service or target (or
 * the attribute in it) that is wrong, and leaves everything as it was:
 * the services, their targets, ids and counters, the snapshot, the flows.
 */
static void lb_restore_refused(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	u32 marks[16], again[16], count[8] = {};
	struct netlink_ext_ack ext;
	const struct nlattr *want;
	char *before, *after;
	unsigned int i;
	struct req *r;
	int err;

	r = req_new(test);
	req_svc(test, r, 0, 0, 0, 0, LB_MODE_FLOW, LB_SCHED_WRR);
	req_path(test, r, 1, ~0U, 1);
	req_path(test, r, 2, ~0U, 1);
	req_vip(test, r, VIP, VPORT, -1);
	req_backend(test, r, 0, 1);
	req_backend(test, r, 1, 1);
	restore_ok(test, ln, r);
	flows(test, ln, 0x0a0a0302, 1000, 16, TCPHDR_SYN, marks, count);
	before = conf_str(test, ln);

	for (i = 0; i < ARRAY_SIZE(bad_requests); i++) {
		const struct bad *b = &bad_requests[i];

		r = req_new(test);
		want = b->build(test, r);
		err = req_send(ln, r, &ext);
		KUNIT_EXPECT_EQ_MSG(test, err, b->err, "%s", b->what);
		KUNIT_EXPECT_NOT_NULL_MSG(test, ext._msg, "%s: no message",
					  b->what);
		if (want)
			KUNIT_EXPECT_TRUE_MSG(test,
					      ext.bad_attr &&
					      points_into(ext.bad_attr, want),
					      "%s (%s): points at offset %td, not into %td",
					      b->what, ext._msg,
					      ext.bad_attr ?
					      (const u8 *)ext.bad_attr -
					      r->skb->data : -1,
					      (const u8 *)want - r->skb->data);
		after = conf_str(test, ln);
		KUNIT_EXPECT_STREQ_MSG(test, after, before,
				       "%s changed the configuration",
				       b->what);
	}
	memset(count, 0, sizeof(count));
	flows(test, ln, 0x0a0a0302, 1000, 16, TCPHDR_ACK, again, count);
	KUNIT_EXPECT_EQ(test, memcmp(marks, again, sizeof(marks)), 0);
}

/* An LB_A_INFO after @r's services: @flow_max, UDP timeout, flowlet gap. */
static void req_info(struct kunit *test, struct req *r, u32 flow_max,
		     u32 udp, u32 flowlet_us)
{
	struct nlattr *info;

	req_close(r);
	nla_nest_end(r->skb, r->svcs);
	r->svcs = NULL;
	info = nla_nest_start(r->skb, LB_A_INFO);
	KUNIT_ASSERT_NOT_NULL(test, info);
	KUNIT_ASSERT_FALSE(test,
			   nla_put_u32(r->skb, LB_INFO_A_FLOW_MAX, flow_max) ||
			   nla_put_u32(r->skb, LB_INFO_A_TIMEOUT_UDP, udp) ||
			   nla_put_u32(r->skb, LB_INFO_A_FLOWLET_US,
				       flowlet_us));
	nla_nest_end(r->skb, info);
}

/*
 * A restore's LB_A_INFO sets the tunables it gives, with the services, and
 * its flowlet gap is theirs unless they give one; the others stay.  One
 * out of range (a bound above the module's) refuses the whole restore.
 */
static void lb_restore_tunables(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_tunables before, t;
	struct netlink_ext_ack ext;
	struct lb_svc_conf *sc;
	struct req *r;
	char *conf;

	lb_tunables_get(ln, &before);
	r = req_new(test);
	req_svc(test, r, 0, 0, 0, 0, LB_MODE_FLOWLET, LB_SCHED_WRR);
	req_path(test, r, 1, ~0U, 1);
	req_info(test, r, 500, 7, 2500);
	restore_ok(test, ln, r);
	sc = list_first_entry(&ln->services, struct lb_svc_conf, node);
	KUNIT_EXPECT_EQ(test, sc->flowlet_us, 2500U);
	lb_tunables_get(ln, &t);
	KUNIT_EXPECT_EQ(test, t.flow_max, 500U);
	KUNIT_EXPECT_EQ(test, t.timeout[LB_TO_UDP], 7U);
	KUNIT_EXPECT_EQ(test, t.flowlet_us, 2500U);
	KUNIT_EXPECT_EQ(test, t.timeout[LB_TO_TCP], before.timeout[LB_TO_TCP]);

	conf = conf_str(test, ln);
	r = req_new(test);
	req_vip(test, r, VIP, VPORT, -1);
	req_backend(test, r, 0, 1);
	req_info(test, r, lb_defaults.flow_max + 1, 9, 3000);
	KUNIT_EXPECT_EQ(test, req_send(ln, r, &ext), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, ext._msg);
	KUNIT_EXPECT_STREQ(test, conf_str(test, ln), conf);
	lb_tunables_get(ln, &t);
	KUNIT_EXPECT_EQ(test, t.flow_max, 500U);
	KUNIT_EXPECT_EQ(test, t.timeout[LB_TO_UDP], 7U);
	KUNIT_EXPECT_EQ(test, t.flowlet_us, 2500U);
}

/*
 * A commit that fails half way (no target id left: the suites have no
 * allocation fault injection, and this fails where an allocation would)
 * is undone: the ids it took are free again, the ids of targets it would
 * have kept are still taken, and the configuration is as it was.
 */
static void lb_restore_out_of_ids(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct netlink_ext_ack ext;
	u32 kept[2], spare[2];
	char *before, *after;
	struct req *r;
	int id, n = 0, i;

	r = req_new(test);
	req_svc(test, r, 0, 0, 0, 0, LB_MODE_FLOW, LB_SCHED_WRR);
	req_path(test, r, 1, ~0U, 1);
	req_path(test, r, 2, ~0U, 1);
	restore_ok(test, ln, r);
	kept[0] = tgt_at(lb_test_svc(ln), 0)->id;
	kept[1] = tgt_at(lb_test_svc(ln), 1)->id;
	before = conf_str(test, ln);

	/* Every id taken but two. */
	while ((id = ida_alloc_range(&ln->tgt_ids, 1, LB_ID_MAX,
				     GFP_KERNEL)) > 0) {
		spare[n++ % 2] = id;
	}
	KUNIT_ASSERT_EQ(test, n, LB_ID_MAX - 2);
	ida_free(&ln->tgt_ids, spare[0]);
	ida_free(&ln->tgt_ids, spare[1]);

	/* Three new targets: one in a new service, compiled first. */
	r = req_new(test);
	req_svc(test, r, NET1, 16, 0, 0, LB_MODE_PACKET, -1);
	req_path(test, r, 7, ~0U, 1);
	req_svc(test, r, 0, 0, 0, 0, LB_MODE_FLOW, LB_SCHED_WRR);
	req_path(test, r, 1, ~0U, 1);
	req_path(test, r, 3, ~0U, 1);
	req_path(test, r, 2, ~0U, 1);
	req_path(test, r, 4, ~0U, 1);
	KUNIT_EXPECT_EQ(test, req_send(ln, r, &ext), -ENOSPC);
	KUNIT_EXPECT_STREQ(test, ext._msg, "no free target id");
	after = conf_str(test, ln);
	KUNIT_EXPECT_STREQ(test, after, before);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_FALSE_MSG(test, id_taken(ln, spare[i]),
				       "id %u not given back", spare[i]);
		KUNIT_EXPECT_TRUE(test, id_taken(ln, kept[i]));
	}

	/* With ids to spare, the same request goes through. */
	for (id = 1; id <= LB_ID_MAX; id++)
		if (id != kept[0] && id != kept[1] && id != spare[0] &&
		    id != spare[1])
			ida_free(&ln->tgt_ids, id);
	restore_ok(test, ln, r);
	KUNIT_EXPECT_EQ(test, ln->n_services, 2U);
	KUNIT_EXPECT_EQ(test, tgt_at(svc_at(ln, 1), 0)->id, kept[0]);
	KUNIT_EXPECT_EQ(test, tgt_at(svc_at(ln, 1), 2)->id, kept[1]);

	/* Each id was given back once: none is left, none twice (a WARN). */
	restore_ok(test, ln, req_new(test));
	KUNIT_EXPECT_TRUE(test, ida_is_empty(&ln->tgt_ids));
}

static struct kunit_case lb_restore_cases[] = {
	KUNIT_CASE(lb_restore_replaces),
	KUNIT_CASE(lb_restore_mask_auto),
	KUNIT_CASE(lb_restore_keeps_path_flows),
	KUNIT_CASE(lb_restore_keeps_backend_flows),
	KUNIT_CASE(lb_restore_nat_without_backends),
	KUNIT_CASE(lb_restore_empty),
	KUNIT_CASE(lb_restore_refused),
	KUNIT_CASE(lb_restore_tunables),
	KUNIT_CASE(lb_restore_out_of_ids),
	{}
};

static struct kunit_suite lb_restore_suite = {
	.name = "lb_restore",
	.test_cases = lb_restore_cases,
};

kunit_test_suite(lb_restore_suite);
