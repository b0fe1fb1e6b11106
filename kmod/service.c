// SPDX-License-Identifier: GPL-2.0
/*
 * lb: services, their targets, and the snapshot the hook reads.
 *
 * Writers (netlink, module parameters) hold lb_net.lock, change the
 * configuration objects, compile the service they changed and publish a
 * new snapshot with rcu_replace_pointer().  A change either publishes or,
 * on failure, is undone before the lock is dropped: the hook never sees a
 * half-made configuration and a failed request changes nothing.
 */
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/bsearch.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include "lb.h"

#define LB_WRR_MAX	4096	/* schedule slots; longer cycles are scaled */

/* Counters */

static struct lb_counters *lb_counters_new(void)
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

static struct lb_counters *lb_counters_get(struct lb_counters *c)
{
	refcount_inc(&c->ref);
	return c;
}

static void lb_counters_put(struct lb_counters *c)
{
	if (c && refcount_dec_and_test(&c->ref)) {
		free_percpu(c->pcpu);
		kfree(c);
	}
}

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

void lb_ns_stats_read(struct lb_net *ln, u64 *vip_drops, u64 *nat_drops)
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

/* Matching */

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

static bool lb_prefix_match(const union lb_addr *a, const union lb_addr *net,
			    const union lb_addr *mask)
{
	return !(((a->all[0] ^ net->all[0]) & mask->all[0]) |
		 ((a->all[1] ^ net->all[1]) & mask->all[1]) |
		 ((a->all[2] ^ net->all[2]) & mask->all[2]) |
		 ((a->all[3] ^ net->all[3]) & mask->all[3]));
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

static bool lb_match_equal(const struct lb_match *a, const struct lb_match *b)
{
	return a->family == b->family && a->dplen == b->dplen &&
	       a->splen == b->splen && a->proto == b->proto &&
	       a->dport == b->dport &&
	       !memcmp(&a->daddr, &b->daddr, sizeof(a->daddr)) &&
	       !memcmp(&a->saddr, &b->saddr, sizeof(a->saddr)) &&
	       !strncmp(a->iifname, b->iifname, IFNAMSIZ);
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

/* The NAT service of a packet to a VIP.  Context: rcu_read_lock. */
const struct lb_svc *lb_nat_lookup(const struct lb_cfg *cfg,
				   const struct lb_flow_key *key,
				   const struct net_device *in)
{
	return lb_first_match(cfg->nat, cfg->n_nat, key, in);
}

static int lb_vip_cmp(const void *pa, const void *pb)
{
	const struct lb_vip *a = pa, *b = pb;

	if (a->family != b->family)
		return a->family - b->family;
	return memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

bool lb_is_vip(const struct lb_cfg *cfg, u8 family, const union lb_addr *a)
{
	struct lb_vip key = { .addr = *a, .family = family };

	return bsearch(&key, cfg->vips, cfg->n_vips, sizeof(key), lb_vip_cmp);
}

/* Backends sort by what a reply carries: family, protocol, port, address. */
static int lb_backend_cmp(const void *pa, const void *pb)
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

const struct lb_target *lb_cfg_target(const struct lb_cfg *cfg, u32 id)
{
	return id < cfg->n_ids ? cfg->by_id[id] : NULL;
}

/* Compiled services */

static void lb_svc_free(struct lb_svc *svc)
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

static struct lb_svc *lb_svc_compile(const struct lb_svc_conf *sc)
{
	struct lb_tgt_conf *tc;
	struct lb_svc *svc;
	u32 *weights, i = 0;

	svc = kzalloc(sizeof(*svc), GFP_KERNEL_ACCOUNT);
	if (!svc)
		return NULL;
	svc->m = sc->m;
	svc->mode = sc->mode;
	svc->sched = sc->sched;
	svc->nat = sc->nat;
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
		t->mark = tc->mark;
		t->mask = tc->mask;
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

static void lb_cfg_free(struct lb_cfg *cfg)
{
	struct lb_svc *svc, *tmp;

	list_for_each_entry_safe(svc, tmp, &cfg->retired, retire)
		lb_svc_free(svc);
	kvfree(cfg->by_id);
	kvfree(cfg->backends);
	kvfree(cfg->vips);
	kvfree(cfg->nat);
	kvfree(cfg->svcs);
	kfree(cfg);
}

static void lb_cfg_free_work(struct work_struct *work)
{
	lb_cfg_free(container_of(to_rcu_work(work), struct lb_cfg, free_work));
}

/* A snapshot of @services (@n of them), each compiled. */
static struct lb_cfg *lb_cfg_build(const struct list_head *services, u32 n)
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
		if (sc->compiled->nat)
			n_backends += sc->compiled->n_targets;
	}

	cfg->svcs = kvcalloc(n ?: 1, sizeof(*cfg->svcs), GFP_KERNEL_ACCOUNT);
	cfg->nat = kvcalloc(n ?: 1, sizeof(*cfg->nat), GFP_KERNEL_ACCOUNT);
	cfg->vips = kvcalloc(n ?: 1, sizeof(*cfg->vips), GFP_KERNEL_ACCOUNT);
	cfg->backends = kvcalloc(n_backends ?: 1, sizeof(*cfg->backends),
				 GFP_KERNEL_ACCOUNT);
	cfg->by_id = kvcalloc(max_id + 1, sizeof(*cfg->by_id),
			      GFP_KERNEL_ACCOUNT);
	if (!cfg->svcs || !cfg->nat || !cfg->vips || !cfg->backends ||
	    !cfg->by_id) {
		lb_cfg_free(cfg);
		return NULL;
	}
	cfg->n_ids = max_id + 1;

	list_for_each_entry(sc, services, node) {
		const struct lb_svc *svc = sc->compiled;

		for (i = 0; i < svc->n_targets; i++)
			cfg->by_id[svc->targets[i].id] = &svc->targets[i];
		if (!svc->nat) {
			cfg->svcs[cfg->n_svc++] = svc;
			continue;
		}
		cfg->nat[cfg->n_nat++] = svc;
		cfg->vips[n_vips].family = svc->m.family;
		cfg->vips[n_vips++].addr = svc->m.daddr;
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
	sort(cfg->nat, cfg->n_nat, sizeof(*cfg->nat),
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
static struct lb_cfg *lb_cfg_publish(struct lb_net *ln, struct lb_cfg *cfg)
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
static int lb_commit(struct lb_net *ln, struct lb_svc_conf *sc,
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

/* Configuration objects */

/* The service of @services that matches exactly @m. */
static struct lb_svc_conf *lb_svc_conf_find_in(const struct list_head *services,
					       const struct lb_match *m)
{
	struct lb_svc_conf *sc;

	list_for_each_entry(sc, services, node)
		if (lb_match_equal(&sc->m, m))
			return sc;
	return NULL;
}

struct lb_svc_conf *lb_svc_conf_find(struct lb_net *ln,
				     const struct lb_match *m)
{
	return lb_svc_conf_find_in(&ln->services, m);
}

/* A path by id or mark (-1: any), or a backend by id. */
struct lb_tgt_conf *lb_tgt_conf_find(const struct lb_svc_conf *sc, s64 id,
				     s64 mark)
{
	struct lb_tgt_conf *tc;

	list_for_each_entry(tc, &sc->targets, node)
		if ((id < 0 || tc->id == id) &&
		    (mark < 0 || (tc->mark == mark &&
				  !lb_tgt_conf_is_backend(tc))))
			return tc;
	return NULL;
}

struct lb_tgt_conf *lb_backend_conf_find(const struct lb_svc_conf *sc,
					 const union lb_addr *addr,
					 __be16 port)
{
	struct lb_tgt_conf *tc;

	list_for_each_entry(tc, &sc->targets, node)
		if (tc->port == port &&
		    !memcmp(&tc->addr, addr, sizeof(*addr)))
			return tc;
	return NULL;
}

/*
 * A service is a NAT service from its first backend on, and stays one
 * when its last backend goes: its VIP:port must not start passing packets
 * on untranslated.  Without backends, new flows are dropped and counted.
 */
static bool lb_svc_conf_is_nat(const struct lb_svc_conf *sc)
{
	return sc->nat;
}

static void lb_tgt_conf_free(struct lb_net *ln, struct lb_tgt_conf *tc)
{
	if (!tc->id_shared)
		ida_free(&ln->tgt_ids, tc->id);
	lb_counters_put(tc->cnt);
	kfree(tc);
}

static void lb_svc_conf_free(struct lb_net *ln, struct lb_svc_conf *sc)
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
		NL_SET_ERR_MSG(extack, "scheduler must be wrr, maglev or wlc");
		return -EINVAL;
	}
	if (flowlet_us < LB_FLOWLET_US_MIN || flowlet_us > LB_FLOWLET_US_MAX) {
		NL_SET_ERR_MSG(extack, "flowlet timeout out of range");
		return -EINVAL;
	}
	return 0;
}

/* What a service must match to hold backends: one VIP:port, TCP or UDP. */
static int lb_check_nat_match(const struct lb_match *m,
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

/* A first backend: flow mode, and Maglev unless a scheduler was chosen. */
static void lb_svc_conf_make_nat(struct lb_svc_conf *sc)
{
	if (!sc->nat) {
		if (sc->auto_mode)
			sc->mode = LB_MODE_FLOW;
		if (sc->auto_sched)
			sc->sched = LB_SCHED_MAGLEV;
	}
	sc->nat = 1;
}

/*
 * A service, checked, not yet configured: no counters, no targets.
 * @mode and @sched of -1 take the defaults, which a first backend (or
 * @nat) turns into flow and Maglev.
 */
static struct lb_svc_conf *lb_svc_conf_new(const struct lb_match *m,
					   int mode, int sched, u32 flowlet_us,
					   bool nat,
					   struct netlink_ext_ack *extack)
{
	struct lb_svc_conf *sc;
	int err;

	err = lb_check_mode(mode < 0 ? lb_defaults.mode : mode,
			    sched < 0 ? lb_defaults.sched : sched,
			    flowlet_us, extack);
	if (!err && nat)
		err = lb_check_nat_match(m, extack);
	if (err)
		return ERR_PTR(err);
	if (nat && mode >= 0 && mode != LB_MODE_FLOW) {
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
	if (nat)
		lb_svc_conf_make_nat(sc);
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
 * @nat: a NAT service from the start, before its first backend
 * @extack: where a rejection is explained
 *
 * Return: 0 or a negative errno.
 */
int lb_svc_add(struct lb_net *ln, const struct lb_match *m, int mode,
	       int sched, u32 flowlet_us, bool nat,
	       struct netlink_ext_ack *extack)
{
	struct lb_svc_conf *sc;
	int err;

	lockdep_assert_held(&ln->lock);
	sc = lb_svc_conf_new(m, mode, sched, flowlet_us, nat, extack);
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
	if (mode >= 0 && mode != LB_MODE_FLOW && lb_svc_conf_is_nat(sc)) {
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

static u32 lb_tgt_id_alloc(struct lb_net *ln)
{
	int id = ida_alloc_range(&ln->tgt_ids, ln->next_id, LB_ID_MAX,
				 GFP_KERNEL);

	if (id == -ENOSPC)
		id = ida_alloc_range(&ln->tgt_ids, 1, LB_ID_MAX, GFP_KERNEL);
	if (id < 0)
		return 0;
	ln->next_id = id < LB_ID_MAX ? id + 1 : 1;
	return id;
}

/* Can @sc take one more target of @weight? */
static int lb_check_room(const struct lb_svc_conf *sc, u32 weight,
			 struct netlink_ext_ack *extack)
{
	if (weight > LB_WEIGHT_MAX) {
		NL_SET_ERR_MSG(extack, "weight above 65535");
		return -ERANGE;
	}
	if (sc->n_targets >= LB_TARGETS_MAX) {
		NL_SET_ERR_MSG(extack, "too many targets in this service");
		return -ENOSPC;
	}
	return 0;
}

/* A target for @sc, checked, without an id or counters yet. */
static struct lb_tgt_conf *lb_tgt_conf_alloc(const struct lb_svc_conf *sc,
					     u32 weight,
					     struct netlink_ext_ack *extack)
{
	struct lb_tgt_conf *tc;
	int err;

	err = lb_check_room(sc, weight, extack);
	if (err)
		return ERR_PTR(err);
	tc = kzalloc(sizeof(*tc), GFP_KERNEL_ACCOUNT);
	if (!tc)
		return ERR_PTR(-ENOMEM);
	tc->weight = weight;
	return tc;
}

/* An id and counters of its own for @tc; on failure it has neither. */
static int lb_tgt_conf_init(struct lb_net *ln, struct lb_tgt_conf *tc,
			    struct netlink_ext_ack *extack)
{
	tc->id = lb_tgt_id_alloc(ln);
	if (!tc->id) {
		NL_SET_ERR_MSG(extack, "no free target id");
		return -ENOSPC;
	}
	tc->cnt = lb_counters_new();
	if (!tc->cnt) {
		ida_free(&ln->tgt_ids, tc->id);
		tc->id = 0;
		return -ENOMEM;
	}
	return 0;
}

/* A new target with an id and counters, not yet in a service. */
static struct lb_tgt_conf *lb_tgt_conf_new(struct lb_net *ln,
					   struct lb_svc_conf *sc, u32 weight,
					   struct netlink_ext_ack *extack)
{
	struct lb_tgt_conf *tc = lb_tgt_conf_alloc(sc, weight, extack);
	int err;

	if (IS_ERR(tc))
		return tc;
	err = lb_tgt_conf_init(ln, tc, extack);
	if (err) {
		kfree(tc);
		return ERR_PTR(err);
	}
	return tc;
}

/* Publish @sc with @tc added, or free @tc and change nothing. */
static int lb_tgt_insert(struct lb_net *ln, struct lb_svc_conf *sc,
			 struct lb_tgt_conf *tc)
{
	int err;

	list_add_tail(&tc->node, &sc->targets);
	sc->n_targets++;
	err = lb_commit(ln, sc, NULL);
	if (err) {
		list_del(&tc->node);
		sc->n_targets--;
		lb_tgt_conf_free(ln, tc);
	}
	return err;
}

/* May @sc take a path of @mark and @mask? */
static int lb_check_path(const struct lb_svc_conf *sc, u32 mark, u32 mask,
			 struct netlink_ext_ack *extack)
{
	if (lb_svc_conf_is_nat(sc)) {
		NL_SET_ERR_MSG(extack,
			       "the service is a VIP with backends: a service holds paths or backends, not both");
		return -EINVAL;
	}
	if (mark & ~mask) {
		NL_SET_ERR_MSG(extack, "mark has bits outside its mask");
		return -EINVAL;
	}
	if (lb_tgt_conf_find(sc, -1, mark)) {
		NL_SET_ERR_MSG(extack, "the service has a path with this mark");
		return -EEXIST;
	}
	return 0;
}

int lb_tgt_add(struct lb_net *ln, struct lb_svc_conf *sc, u32 mark, u32 mask,
	       u32 weight, struct netlink_ext_ack *extack)
{
	struct lb_tgt_conf *tc;
	int err;

	lockdep_assert_held(&ln->lock);
	err = lb_check_path(sc, mark, mask, extack);
	if (err)
		return err;
	tc = lb_tgt_conf_new(ln, sc, weight, extack);
	if (IS_ERR(tc))
		return PTR_ERR(tc);
	tc->mark = mark;
	tc->mask = mask;
	return lb_tgt_insert(ln, sc, tc);
}

/* May @sc take the backend @addr:@port? */
static int lb_check_backend(const struct lb_svc_conf *sc,
			    const union lb_addr *addr, __be16 port,
			    struct netlink_ext_ack *extack)
{
	int err;

	if (sc->n_targets && !lb_svc_conf_is_nat(sc)) {
		NL_SET_ERR_MSG(extack,
			       "the service has paths: a service holds paths or backends, not both");
		return -EINVAL;
	}
	err = lb_check_nat_match(&sc->m, extack);
	if (err)
		return err;
	if (!port) {
		NL_SET_ERR_MSG(extack, "a backend needs a port");
		return -EINVAL;
	}
	if (sc->mode != LB_MODE_FLOW && !sc->auto_mode) {
		NL_SET_ERR_MSG(extack,
			       "a service with backends keeps each flow on its backend: set mode flow first");
		return -EINVAL;
	}
	if (lb_backend_conf_find(sc, addr, port)) {
		NL_SET_ERR_MSG(extack, "the service has this backend");
		return -EEXIST;
	}
	return 0;
}

/**
 * lb_backend_add() - add a backend (real server) to a service
 * @ln: namespace state, locked
 * @sc: the service, whose family @addr is in
 * @addr: the backend's address
 * @port: its port, non-zero
 * @weight: its weight
 * @extack: where a rejection is explained
 *
 * The first backend makes the service a NAT service: in flow mode, and
 * with Maglev unless a scheduler was chosen.
 * Return: 0 or a negative errno.
 */
int lb_backend_add(struct lb_net *ln, struct lb_svc_conf *sc,
		   const union lb_addr *addr, __be16 port, u32 weight,
		   struct netlink_ext_ack *extack)
{
	u8 old_mode = sc->mode, old_sched = sc->sched, old_nat = sc->nat;
	struct lb_tgt_conf *tc;
	int err;

	lockdep_assert_held(&ln->lock);
	err = lb_check_backend(sc, addr, port, extack);
	if (err)
		return err;
	tc = lb_tgt_conf_new(ln, sc, weight, extack);
	if (IS_ERR(tc))
		return PTR_ERR(tc);
	tc->addr = *addr;
	tc->port = port;
	lb_svc_conf_make_nat(sc);
	err = lb_tgt_insert(ln, sc, tc);
	if (err) {
		sc->mode = old_mode;
		sc->sched = old_sched;
		sc->nat = old_nat;
	}
	return err;
}

/* Flows on the deleted target move on their next packet. */
int lb_tgt_del(struct lb_net *ln, struct lb_svc_conf *sc,
	       struct lb_tgt_conf *tc)
{
	struct list_head *prev = tc->node.prev;
	int err;

	lockdep_assert_held(&ln->lock);
	list_del(&tc->node);
	sc->n_targets--;
	err = lb_commit(ln, sc, NULL);
	if (err) {
		list_add(&tc->node, prev);
		sc->n_targets++;
		return err;
	}
	lb_tgt_conf_free(ln, tc);
	return 0;
}

int lb_tgt_update(struct lb_net *ln, struct lb_svc_conf *sc,
		  struct lb_tgt_conf *tc, s64 weight, s64 mask,
		  struct netlink_ext_ack *extack)
{
	u32 old_weight = tc->weight, old_mask = tc->mask;
	int err;

	lockdep_assert_held(&ln->lock);
	if (weight > LB_WEIGHT_MAX) {
		NL_SET_ERR_MSG(extack, "weight above 65535");
		return -ERANGE;
	}
	if (mask >= 0 && lb_tgt_conf_is_backend(tc)) {
		NL_SET_ERR_MSG(extack, "a backend has no mark mask");
		return -EINVAL;
	}
	if (mask >= 0 && (tc->mark & ~(u32)mask)) {
		NL_SET_ERR_MSG(extack, "mark has bits outside its mask");
		return -EINVAL;
	}
	if (weight >= 0)
		tc->weight = weight;
	if (mask >= 0)
		tc->mask = mask;
	err = lb_commit(ln, sc, NULL);
	if (err) {
		tc->weight = old_weight;
		tc->mask = old_mask;
	}
	return err;
}

/* Whole configurations (LB_CMD_RESTORE) */

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
 * @nat: likewise
 * @extack: where a rejection is explained
 *
 * The checks of lb_svc_add(), against @r instead of the namespace.
 * Return: the service, for lb_restore_path() and lb_restore_backend(),
 * or an ERR_PTR.
 */
struct lb_svc_conf *lb_restore_svc(struct lb_restore *r,
				   const struct lb_match *m, int mode,
				   int sched, u32 flowlet_us, bool nat,
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
	sc = lb_svc_conf_new(m, mode, sched, flowlet_us, nat, extack);
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
int lb_restore_path(struct lb_svc_conf *sc, u32 mark, u32 mask, u32 weight,
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
	tc->mask = mask;
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
	lb_svc_conf_make_nat(sc);
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

/* Namespace state */

int lb_net_init(struct lb_net *ln, u32 flow_max)
{
	struct lb_cfg *cfg;
	int err, cpu;

	mutex_init(&ln->lock);
	INIT_LIST_HEAD(&ln->services);
	ida_init(&ln->tgt_ids);
	ln->next_id = 1;
	lb_health_init(ln);

	ln->ns_stats = alloc_percpu_gfp(struct lb_ns_stats, GFP_KERNEL_ACCOUNT);
	if (!ln->ns_stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(ln->ns_stats, cpu)->syncp);

	mutex_lock(&ln->lock);
	cfg = lb_cfg_build(&ln->services, ln->n_services);
	mutex_unlock(&ln->lock);
	if (!cfg) {
		err = -ENOMEM;
		goto err_stats;
	}
	RCU_INIT_POINTER(ln->cfg, cfg);

	err = lb_flow_table_init(&ln->flows, ln, flow_max);
	if (err) {
		lb_cfg_free(cfg);
		goto err_stats;
	}
	return 0;
err_stats:
	free_percpu(ln->ns_stats);
	return err;
}

/* Context: the namespace's hooks are unregistered and readers are done. */
void lb_net_exit(struct lb_net *ln)
{
	struct lb_svc_conf *sc, *tmp;
	struct lb_cfg *cfg;

	WARN_ON_ONCE(ln->hooks);	/* lb_net_quiesce() came first */
	lb_health_exit(ln);
	lb_flow_table_destroy(&ln->flows);
	cfg = rcu_dereference_protected(ln->cfg, true);
	list_for_each_entry_safe(sc, tmp, &ln->services, node) {
		list_add(&sc->compiled->retire, &cfg->retired);
		lb_svc_conf_free(ln, sc);
	}
	lb_cfg_free(cfg);
	ida_destroy(&ln->tgt_ids);
	free_percpu(ln->ns_stats);
}
