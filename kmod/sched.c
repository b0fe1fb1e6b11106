// SPDX-License-Identifier: GPL-2.0
/*
 * lb: choosing a target for a packet.
 *
 *  packet:  each CPU walks the service's smooth weighted round-robin
 *           schedule with its own cursor; no shared write on this path.
 *  flow:    the flow table remembers each flow's target; a new flow takes
 *           the next slot of the same schedule from one per-service
 *           sequence (exact shares, even for a handful of flows), or its
 *           Maglev slot with sched=maglev.  A full table falls back to
 *           Maglev, so flows still stay put without state.
 *  flowlet: like flow, but a flow whose last packet is older than the
 *           flowlet gap moves to the target with the fewest flows per
 *           weight, if that is not where it is.
 * Fragments carry no ports: every mode places them by a hash of the
 * datagram (addresses, protocol, id) so they all take one path.
 */
#include <linux/gcd.h>
#include <linux/slab.h>
#include <linux/jiffies.h>
#include <linux/timekeeping.h>
#include <linux/in.h>
#include "lb.h"
#include "counters.h"

/**
 * lb_wrr_build() - smooth weighted round-robin order (as in nginx)
 * @weights: one weight per target
 * @n: number of targets
 * @order: receives target indices, at most @max_len of them
 * @max_len: schedule capacity; larger weight sums are scaled down to fit
 *
 * Every target with weight w appears w/g times per cycle (g: gcd of the
 * weights), spread out as evenly as possible rather than in runs.
 *
 * Return: the cycle length, 0 if every weight is 0 or on allocation failure
 */
u32 lb_wrr_build(const u32 *weights, u32 n, u8 *order, u32 max_len)
{
	u32 i, step, g = 0, len = 0, *w;
	u64 sum = 0;
	s64 *cur;

	for (i = 0; i < n; i++) {
		if (weights[i]) {
			g = g ? gcd(g, weights[i]) : weights[i];
			sum += weights[i];
		}
	}
	if (!g || n > max_len)
		return 0;

	w = kcalloc(n, sizeof(*w), GFP_KERNEL);
	cur = kcalloc(n, sizeof(*cur), GFP_KERNEL);
	if (!w || !cur)
		goto out;

	sum /= g;
	for (i = 0; i < n; i++) {
		w[i] = weights[i] / g;
		/* Too long a cycle: keep proportions, at least one slot. */
		if (w[i] && sum > max_len)
			w[i] = max_t(u32, 1, div64_u64((u64)w[i] * (max_len - n),
						       sum));
		len += w[i];
	}

	for (step = 0; step < len; step++) {
		u32 best = 0;

		for (i = 0; i < n; i++) {
			cur[i] += w[i];
			if (cur[i] > cur[best])
				best = i;
		}
		cur[best] -= len;
		order[step] = best;
	}
out:
	kfree(cur);
	kfree(w);
	return w && cur ? len : 0;
}

static const struct lb_target *lb_pick_packet(const struct lb_svc *svc,
					      u8 lane)
{
	struct lb_pcpu_stats *s = this_cpu_ptr(svc->st->pcpu);
	u32 c = s->cursor[lane] + 1;

	if (!svc->wrr_len)
		return NULL;
	if (c >= svc->wrr_len)
		c = 0;
	s->cursor[lane] = c;
	return &svc->targets[svc->wrr[c]];
}

static const struct lb_target *lb_pick_hash(const struct lb_svc *svc, u32 hash)
{
	if (!svc->maglev)
		return NULL;
	return &svc->targets[svc->maglev[hash % LB_MAGLEV_SIZE]];
}

/**
 * lb_maglev_pick() - the target Maglev gives the flow @key
 * @svc: the service
 * @key: the flow's tuple, as the client sent it
 *
 * The same on every router with the same configuration, without state.
 * Return: the target, or NULL if no target takes new flows.
 */
const struct lb_target *lb_maglev_pick(const struct lb_svc *svc,
				       const struct lb_flow_key *key)
{
	return lb_pick_hash(svc, lb_maglev_hash(key));
}

static const struct lb_target *lb_pick_wrr_lane(const struct lb_svc *svc,
						u8 lane)
{
	u32 seq;

	if (!svc->wrr_len)
		return NULL;
	seq = (u32)atomic_inc_return(&svc->st->new_flow_seq[lane]);
	return &svc->targets[svc->wrr[seq % svc->wrr_len]];
}

static const struct lb_target *lb_least_loaded(const struct lb_svc *svc,
					       const struct lb_target *first,
					       bool on_first);

/* The schedulers: where a new flow goes (struct lb_sched_ops). */

static const struct lb_target *lb_pick_wrr(const struct lb_svc *svc,
					   const struct lb_pkt *pkt)
{
	return lb_pick_wrr_lane(svc, pkt->lane);
}

static const struct lb_target *lb_pick_maglev(const struct lb_svc *svc,
					      const struct lb_pkt *pkt)
{
	return lb_maglev_pick(svc, &pkt->key);
}

static const struct lb_target *lb_pick_wlc(const struct lb_svc *svc,
					   const struct lb_pkt *pkt)
{
	return lb_least_loaded(svc, lb_pick_wrr_lane(svc, pkt->lane), false);
}

/*
 * By enum lb_sched; the names are the uapi's LB_SCHED_NAMES.  A new
 * scheduler is a pick function (in a file of its own if it needs more than
 * the order and table every service has) and an entry here.
 */
const struct lb_sched_ops lb_scheds[__LB_SCHED_MAX] = {
	[LB_SCHED_WRR] = { .pick = lb_pick_wrr },
	[LB_SCHED_MAGLEV] = { .pick = lb_pick_maglev },
	[LB_SCHED_WLC] = { .pick = lb_pick_wlc },
};

/*
 * A TCP packet other than a SYN with no entry is a connection picked up
 * mid-stream: after the table was full (Maglev placed it then), flushed, or
 * timed out.  Maglev again keeps it where the fallback had it.
 */
static const struct lb_target *lb_pick_new(const struct lb_svc *svc,
					   const struct lb_pkt *pkt)
{
	if (pkt->key.proto == IPPROTO_TCP && !pkt->tcp_syn)
		return lb_maglev_pick(svc, &pkt->key);
	return lb_scheds[svc->sched].pick(svc, pkt);
}

/*
 * The target a flow entry names, if it still belongs to @svc and can be
 * reached: a flow on a deleted or unreachable target is placed anew.
 */
static const struct lb_target *lb_flow_target(const struct lb_cfg *cfg,
					      const struct lb_svc *svc, u32 id)
{
	const struct lb_target *t = lb_cfg_target(cfg, id);

	return t && t->svc == svc && !t->down ? t : NULL;
}

/* Move @f to @to; a closing flow stays uncounted unless it is @reopen'ed. */
static void lb_flow_assign(const struct lb_cfg *cfg, struct lb_flow *f,
			   const struct lb_target *to, bool reopen)
{
	WRITE_ONCE(f->tgt_id, to->id);
	if (reopen || !lb_flow_closing(f))
		lb_flow_charge(cfg, f, to);
}

static u32 lb_now_us(void)
{
	return (u32)(ktime_get_ns() >> 10);
}

/* @f, on @t, has seen @pkt. */
static void lb_flow_touch(const struct lb_cfg *cfg, struct lb_flow *f,
			  const struct lb_target *t, const struct lb_pkt *pkt,
			  u32 now, bool flowlet)
{
	u32 charged = READ_ONCE(f->charged);

	if (READ_ONCE(f->seen) != now) {
		WRITE_ONCE(f->seen, now);
		if (!flowlet)
			WRITE_ONCE(f->stamp, lb_now_us());
	}
	if (flowlet)
		WRITE_ONCE(f->stamp, lb_now_us());
	/* Past the SYN: the connection was answered, the flow lives long. */
	if (unlikely(READ_ONCE(f->opening)) && !pkt->tcp_syn)
		WRITE_ONCE(f->opening, 0);
	/* A closing connection no longer counts as active (for wlc). */
	if (pkt->tcp_close && charged)
		lb_flow_charge(cfg, f, NULL);
	/* Counted by the deleted target whose id @t was given: count it here. */
	else if (unlikely(charged && charged != t->tag))
		lb_flow_charge(cfg, f, t);
}

/* Flows on @t now, summed over CPUs: a flowlet boundary's slow path. */
static s64 lb_active(const struct lb_target *t)
{
	s64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu_ptr(t->pcpu, cpu)->flows_active);
	return n;
}

/*
 * The target with the fewest open flows per weight.  @first wins ties: a
 * flowlet's current target (@on_first: the flow is counted there, and
 * does not count against it), or for a new flow the weighted round robin's
 * pick, so that while the targets are equally loaded (all idle, say) new
 * flows still follow the weights instead of piling on one target.
 */
static const struct lb_target *lb_least_loaded(const struct lb_svc *svc,
					       const struct lb_target *first,
					       bool on_first)
{
	const struct lb_target *best = first;
	s64 best_n = first ? lb_active(first) - on_first : 0;
	u32 i, best_w = first ? first->weight : 0;

	for (i = 0; i < svc->n_targets; i++) {
		const struct lb_target *t = &svc->targets[i];
		s64 n;

		if (t == first || !t->weight)
			continue;
		n = lb_active(t);
		/* n / weight < best_n / best_w; a drained current loses */
		if (!best_w || n * best_w < best_n * t->weight) {
			best = t;
			best_n = n;
			best_w = t->weight;
		}
	}
	return best;
}

/*
 * A flow idle for longer than the gap starts a new flowlet, which may go
 * where the load by weight is lowest: moving it now cannot reorder it.
 */
static const struct lb_target *lb_flowlet(const struct lb_cfg *cfg,
					  const struct lb_svc *svc,
					  struct lb_flow *f,
					  const struct lb_target *t)
{
	const struct lb_target *nt;
	u32 gap = lb_now_us() - READ_ONCE(f->stamp);

	if (gap <= svc->flowlet_gap)
		return t;
	nt = lb_least_loaded(svc, t, true);
	if (nt == t)
		return t;
	lb_flow_assign(cfg, f, nt, false);
	LB_INC(nt->pcpu, flowlet_switches);
	LB_INC(svc->st->pcpu, flowlet_switches);
	return nt;
}

static const struct lb_target *lb_pick_flow(struct lb_net *ln,
					    const struct lb_cfg *cfg,
					    const struct lb_svc *svc,
					    const struct lb_pkt *pkt)
{
	bool flowlet = svc->mode == LB_MODE_FLOWLET;
	struct lb_flow_table *ft = &ln->flows;
	const struct lb_target *t, *nt;
	u32 now = (u32)jiffies;
	struct lb_flow *f;
	bool existed;

	f = lb_flow_lookup(ft, &pkt->key);
	if (f) {
		/* Its target may be another service's: the flow moved. */
		t = lb_flow_target(cfg, svc, READ_ONCE(f->tgt_id));
		if (t && !lb_flow_expired(&ln->flows, f, now) &&
		    !(pkt->tcp_syn && lb_flow_closing(f))) {
			if (flowlet)
				t = lb_flowlet(cfg, svc, f, t);
			lb_flow_touch(cfg, f, t, pkt, now, flowlet);
			return t;
		}
		/* Its target is gone, or this is a new flow on old state. */
		nt = lb_pick_new(svc, pkt);
		if (!nt)
			return t;
		lb_flow_assign(cfg, f, nt, true);
		if (pkt->tcp_syn)
			WRITE_ONCE(f->opening, 1);	/* a new connection */
		lb_flow_touch(cfg, f, nt, pkt, now, flowlet);
		LB_INC(nt->pcpu, flows_created);
		LB_INC(svc->st->pcpu, flows_created);
		return nt;
	}

	if (!lb_flow_room(ft))
		goto fallback;
	nt = lb_pick_new(svc, pkt);
	if (!nt)
		return NULL;
	/*
	 * A TCP flow is unanswered until a packet past its first that is no
	 * SYN: a lone ACK (a flood of random ones) must not hold an entry
	 * for the established timeout.
	 */
	f = lb_flow_insert(ft, &pkt->key, nt, now, lb_now_us(),
			   pkt->key.proto == IPPROTO_TCP, &existed);
	if (IS_ERR(f))
		goto fallback;
	if (existed) {
		/* Another CPU inserted this flow first: follow it. */
		t = lb_flow_target(cfg, svc, READ_ONCE(f->tgt_id));
		return t ?: nt;
	}
	this_cpu_inc(nt->pcpu->flows_active);
	LB_INC(nt->pcpu, flows_created);
	LB_INC(svc->st->pcpu, flows_created);
	return nt;

fallback:
	t = lb_maglev_pick(svc, &pkt->key);
	if (t) {
		LB_INC(t->pcpu, fallbacks);
		LB_INC(svc->st->pcpu, fallbacks);
	}
	return t;
}

/**
 * lb_pick() - the target for one packet of @svc
 * @ln: the namespace's state (flow table)
 * @cfg: the snapshot @svc belongs to
 * @svc: the matching service
 * @pkt: the parsed packet
 *
 * Context: softirq (the hook), under rcu_read_lock.
 * Return: the target, or NULL to leave the packet as it is.
 */
const struct lb_target *lb_pick(struct lb_net *ln, const struct lb_cfg *cfg,
				const struct lb_svc *svc,
				const struct lb_pkt *pkt)
{
	if (pkt->is_frag)
		return lb_pick_hash(svc, lb_frag_hash(pkt));
	if (svc->mode == LB_MODE_PACKET)
		return lb_pick_packet(svc, pkt->lane);
	return lb_pick_flow(ln, cfg, svc, pkt);
}
