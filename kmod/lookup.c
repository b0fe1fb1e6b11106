// SPDX-License-Identifier: GPL-2.0
/*
 * lb: the packet path's lookups in a published snapshot: which service a
 * packet belongs to, whether an address is a VIP, which backend a reply
 * comes from, which target an id names.  Read-only, under rcu_read_lock;
 * the snapshot was sorted for them when it was built (snapshot.c).
 */
#include <linux/bsearch.h>
#include "lb.h"

static bool lb_prefix_match(const union lb_addr *a, const union lb_addr *net,
			    const union lb_addr *mask)
{
	return !(((a->all[0] ^ net->all[0]) & mask->all[0]) |
		 ((a->all[1] ^ net->all[1]) & mask->all[1]) |
		 ((a->all[2] ^ net->all[2]) & mask->all[2]) |
		 ((a->all[3] ^ net->all[3]) & mask->all[3]));
}

static bool lb_match_pkt(const struct lb_match *m,
			 const struct lb_flow_key *k,
			 const struct net_device *in)
{
	if (m->family && m->family != k->family)
		return false;
	if (m->dplen && !lb_prefix_match(&k->daddr, &m->daddr, &m->dmask))
		return false;
	if (m->splen && !lb_prefix_match(&k->saddr, &m->saddr, &m->smask))
		return false;
	if (m->proto && m->proto != k->proto)
		return false;
	if (m->dport && m->dport != k->dport)
		return false;
	if (m->iifname[0] &&
	    (!in || strncmp(in->name, m->iifname, IFNAMSIZ)))
		return false;
	return true;
}

static const struct lb_svc *lb_first_match(const struct lb_svc **svcs, u32 n,
					   const struct lb_flow_key *key,
					   const struct net_device *in)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (lb_match_pkt(&svcs[i]->m, key, in))
			return svcs[i];
	return NULL;
}

/* The path service of a packet.  Context: rcu_read_lock. */
const struct lb_svc *lb_svc_lookup(const struct lb_cfg *cfg,
				   const struct lb_flow_key *key,
				   const struct net_device *in)
{
	return lb_first_match(cfg->svcs, cfg->n_svc, key, in);
}

/* The service of a packet to a VIP.  Context: rcu_read_lock. */
const struct lb_svc *lb_vip_svc_lookup(const struct lb_cfg *cfg,
				       const struct lb_flow_key *key,
				       const struct net_device *in)
{
	return lb_first_match(cfg->vip_svcs, cfg->n_vip_svcs, key, in);
}

/* The VIPs' order in a snapshot: family, then address. */
int lb_vip_cmp(const void *pa, const void *pb)
{
	const struct lb_vip *a = pa, *b = pb;

	if (a->family != b->family)
		return a->family - b->family;
	return memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

/* Is @a a VIP of some service?  Context: rcu_read_lock. */
bool lb_is_vip(const struct lb_cfg *cfg, u8 family, const union lb_addr *a)
{
	struct lb_vip key = { .addr = *a, .family = family };

	return bsearch(&key, cfg->vips, cfg->n_vips, sizeof(key), lb_vip_cmp);
}

/* Backends sort by what a reply carries: family, protocol, port, address. */
int lb_backend_cmp(const void *pa, const void *pb)
{
	const struct lb_backend_ref *a = pa, *b = pb;

	if (a->family != b->family)
		return a->family - b->family;
	if (a->proto != b->proto)
		return a->proto - b->proto;
	if (a->port != b->port)
		return (__force u16)a->port < (__force u16)b->port ? -1 : 1;
	return memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

/**
 * lb_backend_find() - the backends a reply's source names
 * @cfg: the snapshot
 * @family: AF_INET or AF_INET6
 * @proto: IPPROTO_TCP or IPPROTO_UDP
 * @addr: the reply's source address
 * @port: its source port
 * @n: receives how many services share this backend
 *
 * Context: rcu_read_lock.
 * Return: the first of @n consecutive entries, or NULL.
 */
const struct lb_backend_ref *lb_backend_find(const struct lb_cfg *cfg,
					     u8 family, u8 proto,
					     const union lb_addr *addr,
					     __be16 port, u32 *n)
{
	struct lb_backend_ref key = {
		.addr = *addr, .port = port, .family = family, .proto = proto,
	};
	u32 lo = 0, hi = cfg->n_backends, end;

	/* The first entry not below @key. */
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (lb_backend_cmp(&cfg->backends[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < cfg->n_backends &&
	     !lb_backend_cmp(&cfg->backends[end], &key); end++)
		;
	*n = end - lo;
	return *n ? &cfg->backends[lo] : NULL;
}

/* The target with id @id, or NULL.  Context: rcu_read_lock. */
const struct lb_target *lb_cfg_target(const struct lb_cfg *cfg, u32 id)
{
	return id < cfg->n_ids ? cfg->by_id[id] : NULL;
}
