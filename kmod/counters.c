// SPDX-License-Identifier: GPL-2.0
/*
 * lb: counters of services and targets, and the namespace's drop counters.
 *
 * Per-CPU objects owned by the configuration objects and shared, by
 * reference, with every compiled copy of them: a recompiled service keeps
 * counting where it was.  The packet path writes them through the inline
 * helpers in counters.h; readers here sum them over CPUs.
 */
#include <linux/slab.h>
#include "lb.h"
#include "conf.h"

/**
 * lb_counters_new() - counters for a new service or target
 *
 * Charged to the configuring process's memory cgroup.
 * Return: zeroed counters holding one reference, or NULL.
 */
struct lb_counters *lb_counters_new(void)
{
	struct lb_counters *c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	int cpu;

	if (!c)
		return NULL;
	c->pcpu = alloc_percpu_gfp(struct lb_pcpu_stats, GFP_KERNEL_ACCOUNT);
	if (!c->pcpu) {
		kfree(c);
		return NULL;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(c->pcpu, cpu)->syncp);
	refcount_set(&c->ref, 1);
	return c;
}

/* Another reference to @c: a compiled copy of its object counts there. */
struct lb_counters *lb_counters_get(struct lb_counters *c)
{
	refcount_inc(&c->ref);
	return c;
}

/* Drop a reference to @c (NULL: none); the last frees them. */
void lb_counters_put(struct lb_counters *c)
{
	if (c && refcount_dec_and_test(&c->ref)) {
		free_percpu(c->pcpu);
		kfree(c);
	}
}

/**
 * lb_stats_read() - sum a service's or target's counters over CPUs
 * @pcpu: the per-CPU counters
 * @s: receives the sums
 */
void lb_stats_read(struct lb_pcpu_stats __percpu *pcpu, struct lb_stats *s)
{
	long active = 0;
	int cpu;

	memset(s, 0, sizeof(*s));
	for_each_possible_cpu(cpu) {
		const struct lb_pcpu_stats *p = per_cpu_ptr(pcpu, cpu);
		u64 packets, bytes, created, fallbacks, switches, rp, rb;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&p->syncp);
			packets = u64_stats_read(&p->packets);
			bytes = u64_stats_read(&p->bytes);
			created = u64_stats_read(&p->flows_created);
			fallbacks = u64_stats_read(&p->fallbacks);
			switches = u64_stats_read(&p->flowlet_switches);
			rp = u64_stats_read(&p->reply_packets);
			rb = u64_stats_read(&p->reply_bytes);
		} while (u64_stats_fetch_retry(&p->syncp, start));
		s->packets += packets;
		s->bytes += bytes;
		s->flows_created += created;
		s->fallbacks += fallbacks;
		s->flowlet_switches += switches;
		s->reply_packets += rp;
		s->reply_bytes += rb;
		active += READ_ONCE(p->flows_active);
	}
	/* Per-CPU halves of one flow may be read at different moments. */
	s->flows_active = active > 0 ? active : 0;
}

/**
 * lb_counters_read() - a service's or target's counters since their reset
 * @c: the counters; lb_net.lock held (their reset point)
 * @s: receives them; flows_active, a gauge, is never reset
 */
void lb_counters_read(const struct lb_counters *c, struct lb_stats *s)
{
	lb_stats_read(c->pcpu, s);
	/* The sums only grow: each is at least what it was at the reset. */
	s->packets -= c->zero.packets;
	s->bytes -= c->zero.bytes;
	s->flows_created -= c->zero.flows_created;
	s->fallbacks -= c->zero.fallbacks;
	s->flowlet_switches -= c->zero.flowlet_switches;
	s->reply_packets -= c->zero.reply_packets;
	s->reply_bytes -= c->zero.reply_bytes;
}

/*
 * @c counts from 0 again (LB_CMD_STATS_RESET), lb_net.lock held.  The
 * per-CPU counters belong to the packet path, which writes them without a
 * lock: they stay, and their sums now are what readers take off.
 */
void lb_counters_zero(struct lb_counters *c)
{
	lb_stats_read(c->pcpu, &c->zero);
}

/* The namespace's drop counters, summed over CPUs, since any reset. */
static void lb_ns_stats_sum(struct lb_net *ln, u64 *vip_drops, u64 *nat_drops)
{
	int cpu;

	*vip_drops = 0;
	*nat_drops = 0;
	for_each_possible_cpu(cpu) {
		const struct lb_ns_stats *p = per_cpu_ptr(ln->ns_stats, cpu);
		unsigned int start;
		u64 v, n;

		do {
			start = u64_stats_fetch_begin(&p->syncp);
			v = u64_stats_read(&p->vip_drops);
			n = u64_stats_read(&p->nat_drops);
		} while (u64_stats_fetch_retry(&p->syncp, start));
		*vip_drops += v;
		*nat_drops += n;
	}
}

/* The namespace's drop counters since their reset; lb_net.lock held. */
void lb_ns_stats_read(struct lb_net *ln, u64 *vip_drops, u64 *nat_drops)
{
	lockdep_assert_held(&ln->lock);
	lb_ns_stats_sum(ln, vip_drops, nat_drops);
	*vip_drops -= ln->vip_drops_zero;
	*nat_drops -= ln->nat_drops_zero;
}

/* The namespace's drop counters count from 0 again; lb_net.lock held. */
void lb_ns_stats_zero(struct lb_net *ln)
{
	lockdep_assert_held(&ln->lock);
	lb_ns_stats_sum(ln, &ln->vip_drops_zero, &ln->nat_drops_zero);
}
