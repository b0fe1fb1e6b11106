// SPDX-License-Identifier: GPL-2.0
/*
 * lb: compiled services and the snapshot the packet path reads.
 *
 * The one rule of lb: the packet path only reads published snapshots.
 * Writers (netlink, module parameters, the health check) hold lb_net.lock,
 * change the configuration objects (service.c, target.c, restore.c), and
 * call lb_commit(): it compiles the service they changed, builds a new
 * snapshot of every service, registers the hooks it needs and publishes it
 * with rcu_replace_pointer().  The old snapshot, and the compiled services
 * it alone held, are freed after a grace period.  A change either
 * publishes or, on failure, is undone by its caller before the lock is
 * dropped: the hook never sees a half-made configuration and a failed
 * request changes nothing.
 */
#include <linux/slab.h>
#include <linux/sort.h>
#include "lb.h"
#include "conf.h"

#define LB_WRR_MAX	4096	/* schedule slots; longer cycles are scaled */

/* Snapshot order: most specific first, so the first match wins. */
static int lb_match_specificity_cmp(const void *pa, const void *pb)
{
	const struct lb_match *a = &(*(const struct lb_svc **)pa)->m;
	const struct lb_match *b = &(*(const struct lb_svc **)pb)->m;

	if (a->dplen != b->dplen)
		return b->dplen - a->dplen;
	if (a->splen != b->splen)
		return b->splen - a->splen;
	if (!!a->family != !!b->family)
		return !!b->family - !!a->family;
	if (!!a->proto != !!b->proto)
		return !!b->proto - !!a->proto;
	if (!!a->dport != !!b->dport)
		return !!b->dport - !!a->dport;
	return !!b->iifname[0] - !!a->iifname[0];
}

/* Free a compiled service (NULL: nothing) and its counter references. */
void lb_svc_free(struct lb_svc *svc)
{
	u32 i;

	if (!svc)
		return;
	for (i = 0; i < svc->n_targets; i++)
		lb_counters_put(svc->targets[i].cnt);
	lb_counters_put(svc->st);
	kvfree(svc->maglev);
	kfree(svc->wrr);
	kfree(svc->targets);
	kfree(svc);
}

/**
 * lb_svc_compile() - the immutable copy of @sc the packet path reads
 * @sc: the service as configured
 *
 * Its targets (an unreachable one with weight 0), their round-robin order
 * and Maglev table, and references to the counters of @sc and its targets.
 * Return: the compiled service, or NULL without memory.
 */
struct lb_svc *lb_svc_compile(const struct lb_svc_conf *sc)
{
	u32 *weights, i = 0, mark_bits = lb_svc_conf_mark_bits(sc);
	struct lb_tgt_conf *tc;
	struct lb_svc *svc;

	svc = kzalloc(sizeof(*svc), GFP_KERNEL_ACCOUNT);
	if (!svc)
		return NULL;
	svc->m = sc->m;
	svc->mode = sc->mode;
	svc->sched = sc->sched;
	svc->fwd = lb_fwds[sc->fwd];
	svc->flowlet_us = sc->flowlet_us;
	svc->flowlet_gap = div_u64((u64)sc->flowlet_us * NSEC_PER_USEC, 1024);
	svc->st = lb_counters_get(sc->cnt);
	INIT_LIST_HEAD(&svc->retire);

	svc->targets = kcalloc(sc->n_targets ?: 1, sizeof(*svc->targets),
			       GFP_KERNEL_ACCOUNT);
	weights = kcalloc(sc->n_targets ?: 1, sizeof(*weights), GFP_KERNEL);
	svc->wrr = kmalloc(LB_WRR_MAX, GFP_KERNEL_ACCOUNT);
	if (!svc->targets || !weights || !svc->wrr)
		goto err;

	list_for_each_entry(tc, &sc->targets, node) {
		struct lb_target *t = &svc->targets[i];

		t->id = tc->id;
		t->tag = tc->tag;
		t->mark = tc->mark;
		t->mask = lb_tgt_conf_mask(tc, mark_bits);
		/* An unreachable target takes no new flow, and loses its own. */
		t->weight = tc->down ? 0 : tc->weight;
		t->down = tc->down;
		t->addr = tc->addr;
		t->port = tc->port;
		t->svc = svc;
		t->cnt = lb_counters_get(tc->cnt);
		t->pcpu = t->cnt->pcpu;
		weights[i++] = t->weight;
		svc->n_targets = i;
	}

	svc->wrr_len = lb_wrr_build(weights, svc->n_targets, svc->wrr,
				    LB_WRR_MAX);
	if (svc->wrr_len) {
		svc->maglev = kvmalloc(LB_MAGLEV_SIZE, GFP_KERNEL_ACCOUNT);
		if (!svc->maglev ||
		    lb_maglev_build(svc->maglev, svc->targets, svc->n_targets))
			goto err;
	} else {
		for (i = 0; i < svc->n_targets; i++)
			if (svc->targets[i].weight)
				goto err;	/* lb_wrr_build() ran out of memory */
	}
	kfree(weights);
	return svc;
err:
	kfree(weights);
	lb_svc_free(svc);
	return NULL;
}

/* Snapshots */

/* Free a snapshot and the compiled services retired with it. */
void lb_cfg_free(struct lb_cfg *cfg)
{
	struct lb_svc *svc, *tmp;

	list_for_each_entry_safe(svc, tmp, &cfg->retired, retire)
		lb_svc_free(svc);
	kvfree(cfg->by_id);
	kvfree(cfg->backends);
	kvfree(cfg->vips);
	kvfree(cfg->vip_svcs);
	kvfree(cfg->svcs);
	kfree(cfg);
}

static void lb_cfg_free_work(struct work_struct *work)
{
	lb_cfg_free(container_of(to_rcu_work(work), struct lb_cfg, free_work));
}

/* A snapshot of @services (@n of them), each compiled. */
struct lb_cfg *lb_cfg_build(const struct list_head *services, u32 n)
{
	u32 i, n_backends = 0, n_vips = 0, max_id = 0;
	struct lb_svc_conf *sc;
	struct lb_cfg *cfg;

	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL_ACCOUNT);
	if (!cfg)
		return NULL;
	INIT_LIST_HEAD(&cfg->retired);
	INIT_RCU_WORK(&cfg->free_work, lb_cfg_free_work);

	list_for_each_entry(sc, services, node) {
		for (i = 0; i < sc->compiled->n_targets; i++)
			max_id = max(max_id, sc->compiled->targets[i].id);
		if (sc->compiled->fwd->reply)
			n_backends += sc->compiled->n_targets;
	}

	cfg->svcs = kvcalloc(n ?: 1, sizeof(*cfg->svcs), GFP_KERNEL_ACCOUNT);
	cfg->vip_svcs = kvcalloc(n ?: 1, sizeof(*cfg->vip_svcs),
				 GFP_KERNEL_ACCOUNT);
	cfg->vips = kvcalloc(n ?: 1, sizeof(*cfg->vips), GFP_KERNEL_ACCOUNT);
	cfg->backends = kvcalloc(n_backends ?: 1, sizeof(*cfg->backends),
				 GFP_KERNEL_ACCOUNT);
	cfg->by_id = kvcalloc(max_id + 1, sizeof(*cfg->by_id),
			      GFP_KERNEL_ACCOUNT);
	if (!cfg->svcs || !cfg->vip_svcs || !cfg->vips || !cfg->backends ||
	    !cfg->by_id) {
		lb_cfg_free(cfg);
		return NULL;
	}
	cfg->n_ids = max_id + 1;

	list_for_each_entry(sc, services, node) {
		const struct lb_svc *svc = sc->compiled;

		for (i = 0; i < svc->n_targets; i++)
			cfg->by_id[svc->targets[i].id] = &svc->targets[i];
		cfg->hooks |= svc->fwd->hooks;
		if (!svc->fwd->backends) {
			cfg->svcs[cfg->n_svc++] = svc;
			continue;
		}
		cfg->vip_svcs[cfg->n_vip_svcs++] = svc;
		cfg->vips[n_vips].family = svc->m.family;
		cfg->vips[n_vips++].addr = svc->m.daddr;
		/* Backends are known by their replies if these cross us. */
		if (!svc->fwd->reply)
			continue;
		for (i = 0; i < svc->n_targets; i++) {
			struct lb_backend_ref *b = &cfg->backends[cfg->n_backends++];

			b->addr = svc->targets[i].addr;
			b->port = svc->targets[i].port;
			b->family = svc->m.family;
			b->proto = svc->m.proto;
			b->t = &svc->targets[i];
		}
	}
	sort(cfg->svcs, cfg->n_svc, sizeof(*cfg->svcs),
	     lb_match_specificity_cmp, NULL);
	sort(cfg->vip_svcs, cfg->n_vip_svcs, sizeof(*cfg->vip_svcs),
	     lb_match_specificity_cmp, NULL);
	sort(cfg->backends, cfg->n_backends, sizeof(*cfg->backends),
	     lb_backend_cmp, NULL);
	/* One entry per VIP, however many ports it serves. */
	sort(cfg->vips, n_vips, sizeof(*cfg->vips), lb_vip_cmp, NULL);
	for (i = 0; i < n_vips; i++)
		if (!cfg->n_vips ||
		    lb_vip_cmp(&cfg->vips[cfg->n_vips - 1], &cfg->vips[i]))
			cfg->vips[cfg->n_vips++] = cfg->vips[i];
	return cfg;
}

/*
 * Make @cfg the published snapshot, with the hooks it needs registered
 * first and those it does not removed after.  Return: the snapshot it
 * replaced; or an ERR_PTR, and @cfg is freed, nothing published.
 */
struct lb_cfg *lb_cfg_publish(struct lb_net *ln, struct lb_cfg *cfg)
{
	struct lb_cfg *old;
	int err;

	err = lb_hooks_want(ln, cfg);
	if (err) {
		lb_cfg_free(cfg);
		return ERR_PTR(err);
	}
	old = rcu_replace_pointer(ln->cfg, cfg, lockdep_is_held(&ln->lock));
	ln->gen = ln->gen + 1 ?: 1;	/* dumps: netlink's 0 is "not yet" */
	lb_hooks_trim(ln, cfg);
	return old;
}

/*
 * Publish a snapshot of the configuration, with @sc (if any) compiled
 * anew.  @gone, if any, is a compiled service no longer configured.  What
 * the old snapshot and replaced services hold is freed after a grace
 * period.  On failure nothing is published and @sc keeps its compiled copy.
 */
int lb_commit(struct lb_net *ln, struct lb_svc_conf *sc,
	      struct lb_svc *gone)
{
	struct lb_svc *fresh = NULL, *stale = NULL;
	struct lb_cfg *cfg, *old;

	lockdep_assert_held(&ln->lock);
	if (sc) {
		fresh = lb_svc_compile(sc);
		if (!fresh)
			return -ENOMEM;
		stale = sc->compiled;
		sc->compiled = fresh;
	}
	cfg = lb_cfg_build(&ln->services, ln->n_services);
	old = cfg ? lb_cfg_publish(ln, cfg) : ERR_PTR(-ENOMEM);
	if (IS_ERR(old)) {
		if (sc) {
			sc->compiled = stale;
			lb_svc_free(fresh);
		}
		return PTR_ERR(old);
	}
	if (stale)
		list_add(&stale->retire, &old->retired);
	if (gone)
		list_add(&gone->retire, &old->retired);
	queue_rcu_work(lb_wq, &old->free_work);
	lb_health_kick(ln);
	return 0;
}

/* Publish @sc compiled anew: its targets' reachability changed. */
int lb_svc_republish(struct lb_net *ln, struct lb_svc_conf *sc)
{
	return lb_commit(ln, sc, NULL);
}
