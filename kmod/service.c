// SPDX-License-Identifier: GPL-2.0
/*
 * lb: services as configured: what they match, their mode, scheduler and
 * forwarding method, and the checks a request must pass.  Every change
 * holds lb_net.lock and publishes through lb_commit() (snapshot.c), or is
 * undone here when that fails.
 */
#include <linux/slab.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include "lb.h"
#include "conf.h"

/* The first @plen bits set; IPv4 uses the first word only. */
static void lb_prefix_mask(union lb_addr *mask, u8 plen)
{
	int i;

	for (i = 0; i < 4; i++) {
		int bits = clamp_t(int, plen - 32 * i, 0, 32);

		mask->all[i] = bits ? htonl(~0U << (32 - bits)) : 0;
	}
}

static void lb_addr_and(union lb_addr *a, const union lb_addr *mask)
{
	int i;

	for (i = 0; i < 4; i++)
		a->all[i] &= mask->all[i];
}

/**
 * lb_match_init() - check and store what a service matches
 * @m: result
 * @family: 0 (both), AF_INET or AF_INET6
 * @daddr: destination prefix, or NULL
 * @dplen: its length
 * @saddr: source prefix, or NULL
 * @splen: its length
 * @proto: IP protocol or 0
 * @dport: destination port or 0
 * @iifname: input interface or NULL
 * @extack: where a rejection is explained
 *
 * Host bits beyond a prefix are cleared, as iptables does.
 * Return: 0 or -EINVAL.
 */
int lb_match_init(struct lb_match *m, u8 family,
		  const union lb_addr *daddr, u8 dplen,
		  const union lb_addr *saddr, u8 splen, u8 proto,
		  __be16 dport, const char *iifname,
		  struct netlink_ext_ack *extack)
{
	u8 maxlen = family == AF_INET ? 32 : 128;

	memset(m, 0, sizeof(*m));
	if (family != 0 && family != AF_INET && family != AF_INET6) {
		NL_SET_ERR_MSG(extack, "family must be IPv4 or IPv6");
		return -EINVAL;
	}
	if (!family && (daddr || saddr || dplen || splen)) {
		NL_SET_ERR_MSG(extack, "a prefix needs an address family");
		return -EINVAL;
	}
	if (dplen > maxlen || splen > maxlen) {
		NL_SET_ERR_MSG(extack, "prefix length too long for the family");
		return -EINVAL;
	}
	if ((dplen && !daddr) || (splen && !saddr)) {
		NL_SET_ERR_MSG(extack, "prefix length without an address");
		return -EINVAL;
	}
	if (dport && !lb_proto_has_ports(proto)) {
		NL_SET_ERR_MSG(extack,
			       "a port needs protocol tcp, udp, udplite, sctp or dccp");
		return -EINVAL;
	}

	m->family = family;
	m->proto = proto;
	m->dport = dport;
	m->dplen = daddr ? dplen : 0;
	m->splen = saddr ? splen : 0;
	lb_prefix_mask(&m->dmask, m->dplen);
	lb_prefix_mask(&m->smask, m->splen);
	if (daddr) {
		m->daddr = *daddr;
		lb_addr_and(&m->daddr, &m->dmask);
	}
	if (saddr) {
		m->saddr = *saddr;
		lb_addr_and(&m->saddr, &m->smask);
	}
	if (iifname)
		strscpy(m->iifname, iifname, sizeof(m->iifname));
	return 0;
}

/* Do @a and @b match the same packets (the same service)? */
bool lb_match_equal(const struct lb_match *a, const struct lb_match *b)
{
	return a->family == b->family && a->dplen == b->dplen &&
	       a->splen == b->splen && a->proto == b->proto &&
	       a->dport == b->dport &&
	       !memcmp(&a->daddr, &b->daddr, sizeof(a->daddr)) &&
	       !memcmp(&a->saddr, &b->saddr, sizeof(a->saddr)) &&
	       !strncmp(a->iifname, b->iifname, IFNAMSIZ);
}

/* The service of @services that matches exactly @m. */
struct lb_svc_conf *lb_svc_conf_find_in(const struct list_head *services,
					const struct lb_match *m)
{
	struct lb_svc_conf *sc;

	list_for_each_entry(sc, services, node)
		if (lb_match_equal(&sc->m, m))
			return sc;
	return NULL;
}

/* The namespace's service that matches exactly @m, or NULL. */
struct lb_svc_conf *lb_svc_conf_find(struct lb_net *ln,
				     const struct lb_match *m)
{
	return lb_svc_conf_find_in(&ln->services, m);
}

/*
 * A service is a VIP (its method forwards to backends) from its first
 * backend on, or from the start if it was added so, and stays one when
 * its last backend goes: its VIP:port must not start passing packets on
 * untouched.  Without backends, new flows are dropped and counted.
 */
bool lb_svc_conf_is_vip(const struct lb_svc_conf *sc)
{
	return lb_fwds[sc->fwd]->backends;
}

/* Free @sc and its targets, giving their ids back. */
void lb_svc_conf_free(struct lb_net *ln, struct lb_svc_conf *sc)
{
	struct lb_tgt_conf *tc, *tmp;

	list_for_each_entry_safe(tc, tmp, &sc->targets, node)
		lb_tgt_conf_free(ln, tc);
	lb_counters_put(sc->cnt);
	kfree(sc);
}

static int lb_check_mode(u8 mode, u8 sched, u32 flowlet_us,
			 struct netlink_ext_ack *extack)
{
	if (mode > LB_MODE_MAX) {
		NL_SET_ERR_MSG(extack, "mode must be packet, flow or flowlet");
		return -EINVAL;
	}
	if (sched > LB_SCHED_MAX) {
		NL_SET_ERR_MSG(extack,
			       "scheduler unknown to this kernel (enum lb_sched)");
		return -EINVAL;
	}
	if (flowlet_us < LB_FLOWLET_US_MIN || flowlet_us > LB_FLOWLET_US_MAX) {
		NL_SET_ERR_MSG(extack, "flowlet timeout out of range");
		return -EINVAL;
	}
	return 0;
}

/* What a service must match to hold backends: one VIP:port, TCP or UDP. */
int lb_check_vip_match(const struct lb_match *m,
		       struct netlink_ext_ack *extack)
{
	if (!m->family || m->dplen != (m->family == AF_INET ? 32 : 128)) {
		NL_SET_ERR_MSG(extack,
			       "a service with backends matches one address (a /32 or /128 VIP)");
		return -EINVAL;
	}
	if ((m->proto != IPPROTO_TCP && m->proto != IPPROTO_UDP) ||
	    !m->dport) {
		NL_SET_ERR_MSG(extack,
			       "a service with backends matches protocol tcp or udp and a port");
		return -EINVAL;
	}
	return 0;
}

/*
 * A VIP with method @fwd, as from a first backend (LB_FWD_NAT unless a
 * method was chosen): flow mode, and Maglev unless a scheduler was chosen.
 */
void lb_svc_conf_make_vip(struct lb_svc_conf *sc, u8 fwd)
{
	if (lb_svc_conf_is_vip(sc))
		return;
	if (sc->auto_mode)
		sc->mode = LB_MODE_FLOW;
	if (sc->auto_sched)
		sc->sched = LB_SCHED_MAGLEV;
	sc->fwd = fwd;
}

/*
 * A service, checked, not yet configured: no counters, no targets.
 * @mode and @sched of -1 take the defaults, which a first backend (or a
 * backend method @fwd) turns into flow and Maglev.
 */
struct lb_svc_conf *lb_svc_conf_new(const struct lb_match *m,
				    int mode, int sched, u32 flowlet_us,
				    u8 fwd, struct netlink_ext_ack *extack)
{
	bool vip = fwd <= LB_FWD_MAX && lb_fwds[fwd]->backends;
	struct lb_svc_conf *sc;
	int err;

	if (fwd > LB_FWD_MAX) {
		NL_SET_ERR_MSG(extack,
			       "forwarding method unknown to this kernel (enum lb_fwd)");
		return ERR_PTR(-EINVAL);
	}
	err = lb_check_mode(mode < 0 ? lb_defaults.mode : mode,
			    sched < 0 ? lb_defaults.sched : sched,
			    flowlet_us, extack);
	if (!err && vip)
		err = lb_check_vip_match(m, extack);
	if (err)
		return ERR_PTR(err);
	if (vip && mode >= 0 && mode != LB_MODE_FLOW) {
		NL_SET_ERR_MSG(extack,
			       "a service with backends keeps each flow on its backend: mode must be flow");
		return ERR_PTR(-EINVAL);
	}
	sc = kzalloc(sizeof(*sc), GFP_KERNEL_ACCOUNT);
	if (!sc)
		return ERR_PTR(-ENOMEM);
	sc->m = *m;
	sc->mode = mode < 0 ? lb_defaults.mode : mode;
	sc->sched = sched < 0 ? lb_defaults.sched : sched;
	sc->auto_mode = mode < 0;
	sc->auto_sched = sched < 0;
	sc->flowlet_us = flowlet_us;
	INIT_LIST_HEAD(&sc->targets);
	if (vip)
		lb_svc_conf_make_vip(sc, fwd);
	return sc;
}

/**
 * lb_svc_add() - add a service
 * @ln: namespace state, locked
 * @m: what it matches
 * @mode: enum lb_mode, or -1 for the default (which a first backend
 *	turns into flow)
 * @sched: enum lb_sched, or -1 for the default (maglev with backends)
 * @flowlet_us: flowlet gap
 * @fwd: enum lb_fwd: LB_FWD_MARK, or a method with backends to make it a
 *	VIP from the start, before its first backend
 * @extack: where a rejection is explained
 *
 * Return: 0 or a negative errno.
 */
int lb_svc_add(struct lb_net *ln, const struct lb_match *m, int mode,
	       int sched, u32 flowlet_us, u8 fwd,
	       struct netlink_ext_ack *extack)
{
	struct lb_svc_conf *sc;
	int err;

	lockdep_assert_held(&ln->lock);
	sc = lb_svc_conf_new(m, mode, sched, flowlet_us, fwd, extack);
	if (IS_ERR(sc))
		return PTR_ERR(sc);
	if (lb_svc_conf_find(ln, m)) {
		NL_SET_ERR_MSG(extack, "a service with this match exists");
		err = -EEXIST;
		goto err_free;
	}
	if (ln->n_services >= LB_SERVICES_MAX) {
		NL_SET_ERR_MSG(extack, "too many services");
		err = -ENOSPC;
		goto err_free;
	}
	sc->cnt = lb_counters_new();
	if (!sc->cnt) {
		err = -ENOMEM;
		goto err_free;
	}
	list_add_tail(&sc->node, &ln->services);
	ln->n_services++;
	err = lb_commit(ln, sc, NULL);
	if (err) {
		list_del(&sc->node);
		ln->n_services--;
		goto err_free;
	}
	return 0;
err_free:
	lb_svc_conf_free(ln, sc);
	return err;
}

/**
 * lb_svc_del() - delete a service and its targets
 * @ln: namespace state, locked
 * @sc: the service
 *
 * Its flows move to whatever service matches them next.
 * Return: 0, or a negative errno and nothing changed.
 */
int lb_svc_del(struct lb_net *ln, struct lb_svc_conf *sc)
{
	struct list_head *prev = sc->node.prev;
	int err;

	lockdep_assert_held(&ln->lock);
	list_del(&sc->node);
	ln->n_services--;
	err = lb_commit(ln, NULL, sc->compiled);
	if (err) {
		list_add(&sc->node, prev);
		ln->n_services++;
		return err;
	}
	lb_svc_conf_free(ln, sc);
	return 0;
}

/**
 * lb_svc_update() - change a service's mode, scheduler, gap or weights
 * @ln: namespace state, locked
 * @sc: the service
 * @mode: new mode, or -1 to keep
 * @sched: new scheduler, or -1 to keep
 * @flowlet_us: new flowlet gap, or -1 to keep
 * @weights: one weight per target in target order, or NULL to keep
 * @n_weights: number of @weights
 * @extack: where a rejection is explained
 *
 * All or nothing.  Existing flows keep their targets.
 * Return: 0 or a negative errno.
 */
int lb_svc_update(struct lb_net *ln, struct lb_svc_conf *sc, int mode,
		  int sched, s64 flowlet_us, const u32 *weights, u32 n_weights,
		  struct netlink_ext_ack *extack)
{
	u8 old_mode = sc->mode, old_sched = sc->sched;
	u8 old_auto_mode = sc->auto_mode, old_auto_sched = sc->auto_sched;
	u32 old_gap = sc->flowlet_us, *old_weights = NULL, i;
	struct lb_tgt_conf *tc;
	int err;

	lockdep_assert_held(&ln->lock);
	err = lb_check_mode(mode < 0 ? sc->mode : mode,
			    sched < 0 ? sc->sched : sched,
			    flowlet_us < 0 ? sc->flowlet_us : flowlet_us,
			    extack);
	if (err)
		return err;
	if (mode >= 0 && mode != LB_MODE_FLOW && lb_svc_conf_is_vip(sc)) {
		NL_SET_ERR_MSG(extack,
			       "a service with backends keeps each flow on its backend: mode must be flow");
		return -EINVAL;
	}
	if (weights) {
		if (n_weights != sc->n_targets) {
			NL_SET_ERR_MSG(extack,
				       "give exactly one weight per target");
			return -EINVAL;
		}
		for (i = 0; i < n_weights; i++) {
			if (weights[i] > LB_WEIGHT_MAX) {
				NL_SET_ERR_MSG(extack, "weight above 65535");
				return -ERANGE;
			}
		}
		old_weights = kcalloc(n_weights ?: 1, sizeof(u32), GFP_KERNEL);
		if (!old_weights)
			return -ENOMEM;
		i = 0;
		list_for_each_entry(tc, &sc->targets, node) {
			old_weights[i] = tc->weight;
			tc->weight = weights[i++];
		}
	}
	if (mode >= 0) {
		sc->mode = mode;
		sc->auto_mode = 0;
	}
	if (sched >= 0) {
		sc->sched = sched;
		sc->auto_sched = 0;
	}
	if (flowlet_us >= 0)
		sc->flowlet_us = flowlet_us;

	err = lb_commit(ln, sc, NULL);
	if (err) {
		sc->mode = old_mode;
		sc->sched = old_sched;
		sc->auto_mode = old_auto_mode;
		sc->auto_sched = old_auto_sched;
		sc->flowlet_us = old_gap;
		i = 0;
		if (old_weights)
			list_for_each_entry(tc, &sc->targets, node)
				tc->weight = old_weights[i++];
	}
	kfree(old_weights);
	return err;
}
