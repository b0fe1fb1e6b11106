// SPDX-License-Identifier: GPL-2.0
/*
 * lb: whether each target can be reached.
 *
 * A backend is up while the route to its address leads out of an
 * interface that is up and has carrier; no route, or one of type
 * unreachable, blackhole or prohibit, is down.
 *
 * A path is judged against its service's other paths, on the destinations
 * they were seen carrying lately (up to LB_PROBES a path, sampled from its
 * packets; before any, the service's prefix if it has one): it is down
 * when the route its mark picks (ip rule with the mark, then the table it
 * names) is unusable for a destination that another path's route can
 * reach.  A destination no path can reach says nothing about the paths:
 * packets to random addresses must not take a router's links down.  So a
 * service's only path is never down, nor are all of them at once.  When a
 * table has no route, the lookup goes on to the next rule's table, as the
 * kernel's does: the path then leads where that table says, and lbctl
 * show names the interfaces.
 *
 * A target that is down takes no new flow and its flows move at their
 * next packet (service.c compiles it with weight 0 and marks it down;
 * sched.c moves its flows); it takes flows again when it is back.  Checked
 * every LB_HEALTH_INTERVAL, and at once when an interface changes state.
 * Each change of state, once published, is an event (LB_CMD_TGT_STATE).
 */
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/route.h>
#include <net/ip6_route.h>
#include "lb.h"
#include "conf.h"

#define LB_HEALTH_INTERVAL	(HZ / 4)
#define LB_PROBE_AGE		120	/* checks (30 s) a probe lasts unseen */

static bool lb_probe_same(const struct lb_probe *p, u8 family,
			  const union lb_addr *a)
{
	return p->family == family && !memcmp(&p->addr, a, sizeof(*a));
}

/* Keep @a among @tc's probes: seen now, in place of the stalest if new. */
static void lb_probe_add(struct lb_tgt_conf *tc, u8 family,
			 const union lb_addr *a, u32 now)
{
	struct lb_probe *p, *stalest = &tc->probes[0];

	for (p = tc->probes; p < tc->probes + LB_PROBES; p++) {
		if (p->family && lb_probe_same(p, family, a)) {
			p->seen = now;
			return;
		}
		if (!p->family || (stalest->family &&
				   (s32)(p->seen - stalest->seen) < 0))
			stalest = p;
	}
	stalest->family = family;
	stalest->addr = *a;
	stalest->seen = now;
}

/*
 * Take the destinations @tc's packets left in the CPUs' slots (hook.c
 * fills an empty one) and empty them.  While the path is up, probes not
 * seen for LB_PROBE_AGE checks go: the traffic went elsewhere.  While it
 * is down it carries nothing, and its probes stay until it is back.
 */
static void lb_probe_sample(struct lb_tgt_conf *tc, u32 now)
{
	struct lb_probe *p;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct lb_pcpu_stats *s = per_cpu_ptr(tc->cnt->pcpu, cpu);
		/* Pairs with lb_note_dest(): the address is there before. */
		u8 family = smp_load_acquire(&s->dest_family);

		if (!family)
			continue;
		lb_probe_add(tc, family, &s->dest, now);
		/* The address read first: an empty slot is the hook's again. */
		smp_store_release(&s->dest_family, 0);
	}
	if (tc->down)
		return;
	for (p = tc->probes; p < tc->probes + LB_PROBES; p++)
		if (p->family && now - p->seen > LB_PROBE_AGE)
			p->family = 0;
}

static bool lb_health_dev_ok(const struct net_device *dev)
{
	return netif_running(dev) && netif_carrier_ok(dev);
}

/* The interface the route leads out of, or 0 when there is no usable one. */
static int lb_health_route(struct net *net, u8 family, const union lb_addr *a,
			   u32 mark)
{
	int ifindex = 0;

	if (family == AF_INET) {
		struct flowi4 fl4 = {
			.daddr = a->ip,
			.flowi4_mark = mark,
		};
		struct rtable *rt = ip_route_output_key(net, &fl4);

		if (IS_ERR(rt))
			return 0;
		if ((rt->rt_type == RTN_UNICAST || rt->rt_type == RTN_LOCAL) &&
		    lb_health_dev_ok(rt->dst.dev))
			ifindex = rt->dst.dev->ifindex;
		ip_rt_put(rt);
	} else {
		struct flowi6 fl6 = {
			.daddr = a->in6,
			.flowi6_mark = mark,
		};
		struct dst_entry *dst = ip6_route_output(net, NULL, &fl6);

		if (!dst->error && lb_health_dev_ok(dst->dev))
			ifindex = dst->dev->ifindex;
		dst_release(dst);
	}
	return ifindex;
}

/* A destination once in @p, up to @max; @n is how many there are. */
static void lb_probe_collect(struct lb_probe *p, unsigned int *n,
			     unsigned int max, u8 family,
			     const union lb_addr *a)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (lb_probe_same(&p[i], family, a))
			return;
	if (*n < max) {
		p[*n].family = family;
		p[(*n)++].addr = *a;
	}
}

/* Keep @ifindex among the interfaces @tc's routes lead out of. */
static void lb_ifindex_add(struct lb_tgt_conf *tc, int ifindex)
{
	int i;

	for (i = 0; i < LB_PROBES; i++) {
		if (tc->ifindex[i] == ifindex)
			return;
		if (!tc->ifindex[i]) {
			tc->ifindex[i] = ifindex;
			return;
		}
	}
}

static bool lb_backend_down(struct lb_net *ln, const struct lb_svc_conf *sc,
			    struct lb_tgt_conf *tc)
{
	int ifindex = lb_health_route(ln->net, sc->m.family, &tc->addr, 0);

	memset(tc->ifindex, 0, sizeof(tc->ifindex));
	tc->ifindex[0] = ifindex;
	return !ifindex;
}

/**
 * lb_health_judge_backends() - which backends of @sc cannot be reached
 * @ln: the namespace's state
 * @sc: a service whose targets are backends
 * @now: the check's number (unused: backends keep no probes)
 *
 * Sets tc->down_now for each backend: no usable route to its address.
 */
void lb_health_judge_backends(struct lb_net *ln, struct lb_svc_conf *sc,
			      u32 now)
{
	struct lb_tgt_conf *tc;

	list_for_each_entry(tc, &sc->targets, node)
		tc->down_now = lb_backend_down(ln, sc, tc);
}

#define LB_SVC_PROBES	8	/* destinations a check routes per service */

/**
 * lb_health_judge_paths() - which paths of @sc cannot be used
 * @ln: the namespace's state
 * @sc: a service whose targets are paths
 * @now: the check's number, to age the probes
 *
 * Sets tc->down_now for each path of @sc: its route fails a destination
 * another path's reaches.  Fills tc->ifindex[] with where its routes lead.
 */
void lb_health_judge_paths(struct lb_net *ln, struct lb_svc_conf *sc,
			   u32 now)
{
	DECLARE_BITMAP(ok, LB_TARGETS_MAX);
	struct lb_probe probes[LB_SVC_PROBES];
	unsigned int n = 0, i, j;
	struct lb_tgt_conf *tc;

	list_for_each_entry(tc, &sc->targets, node) {
		lb_probe_sample(tc, now);
		for (i = 0; i < LB_PROBES; i++)
			if (tc->probes[i].family)
				lb_probe_collect(probes, &n, LB_SVC_PROBES,
						 tc->probes[i].family,
						 &tc->probes[i].addr);
		memset(tc->ifindex, 0, sizeof(tc->ifindex));
		tc->down_now = false;
	}
	/* Nothing carried yet: the prefix, if the service has one. */
	if (!n && sc->m.dplen)
		lb_probe_collect(probes, &n, LB_SVC_PROBES, sc->m.family,
				 &sc->m.daddr);

	for (i = 0; i < n; i++) {
		bitmap_zero(ok, LB_TARGETS_MAX);
		j = 0;
		list_for_each_entry(tc, &sc->targets, node) {
			int ifindex = lb_health_route(ln->net, probes[i].family,
						      &probes[i].addr,
						      tc->mark);

			if (ifindex) {
				__set_bit(j, ok);
				lb_ifindex_add(tc, ifindex);
			}
			j++;
		}
		if (bitmap_empty(ok, LB_TARGETS_MAX))
			continue;	/* nobody reaches it: not the paths' fault */
		j = 0;
		list_for_each_entry(tc, &sc->targets, node)
			if (!test_bit(j++, ok))
				tc->down_now = true;
	}
}

/* Look at every target; publish the services whose targets changed. */
static void lb_health_check(struct lb_net *ln)
{
	DECLARE_BITMAP(flipped, LB_TARGETS_MAX);
	u32 now = ++ln->health_checks;
	struct lb_svc_conf *sc;
	struct lb_tgt_conf *tc;
	unsigned int i;
	int err;

	mutex_lock(&ln->lock);
	list_for_each_entry(sc, &ln->services, node) {
		lb_fwds[sc->fwd]->judge(ln, sc, now);
		bitmap_zero(flipped, LB_TARGETS_MAX);
		i = 0;
		list_for_each_entry(tc, &sc->targets, node) {
			if (tc->down_now != tc->down) {
				tc->down = tc->down_now;
				__set_bit(i, flipped);
			}
			i++;
		}
		if (bitmap_empty(flipped, LB_TARGETS_MAX))
			continue;
		err = lb_svc_republish(ln, sc);
		i = 0;
		list_for_each_entry(tc, &sc->targets, node) {
			if (!test_bit(i++, flipped))
				continue;
			if (!err)
				lb_nl_notify(ln, LB_CMD_TGT_STATE, sc, tc, 0);
			else	/* the old snapshot stands, the next check retries */
				tc->down = !tc->down;
		}
	}
	mutex_unlock(&ln->lock);
}

/* Target ids start at 1: a snapshot with room for more has targets. */
static bool lb_health_needed(struct lb_net *ln)
{
	bool needed;

	rcu_read_lock();
	needed = rcu_dereference(ln->cfg)->n_ids > 1;
	rcu_read_unlock();
	return needed;
}

/* Checks run while the namespace has targets; a change kicks them. */
static void lb_health_work(struct work_struct *work)
{
	struct lb_net *ln = container_of(to_delayed_work(work), struct lb_net,
					 health);

	lb_health_check(ln);
	if (!READ_ONCE(ln->health_stopped) && lb_health_needed(ln))
		queue_delayed_work(system_power_efficient_wq, &ln->health,
				   LB_HEALTH_INTERVAL);
}

void lb_health_init(struct lb_net *ln)
{
	INIT_DELAYED_WORK(&ln->health, lb_health_work);
}

/* Check @ln's targets now.  No-op in unit tests (no namespace). */
void lb_health_kick(struct lb_net *ln)
{
	if (ln->net && !READ_ONCE(ln->health_stopped))
		mod_delayed_work(system_power_efficient_wq, &ln->health, 0);
}

/*
 * Context: RTNL held, as in the notifier: once this returns, no
 * notification kicks the check of this namespace again.  A netns with an
 * lb configuration change under way is not being dismantled (netlink
 * sockets hold it), so lb_commit() does not kick it either.
 */
void lb_health_stop(struct lb_net *ln)
{
	ASSERT_RTNL();
	WRITE_ONCE(ln->health_stopped, true);
}

/* Context: after lb_health_stop(). */
void lb_health_exit(struct lb_net *ln)
{
	cancel_delayed_work_sync(&ln->health);
}

static int lb_health_netdev_event(struct notifier_block *nb,
				  unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct lb_net *ln;

	switch (event) {
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:	/* carrier */
	case NETDEV_UNREGISTER:
		ln = lb_net(dev_net(dev));
		if (lb_health_needed(ln))
			lb_health_kick(ln);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block lb_health_notifier = {
	.notifier_call = lb_health_netdev_event,
};

int lb_health_register(void)
{
	return register_netdevice_notifier(&lb_health_notifier);
}

void lb_health_unregister(void)
{
	unregister_netdevice_notifier(&lb_health_notifier);
}
