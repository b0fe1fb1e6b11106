// SPDX-License-Identifier: GPL-2.0
/*
 * lb: targets as configured: paths (a mark) and backends (an address and
 * port), their ids and weights.  Ids are handed out cyclically, so an id
 * a flow still names is not at once another target's.
 */
#include <linux/slab.h>
#include <linux/netlink.h>
#include "lb.h"
#include "conf.h"

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

/* The backend @addr:@port of @sc, or NULL. */
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

/* Free @tc, giving its id back unless another target holds it too. */
void lb_tgt_conf_free(struct lb_net *ln, struct lb_tgt_conf *tc)
{
	if (!tc->id_shared)
		ida_free(&ln->tgt_ids, tc->id);
	lb_counters_put(tc->cnt);
	kfree(tc);
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
struct lb_tgt_conf *lb_tgt_conf_alloc(const struct lb_svc_conf *sc,
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
int lb_tgt_conf_init(struct lb_net *ln, struct lb_tgt_conf *tc,
		     struct netlink_ext_ack *extack)
{
	tc->id = lb_tgt_id_alloc(ln);
	if (!tc->id) {
		NL_SET_ERR_MSG(extack, "no free target id");
		return -ENOSPC;
	}
	tc->tag = lb_tgt_tag(tc->id, ++ln->id_gen);
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

/*
 * The bits any of @sc's paths' marks sets: what a path's mark may change
 * when no mask was given, so that lb leaves every other bit of the packet's
 * mark (another user's: conntrack zones, VRF, a firewall's) as it was.
 * Marks 1 and 2 give 0x3, marks 0x100 and 0x200 give 0x300.
 */
u32 lb_svc_conf_mark_bits(const struct lb_svc_conf *sc)
{
	const struct lb_tgt_conf *tc;
	u32 bits = 0;

	list_for_each_entry(tc, &sc->targets, node)
		bits |= tc->mark;
	return bits;
}

/* Sets @tc's mask, given as for lb_tgt_add(). */
void lb_tgt_conf_set_mask(struct lb_tgt_conf *tc, s64 mask)
{
	tc->mask_auto = mask == LB_MASK_AUTO;
	tc->mask = mask < 0 ? 0 : mask;
}

/* May @sc take a path of @mark and @mask (a u32 or LB_MASK_AUTO)? */
int lb_check_path(const struct lb_svc_conf *sc, u32 mark, s64 mask,
		  struct netlink_ext_ack *extack)
{
	if (lb_svc_conf_is_vip(sc)) {
		NL_SET_ERR_MSG(extack,
			       "the service is a VIP with backends: a service holds paths or backends, not both");
		return -EINVAL;
	}
	if (mask != LB_MASK_AUTO && (mark & ~(u32)mask)) {
		NL_SET_ERR_MSG(extack, "mark has bits outside its mask");
		return -EINVAL;
	}
	if (lb_tgt_conf_find(sc, -1, mark)) {
		NL_SET_ERR_MSG(extack, "the service has a path with this mark already");
		return -EEXIST;
	}
	return 0;
}

/**
 * lb_tgt_add() - add a path to a service
 * @ln: namespace state, locked
 * @sc: a service without backends
 * @mark: the mark its packets get, within @mask
 * @mask: the bits of the packet's mark to clear first (u32), or
 *	LB_MASK_AUTO: those any of the service's marks sets, as paths come
 *	and go (lb_svc_conf_mark_bits())
 * @weight: its weight
 * @extack: where a rejection is explained
 *
 * Return: 0 or a negative errno (nothing changed).
 */
int lb_tgt_add(struct lb_net *ln, struct lb_svc_conf *sc, u32 mark, s64 mask,
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
	lb_tgt_conf_set_mask(tc, mask);
	return lb_tgt_insert(ln, sc, tc);
}

/* May @sc take the backend @addr:@port? */
int lb_check_backend(const struct lb_svc_conf *sc,
		     const union lb_addr *addr, __be16 port,
		     struct netlink_ext_ack *extack)
{
	int err;

	if (sc->n_targets && !lb_svc_conf_is_vip(sc)) {
		NL_SET_ERR_MSG(extack,
			       "the service has paths: a service holds paths or backends, not both");
		return -EINVAL;
	}
	err = lb_check_vip_match(&sc->m, extack);
	if (err)
		return err;
	if (!port) {
		NL_SET_ERR_MSG(extack, "a backend needs a port");
		return -EINVAL;
	}
	if (lb_fwds[sc->fwd]->dsr && port != sc->m.dport) {
		NL_SET_ERR_MSG(extack,
			       "a direct server return backend gets the packet to the VIP's port: its port must be the service's");
		return -EINVAL;
	}
	if (sc->mode != LB_MODE_FLOW && !sc->auto_mode) {
		NL_SET_ERR_MSG(extack,
			       "a service with backends keeps each flow on its backend: set mode flow first");
		return -EINVAL;
	}
	if (lb_backend_conf_find(sc, addr, port)) {
		NL_SET_ERR_MSG(extack, "the service has this backend already");
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
	u8 old_mode = sc->mode, old_sched = sc->sched, old_fwd = sc->fwd;
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
	lb_svc_conf_make_vip(sc, LB_FWD_NAT);
	err = lb_tgt_insert(ln, sc, tc);
	if (err) {
		sc->mode = old_mode;
		sc->sched = old_sched;
		sc->fwd = old_fwd;
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

/**
 * lb_tgt_update() - change a target's weight or a path's mask
 * @ln: namespace state, locked
 * @sc: its service
 * @tc: the target
 * @weight: new weight, or -1 to keep
 * @mask: new mask (paths), LB_MASK_AUTO, or LB_MASK_KEEP
 * @extack: where a rejection is explained
 *
 * Existing flows keep their target.  Return: 0 or a negative errno.
 */
int lb_tgt_update(struct lb_net *ln, struct lb_svc_conf *sc,
		  struct lb_tgt_conf *tc, s64 weight, s64 mask,
		  struct netlink_ext_ack *extack)
{
	u32 old_weight = tc->weight, old_mask = tc->mask;
	bool old_auto = tc->mask_auto;
	int err;

	lockdep_assert_held(&ln->lock);
	if (weight > LB_WEIGHT_MAX) {
		NL_SET_ERR_MSG(extack, "weight above 65535");
		return -ERANGE;
	}
	if (mask != LB_MASK_KEEP && lb_tgt_conf_is_backend(tc)) {
		NL_SET_ERR_MSG(extack, "a backend has no mark mask");
		return -EINVAL;
	}
	if (mask >= 0 && (tc->mark & ~(u32)mask)) {
		NL_SET_ERR_MSG(extack, "mark has bits outside its mask");
		return -EINVAL;
	}
	if (weight >= 0)
		tc->weight = weight;
	if (mask != LB_MASK_KEEP)
		lb_tgt_conf_set_mask(tc, mask);
	err = lb_commit(ln, sc, NULL);
	if (err) {
		tc->weight = old_weight;
		tc->mask = old_mask;
		tc->mask_auto = old_auto;
	}
	return err;
}
