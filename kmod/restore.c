// SPDX-License-Identifier: GPL-2.0
/*
 * lb: a whole configuration at once (LB_CMD_RESTORE).  The services and
 * targets are built and checked apart from the namespace's, then adopt the
 * ids and counters of those they replace and are published in one
 * snapshot: readers see the old configuration or the new one.
 */
#include <linux/slab.h>
#include <linux/netlink.h>
#include "lb.h"
#include "conf.h"

/* An empty configuration to build. */
void lb_restore_init(struct lb_restore *r)
{
	INIT_LIST_HEAD(&r->services);
	r->n_services = 0;
}

/* Context: @r holds no ids or counters (before or after a commit). */
void lb_restore_free(struct lb_restore *r)
{
	struct lb_svc_conf *sc, *stmp;
	struct lb_tgt_conf *tc, *ttmp;

	list_for_each_entry_safe(sc, stmp, &r->services, node) {
		list_for_each_entry_safe(tc, ttmp, &sc->targets, node)
			kfree(tc);
		kfree(sc);
	}
	lb_restore_init(r);
}

/**
 * lb_restore_svc() - add a service to a configuration being built
 * @r: the configuration
 * @m: what the service matches
 * @mode: as lb_svc_add()
 * @sched: likewise
 * @flowlet_us: likewise
 * @fwd: likewise
 * @extack: where a rejection is explained
 *
 * The checks of lb_svc_add(), against @r instead of the namespace.
 * Return: the service, for lb_restore_path() and lb_restore_backend(),
 * or an ERR_PTR.
 */
struct lb_svc_conf *lb_restore_svc(struct lb_restore *r,
				   const struct lb_match *m, int mode,
				   int sched, u32 flowlet_us, u8 fwd,
				   struct netlink_ext_ack *extack)
{
	struct lb_svc_conf *sc;

	if (lb_svc_conf_find_in(&r->services, m)) {
		NL_SET_ERR_MSG(extack, "a service with this match is given twice");
		return ERR_PTR(-EEXIST);
	}
	if (r->n_services >= LB_SERVICES_MAX) {
		NL_SET_ERR_MSG(extack, "too many services");
		return ERR_PTR(-ENOSPC);
	}
	sc = lb_svc_conf_new(m, mode, sched, flowlet_us, fwd, extack);
	if (!IS_ERR(sc)) {
		list_add_tail(&sc->node, &r->services);
		r->n_services++;
	}
	return sc;
}

static void lb_restore_tgt(struct lb_svc_conf *sc, struct lb_tgt_conf *tc)
{
	list_add_tail(&tc->node, &sc->targets);
	sc->n_targets++;
}

/* The checks of lb_tgt_add(); @sc is a service of a lb_restore. */
int lb_restore_path(struct lb_svc_conf *sc, u32 mark, s64 mask, u32 weight,
		    struct netlink_ext_ack *extack)
{
	struct lb_tgt_conf *tc;
	int err;

	err = lb_check_path(sc, mark, mask, extack);
	if (err)
		return err;
	tc = lb_tgt_conf_alloc(sc, weight, extack);
	if (IS_ERR(tc))
		return PTR_ERR(tc);
	tc->mark = mark;
	lb_tgt_conf_set_mask(tc, mask);
	lb_restore_tgt(sc, tc);
	return 0;
}

/* The checks and effects of lb_backend_add(), likewise. */
int lb_restore_backend(struct lb_svc_conf *sc, const union lb_addr *addr,
		       __be16 port, u32 weight, struct netlink_ext_ack *extack)
{
	struct lb_tgt_conf *tc;
	int err;

	err = lb_check_backend(sc, addr, port, extack);
	if (err)
		return err;
	tc = lb_tgt_conf_alloc(sc, weight, extack);
	if (IS_ERR(tc))
		return PTR_ERR(tc);
	tc->addr = *addr;
	tc->port = port;
	lb_svc_conf_make_vip(sc, LB_FWD_NAT);
	lb_restore_tgt(sc, tc);
	return 0;
}

/* The target of @old that @tc is again: the same mark, or address and port. */
static struct lb_tgt_conf *lb_tgt_conf_again(const struct lb_svc_conf *old,
					     const struct lb_tgt_conf *tc)
{
	if (lb_tgt_conf_is_backend(tc))
		return lb_backend_conf_find(old, &tc->addr, tc->port);
	return lb_tgt_conf_find(old, -1, tc->mark);
}

/*
 * Counters for @sc and ids and counters for its targets: those of @old
 * (the service it replaces, if any) for what it has again, new ones for
 * the rest.  A target kept shares its id with the one it replaces, and
 * both say so, until one of the two is freed without giving the id back.
 */
static int lb_svc_conf_adopt(struct lb_net *ln, struct lb_svc_conf *sc,
			     struct lb_svc_conf *old,
			     struct netlink_ext_ack *extack)
{
	struct lb_tgt_conf *tc, *prev;
	int err;

	sc->cnt = old ? lb_counters_get(old->cnt) : lb_counters_new();
	if (!sc->cnt)
		return -ENOMEM;
	list_for_each_entry(tc, &sc->targets, node) {
		prev = old ? lb_tgt_conf_again(old, tc) : NULL;
		if (!prev) {
			err = lb_tgt_conf_init(ln, tc, extack);
			if (err)
				return err;
			continue;
		}
		tc->id = prev->id;
		tc->tag = prev->tag;
		tc->cnt = lb_counters_get(prev->cnt);
		/* Still as reachable as it was, until the next check says. */
		tc->down = prev->down;
		memcpy(tc->probes, prev->probes, sizeof(tc->probes));
		memcpy(tc->ifindex, prev->ifindex, sizeof(tc->ifindex));
		tc->id_shared = 1;
		prev->id_shared = 1;
	}
	return 0;
}

/* Undo lb_svc_conf_adopt() and compilation, as far as they went. */
static void lb_svc_conf_disown(struct lb_net *ln, struct lb_svc_conf *sc)
{
	struct lb_tgt_conf *tc;

	lb_svc_free(sc->compiled);
	sc->compiled = NULL;
	list_for_each_entry(tc, &sc->targets, node) {
		if (tc->id && !tc->id_shared)
			ida_free(&ln->tgt_ids, tc->id);
		lb_counters_put(tc->cnt);
		tc->cnt = NULL;
		tc->id = 0;
		tc->id_shared = 0;
	}
	lb_counters_put(sc->cnt);
	sc->cnt = NULL;
}

/* Each id is one configuration's again. */
static void lb_svcs_unshare(struct list_head *services)
{
	struct lb_svc_conf *sc;
	struct lb_tgt_conf *tc;

	list_for_each_entry(sc, services, node)
		list_for_each_entry(tc, &sc->targets, node)
			tc->id_shared = 0;
}

/**
 * lb_restore_commit() - make @r the namespace's whole configuration
 * @ln: namespace state, locked
 * @r: the configuration, built by lb_restore_svc() and its friends
 * @extack: where a failure is explained
 *
 * A service of @r with the match of a service configured now keeps that
 * one's counters, and each of its targets with the mark, or the address
 * and port, of one of that service's keeps that target's id and counters,
 * hence its flows.  Whatever else is configured goes; the ids of targets
 * that go are freed.  Readers see the old snapshot or the new one.
 *
 * Return: 0, and @r is empty; or a negative errno, and nothing changed:
 * @r is as it was.
 */
int lb_restore_commit(struct lb_net *ln, struct lb_restore *r,
		      struct netlink_ext_ack *extack)
{
	struct lb_svc_conf *sc, *tmp;
	struct lb_cfg *cfg, *old;
	LIST_HEAD(gone);
	int err;

	lockdep_assert_held(&ln->lock);
	list_for_each_entry(sc, &r->services, node) {
		err = lb_svc_conf_adopt(ln, sc, lb_svc_conf_find(ln, &sc->m),
					extack);
		if (err)
			goto undo;
		sc->compiled = lb_svc_compile(sc);
		if (!sc->compiled) {
			err = -ENOMEM;
			goto undo;
		}
	}
	cfg = lb_cfg_build(&r->services, r->n_services);
	if (!cfg) {
		err = -ENOMEM;
		goto undo;
	}
	old = lb_cfg_publish(ln, cfg);
	if (IS_ERR(old)) {
		err = PTR_ERR(old);
		NL_SET_ERR_MSG(extack, "cannot register lb's netfilter hooks");
		goto undo;
	}

	list_splice_init(&ln->services, &gone);
	list_splice_init(&r->services, &ln->services);
	ln->n_services = r->n_services;
	r->n_services = 0;
	list_for_each_entry_safe(sc, tmp, &gone, node) {
		list_add(&sc->compiled->retire, &old->retired);
		lb_svc_conf_free(ln, sc);
	}
	lb_svcs_unshare(&ln->services);
	queue_rcu_work(lb_wq, &old->free_work);
	lb_health_kick(ln);
	return 0;
undo:
	list_for_each_entry(sc, &r->services, node)
		lb_svc_conf_disown(ln, sc);
	lb_svcs_unshare(&ln->services);
	return err;
}
