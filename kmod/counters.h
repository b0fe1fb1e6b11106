/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lb: the counters' writers, inline for the packet path (softirq: a CPU
 * writes only its own copy, under its u64_stats sequence).  Readers and
 * allocation are in counters.c.
 */
#ifndef _LB_COUNTERS_H
#define _LB_COUNTERS_H

#include "lb.h"

static inline void lb_stats_packet(struct lb_pcpu_stats __percpu *pcpu,
				   u32 len)
{
	struct lb_pcpu_stats *s = this_cpu_ptr(pcpu);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->packets);
	u64_stats_add(&s->bytes, len);
	u64_stats_update_end(&s->syncp);
}

static inline void lb_stats_inc(struct lb_pcpu_stats __percpu *pcpu,
				size_t field)
{
	struct lb_pcpu_stats *s = this_cpu_ptr(pcpu);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc((u64_stats_t *)((char *)s + field));
	u64_stats_update_end(&s->syncp);
}

#define LB_INC(pcpu, field) \
	lb_stats_inc(pcpu, offsetof(struct lb_pcpu_stats, field))

static inline void lb_count(const struct lb_svc *svc,
			    const struct lb_target *t, u32 len)
{
	lb_stats_packet(svc->st->pcpu, len);
	lb_stats_packet(t->pcpu, len);
}

static inline void lb_stats_reply(struct lb_pcpu_stats __percpu *pcpu,
				  u32 len)
{
	struct lb_pcpu_stats *s = this_cpu_ptr(pcpu);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->reply_packets);
	u64_stats_add(&s->reply_bytes, len);
	u64_stats_update_end(&s->syncp);
}

static inline void lb_count_reply(const struct lb_svc *svc,
				  const struct lb_target *t, u32 len)
{
	lb_stats_reply(svc->st->pcpu, len);
	lb_stats_reply(t->pcpu, len);
}

/* @vip: a packet to a VIP that no service takes; else one NAT failed. */
static inline void lb_count_drop(struct lb_net *ln, bool vip)
{
	struct lb_ns_stats *s = this_cpu_ptr(ln->ns_stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(vip ? &s->vip_drops : &s->nat_drops);
	u64_stats_update_end(&s->syncp);
}

#endif /* _LB_COUNTERS_H */
