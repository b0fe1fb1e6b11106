// SPDX-License-Identifier: GPL-2.0
/*
 * lb KUnit: every hook on a million random, mostly malformed packets from
 * the generator in fuzz_pkt.h: lb_process() on path services in packet,
 * flow and flowlet mode, lb_vip_in() and lb_vip_out() on NAT services
 * over IPv4 and IPv6, TCP and UDP (Maglev, WRR and WLC, a backend shared
 * by two VIPs, a drained backend, a VIP without backends).  Each packet
 * is built as a linear skb, a paged one (the head cut anywhere, the rest
 * over up to three page fragments) or one with a frag_list, with
 * CHECKSUM_NONE or CHECKSUM_COMPLETE, and NAT runs on a clone now and
 * then.
 *
 * A reference parser, written here from the rules lb documents, says
 * which packets are malformed and what lb_parse() must find in the
 * others.  Malformed: an IPv4 header with another version, an IHL below
 * 5, a total length below the header or beyond the packet; an IPv6
 * header with another version, a zero (jumbo) payload length or one
 * beyond the packet, more than 8 extension headers or one reaching past
 * the datagram, a routing header with segments left (not balanced: its
 * destination is a waypoint); a transport header cut short: ports, TCP's
 * 20 bytes and its data offset (at least 5, within the datagram), ICMP's
 * 8 bytes.
 * Fragments other than the first have no transport header to check.
 * Checked for every packet:
 *  - lb_parse() agrees with the reference: a refusal, or the same key,
 *    lengths and flags; an ICMP error's quote, if lb reads one, lies
 *    within the datagram and holds the tuple lb found;
 *  - every hook accepts a malformed packet and leaves it byte for byte
 *    as it came, with its mark; so does a hook that drops a packet;
 *  - a path hook never writes a packet, and marks a well-formed one with
 *    a path of the service it matches, never with the drained one;
 *  - a NAT hook's rewrite leaves a well-formed packet of the same length
 *    from a client to one of its VIP's backends (or from the VIP, for a
 *    reply), the rest of the tuple as it was, its IPv4 header and
 *    transport checksums valid if they were, an ICMP error's checksum
 *    valid, skb->csum right for CHECKSUM_COMPLETE, a clone's sibling as
 *    it was;
 * and at the end: every counter adds up to what the hooks did (packets,
 * bytes, replies, drops), each target's active flows to the entries the
 * flow table holds for it, and a flush leaves nothing behind.  Under
 * scripts/kunit --debug, KASAN turns any read past a packet into a
 * failure.
 *
 * The seed is printed; lb.fuzz_seed=N on the kernel command line
 * (scripts/kunit -- --kernel_args=lb.fuzz_seed=N) replays a run, and
 * lb.fuzz_packets=N sets how many malformed packets must go through
 * (default 1000000; 50000 under KASAN, which with lockdep and kmemleak
 * costs a few hundred microseconds a packet).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/ktime.h>
#include <net/tcp.h>
#include <net/checksum.h>
#include "util.h"
#include "fuzz_pkt.h"

static unsigned long long fuzz_seed;
module_param(fuzz_seed, ullong, 0444);
MODULE_PARM_DESC(fuzz_seed, "KUnit fuzz: seed of the packet generator (0: random)");
static unsigned int fuzz_packets;
module_param(fuzz_packets, uint, 0444);
MODULE_PARM_DESC(fuzz_packets, "KUnit fuzz: malformed packets to run (0: default)");

#define CLIENT1	0x0a000001
#define CLIENT2	0x0a000002
#define VIP	0x0a000064
#define VIP2	0x0a000065
#define BE1	0x0a010001
#define BE2	0x0a010002
#define BE3	0x0a010003

static const u32 fz_hosts[] = { CLIENT1, CLIENT2, VIP, VIP2, BE1, BE2, BE3 };
static const u16 fz_ports[] = { 80, 53, 8080, 8081, 40000, 40001, 0 };

/* NAT services: VIP:port and backends (address, port, weight). */
static const struct fz_svc {
	u8 family, proto;
	u32 vip;
	u16 vport;
	int sched;
	u8 n;
	struct { u32 addr; u16 port; u32 weight; } be[3];
	bool emptied;		/* its backends deleted again: drops */
} fz_svcs[] = {
	{ AF_INET, IPPROTO_TCP, VIP, 80, -1, 3,
	  { { BE1, 8080, 1 }, { BE2, 8080, 2 }, { BE3, 8081, 1 } } },
	{ AF_INET, IPPROTO_TCP, VIP2, 80, LB_SCHED_WRR, 2,
	  { { BE3, 8081, 1 }, { BE1, 8081, 0 } } },
	{ AF_INET, IPPROTO_UDP, VIP, 53, LB_SCHED_WLC, 2,
	  { { BE1, 53, 1 }, { BE2, 53, 1 } } },
	{ AF_INET, IPPROTO_UDP, VIP2, 53, -1, 1, { { BE3, 53, 1 } }, true },
	{ AF_INET6, IPPROTO_TCP, VIP, 80, -1, 2,
	  { { BE1, 8080, 1 }, { BE2, 8080, 1 } } },
	{ AF_INET6, IPPROTO_UDP, VIP, 53, LB_SCHED_WRR, 2,
	  { { BE3, 53, 1 }, { BE2, 53, 0 } } },
};

/* Path services: a catch-all 1:2:0 (marks 1, 2, 3) and VIP:80/tcp. */
static const u32 fz_weights[] = { 1, 2, 0 };
#define FZ_VIP_MASK	0xf0
#define FZ_VIP_MARK1	0x10
#define FZ_VIP_MARK2	0x20

/* How often something went wrong, and the first few in detail. */
enum fz_what {
	FZ_PARSE, FZ_INNER, FZ_TOUCHED, FZ_VERDICT, FZ_MARK, FZ_NAT_TUPLE,
	FZ_NAT_CSUM, FZ_NAT_SKBCSUM, FZ_NAT_CLONE, FZ_NAT_LEN, FZ_WHATS
};

static const char * const fz_what_name[FZ_WHATS] = {
	"lb_parse() disagrees with the reference parser",
	"an ICMP quote outside the datagram or not as read",
	"a malformed or dropped packet was changed",
	"a malformed packet was not accepted",
	"a wrong mark",
	"a rewrite to a tuple no service has",
	"a checksum broken by a rewrite",
	"skb->csum wrong after a rewrite",
	"a clone's sibling changed",
	"a rewrite changed the packet's length",
};

struct fz_state {
	struct kunit *test;
	struct lbf_rng rng;
	u64 seed;
	u64 index;			/* packets generated */
	u32 fails[FZ_WHATS];
	/* what the hooks did, for the counters */
	u64 malformed, balanced[3], balanced_bytes[3];
	u64 nat_in, nat_in_bytes, nat_out, nat_out_bytes, nat_icmp, drops;
	u64 layouts[3], clones, completes;
	struct lb_net *paths[3];	/* packet, flow, flowlet */
	struct lb_net *nat;
	u8 buf[LBF_MAX], out[LBF_MAX];
};

static void fz_fail(struct fz_state *st, enum fz_what what, const u8 *p,
		    unsigned int len, const char *hook)
{
	if (st->fails[what]++ < 3)
		kunit_err(st->test,
			  "packet %llu (seed %llu), %s: %s; %u bytes: %*ph%s\n",
			  st->index, st->seed, hook, fz_what_name[what], len,
			  min(len, 64U), p, len > 64 ? " ..." : "");
}

/* The reference parser: what lb_parse() must make of @p. */
static bool ref_l4(const u8 *p, unsigned int off, unsigned int end,
		   struct lb_pkt *pkt)
{
	struct lb_flow_key *k = &pkt->key;
	u8 type, flags, doff;

	pkt->thoff = off;
	switch (k->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		if (off + 4 > end)
			return false;
		memcpy(&k->sport, p + off, 2);
		memcpy(&k->dport, p + off + 2, 2);
	}
	if (k->proto == IPPROTO_TCP) {
		if (off + 20 > end)
			return false;
		doff = p[off + 12] >> 4;
		if (doff < 5 || off + doff * 4 > end)
			return false;
		flags = p[off + 13];
		pkt->tcp_syn = (flags & TCPHDR_SYN) && !(flags & TCPHDR_ACK);
		pkt->tcp_close = !!(flags & (TCPHDR_FIN | TCPHDR_RST));
	} else if (k->proto == IPPROTO_ICMP || k->proto == IPPROTO_ICMPV6) {
		if (off + 8 > end)
			return false;
		type = p[off];
		if ((k->proto == IPPROTO_ICMP && type == ICMP_ECHO) ||
		    (k->proto == IPPROTO_ICMPV6 && type == ICMPV6_ECHO_REQUEST))
			memcpy(&k->sport, p + off + 4, 2);
		if (k->proto == IPPROTO_ICMP)
			pkt->icmp_err = k->family == AF_INET &&
					(type == ICMP_DEST_UNREACH ||
					 type == ICMP_SOURCE_QUENCH ||
					 type == ICMP_REDIRECT ||
					 type == ICMP_TIME_EXCEEDED ||
					 type == ICMP_PARAMETERPROB);
		else
			pkt->icmp_err = k->family == AF_INET6 && type &&
					type < 128;
	}
	return true;
}

static bool ref_parse(const u8 *p, unsigned int len, u8 pf,
		      struct lb_pkt *pkt)
{
	struct lb_flow_key *k = &pkt->key;
	unsigned int hlen, off, end, i;
	u8 nh;

	memset(pkt, 0, sizeof(*pkt));
	if (pf == NFPROTO_IPV4) {
		if (len < 20 || p[0] >> 4 != 4 || (p[0] & 15) < 5)
			return false;
		hlen = (p[0] & 15) * 4;
		end = lbf_get16(p + 2);
		if (end < hlen || end > len)
			return false;
		pkt->len = end;
		k->family = AF_INET;
		k->proto = p[9];
		memcpy(&k->saddr.ip, p + 12, 4);
		memcpy(&k->daddr.ip, p + 16, 4);
		if (lbf_get16(p + 6) & 0x3fff) {	/* MF or an offset */
			pkt->is_frag = 1;
			pkt->frag_id = lbf_get16(p + 4);
			return true;
		}
		return ref_l4(p, hlen, end, pkt);
	}
	if (len < 40 || p[0] >> 4 != 6 || !lbf_get16(p + 4))
		return false;
	end = 40 + lbf_get16(p + 4);
	if (end > len)
		return false;
	pkt->len = end;
	k->family = AF_INET6;
	memcpy(&k->saddr.in6, p + 8, 16);
	memcpy(&k->daddr.in6, p + 24, 16);
	nh = p[6];
	off = 40;
	for (i = 0; i < 8; i++) {
		if (nh == NEXTHDR_FRAGMENT) {
			if (off + 8 > end)
				return false;
			k->proto = p[off];
			pkt->is_frag = 1;
			pkt->frag_id = (u32)lbf_get16(p + off + 4) << 16 |
				       lbf_get16(p + off + 6);
			return true;
		}
		if (nh == NEXTHDR_HOP || nh == NEXTHDR_ROUTING ||
		    nh == NEXTHDR_DEST || nh == NEXTHDR_AUTH) {
			if (off + 2 > end)
				return false;
			hlen = nh == NEXTHDR_AUTH ? (p[off + 1] + 2) * 4 :
						    (p[off + 1] + 1) * 8;
			if (off + hlen > end)
				return false;
			/* A routing header with segments left: a waypoint. */
			if (nh == NEXTHDR_ROUTING && p[off + 3])
				return false;
			nh = p[off];
			off += hlen;
			continue;
		}
		k->proto = nh;
		return ref_l4(p, off, end, pkt);
	}
	return false;
}

static bool ref_same(const struct lb_pkt *a, const struct lb_pkt *b)
{
	return !memcmp(&a->key, &b->key, sizeof(a->key)) &&
	       a->len == b->len && a->thoff == b->thoff &&
	       a->frag_id == b->frag_id && a->is_frag == b->is_frag &&
	       a->tcp_syn == b->tcp_syn && a->tcp_close == b->tcp_close &&
	       a->icmp_err == b->icmp_err;
}

/* The transport checksum of a well-formed TCP or UDP datagram is valid. */
static bool ref_l4_csum_ok(const u8 *p, const struct lb_pkt *pkt)
{
	unsigned int n = pkt->len - pkt->thoff;
	u8 proto = pkt->key.proto;

	if (proto == IPPROTO_UDP && pkt->key.family == AF_INET &&
	    !lbf_get16(p + pkt->thoff + 6))
		return true;		/* none */
	return !lbf_fold(lbf_sum(p + pkt->thoff, n, lbf_pseudo(p, proto, n)));
}

static bool ref_icmp_csum_ok(const u8 *p, const struct lb_pkt *pkt)
{
	unsigned int n = pkt->len - pkt->thoff;

	if (pkt->key.proto == IPPROTO_ICMP)
		return !lbf_fold(lbf_sum(p + pkt->thoff, n, 0));
	return !lbf_fold(lbf_sum(p + pkt->thoff, n,
				 lbf_pseudo(p, IPPROTO_ICMPV6, n)));
}

static bool ref_ip4_csum_ok(const u8 *p)
{
	return !lbf_fold(lbf_sum(p, (p[0] & 15) * 4, 0));
}

/* @len bytes of @p as a linear, paged or frag_list skb. */
static struct sk_buff *fz_skb(struct fz_state *st, const u8 *p,
			      unsigned int len, u8 pf)
{
	struct kunit *test = st->test;
	u32 layout = lbf_below(&st->rng, 5);
	unsigned int head = len, pos, n, i, nfrags;
	struct sk_buff *skb, *tail;

	/* linear 60%, paged 20%, frag_list 20% */
	layout = layout < 3 ? 0 : layout - 2;
	if (layout)
		head = lbf_below(&st->rng, len + 1);
	st->layouts[layout]++;
	skb = alloc_skb(head + 128, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 64);
	skb_reset_network_header(skb);
	skb_put_data(skb, p, head);
	pos = head;
	if (layout == 1 && pos < len) {
		nfrags = 1 + lbf_below(&st->rng, 3);
		for (i = 0; i < nfrags && pos < len; i++) {
			struct page *page = alloc_page(GFP_KERNEL);
			unsigned int off;

			if (!page)
				kfree_skb(skb);
			KUNIT_ASSERT_NOT_NULL(test, page);
			n = i == nfrags - 1 ? len - pos :
			    1 + lbf_below(&st->rng, len - pos);
			off = lbf_below(&st->rng, PAGE_SIZE - n + 1);
			memcpy(page_address(page) + off, p + pos, n);
			skb_add_rx_frag(skb, i, page, off, n, PAGE_SIZE);
			pos += n;
		}
	} else if (layout == 2 && pos < len) {
		tail = alloc_skb(len - pos, GFP_KERNEL);
		if (!tail)
			kfree_skb(skb);
		KUNIT_ASSERT_NOT_NULL(test, tail);
		skb_put_data(tail, p + pos, len - pos);
		skb_shinfo(skb)->frag_list = tail;
		skb->len += tail->len;
		skb->data_len += tail->len;
		skb->truesize += tail->truesize;
	}
	skb->protocol = pf == NFPROTO_IPV4 ? htons(ETH_P_IP) :
					     htons(ETH_P_IPV6);
	skb->pkt_type = PACKET_HOST;
	if (lbf_chance(&st->rng, 20)) {
		skb->csum = skb_checksum(skb, 0, skb->len, 0);
		skb->ip_summed = CHECKSUM_COMPLETE;
		st->completes++;
	}
	return skb;
}

/* @skb's bytes into @out; false if its length is not @len. */
static bool fz_bytes(const struct sk_buff *skb, u8 *out, unsigned int len)
{
	return skb->len == len && !skb_copy_bits(skb, 0, out, len);
}

/* Parse: lb_parse() against the reference, and an ICMP error's quote. */
static void fz_parse(struct fz_state *st, struct sk_buff *skb, u8 pf,
		     bool ok, const struct lb_pkt *want, unsigned int len)
{
	struct lb_inner in;
	struct lb_pkt got;
	int ret = lb_parse(skb, pf, &got);

	if (!ok != !!ret || (ok && !ref_same(&got, want))) {
		fz_fail(st, FZ_PARSE, st->buf, len, "lb_parse");
		return;
	}
	if (!ok || !want->icmp_err || want->is_frag ||
	    lb_parse_inner(skb, &got, &in))
		return;
	/* The quote lb found is inside the datagram and is what it says. */
	if (in.off < want->thoff + 8 || in.thoff + 4 > want->len ||
	    (in.key.proto != IPPROTO_TCP && in.key.proto != IPPROTO_UDP) ||
	    memcmp(&in.key.sport, st->buf + in.thoff, 2) ||
	    memcmp(&in.key.dport, st->buf + in.thoff + 2, 2) ||
	    (in.key.family == AF_INET ?
	     memcmp(&in.key.saddr.ip, st->buf + in.off + 12, 4) :
	     memcmp(&in.key.saddr.in6, st->buf + in.off + 8, 16)))
		fz_fail(st, FZ_INNER, st->buf, len, "lb_parse_inner");
}

static struct tcphdr *tcp_hdr_at(struct sk_buff *skb, unsigned int off)
{
	return (struct tcphdr *)(skb_network_header(skb) + off);
}

static bool fz_is_vip_svc(const struct lb_flow_key *k)
{
	union lb_addr vip;

	lb_test_addr(&vip, AF_INET, VIP);
	return k->family == AF_INET && k->daddr.ip == vip.ip &&
	       k->proto == IPPROTO_TCP && k->dport == htons(80);
}

/* The three path services, on one skb: lb_process() never writes it. */
static void fz_paths(struct fz_state *st, struct sk_buff *skb, u8 pf,
		     bool ok, const struct lb_pkt *want, unsigned int len)
{
	static const char * const mode[] = { "packet", "flow", "flowlet" };
	bool host = lbf_chance(&st->rng, 95);
	u32 m0 = (u32)lbf_rand(&st->rng), mark, a, b;
	unsigned int v, i;

	skb->pkt_type = host ? PACKET_HOST : PACKET_OTHERHOST;
	for (i = 0; i < ARRAY_SIZE(st->paths); i++) {
		skb->mark = m0;
		local_bh_disable();
		rcu_read_lock();
		v = lb_process(st->paths[i], skb, pf, NULL);
		rcu_read_unlock();
		local_bh_enable();
		mark = skb->mark;
		if (v != NF_ACCEPT)
			fz_fail(st, FZ_VERDICT, st->buf, len, mode[i]);
		if (!ok || !host) {
			if (mark != m0)
				fz_fail(st, FZ_MARK, st->buf, len, mode[i]);
			continue;
		}
		if (fz_is_vip_svc(&want->key) && !want->is_frag) {
			a = (m0 & ~FZ_VIP_MASK) ^ FZ_VIP_MARK1;
			b = (m0 & ~FZ_VIP_MASK) ^ FZ_VIP_MARK2;
		} else {
			a = 1;
			b = 2;		/* never 3: its weight is 0 */
		}
		if (mark != a && mark != b)
			fz_fail(st, FZ_MARK, st->buf, len, mode[i]);
		st->balanced[i]++;
		st->balanced_bytes[i] += want->len;
	}
	skb->pkt_type = PACKET_HOST;
	if (!fz_bytes(skb, st->out, len) || memcmp(st->out, st->buf, len))
		fz_fail(st, FZ_TOUCHED, st->buf, len, "lb_process");
}

static bool fz_addr_is(const union lb_addr *a, u8 family, u32 v)
{
	union lb_addr b;

	lb_test_addr(&b, family, v);
	return !memcmp(a, &b, family == AF_INET ? 4 : 16);
}

/* The NAT service of VIP @a:@port. */
static const struct fz_svc *fz_svc_of(u8 family, u8 proto,
				      const union lb_addr *a, __be16 port)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fz_svcs); i++) {
		const struct fz_svc *s = &fz_svcs[i];

		if (s->family == family && s->proto == proto &&
		    fz_addr_is(a, family, s->vip) && port == htons(s->vport))
			return s;
	}
	return NULL;
}

/* @a:@port is a backend of @s. */
static bool fz_backend_of(const struct fz_svc *s, const union lb_addr *a,
			  __be16 port)
{
	unsigned int i;

	for (i = 0; s && !s->emptied && i < s->n; i++)
		if (fz_addr_is(a, s->family, s->be[i].addr) &&
		    port == htons(s->be[i].port))
			return true;
	return false;
}

/*
 * A request @k, rewritten to @to, went to a backend of its VIP; a reply
 * (!@in) came from a backend and now comes from a VIP that backend serves.
 */
static bool fz_nat_tuple_ok(const struct lb_flow_key *k,
			    const struct lb_flow_key *to, bool in)
{
	if (in)
		return fz_backend_of(fz_svc_of(k->family, k->proto, &k->daddr,
					       k->dport), &to->daddr,
				     to->dport) &&
		       !memcmp(&to->saddr, &k->saddr, sizeof(k->saddr)) &&
		       to->sport == k->sport;
	return fz_backend_of(fz_svc_of(k->family, k->proto, &to->saddr,
				       to->sport), &k->saddr, k->sport) &&
	       !memcmp(&to->daddr, &k->daddr, sizeof(k->daddr)) &&
	       to->dport == k->dport;
}

/* What a NAT hook did with a packet: checked against what it may do. */
static void fz_nat_check(struct fz_state *st, struct sk_buff *skb,
			 unsigned int v, bool ok, const struct lb_pkt *want,
			 unsigned int len, bool in, const char *hook)
{
	const struct lb_flow_key *k = &want->key;
	struct lb_pkt now;
	bool changed;

	if (!fz_bytes(skb, st->out, len)) {
		fz_fail(st, FZ_NAT_LEN, st->buf, len, hook);
		return;
	}
	changed = memcmp(st->out, st->buf, len);
	if (v == NF_DROP)
		st->drops++;
	if (!ok && v != NF_ACCEPT)
		fz_fail(st, FZ_VERDICT, st->buf, len, hook);
	if ((!ok || v == NF_DROP) && changed)
		fz_fail(st, FZ_TOUCHED, st->buf, len, hook);
	if (!ok || v == NF_DROP || !changed)
		return;

	/* Rewritten: still well formed, the same packet but for the tuple. */
	if (!ref_parse(st->out, len, k->family == AF_INET ? NFPROTO_IPV4 :
		       NFPROTO_IPV6, &now) ||
	    now.len != want->len || now.key.proto != k->proto ||
	    now.icmp_err != want->icmp_err) {
		fz_fail(st, FZ_NAT_TUPLE, st->buf, len, hook);
		return;
	}
	if (k->family == AF_INET && ref_ip4_csum_ok(st->buf) &&
	    !ref_ip4_csum_ok(st->out))
		fz_fail(st, FZ_NAT_CSUM, st->buf, len, hook);
	if (skb->ip_summed == CHECKSUM_COMPLETE &&
	    csum_fold(skb->csum) != csum_fold(skb_checksum(skb, 0, len, 0)))
		fz_fail(st, FZ_NAT_SKBCSUM, st->buf, len, hook);
	if (want->icmp_err) {
		st->nat_icmp++;
		if (!ref_icmp_csum_ok(st->out, &now))
			fz_fail(st, FZ_NAT_CSUM, st->buf, len, hook);
		return;
	}
	if (ref_l4_csum_ok(st->buf, want) && !ref_l4_csum_ok(st->out, &now))
		fz_fail(st, FZ_NAT_CSUM, st->buf, len, hook);
	if (!fz_nat_tuple_ok(k, &now.key, in))
		fz_fail(st, FZ_NAT_TUPLE, st->buf, len, hook);
	if (in) {
		st->nat_in++;
		st->nat_in_bytes += want->len;
	} else {
		st->nat_out++;
		st->nat_out_bytes += want->len;
	}
}

/* lb_vip_in() or lb_vip_out() on a fresh skb, or on a clone of one. */
static void fz_nat(struct fz_state *st, u8 pf, bool ok,
		   const struct lb_pkt *want, unsigned int len, bool in)
{
	struct sk_buff *skb = fz_skb(st, st->buf, len, pf), *sibling = NULL;
	bool local = !in && lbf_chance(&st->rng, 10);
	unsigned int v;

	if (lbf_chance(&st->rng, 25)) {
		sibling = skb;
		skb = skb_clone(sibling, GFP_KERNEL);
		if (!skb)
			kfree_skb(sibling);
		KUNIT_ASSERT_NOT_NULL(st->test, skb);
		st->clones++;
	}
	local_bh_disable();
	rcu_read_lock();
	v = in ? lb_vip_in(st->nat, skb, pf, NULL) :
		 lb_vip_out(st->nat, skb, pf, local);
	rcu_read_unlock();
	local_bh_enable();
	fz_nat_check(st, skb, v, ok, want, len, in,
		     in ? "lb_vip_in" : local ? "lb_vip_out local" :
		     "lb_vip_out");
	if (sibling) {
		if (!fz_bytes(sibling, st->out, len) ||
		    memcmp(st->out, st->buf, len))
			fz_fail(st, FZ_NAT_CLONE, st->buf, len, "clone");
		kfree_skb(sibling);
	}
	kfree_skb(skb);
}

static void fz_one(struct fz_state *st, const struct lbf_env *env)
{
	struct lbf_info info;
	struct lb_pkt want;
	struct sk_buff *skb;
	unsigned int len;
	bool ok;
	u8 pf;

	len = lbf_packet(&st->rng, env, st->buf, &info);
	/* Now and then the bytes of one family reach the other's hook. */
	pf = info.family == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6;
	if (lbf_chance(&st->rng, 5))
		pf = pf == NFPROTO_IPV4 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	ok = ref_parse(st->buf, len, pf, &want);
	st->malformed += !ok;

	skb = fz_skb(st, st->buf, len, pf);
	fz_parse(st, skb, pf, ok, &want, len);
	fz_paths(st, skb, pf, ok, &want, len);
	kfree_skb(skb);
	fz_nat(st, pf, ok, &want, len, true);
	fz_nat(st, pf, ok, &want, len, false);
	st->index++;
}

/* The sum of every service's and target's counters in @ln. */
static void fz_totals(struct lb_net *ln, struct lb_stats *svc,
		      struct lb_stats *tgt)
{
	struct lb_svc_conf *sc;
	struct lb_tgt_conf *tc;
	struct lb_stats s;

	memset(svc, 0, sizeof(*svc));
	memset(tgt, 0, sizeof(*tgt));
	mutex_lock(&ln->lock);
	list_for_each_entry(sc, &ln->services, node) {
		lb_stats_read(sc->cnt->pcpu, &s);
		svc->packets += s.packets;
		svc->bytes += s.bytes;
		svc->reply_packets += s.reply_packets;
		svc->reply_bytes += s.reply_bytes;
		list_for_each_entry(tc, &sc->targets, node) {
			lb_stats_read(tc->cnt->pcpu, &s);
			tgt->packets += s.packets;
			tgt->bytes += s.bytes;
			tgt->flows_active += s.flows_active;
		}
	}
	mutex_unlock(&ln->lock);
}

/* Flows in the table that count as active (not closing). */
static u64 fz_open_flows(struct lb_net *ln)
{
	struct rhashtable_iter iter;
	struct lb_flow *f;
	u64 n = 0;

	rhashtable_walk_enter(&ln->flows.ht, &iter);
	rhashtable_walk_start(&iter);
	while ((f = rhashtable_walk_next(&iter))) {
		if (!IS_ERR(f) && !lb_flow_closing(f))
			n++;
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return n;
}

/* The flow table's books balance, and a flush empties it. */
static void fz_flows_check(struct kunit *test, struct lb_net *ln,
			   const char *name)
{
	struct lb_stats svc, tgt;

	fz_totals(ln, &svc, &tgt);
	KUNIT_EXPECT_EQ_MSG(test, tgt.flows_active, fz_open_flows(ln),
			    "%s: active flows counted against the table", name);
	KUNIT_EXPECT_LE_MSG(test, lb_flow_count(&ln->flows), ln->flows.max,
			    "%s: the table grew past flow_max", name);
	mutex_lock(&ln->lock);
	lb_flow_flush(&ln->flows);
	mutex_unlock(&ln->lock);
	fz_totals(ln, &svc, &tgt);
	KUNIT_EXPECT_EQ_MSG(test, lb_flow_count(&ln->flows), 0U,
			    "%s: flows left after a flush", name);
	KUNIT_EXPECT_EQ_MSG(test, tgt.flows_active, 0ULL,
			    "%s: active flows left after a flush", name);
}

static void fz_setup(struct fz_state *st)
{
	struct kunit *test = st->test;
	struct lb_svc_conf *sc;
	struct lb_tgt_conf *tc;
	unsigned int i, j;
	int err;

	for (i = 0; i < ARRAY_SIZE(st->paths); i++) {
		struct lb_net *ln = lb_test_net(test, 4096);

		lb_test_add_paths(test, ln, LB_MODE_PACKET + i, fz_weights,
				  ARRAY_SIZE(fz_weights));
		sc = lb_test_add_vip(test, ln, AF_INET, IPPROTO_TCP, VIP, 80,
				     LB_SCHED_WRR);
		mutex_lock(&ln->lock);
		err = lb_tgt_add(ln, sc, FZ_VIP_MARK1, FZ_VIP_MASK, 1, NULL) ?:
		      lb_tgt_add(ln, sc, FZ_VIP_MARK2, FZ_VIP_MASK, 3, NULL) ?:
		      lb_svc_update(ln, sc, LB_MODE_PACKET + i, -1, -1, NULL, 0,
				    NULL);
		mutex_unlock(&ln->lock);
		KUNIT_ASSERT_EQ(test, err, 0);
		st->paths[i] = ln;
	}
	st->nat = lb_test_net(test, 4096);
	for (i = 0; i < ARRAY_SIZE(fz_svcs); i++) {
		const struct fz_svc *s = &fz_svcs[i];

		sc = lb_test_add_vip(test, st->nat, s->family, s->proto,
				     s->vip, s->vport, s->sched);
		for (j = 0; j < s->n; j++) {
			tc = lb_test_add_backend(test, st->nat, sc,
						 s->be[j].addr, s->be[j].port,
						 s->be[j].weight);
			if (!s->emptied)
				continue;
			mutex_lock(&st->nat->lock);
			err = lb_tgt_del(st->nat, sc, tc);
			mutex_unlock(&st->nat->lock);
			KUNIT_ASSERT_EQ(test, err, 0);
		}
	}
}

static void lb_fuzz_hooks(struct kunit *test)
{
	u64 target = fuzz_packets ?: IS_ENABLED(CONFIG_KASAN) ? 50000 :
								1000000;
	struct lbf_env env = { .n_v4 = ARRAY_SIZE(fz_hosts),
			       .n_v6 = ARRAY_SIZE(fz_hosts),
			       .n_port = ARRAY_SIZE(fz_ports) };
	struct lb_stats svc, tgt;
	u64 t0, vip_drops, nat_drops;
	struct fz_state *st;
	union lb_addr a;
	unsigned int i;

	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	st->test = test;
	st->seed = fuzz_seed ?: get_random_u64();
	st->rng.s = st->seed;
	for (i = 0; i < ARRAY_SIZE(fz_hosts); i++) {
		env.v4[i] = fz_hosts[i];
		lb_test_addr(&a, AF_INET6, fz_hosts[i]);
		memcpy(env.v6[i], &a.in6, 16);
	}
	memcpy(env.port, fz_ports, sizeof(fz_ports));
	fz_setup(st);
	kunit_info(test, "seed %llu (lb.fuzz_seed=%llu replays it)\n",
		   st->seed, st->seed);

	t0 = ktime_get_ns();
	while (st->malformed < target) {
		fz_one(st, &env);
		if (st->index % 4096)
			continue;
		/* The GC walks meanwhile; the tables fill, and are flushed. */
		for (i = 0; i < ARRAY_SIZE(st->paths); i++)
			lb_flow_gc_step(&st->paths[i]->flows, 256);
		lb_flow_gc_step(&st->nat->flows, 256);
		if (!(st->index % (1 << 18))) {
			for (i = 0; i < ARRAY_SIZE(st->paths); i++)
				fz_flows_check(test, st->paths[i], "paths");
			fz_flows_check(test, st->nat, "NAT");
		}
		cond_resched();
	}
	t0 = ktime_get_ns() - t0;
	kunit_info(test, "%llu packets, %llu malformed, through 5 hooks each in %llu ms (%llu ns per packet); skbs: %llu linear, %llu paged, %llu frag_list, %llu checksum-complete, %llu NAT on clones\n",
		   st->index, st->malformed, t0 / NSEC_PER_MSEC,
		   t0 / st->index, st->layouts[0], st->layouts[1],
		   st->layouts[2], st->completes, st->clones);
	kunit_info(test, "balanced %llu/%llu/%llu (packet/flow/flowlet); NAT rewrote %llu to backends, %llu replies, %llu ICMP errors; %llu drops\n",
		   st->balanced[0], st->balanced[1], st->balanced[2],
		   st->nat_in, st->nat_out, st->nat_icmp, st->drops);
	for (i = 0; i < FZ_WHATS; i++)
		KUNIT_EXPECT_EQ_MSG(test, st->fails[i], 0U, "%s",
				    fz_what_name[i]);
	/*
	 * Guard against a generator gone dull: every path was taken, in
	 * proportion to the run (per malformed packet the generator makes
	 * about 0.012 NAT rewrites, 0.021 replies, 0.0025 ICMP errors and
	 * 0.24 drops; the bounds are a quarter to a half of that).
	 */
	KUNIT_EXPECT_GT(test, st->index - st->malformed, target / 4);
	KUNIT_EXPECT_GT(test, st->nat_in, target / 200);
	KUNIT_EXPECT_GT(test, st->nat_out, target / 200);
	KUNIT_EXPECT_GT(test, st->nat_icmp, target / 2000);
	KUNIT_EXPECT_GT(test, st->drops, target / 20);

	for (i = 0; i < ARRAY_SIZE(st->paths); i++) {
		fz_totals(st->paths[i], &svc, &tgt);
		KUNIT_EXPECT_EQ(test, svc.packets, st->balanced[i]);
		KUNIT_EXPECT_EQ(test, svc.bytes, st->balanced_bytes[i]);
		KUNIT_EXPECT_EQ(test, tgt.packets, st->balanced[i]);
		fz_flows_check(test, st->paths[i], "paths");
	}
	fz_totals(st->nat, &svc, &tgt);
	KUNIT_EXPECT_EQ(test, svc.packets, st->nat_in);
	KUNIT_EXPECT_EQ(test, svc.bytes, st->nat_in_bytes);
	KUNIT_EXPECT_EQ(test, svc.reply_packets, st->nat_out);
	KUNIT_EXPECT_EQ(test, svc.reply_bytes, st->nat_out_bytes);
	mutex_lock(&st->nat->lock);
	lb_ns_stats_read(st->nat, &vip_drops, &nat_drops);
	mutex_unlock(&st->nat->lock);
	KUNIT_EXPECT_EQ(test, vip_drops + nat_drops, st->drops);
	fz_flows_check(test, st->nat, "NAT");
}

/*
 * What the fuzzing found lb taking for well formed, now refused by name:
 * TCP whose data offset reaches past the datagram, and an IPv6 extension
 * header that does (followed by a protocol without ports, which lb used
 * to balance, or by ports, which it read from past the header).
 */
static void lb_fuzz_found(struct kunit *test)
{
	static const u32 w[] = { 1, 1 };
	struct lb_test_pkt tcp4 = { AF_INET, IPPROTO_TCP, CLIENT1, VIP, 40000,
				    80, TCPHDR_SYN };
	struct lb_test_pkt tcp6 = tcp4, udp6 = tcp4;
	struct lb_net *ln = lb_test_net(test, 64);
	struct sk_buff *skb, *copy;
	struct ipv6_opt_hdr *oh;
	struct lb_pkt pkt;
	unsigned int i;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, w, ARRAY_SIZE(w));
	tcp6.family = AF_INET6;
	udp6.family = AF_INET6;
	udp6.proto = IPPROTO_UDP;
	for (i = 0; i < 4; i++) {
		if (i == 0) {		/* 20 bytes of TCP, data offset 6 */
			skb = lb_test_skb(test, &tcp4);
			tcp_hdr_at(skb, sizeof(struct iphdr))->doff = 6;
		} else if (i == 1) {	/* ... and 15 */
			skb = lb_test_skb(test, &tcp6);
			tcp_hdr_at(skb, sizeof(struct ipv6hdr))->doff = 15;
		} else {
			/* A destination options header of 16 (i == 2) or
			 * 2040 bytes (i == 3) where 8 are left, before UDP's
			 * ports and before protocol 129.
			 */
			skb = lb_test_skb(test, &udp6);
			skb_trim(skb, sizeof(struct ipv6hdr));
			oh = skb_put_zero(skb, 8);
			oh->nexthdr = i == 2 ? IPPROTO_UDP : 129;
			oh->hdrlen = i == 2 ? 1 : 254;
			ipv6_hdr(skb)->nexthdr = NEXTHDR_DEST;
			ipv6_hdr(skb)->payload_len = htons(8);
		}
		copy = skb_copy(skb, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, copy);
		KUNIT_EXPECT_EQ_MSG(test, lb_parse(skb, i ? NFPROTO_IPV6 :
						   NFPROTO_IPV4, &pkt),
				    -EINVAL, "case %u", i);
		KUNIT_EXPECT_EQ(test, lb_test_run(ln, skb), NF_ACCEPT);
		KUNIT_EXPECT_EQ_MSG(test, skb->mark, 0U, "case %u", i);
		KUNIT_EXPECT_TRUE(test, lb_test_same(skb, copy));
		kfree_skb(copy);
		kfree_skb(skb);
	}
}

static struct kunit_case lb_fuzz_cases[] = {
	KUNIT_CASE(lb_fuzz_found),
	KUNIT_CASE_SLOW(lb_fuzz_hooks),
	{}
};

static struct kunit_suite lb_fuzz_suite = {
	.name = "lb_fuzz",
	.test_cases = lb_fuzz_cases,
};

kunit_test_suite(lb_fuzz_suite);
