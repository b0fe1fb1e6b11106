// SPDX-License-Identifier: GPL-2.0
/*
 * lb: the mark forwarding method (LB_FWD_MARK), path balancing: the
 * packet's mark becomes its path's, as iptables' MARK --set-xmark does,
 * and the kernel's policy routing (ip rule fwmark) turns it into a link.
 * Nothing else of the packet changes, so replies and ICMP errors need
 * nothing from lb.
 */
#include <linux/skbuff.h>
#include <linux/indirect_call_wrapper.h>
#include "lb.h"

INDIRECT_CALLABLE_SCOPE int lb_mark_xmit(struct sk_buff *skb,
					 const struct lb_pkt *pkt,
					 const struct lb_target *t)
{
	skb->mark = (skb->mark & ~t->mask) ^ t->mark;
	return 0;
}

/* Before the routing decision that reads the mark (hook.c). */
const struct lb_fwd_ops lb_fwd_mark = {
	.hooks = BIT(LB_HOOKS_PATH),
	.xmit = lb_mark_xmit,
	.judge = lb_health_judge_paths,
};

