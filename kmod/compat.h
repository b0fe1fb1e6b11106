/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lb: what differs between the kernels lb builds for (6.1 to the newest),
 * in one place.  Each shim says which kernel gained the real thing.
 */
#ifndef _LB_COMPAT_H
#define _LB_COMPAT_H

#include <linux/version.h>
#include <linux/slab.h>
#include <linux/skbuff.h>
#include <linux/ipv6.h>

/* 6.5: the GSO helpers moved out of skbuff.h. */
#if KERNEL_VERSION(6, 5, 0) <= LINUX_VERSION_CODE
#include <net/gso.h>
#endif

/* 6.5: a cache that is never merged with another.  Before, lb's own count
 * of flow entries is what reports a leak at unload (flow.c).
 */
#ifndef SLAB_NO_MERGE
#define SLAB_NO_MERGE 0
#endif

/* 6.3: an IPv6 BIG TCP packet's payload length, 0 in its header. */
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
#define lb_ipv6_payload_len ipv6_payload_len
#else
static inline unsigned int
lb_ipv6_payload_len(const struct sk_buff *skb, const struct ipv6hdr *ip6)
{
	u32 len = ntohs(ip6->payload_len);

	return (len || !skb_is_gso(skb) || !skb_is_gso_tcp(skb)) ?
		len :
		skb->len - skb_network_offset(skb) - sizeof(struct ipv6hdr);
}
#endif

#endif /* _LB_COMPAT_H */
