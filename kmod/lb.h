/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lb: internal types shared by the module's files.
 *
 * Two layers of state per network namespace:
 *  - configuration objects (struct lb_svc_conf, struct lb_tgt_conf), owned
 *    by struct lb_net and changed only under lb_net.lock by netlink;
 *  - an immutable snapshot (struct lb_cfg) of compiled services (struct
 *    lb_svc) that the hook reads under RCU.  Every change compiles the
 *    services it touched, publishes a new snapshot and retires the old one
 *    after a grace period.
 * Counters live in per-CPU objects owned by the configuration objects, so
 * they survive recompilation; snapshots only point at them.
 */
#ifndef _LB_H
#define _LB_H

#include <linux/types.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/if.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/idr.h>
#include <linux/rhashtable.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <linux/skbuff.h>
#include <linux/netdevice.h>
#include <linux/refcount.h>
#include <net/netns/generic.h>
#include <linux/indirect_call_wrapper.h>
#include <linux/lb.h>

struct net;
struct net_device;
struct mem_cgroup;
struct netlink_ext_ack;
struct nlattr;

union lb_addr {
	__be32 ip;
	struct in6_addr in6;
	__be32 all[4];
};

/* The hash key of a flow: zero-padded, compared as bytes. */
struct lb_flow_key {
	union lb_addr saddr;
	union lb_addr daddr;
	__be16 sport;
	__be16 dport;
	u8 proto;
	u8 family;
	u8 pad[2];
};

/*
 * Schedules are walked in lanes: by input interface (ifindex modulo
 * LB_LANES / 2) and by direction (which of the two addresses is lower).
 * Replies then never take turns with the traffic they answer, even when
 * two interfaces share a lane; in one shared sequence a 1:1 split would
 * send every request down the same path and every reply down the other.
 */
#define LB_LANES 16

static inline u8 lb_lane(const struct lb_flow_key *k,
			 const struct net_device *in)
{
	u8 up = memcmp(&k->saddr, &k->daddr, sizeof(k->saddr)) < 0;

	return (in ? in->ifindex % (LB_LANES / 2) : 0) * 2 + up;
}

/* The tuple of the packet that answers @k: addresses and ports swapped. */
static inline void lb_key_reverse(struct lb_flow_key *r,
				  const struct lb_flow_key *k)
{
	memset(r, 0, sizeof(*r));
	r->family = k->family;
	r->proto = k->proto;
	r->saddr = k->daddr;
	r->daddr = k->saddr;
	r->sport = k->dport;
	r->dport = k->sport;
}

/* What the hook needs from a packet, filled by lb_parse(). */
struct lb_pkt {
	struct lb_flow_key key;
	u8 lane;		/* set by the hook from the input interface */
	u32 len;		/* IP datagram length, for byte counters */
	u32 frag_id;		/* fragments: the datagram's identification */
	u16 thoff;		/* transport header, from the network header */
	u8 is_frag:1;		/* any fragment: balanced statelessly */
	u8 tcp_syn:1;		/* SYN without ACK: a new connection */
	u8 tcp_close:1;		/* FIN or RST */
	u8 icmp_err:1;		/* an ICMP error, which quotes a packet */
};

/* The packet an ICMP error quotes, as far as NAT needs it. */
struct lb_inner {
	struct lb_flow_key key;	/* the quoted packet's own tuple */
	u16 off;		/* its IP header, from the network header */
	u16 thoff;		/* its transport header, likewise */
};

/* Per-CPU counters.  Updated in the hook (softirq) only, except active. */
struct lb_pcpu_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t flows_created;
	u64_stats_t fallbacks;
	u64_stats_t flowlet_switches;
	u64_stats_t reply_packets;
	u64_stats_t reply_bytes;
	struct u64_stats_sync syncp;
	long flows_active;	/* this_cpu_inc/dec from hook and GC */
	u32 cursor[LB_LANES];	/* per-packet schedule positions (services) */
	/* paths: a destination carried, the health check's probe (health.c) */
	u8 dest_family;		/* 0: empty, the hook may fill it */
	union lb_addr dest;
};

struct lb_stats {
	u64 packets, bytes, flows_created, flows_active, fallbacks;
	u64 flowlet_switches;
	u64 reply_packets, reply_bytes;
};

/* Namespace-wide drop counters of service balancing. */
struct lb_ns_stats {
	u64_stats_t vip_drops;
	u64_stats_t nat_drops;
	struct u64_stats_sync syncp;
};

/*
 * Counters of a service or target.  Shared by its configuration object
 * and every compiled copy of it, hence the reference count; the last
 * compiled copy goes an RCU grace period after it was replaced.
 */
struct lb_counters {
	struct lb_pcpu_stats __percpu *pcpu;
	atomic_t new_flow_seq[LB_LANES];	/* services: WRR over new flows */
	refcount_t ref;
	struct lb_stats zero;	/* the sums at the last reset (lb_net.lock) */
};

/* What a service matches.  Addresses are stored masked. */
struct lb_match {
	union lb_addr daddr, dmask;
	union lb_addr saddr, smask;
	u8 family;		/* 0: IPv4 and IPv6 */
	u8 dplen, splen;
	u8 proto;		/* 0: any */
	__be16 dport;		/* 0: any */
	char iifname[IFNAMSIZ];	/* "": any */
};

/* A compiled target, inside a compiled service.  Immutable. */
struct lb_target {
	u32 id;
	u32 tag;		/* what a flow it counts holds (lb_tgt_tag()) */
	u32 mark;		/* path */
	u32 mask;
	u32 weight;
	__be16 port;		/* backend: its port, 0 for a path */
	u8 down;		/* unreachable (health.c): weight is 0 */
	union lb_addr addr;	/* backend: its address */
	const struct lb_svc *svc;
	struct lb_pcpu_stats __percpu *pcpu;	/* == cnt->pcpu */
	struct lb_counters *cnt;
};

#define LB_MAGLEV_SIZE 65521	/* prime; u8 slots, LB_TARGETS_MAX <= 256 */

/* A compiled service.  Immutable once published; RCU-freed. */
struct lb_svc {
	struct lb_match m;
	u8 mode;		/* enum lb_mode */
	u8 sched;		/* enum lb_sched, an index of lb_scheds[] */
	const struct lb_fwd_ops *fwd;	/* its forwarding method */
	u32 flowlet_us;
	u32 flowlet_gap;	/* flowlet_us in lb_now_us() units */
	u32 n_targets;
	u32 wrr_len;		/* 0: no target takes new traffic */
	struct lb_target *targets;
	u8 *wrr;		/* smooth WRR order of target indices */
	u8 *maglev;		/* LB_MAGLEV_SIZE target indices, or NULL */
	struct lb_counters *st;
	struct list_head retire;
};

/* A VIP: an address some NAT service matches. */
struct lb_vip {
	union lb_addr addr;
	u8 family;
};

/* A backend, found by the source of its replies. */
struct lb_backend_ref {
	union lb_addr addr;
	__be16 port;
	u8 family;
	u8 proto;
	const struct lb_target *t;
};

/* The snapshot the hook reads. */
struct lb_cfg {
	u32 n_svc;			/* path services */
	u32 n_vip_svcs;			/* services of a VIP (backends) */
	u32 n_vips;
	u32 n_backends;
	u32 n_ids;
	const struct lb_svc **svcs;		/* most specific first */
	const struct lb_svc **vip_svcs;		/* likewise */
	struct lb_vip *vips;			/* sorted, lb_vip_cmp() */
	struct lb_backend_ref *backends;	/* sorted, lb_backend_cmp() */
	const struct lb_target **by_id;	/* target id -> target */
	u8 hooks;			/* BIT(LB_HOOKS_*) its methods need */
	struct list_head retired;	/* freed with this snapshot */
	struct rcu_work free_work;
};

#define LB_ID_MAX	65535	/* target ids: 1..LB_ID_MAX, handed out cyclically */

/* A destination whose route says whether a path is up (health.c). */
struct lb_probe {
	union lb_addr addr;
	u8 family;		/* 0: unused */
	u32 seen;		/* the health check that last saw it carried */
};

#define LB_PROBES 4

struct lb_tgt_conf {
	struct list_head node;
	u32 id;
	u32 tag;		/* lb_tgt_tag() of the id when it was given */
	u32 mark;
	u32 mask;		/* unless mask_auto */
	u32 weight;
	__be16 port;		/* non-zero: a backend */
	u8 mask_auto:1;		/* a path's mask is lb_svc_conf_mark_bits() */
	u8 id_shared:1;		/* restore: another target holds the id too */
	u8 down:1;		/* health.c: no usable route */
	u8 down_now:1;		/* health.c: the check under way says so */
	struct lb_probe probes[LB_PROBES];	/* health.c: a path's */
	int ifindex[LB_PROBES];	/* health.c: where the routes lead, or 0 */
	union lb_addr addr;
	struct lb_counters *cnt;
};

struct lb_svc_conf {
	struct list_head node;
	struct lb_match m;
	u8 mode;
	u8 sched;
	u8 auto_mode:1;		/* mode and scheduler were defaults, which */
	u8 auto_sched:1;	/* a first backend may change */
	u8 fwd;			/* enum lb_fwd: a backend's method from its */
				/* first backend (or nat) until deleted */
	u32 flowlet_us;
	u32 n_targets;
	struct list_head targets;	/* in the order they were added */
	struct lb_counters *cnt;
	struct lb_svc *compiled;
};

/*
 * A whole configuration being built for LB_CMD_RESTORE: services and
 * their targets, checked, without counters or ids until it is committed.
 */
struct lb_restore {
	struct list_head services;	/* struct lb_svc_conf, in order */
	u32 n_services;
};

/* One cache line; freed in batches after a grace period (flow.c). */
struct lb_flow {
	struct rhash_head node;
	struct lb_flow_key key;
	u16 tgt_id;		/* ids are at most LB_ID_MAX (65535) */
	u8 opening;		/* TCP, SYNs or one packet: timeout_tcp_syn */
	u8 pad;
	u32 seen;		/* jiffies of the last packet */
	u32 stamp;		/* flowlet: last packet, in ~us (ns >> 10) */
	/* lb_flow_charge(): tag of the target counting it, or 0 */
	u32 charged;
};

/*
 * A target's tag: its id, and above it the id's generation, so that a flow
 * counted by a deleted target is never taken for one counted by the new
 * target given the same id.  15 bits of generation: LB_FLOW_GONE
 * (U32_MAX) is nobody's tag.
 */
static inline u32 lb_tgt_tag(u32 id, u16 gen)
{
	return (u32)(gen & 0x7fff) << 16 | id;
}

static inline u32 lb_tag_id(u32 tag)
{
	BUILD_BUG_ON(LB_ID_MAX > 0xffff);
	return tag & 0xffff;
}

/* Context: rcu_read_lock. */
static inline bool lb_flow_closing(const struct lb_flow *f)
{
	return !READ_ONCE(f->charged);
}

/* The flow table's idle timeouts, by kind of flow (LB_INFO_A_TIMEOUT_*). */
enum lb_timeout {
	LB_TO_TCP,		/* a TCP connection */
	LB_TO_TCP_SYN,		/* never answered (lb_flow_timeout()) */
	LB_TO_TCP_CLOSE,	/* after FIN or RST */
	LB_TO_UDP,
	LB_TO_OTHER,
	LB_TO_N
};

struct lb_flow_table {
	struct rhashtable ht;
	u32 max;			/* tune.c, as timeout[] */
	u32 timeout[LB_TO_N];		/* seconds; read without the lock */
	struct mem_cgroup *memcg;	/* charged for the entries (flow.c) */
	struct delayed_work gc;
	struct rhashtable_iter gc_iter;
	struct lb_net *ln;
};

struct lb_net {
	struct lb_cfg __rcu *cfg;
	struct net *net;		/* NULL in unit tests */
	struct lb_ns_stats __percpu *ns_stats;
	u64 vip_drops_zero, nat_drops_zero;	/* at the last reset (lock) */
	struct mutex lock;		/* serialises configuration writers */
	struct list_head services;	/* struct lb_svc_conf, as added */
	u32 n_services;
	struct ida tgt_ids;
	u32 next_id;			/* ids are handed out cyclically */
	u16 id_gen;			/* lb_tgt_tag(): one per id handed out */
	struct lb_flow_table flows;
	struct delayed_work health;	/* health.c: are the targets reachable */
	u32 health_checks;
	bool health_stopped;		/* the namespace is going */
	u8 hooks;			/* hook.c: BIT(LB_HOOKS_*) registered */
	u64 event_drops;		/* nl_event.c: events not allocated */
	u32 gen;			/* publications, never 0 after one: dumps */
	u32 flowlet_us;			/* tune.c: a new service's default gap */
};

/* hook.c's sets of netfilter hooks, each registered while it is needed. */
enum {
	LB_HOOKS_PATH,		/* PRE_ROUTING, before the routing decision */
	LB_HOOKS_VIP,		/* PRE_ROUTING, before conntrack: to a VIP */
	LB_HOOKS_REPLY,		/* FORWARD and LOCAL_OUT: backends' replies */
};

/**
 * struct lb_fwd_ops - a forwarding method: how a packet reaches a target
 * @hooks: BIT(LB_HOOKS_*), the hook sets its services need
 * @backends: its targets are backends (ADDR:PORT, a VIP service matched at
 *	LB_HOOKS_VIP); else paths (a mark, matched at LB_HOOKS_PATH)
 * @dsr: direct server return: the packet keeps its destination, the
 *	VIP:port, so a backend's port is the service's
 * @xmit: apply target @t to @skb, a packet of its flow.  0: the packet
 *	goes on; LB_XMIT_STOLEN: the method sent it; an error: it is dropped
 *	(the method left it untouched)
 * @icmp_in: an ICMP error sent to a VIP, quoting (@in) a reply that @t's
 *	backend sent: pass it on to @t, as @xmit.  NULL: dropped
 * @reply: a reply from a backend to the client crosses us: its source
 *	becomes @vip:@vport.  NULL: replies do not cross lb, and backends are
 *	not looked up by their replies (lb_backend_find())
 * @icmp_reply: an ICMP error about a packet @xmit sent (its quote in @in):
 *	make it about the packet the client sent, to @vip:@vport
 * @judge: set down_now of each of @sc's targets: it cannot be reached
 *	(health.c; process context, under lb_net.lock)
 *
 * As IPVS binds a transmit function per forwarding method: a method is
 * one file (fwd_*.c) and one entry of lb_fwds[], by enum lb_fwd.  Packet
 * path functions run in softirq under rcu_read_lock.
 */
struct lb_fwd_ops {
	u8 hooks;
	bool backends;
	bool dsr;
	int (*xmit)(struct sk_buff *skb, const struct lb_pkt *pkt,
		    const struct lb_target *t);
	int (*icmp_in)(struct sk_buff *skb, const struct lb_pkt *pkt,
		       const struct lb_inner *in, const struct lb_target *t);
	int (*reply)(struct sk_buff *skb, const struct lb_pkt *pkt,
		     const union lb_addr *vip, __be16 vport);
	int (*icmp_reply)(struct sk_buff *skb, const struct lb_pkt *pkt,
			  const struct lb_inner *in, const union lb_addr *vip,
			  __be16 vport);
	void (*judge)(struct lb_net *ln, struct lb_svc_conf *sc, u32 now);
};

extern const struct lb_fwd_ops *const lb_fwds[__LB_FWD_MAX];
extern const struct lb_fwd_ops lb_fwd_mark, lb_fwd_nat, lb_fwd_ipip,
	lb_fwd_gue;

/* lb_fwd_ops.xmit: the method sent the packet on (the hook's NF_STOLEN). */
#define LB_XMIT_STOLEN 1

/**
 * struct lb_encap - what an encapsulating method puts between the outer IP
 *	header and the packet (encap.c)
 * @proto: the outer IP header's protocol
 * @hlen: the length of what it puts
 * @gso_v4: the SKB_GSO_* types that adds to the outer IPv4 header's
 * @gso_v6: likewise, under an outer IPv6 header
 * @push: push it (@hlen bytes), given the outer addresses; cannot fail
 */
struct lb_encap {
	u8 proto;
	unsigned int hlen;
	int gso_v4;
	int gso_v6;
	void (*push)(struct net *net, struct sk_buff *skb, u8 family,
		     const union lb_addr *saddr, const union lb_addr *daddr);
};

int lb_encap_xmit(struct sk_buff *skb, const struct lb_pkt *pkt,
		  const struct lb_target *t, const struct lb_encap *e);

/* health.c: what reachability means, for lb_fwd_ops.judge */
void lb_health_judge_paths(struct lb_net *ln, struct lb_svc_conf *sc,
			   u32 now);
void lb_health_judge_backends(struct lb_net *ln, struct lb_svc_conf *sc,
			      u32 now);

/**
 * struct lb_sched_ops - a scheduler: where a new flow goes
 * @pick: a target of @svc for the new flow of @pkt, or NULL if no target
 *	takes new flows.  Every service has its smooth weighted round-robin
 *	order (svc->wrr) and Maglev table (svc->maglev), which packet mode
 *	and the stateless fallbacks use too.
 *
 * One entry of lb_scheds[] by enum lb_sched; its name is in the uapi's
 * LB_SCHED_NAMES.
 */
struct lb_sched_ops {
	const struct lb_target *(*pick)(const struct lb_svc *svc,
					const struct lb_pkt *pkt);
};

extern const struct lb_sched_ops lb_scheds[__LB_SCHED_MAX];

/* Module-wide settings (module parameters), read-only after load. */
struct lb_defaults {
	u8 mode;
	u8 sched;
	u32 flowlet_us;
	u32 flow_max;
	u32 flow_max_total;	/* all namespaces together */
	u32 timeout_tcp;	/* seconds */
	u32 timeout_tcp_syn;
	u32 timeout_tcp_close;
	u32 timeout_udp;
	u32 timeout_other;
};

extern struct lb_defaults lb_defaults;
extern struct workqueue_struct *lb_wq;	/* snapshot frees; drained on exit */

/* Protocols whose first four bytes are source and destination ports. */
static inline bool lb_proto_has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_UDPLITE || proto == IPPROTO_SCTP ||
	       proto == IPPROTO_DCCP;
}

static inline bool lb_tgt_conf_is_backend(const struct lb_tgt_conf *tc)
{
	return tc->port != 0;
}

/* main.c: the namespace's state, from the hook's point of view. */
extern unsigned int lb_net_id;

static inline struct lb_net *lb_net(const struct net *net)
{
	return net_generic(net, lb_net_id);
}

/*
 * The packet path.  These files read the published snapshot and the flow
 * table, never the configuration objects; what configures lb is declared
 * in conf.h.
 */

/* parse.c */
int lb_parse(const struct sk_buff *skb, u8 family, struct lb_pkt *pkt);
int lb_parse_inner(const struct sk_buff *skb, const struct lb_pkt *pkt,
		   struct lb_inner *in);

/* lookup.c */
const struct lb_svc *lb_svc_lookup(const struct lb_cfg *cfg,
				   const struct lb_flow_key *key,
				   const struct net_device *in);
const struct lb_svc *lb_vip_svc_lookup(const struct lb_cfg *cfg,
				       const struct lb_flow_key *key,
				       const struct net_device *in);
bool lb_is_vip(const struct lb_cfg *cfg, u8 family, const union lb_addr *a);
const struct lb_backend_ref *lb_backend_find(const struct lb_cfg *cfg,
					     u8 family, u8 proto,
					     const union lb_addr *addr,
					     __be16 port, u32 *n);
const struct lb_target *lb_cfg_target(const struct lb_cfg *cfg, u32 id);
int lb_vip_cmp(const void *pa, const void *pb);
int lb_backend_cmp(const void *pa, const void *pb);

/* sched.c */
u32 lb_wrr_build(const u32 *weights, u32 n, u8 *order, u32 max_len);
const struct lb_target *lb_pick(struct lb_net *ln, const struct lb_cfg *cfg,
				const struct lb_svc *svc,
				const struct lb_pkt *pkt);
const struct lb_target *lb_maglev_pick(const struct lb_svc *svc,
				       const struct lb_flow_key *key);

/* maglev.c */
int lb_maglev_build(u8 *table, const struct lb_target *targets, u32 n);
u32 lb_maglev_hash(const struct lb_flow_key *key);
int lb_maglev_seed(const char *hex);
u32 lb_frag_hash(const struct lb_pkt *pkt);

/* flow.c */
int lb_flow_table_init(struct lb_flow_table *ft, struct lb_net *ln, u32 max);
void lb_flow_table_destroy(struct lb_flow_table *ft);
struct lb_flow *lb_flow_lookup(struct lb_flow_table *ft,
			       const struct lb_flow_key *key);
struct lb_flow *lb_flow_insert(struct lb_flow_table *ft,
			       const struct lb_flow_key *key,
			       const struct lb_target *t, u32 now, u32 stamp,
			       bool opening, bool *existed);
bool lb_flow_expired(const struct lb_flow_table *ft, const struct lb_flow *f,
		     u32 now);
void lb_flow_charge(const struct lb_cfg *cfg, struct lb_flow *f,
		    const struct lb_target *to);
void lb_flow_flush(struct lb_flow_table *ft);
bool lb_flow_gc_step(struct lb_flow_table *ft, unsigned int budget);
u32 lb_flow_count(struct lb_flow_table *ft);
bool lb_flow_room(struct lb_flow_table *ft);
extern const struct rhashtable_params lb_flow_params;
int lb_flow_cache_init(void);
void lb_flow_cache_exit(void);

/* fwd_mark.c, fwd_nat.c: called directly where retpolines make it pay */
INDIRECT_CALLABLE_DECLARE(int lb_mark_xmit(struct sk_buff *skb,
					   const struct lb_pkt *pkt,
					   const struct lb_target *t));
INDIRECT_CALLABLE_DECLARE(int lb_nat_xmit(struct sk_buff *skb,
					  const struct lb_pkt *pkt,
					  const struct lb_target *t));
int lb_nat_rewrite(struct sk_buff *skb, const struct lb_pkt *pkt, bool dst,
		   const union lb_addr *addr, __be16 port);
int lb_nat_icmp(struct sk_buff *skb, const struct lb_pkt *pkt,
		const struct lb_inner *in, bool inner_dst,
		const union lb_addr *addr, __be16 port);

/* vip.c */
unsigned int lb_vip_in(struct lb_net *ln, struct sk_buff *skb, u8 family,
		       const struct net_device *in);
unsigned int lb_vip_out(struct lb_net *ln, struct sk_buff *skb, u8 family,
			bool local_out);

/* hook.c */
unsigned int lb_process(struct lb_net *ln, struct sk_buff *skb, u8 family,
			const struct net_device *in);
int lb_hooks_want(struct lb_net *ln, const struct lb_cfg *cfg);
void lb_hooks_trim(struct lb_net *ln, const struct lb_cfg *cfg);

/* defrag.c: the kernel's reassembly, while the VIP hooks are there */
void lb_defrag_init(void);
void lb_defrag_exit(void);
int lb_defrag_get(struct net *net);
void lb_defrag_put(struct net *net);

#endif /* _LB_H */
