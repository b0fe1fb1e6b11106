/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lb: the control plane's functions: configuration objects, snapshots,
 * restore, the health check, netlink and module parameters.  All run in
 * process context; those that change the configuration hold lb_net.lock.
 * The packet path (lb.h) never calls them.
 */
#ifndef _LB_CONF_H
#define _LB_CONF_H

#include "lb.h"

/* main.c */
int lb_net_init(struct lb_net *ln, u32 flow_max);
void lb_net_exit(struct lb_net *ln);

/* tune.c: a namespace's tunables (LB_CMD_INFO_SET) */
struct lb_tunables {
	u32 flow_max;
	u32 timeout[LB_TO_N];	/* seconds */
	u32 flowlet_us;
};

void lb_tunables_defaults(struct lb_tunables *t);
void lb_tunables_get(const struct lb_net *ln, struct lb_tunables *t);
int lb_tunables_check(const struct lb_tunables *t,
		      struct netlink_ext_ack *extack);
void lb_tunables_set(struct lb_net *ln, const struct lb_tunables *t);

/* counters.c */
struct lb_counters *lb_counters_new(void);
struct lb_counters *lb_counters_get(struct lb_counters *c);
void lb_counters_put(struct lb_counters *c);
void lb_stats_read(struct lb_pcpu_stats __percpu *pcpu, struct lb_stats *s);
void lb_counters_read(const struct lb_counters *c, struct lb_stats *s);
void lb_counters_zero(struct lb_counters *c);
void lb_ns_stats_read(struct lb_net *ln, u64 *vip_drops, u64 *nat_drops);
void lb_ns_stats_zero(struct lb_net *ln);

/* snapshot.c */
struct lb_svc *lb_svc_compile(const struct lb_svc_conf *sc);
void lb_svc_free(struct lb_svc *svc);
struct lb_cfg *lb_cfg_build(const struct list_head *services, u32 n);
void lb_cfg_free(struct lb_cfg *cfg);
struct lb_cfg *lb_cfg_publish(struct lb_net *ln, struct lb_cfg *cfg);
int lb_commit(struct lb_net *ln, struct lb_svc_conf *sc, struct lb_svc *gone);
int lb_svc_republish(struct lb_net *ln, struct lb_svc_conf *sc);

/* service.c */
int lb_match_init(struct lb_match *m, u8 family,
		  const union lb_addr *daddr, u8 dplen,
		  const union lb_addr *saddr, u8 splen, u8 proto,
		  __be16 dport, const char *iifname,
		  struct netlink_ext_ack *extack);
bool lb_match_equal(const struct lb_match *a, const struct lb_match *b);
struct lb_svc_conf *lb_svc_conf_find_in(const struct list_head *services,
					const struct lb_match *m);
struct lb_svc_conf *lb_svc_conf_find(struct lb_net *ln,
				     const struct lb_match *m);
bool lb_svc_conf_is_vip(const struct lb_svc_conf *sc);
int lb_check_vip_match(const struct lb_match *m,
		       struct netlink_ext_ack *extack);
void lb_svc_conf_make_vip(struct lb_svc_conf *sc, u8 fwd);
struct lb_svc_conf *lb_svc_conf_new(const struct lb_match *m,
				    int mode, int sched, u32 flowlet_us,
				    u8 fwd, struct netlink_ext_ack *extack);
void lb_svc_conf_free(struct lb_net *ln, struct lb_svc_conf *sc);
int lb_svc_add(struct lb_net *ln, const struct lb_match *m, int mode,
	       int sched, u32 flowlet_us, u8 fwd,
	       struct netlink_ext_ack *extack);
int lb_svc_del(struct lb_net *ln, struct lb_svc_conf *sc);
int lb_svc_update(struct lb_net *ln, struct lb_svc_conf *sc, int mode,
		  int sched, s64 flowlet_us, const u32 *weights, u32 n_weights,
		  struct netlink_ext_ack *extack);

/* target.c */
struct lb_tgt_conf *lb_tgt_conf_find(const struct lb_svc_conf *sc, s64 id,
				     s64 mark);
struct lb_tgt_conf *lb_backend_conf_find(const struct lb_svc_conf *sc,
					 const union lb_addr *addr,
					 __be16 port);
struct lb_tgt_conf *lb_tgt_conf_alloc(const struct lb_svc_conf *sc,
				      u32 weight,
				      struct netlink_ext_ack *extack);
int lb_tgt_conf_init(struct lb_net *ln, struct lb_tgt_conf *tc,
		     struct netlink_ext_ack *extack);
void lb_tgt_conf_free(struct lb_net *ln, struct lb_tgt_conf *tc);
/* A path's mask (lb_tgt_add(), lb_tgt_update()): a u32, or one of these. */
#define LB_MASK_KEEP	(-1LL)	/* lb_tgt_update(): as it is */
#define LB_MASK_AUTO	(-2LL)	/* the bits the service's marks use */
u32 lb_svc_conf_mark_bits(const struct lb_svc_conf *sc);

/*
 * The bits of the packet's mark that @tc's mark replaces; @mark_bits is
 * lb_svc_conf_mark_bits() of its service, which a walk of the service's
 * targets computes once.
 */
static inline u32 lb_tgt_conf_mask(const struct lb_tgt_conf *tc,
				   u32 mark_bits)
{
	return tc->mask_auto ? mark_bits : tc->mask;
}

void lb_tgt_conf_set_mask(struct lb_tgt_conf *tc, s64 mask);
int lb_check_path(const struct lb_svc_conf *sc, u32 mark, s64 mask,
		  struct netlink_ext_ack *extack);
int lb_check_backend(const struct lb_svc_conf *sc,
		     const union lb_addr *addr, __be16 port,
		     struct netlink_ext_ack *extack);
int lb_tgt_add(struct lb_net *ln, struct lb_svc_conf *sc, u32 mark, s64 mask,
	       u32 weight, struct netlink_ext_ack *extack);
int lb_backend_add(struct lb_net *ln, struct lb_svc_conf *sc,
		   const union lb_addr *addr, __be16 port, u32 weight,
		   struct netlink_ext_ack *extack);
int lb_tgt_del(struct lb_net *ln, struct lb_svc_conf *sc,
	       struct lb_tgt_conf *tc);
int lb_tgt_update(struct lb_net *ln, struct lb_svc_conf *sc,
		  struct lb_tgt_conf *tc, s64 weight, s64 mask,
		  struct netlink_ext_ack *extack);

/* restore.c */
void lb_restore_init(struct lb_restore *r);
void lb_restore_free(struct lb_restore *r);
struct lb_svc_conf *lb_restore_svc(struct lb_restore *r,
				   const struct lb_match *m, int mode,
				   int sched, u32 flowlet_us, u8 fwd,
				   struct netlink_ext_ack *extack);
int lb_restore_path(struct lb_svc_conf *sc, u32 mark, s64 mask, u32 weight,
		    struct netlink_ext_ack *extack);
int lb_restore_backend(struct lb_svc_conf *sc, const union lb_addr *addr,
		       __be16 port, u32 weight, struct netlink_ext_ack *extack);
int lb_restore_commit(struct lb_net *ln, struct lb_restore *r,
		      struct netlink_ext_ack *extack);

/* health.c */
void lb_health_init(struct lb_net *ln);
void lb_health_kick(struct lb_net *ln);
void lb_health_stop(struct lb_net *ln);
void lb_health_exit(struct lb_net *ln);
int lb_health_register(void);
void lb_health_unregister(void);

/* netlink.c, nl_*.c (their own prototypes: netlink.h) */
int lb_nl_restore_attrs(struct lb_net *ln, const struct nlattr *head, int len,
			struct netlink_ext_ack *extack);
int lb_genl_register(void);
void lb_genl_unregister(void);
#define LB_EV_TARGETS	BIT(0)	/* the event lists the service's targets */
#define LB_EV_WEIGHTS	BIT(1)	/* and their weights in LB_A_WEIGHTS */
struct sk_buff *lb_nl_event_build(const struct lb_net *ln, u8 cmd,
				  const struct lb_svc_conf *sc,
				  const struct lb_tgt_conf *tc,
				  unsigned int what);
struct sk_buff *lb_nl_event_new(const struct lb_net *ln, u8 cmd,
				const struct lb_svc_conf *sc,
				const struct lb_tgt_conf *tc, unsigned int what);
void lb_nl_event_send(struct lb_net *ln, struct sk_buff *ev, int err);
void lb_nl_notify(struct lb_net *ln, u8 cmd, const struct lb_svc_conf *sc,
		  const struct lb_tgt_conf *tc, unsigned int what);

/* params.c */
int lb_params_parse(void);
int lb_params_apply(struct lb_net *ln);

#endif /* _LB_CONF_H */
