/* SPDX-License-Identifier: GPL-2.0 */
/* lb KUnit: synthetic packets and a private namespace state. */
#ifndef _LB_TEST_UTIL_H
#define _LB_TEST_UTIL_H

#include <kunit/test.h>
#include "lb.h"
#include "conf.h"
#include "counters.h"

struct lb_test_pkt {
	u8 family;		/* AF_INET or AF_INET6 */
	u8 proto;
	u32 saddr, daddr;	/* IPv4, or the last word of fd00::/64 */
	u16 sport, dport;
	u8 tcp_flags;		/* TCPHDR_* */
	bool frag;		/* a fragment, with @frag_off and @frag_id */
	u16 frag_off;		/* in 8-byte units */
	u32 frag_id;
	unsigned int payload;	/* bytes after the L4 header */
	u8 pattern;		/* non-zero: payload byte i is pattern + i */
};

struct sk_buff *lb_test_skb(struct kunit *test, const struct lb_test_pkt *p);
struct lb_net *lb_test_net(struct kunit *test, u32 flow_max);
void lb_test_add_paths(struct kunit *test, struct lb_net *ln, u8 mode,
		       const u32 *weights, unsigned int n);
unsigned int lb_test_run(struct lb_net *ln, struct sk_buff *skb);
unsigned int lb_test_run_in(struct lb_net *ln, struct sk_buff *skb,
			    const struct net_device *in);
struct net_device *lb_test_dev(struct kunit *test, int ifindex);
u32 lb_test_mark(struct kunit *test, struct lb_net *ln,
		 const struct lb_test_pkt *p);
void lb_test_marks(struct kunit *test, struct lb_net *ln,
		   const struct lb_test_pkt *p, u16 base, int n, u32 *marks,
		   u32 count[4]);
struct lb_svc_conf *lb_test_svc(struct lb_net *ln);

/* Service balancing: addresses, checksums, ICMP errors, VIPs, backends. */
void lb_test_addr(union lb_addr *a, u8 family, u32 v);
void lb_test_csum_fill(struct sk_buff *skb);
void lb_test_csum_set(struct kunit *test, struct sk_buff *skb, u8 ip_summed);
u16 lb_test_l4_csum(const struct sk_buff *skb);
u16 lb_test_icmp_csum(const struct sk_buff *skb);
u16 lb_test_csum16(__wsum sum);
struct sk_buff *lb_test_icmp_err(struct kunit *test, u8 family, u8 type,
				 u8 code, u32 info, u32 saddr, u32 daddr,
				 const struct sk_buff *quote, unsigned int qlen);
struct sk_buff *lb_test_nonlinear(struct kunit *test,
				  const struct sk_buff *skb,
				  unsigned int head);
bool lb_test_same(const struct sk_buff *a, const struct sk_buff *b);
unsigned int lb_test_vip_in(struct lb_net *ln, struct sk_buff *skb);
unsigned int lb_test_vip_out(struct lb_net *ln, struct sk_buff *skb);
struct lb_svc_conf *lb_test_add_vip(struct kunit *test, struct lb_net *ln,
				    u8 family, u8 proto, u32 vip, u16 vport,
				    int sched);
struct lb_tgt_conf *lb_test_add_backend(struct kunit *test,
					struct lb_net *ln,
					struct lb_svc_conf *sc, u32 addr,
					u16 port, u32 weight);

#endif
