// SPDX-License-Identifier: GPL-2.0
/*
 * lb: the flow table.
 *
 * An rhashtable per network namespace: lockless RCU lookups, per-bucket
 * locks for inserts, resized in the background.  The hash is SipHash with
 * a secret drawn at load time, so nobody outside can make flows collide.
 * Entries name their target by id, never by pointer, so they outlive any
 * configuration snapshot.  The table holds at most flow_max entries, and
 * all namespaces' tables together flow_max_total; a delayed work walks it
 * a bounded batch at a time and drops idle flows, and stops while the
 * table is empty, so an idle namespace costs no wake-ups.
 *
 * Entries are charged to the memory cgroup of whoever made the namespace,
 * as BPF maps charge their creator's: the hook runs in softirq, on behalf
 * of nobody, so the table names the cgroup to charge.  They are taken
 * without dipping into reserves or past that cgroup's limit: a table that
 * cannot grow places new flows statelessly (Maglev), as a full one does.
 *
 * An entry is one cache line (64 bytes, aligned): a lookup touches its
 * bucket and that line, nothing else.  It has no rcu_head of its own:
 * entries leave the table only from process context (the GC, a flush),
 * and go back to the cache in batches, one RCU callback per batch.
 */
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/tcp.h>
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/percpu_counter.h>
#include "lb.h"
#include "compat.h"

#define LB_GC_BATCH	4096		/* entries looked at per GC step */
#define LB_GC_INTERVAL	HZ		/* between sweeps of the table */

static struct kmem_cache *lb_flow_cache __read_mostly;
static siphash_key_t lb_flow_secret __read_mostly;
/* Entries of every namespace: bounds them all, and finds leaks at unload. */
static struct percpu_counter lb_flows_all;

/* Collisions cannot be crafted without the secret; the seed only relabels
 * buckets when the table is rehashed.
 */
static u32 lb_flow_hashfn(const void *data, u32 len, u32 seed)
{
	const struct lb_flow_key *k = data;

	/*
	 * An IPv4 key is zero past its first four address bytes: hashing
	 * its 16 meaningful bytes (two SipHash blocks) instead of all 40
	 * (five) gives equal keys equal hashes at well under half the cost.
	 */
	if (k->family == AF_INET)
		return (u32)siphash_4u32((__force u32)k->saddr.ip,
					 (__force u32)k->daddr.ip,
					 (u32)(__force u16)k->sport << 16 |
					 (__force u16)k->dport,
					 (u32)k->proto << 8 | k->family,
					 &lb_flow_secret) ^ seed;
	return (u32)siphash(data, len, &lb_flow_secret) ^ seed;
}

const struct rhashtable_params lb_flow_params = {
	.head_offset = offsetof(struct lb_flow, node),
	.key_offset = offsetof(struct lb_flow, key),
	.key_len = sizeof(struct lb_flow_key),
	.hashfn = lb_flow_hashfn,
	.automatic_shrinking = true,
};

/*
 * A cache of its own (not merged with another of the same size), so that
 * the slab allocator names lb when an entry is left at unload; where the
 * kernel cannot promise that (before 6.5), lb's own count still does.
 */
int lb_flow_cache_init(void)
{
	int err;

	get_random_bytes(&lb_flow_secret, sizeof(lb_flow_secret));
	BUILD_BUG_ON(sizeof(struct lb_flow) > 64);
	err = percpu_counter_init(&lb_flows_all, 0, GFP_KERNEL);
	if (err)
		return err;
	lb_flow_cache = KMEM_CACHE(lb_flow, SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT |
					    SLAB_NO_MERGE);
	if (!lb_flow_cache) {
		percpu_counter_destroy(&lb_flows_all);
		return -ENOMEM;
	}
	return 0;
}

/* Context: after every netns is gone, so only RCU callbacks remain. */
void lb_flow_cache_exit(void)
{
	s64 left;

	rcu_barrier();
	left = percpu_counter_sum(&lb_flows_all);
	WARN(left, "lb: %lld flow entries were never freed\n", left);
	percpu_counter_destroy(&lb_flows_all);
	kmem_cache_destroy(lb_flow_cache);
}

static struct lb_flow *lb_flow_alloc(struct lb_flow_table *ft)
{
	struct mem_cgroup *memcg;
	struct lb_flow *f;

	/* Not GFP_ATOMIC: its __GFP_HIGH would charge past the limit. */
	memcg = set_active_memcg(ft->memcg);
	f = kmem_cache_alloc(lb_flow_cache, GFP_NOWAIT | __GFP_NOWARN);
	set_active_memcg(memcg);
	if (f)
		percpu_counter_inc(&lb_flows_all);
	return f;
}

static void lb_flow_free(struct lb_flow *f)
{
	kmem_cache_free(lb_flow_cache, f);
	percpu_counter_dec(&lb_flows_all);
}

/*
 * Entries taken out of the table, freed together after a grace period:
 * one RCU callback for up to LB_DEAD_MAX of them (8 kB in all).
 */
struct lb_flow_dead {
	struct rcu_head rcu;
	unsigned int n;
	struct lb_flow *f[1021];
};

#define LB_DEAD_MAX	ARRAY_SIZE(((struct lb_flow_dead *)NULL)->f)

static void lb_flow_free_all(struct lb_flow **f, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		lb_flow_free(f[i]);
}

static void lb_flow_dead_free(struct rcu_head *head)
{
	struct lb_flow_dead *d = container_of(head, struct lb_flow_dead, rcu);

	lb_flow_free_all(d->f, d->n);
	kfree(d);
}

static void lb_flow_free_now(void *ptr, void *arg)
{
	lb_flow_free(ptr);
}

static enum lb_timeout lb_flow_timeout(const struct lb_flow *f)
{
	if (lb_flow_closing(f))
		return LB_TO_TCP_CLOSE;
	/* Never answered: a SYN or ACK flood's entries make room soon. */
	if (READ_ONCE(f->opening))
		return LB_TO_TCP_SYN;
	switch (f->key.proto) {
	case IPPROTO_TCP:
		return LB_TO_TCP;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		return LB_TO_UDP;
	default:
		return LB_TO_OTHER;
	}
}

/* @now: jiffies, truncated like f->seen; by @ft's timeouts now (tune.c) */
bool lb_flow_expired(const struct lb_flow_table *ft, const struct lb_flow *f,
		     u32 now)
{
	u32 timeout = READ_ONCE(ft->timeout[lb_flow_timeout(f)]);

	return (s32)(now - READ_ONCE(f->seen)) > (s32)(timeout * HZ);
}

u32 lb_flow_count(struct lb_flow_table *ft)
{
	return atomic_read(&ft->ht.nelems);
}

/**
 * lb_flow_room() - whether a new entry fits under both bounds
 * @ft: the table
 *
 * The total is read without summing the CPUs' shares, so it may be off by
 * up to percpu_counter_batch entries a CPU: the bound is that loose.
 *
 * Context: any.
 */
bool lb_flow_room(struct lb_flow_table *ft)
{
	return lb_flow_count(ft) < READ_ONCE(ft->max) &&
	       percpu_counter_read(&lb_flows_all) < lb_defaults.flow_max_total;
}

/*
 * The GC sweeps while the table has entries.  Its work is no longer
 * pending once it runs, so an entry added while it decides to stop
 * queues it again here.  Not in unit tests (no namespace): they sweep
 * by hand.
 */
static void lb_flow_gc_arm(struct lb_flow_table *ft)
{
	/*
	 * The entry counted (the rhashtable's atomic_inc), then pending
	 * read; pairs with the workqueue's barrier between clearing pending
	 * and running the GC, which then reads the count: either the GC
	 * sees this entry or this sees the work not pending.
	 */
	smp_mb__after_atomic();
	if (ft->ln->net && !delayed_work_pending(&ft->gc))
		queue_delayed_work(system_power_efficient_wq, &ft->gc,
				   LB_GC_INTERVAL);
}

/* Context: rcu_read_lock. */
struct lb_flow *lb_flow_lookup(struct lb_flow_table *ft,
			       const struct lb_flow_key *key)
{
	return rhashtable_lookup(&ft->ht, key, lb_flow_params);
}

/**
 * lb_flow_insert() - add a flow, unless another CPU just did
 * @ft: the table
 * @key: the flow
 * @t: its target
 * @now: jiffies
 * @stamp: lb_now_us() of this packet
 * @opening: TCP: the flow has a short timeout until a packet past this one
 *	that is no SYN (a SYN, or a lone ACK, was never answered)
 * @existed: set if the returned entry was there already
 *
 * Context: rcu_read_lock, any context.
 * Return: the entry, or an ERR_PTR when it cannot be added.
 */
struct lb_flow *lb_flow_insert(struct lb_flow_table *ft,
			       const struct lb_flow_key *key,
			       const struct lb_target *t, u32 now, u32 stamp,
			       bool opening, bool *existed)
{
	struct lb_flow *f, *old;

	f = lb_flow_alloc(ft);
	if (!f)
		return ERR_PTR(-ENOMEM);
	f->key = *key;
	f->tgt_id = t->id;
	f->opening = opening;
	f->pad = 0;
	f->seen = now;
	f->stamp = stamp;
	f->charged = t->tag;	/* the caller counts it if it went in */

	old = rhashtable_lookup_get_insert_fast(&ft->ht, &f->node,
						lb_flow_params);
	*existed = old && !IS_ERR(old);
	if (old) {
		lb_flow_free(f);
		return old;
	}
	lb_flow_gc_arm(ft);
	return f;
}

/* A flow charged to no target, for good: it left the table. */
#define LB_FLOW_GONE	U32_MAX

/* The target with tag @tag, if still there, counts one flow less. */
static void lb_flow_uncharge(const struct lb_cfg *cfg, u32 tag)
{
	const struct lb_target *t = tag ? lb_cfg_target(cfg, lb_tag_id(tag))
					: NULL;

	if (t && t->tag == tag)
		this_cpu_dec(t->pcpu->flows_active);
}

/**
 * lb_flow_charge() - count @f in @to's active flows, and no longer in the
 *	previous target's
 * @cfg: the configuration that names the targets
 * @f: the flow
 * @to: its target; NULL when it closes (FIN or RST: not active any more)
 *
 * f->charged says which target's flows_active holds this flow, by its tag.
 * Every change of it is one cmpxchg, so each increment is matched by
 * exactly one decrement, whichever CPU, or the GC, gets there first; a
 * flow gone from the table is never charged again, and a target that
 * took a deleted one's id never loses the deleted one's flows.
 *
 * Context: rcu_read_lock.
 */
void lb_flow_charge(const struct lb_cfg *cfg, struct lb_flow *f,
		    const struct lb_target *to)
{
	u32 old = READ_ONCE(f->charged), new = to ? to->tag : 0;

	do {
		if (old == LB_FLOW_GONE || old == new)
			return;
	} while (!try_cmpxchg(&f->charged, &old, new));
	if (to)
		this_cpu_inc(to->pcpu->flows_active);
	lb_flow_uncharge(cfg, old);
}

/*
 * Take @f out of the table; its target, if still there, has one flow less.
 * Return: true if this call removed it: the caller frees it after a grace
 * period.  Context: rcu_read_lock (a table walk).
 */
static bool lb_flow_remove(struct lb_flow_table *ft, struct lb_flow *f)
{
	if (rhashtable_remove_fast(&ft->ht, &f->node, lb_flow_params))
		return false;	/* somebody else removed it */
	lb_flow_uncharge(rcu_dereference(ft->ln->cfg),
			 xchg(&f->charged, LB_FLOW_GONE));
	return true;
}

/*
 * Walk on from @iter over up to @budget entries, removing the idle ones
 * (@all: every one), at most LB_DEAD_MAX per call.  Without memory for a
 * batch it removes a few and waits for the grace period itself.
 * Context: process, outside any RCU read-side section.
 * Return: true when the walk reached the end of the table.
 */
static bool lb_flow_reap(struct lb_flow_table *ft, struct rhashtable_iter *iter,
			 unsigned int budget, bool all)
{
	struct lb_flow_dead *d = kmalloc(sizeof(*d), GFP_KERNEL | __GFP_NOWARN);
	struct lb_flow *local[16], **dead = d ? d->f : local;
	unsigned int n = 0, seen = 0, max = d ? LB_DEAD_MAX : ARRAY_SIZE(local);
	u32 now = (u32)jiffies;
	struct lb_flow *f;
	bool end = false;

	rhashtable_walk_start(iter);
	while (seen < budget && n < max) {
		f = rhashtable_walk_next(iter);
		if (IS_ERR(f) && PTR_ERR(f) == -EAGAIN)
			continue;	/* resized: the walk goes on */
		if (IS_ERR_OR_NULL(f)) {
			end = true;
			break;
		}
		seen++;
		if ((all || lb_flow_expired(ft, f, now)) && lb_flow_remove(ft, f))
			dead[n++] = f;
	}
	rhashtable_walk_stop(iter);

	if (d && n) {
		d->n = n;
		call_rcu(&d->rcu, lb_flow_dead_free);
		return end;
	}
	kfree(d);
	if (n) {
		synchronize_rcu();
		lb_flow_free_all(local, n);
	}
	return end;
}

/**
 * lb_flow_gc_step() - look at up to @budget entries, drop the idle ones
 * @ft: the table
 * @budget: entries to look at
 *
 * The walk resumes where the last step stopped.
 * Return: true when the walk reached the end of the table.
 */
bool lb_flow_gc_step(struct lb_flow_table *ft, unsigned int budget)
{
	bool end = lb_flow_reap(ft, &ft->gc_iter, budget, false);

	if (end) {
		rhashtable_walk_exit(&ft->gc_iter);
		rhashtable_walk_enter(&ft->ht, &ft->gc_iter);
	}
	return end;
}

static void lb_flow_gc_work(struct work_struct *work)
{
	struct lb_flow_table *ft = container_of(to_delayed_work(work),
						struct lb_flow_table, gc);
	bool end = lb_flow_gc_step(ft, LB_GC_BATCH);

	if (!end || lb_flow_count(ft))
		queue_delayed_work(system_power_efficient_wq, &ft->gc,
				   end ? LB_GC_INTERVAL : 1);
}

/*
 * A walk resumed after the entry it stood on was removed may skip some of
 * that bucket's (rhashtable_walk_start() counts its way back in): another
 * pass takes them.  The hook may add flows meanwhile, so the passes are
 * bounded.
 *
 * Context: process, configuration lock held.
 */
void lb_flow_flush(struct lb_flow_table *ft)
{
	struct rhashtable_iter iter;
	int pass;

	for (pass = 0; pass < 8 && lb_flow_count(ft); pass++) {
		rhashtable_walk_enter(&ft->ht, &iter);
		while (!lb_flow_reap(ft, &iter, UINT_MAX, true))
			cond_resched();
		rhashtable_walk_exit(&iter);
	}
}

int lb_flow_table_init(struct lb_flow_table *ft, struct lb_net *ln, u32 max)
{
	int err;

	err = rhashtable_init(&ft->ht, &lb_flow_params);
	if (err)
		return err;
	ft->ln = ln;
	ft->max = max;
	/* Context: the namespace's creation (or lb's load), by its maker. */
	ft->memcg = get_mem_cgroup_from_mm(current->mm);
	rhashtable_walk_enter(&ft->ht, &ft->gc_iter);
	INIT_DELAYED_WORK(&ft->gc, lb_flow_gc_work);
	return 0;
}

/* Context: the hooks are gone and readers have finished. */
void lb_flow_table_destroy(struct lb_flow_table *ft)
{
	cancel_delayed_work_sync(&ft->gc);
	rhashtable_walk_exit(&ft->gc_iter);
	rhashtable_free_and_destroy(&ft->ht, lb_flow_free_now, NULL);
	mem_cgroup_put(ft->memcg);
}
