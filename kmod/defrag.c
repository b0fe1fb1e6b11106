// SPDX-License-Identifier: GPL-2.0
/*
 * lb: reassembly before the VIP hooks, as IPVS and conntrack have it.
 *
 * A fragment past the first has no ports: it can be neither matched to a
 * service nor translated.  So while a namespace has the VIP hooks, it has
 * the kernel's own defragmentation too (nf_defrag_ipv4 and nf_defrag_ipv6,
 * at NF_IP_PRI_CONNTRACK_DEFRAG, before lb's hooks), with or without
 * conntrack: fragments to a VIP, and a backend's fragmented replies, reach
 * lb whole.  Forwarding fragments them again on the way out, no larger
 * than the largest that came in (frag_max_size), so path MTU discovery
 * sees what it would through any router.
 *
 * lb does not link against those modules, so that insmod works where they
 * are not loaded: it loads them when it loads, and holds their functions
 * until it unloads.  A kernel without them keeps fragments to a VIP
 * dropped (and counted), as before.
 */
#include <linux/module.h>
#include <linux/kmod.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include "lb.h"

struct lb_defrag {
	int (*enable)(struct net *net);
	void (*disable)(struct net *net);
};

static struct lb_defrag lb_defrag4, lb_defrag6;

/* Context: module load, before any namespace is set up. */
void lb_defrag_init(void)
{
	request_module("nf_defrag_ipv4");
	lb_defrag4.enable = symbol_get(nf_defrag_ipv4_enable);
	lb_defrag4.disable = symbol_get(nf_defrag_ipv4_disable);
	request_module("nf_defrag_ipv6");
	lb_defrag6.enable = symbol_get(nf_defrag_ipv6_enable);
	lb_defrag6.disable = symbol_get(nf_defrag_ipv6_disable);
	if (!lb_defrag4.enable || !lb_defrag4.disable)
		pr_info("lb: no nf_defrag_ipv4: IPv4 fragments to a VIP are dropped\n");
	if (!lb_defrag6.enable || !lb_defrag6.disable)
		pr_info("lb: no nf_defrag_ipv6: IPv6 fragments to a VIP are dropped\n");
}

/* Context: after every namespace is gone. */
void lb_defrag_exit(void)
{
	if (lb_defrag4.enable)
		symbol_put(nf_defrag_ipv4_enable);
	if (lb_defrag4.disable)
		symbol_put(nf_defrag_ipv4_disable);
	if (lb_defrag6.enable)
		symbol_put(nf_defrag_ipv6_enable);
	if (lb_defrag6.disable)
		symbol_put(nf_defrag_ipv6_disable);
}

static int lb_defrag_on(const struct lb_defrag *d, struct net *net)
{
	return d->enable && d->disable ? d->enable(net) : 0;
}

static void lb_defrag_off(const struct lb_defrag *d, struct net *net)
{
	if (d->enable && d->disable)
		d->disable(net);
}

/**
 * lb_defrag_get() - reassemble @net's IPv4 and IPv6 fragments until
 *	lb_defrag_put()
 * @net: the namespace
 *
 * Context: process.  Return: 0, or the error of the first that failed
 * (nothing changed then).
 */
int lb_defrag_get(struct net *net)
{
	int err = lb_defrag_on(&lb_defrag4, net);

	if (err)
		return err;
	err = lb_defrag_on(&lb_defrag6, net);
	if (err)
		lb_defrag_off(&lb_defrag4, net);
	return err;
}

/* Undo lb_defrag_get().  Context: process. */
void lb_defrag_put(struct net *net)
{
	lb_defrag_off(&lb_defrag6, net);
	lb_defrag_off(&lb_defrag4, net);
}
