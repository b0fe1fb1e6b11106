// SPDX-License-Identifier: GPL-2.0
/*
 * lb KUnit: synthetic packets built from a small description, and a
 * private struct lb_net per test (not the module's own namespaces).
 * Path targets get mark i + 1 for weight i, so a mark names its path.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/icmp.h>
#include <net/ipv6.h>
#include <net/tcp.h>
#include <linux/netdevice.h>
#include "util.h"

static void lb_test_l4(struct sk_buff *skb, const struct lb_test_pkt *p)
{
	if (p->proto == IPPROTO_TCP) {
		struct tcphdr *th = skb_put_zero(skb, sizeof(*th));

		th->source = htons(p->sport);
		th->dest = htons(p->dport);
		th->doff = sizeof(*th) / 4;
		tcp_flag_byte(th) = p->tcp_flags;
	} else if (p->proto == IPPROTO_UDP) {
		struct udphdr *uh = skb_put_zero(skb, sizeof(*uh));

		uh->source = htons(p->sport);
		uh->dest = htons(p->dport);
		uh->len = htons(sizeof(*uh) + p->payload);
	} else if (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6) {
		struct icmphdr *ih = skb_put_zero(skb, sizeof(*ih));

		ih->type = p->proto == IPPROTO_ICMP ? ICMP_ECHO : 128;
		ih->un.echo.id = htons(p->sport);
	}
	skb_put_zero(skb, p->payload);
}

struct sk_buff *lb_test_skb(struct kunit *test, const struct lb_test_pkt *p)
{
	struct sk_buff *skb = alloc_skb(512 + p->payload, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 64);
	skb_reset_network_header(skb);
	skb->pkt_type = PACKET_HOST;

	if (p->family == AF_INET) {
		struct iphdr *iph = skb_put_zero(skb, sizeof(*iph));

		skb->protocol = htons(ETH_P_IP);
		iph->version = 4;
		iph->ihl = 5;
		iph->ttl = 64;
		iph->protocol = p->proto;
		iph->saddr = htonl(p->saddr);
		iph->daddr = htonl(p->daddr);
		if (p->frag) {
			iph->id = htons(p->frag_id);
			iph->frag_off = htons(IP_MF | p->frag_off);
			skb_put_zero(skb, 8 + p->payload);
		} else {
			lb_test_l4(skb, p);
		}
		iph->tot_len = htons(skb->len);
	} else {
		struct ipv6hdr *ip6h = skb_put_zero(skb, sizeof(*ip6h));

		skb->protocol = htons(ETH_P_IPV6);
		ip6h->version = 6;
		ip6h->hop_limit = 64;
		ip6h->nexthdr = p->proto;
		ip6h->saddr.s6_addr32[0] = htonl(0xfd000000);
		ip6h->saddr.s6_addr32[3] = htonl(p->saddr);
		ip6h->daddr.s6_addr32[0] = htonl(0xfd000000);
		ip6h->daddr.s6_addr32[3] = htonl(p->daddr);
		if (p->frag) {
			struct frag_hdr *fh = skb_put_zero(skb, sizeof(*fh));

			ip6h->nexthdr = NEXTHDR_FRAGMENT;
			fh->nexthdr = p->proto;
			fh->frag_off = htons(p->frag_off << 3 | IP6_MF);
			fh->identification = htonl(p->frag_id);
			skb_put_zero(skb, 8 + p->payload);
		} else {
			lb_test_l4(skb, p);
		}
		ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	}
	return skb;
}

static void lb_test_net_exit(void *data)
{
	lb_net_exit(data);
}

struct lb_net *lb_test_net(struct kunit *test, u32 flow_max)
{
	struct lb_net *ln = kunit_kzalloc(test, sizeof(*ln), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ln);
	KUNIT_ASSERT_EQ(test, lb_net_init(ln, flow_max), 0);
	/* Tests step the GC themselves; the background work must not. */
	cancel_delayed_work_sync(&ln->flows.gc);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, lb_test_net_exit,
							ln), 0);
	return ln;
}

struct lb_svc_conf *lb_test_svc(struct lb_net *ln)
{
	return list_first_entry(&ln->services, struct lb_svc_conf, node);
}

/* A catch-all service in @mode with paths of mark i + 1, weight[i]. */
void lb_test_add_paths(struct kunit *test, struct lb_net *ln, u8 mode,
		       const u32 *weights, unsigned int n)
{
	struct lb_match m;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, lb_match_init(&m, 0, NULL, 0, NULL, 0, 0, 0,
					    NULL, NULL), 0);
	mutex_lock(&ln->lock);
	KUNIT_ASSERT_EQ(test, lb_svc_add(ln, &m, mode, LB_SCHED_WRR, 1000,
					 NULL), 0);
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, lb_tgt_add(ln, lb_test_svc(ln), i + 1,
						 ~0U, weights[i], NULL), 0);
	mutex_unlock(&ln->lock);
}

/* As the hook runs: BHs off, inside an RCU read-side section. */
unsigned int lb_test_run_in(struct lb_net *ln, struct sk_buff *skb,
			    const struct net_device *in)
{
	u8 pf = skb->protocol == htons(ETH_P_IP) ? NFPROTO_IPV4 : NFPROTO_IPV6;
	unsigned int verdict;

	local_bh_disable();
	rcu_read_lock();
	verdict = lb_process(ln, skb, pf, in);
	rcu_read_unlock();
	local_bh_enable();
	return verdict;
}

unsigned int lb_test_run(struct lb_net *ln, struct sk_buff *skb)
{
	return lb_test_run_in(ln, skb, NULL);
}

/* An input device as the hook sees it: only its index and name are read. */
struct net_device *lb_test_dev(struct kunit *test, int ifindex)
{
	struct net_device *dev = kunit_kzalloc(test, sizeof(*dev), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, dev);
	dev->ifindex = ifindex;
	snprintf(dev->name, sizeof(dev->name), "test%d", ifindex);
	return dev;
}

/* The mark lb gives one packet described by @p (0: left alone). */
u32 lb_test_mark(struct kunit *test, struct lb_net *ln,
		 const struct lb_test_pkt *p)
{
	struct sk_buff *skb = lb_test_skb(test, p);
	u32 mark;

	KUNIT_EXPECT_EQ(test, lb_test_run(ln, skb), NF_ACCEPT);
	mark = skb->mark;
	kfree_skb(skb);
	return mark;
}
