/* SPDX-License-Identifier: GPL-2.0 */
/* lb KUnit: synthetic packets and a private namespace state. */
#ifndef _LB_TEST_UTIL_H
#define _LB_TEST_UTIL_H

#include <kunit/test.h>
#include "lb.h"

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
struct lb_svc_conf *lb_test_svc(struct lb_net *ln);

#endif
