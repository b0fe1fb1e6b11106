// SPDX-License-Identifier: GPL-2.0
/*
 * Naming the attribute a kernel rejection points at (extack's offset, or
 * the type of a missing attribute) with the word the user typed, so
 * "Unknown attribute type" from an older module says which one.
 */
#include <libmnl/libmnl.h>
#include <stdio.h>

#include <linux/genetlink.h>
#include <linux/lb.h>

#include "nlerr.h"

/* SET_SVCS and SET_TGTS: the lists of LB_A_SVCS and LB_SVC_A_TARGETS. */
enum attr_set {
	SET_TOP, SET_SVCS, SET_SVC, SET_TGTS, SET_TGT, SET_WEIGHTS, SET_INFO,
	SET_NONE
};

static const char *const top_names[LB_A_MAX + 1] = {
	[LB_A_SVC]		= "service selector",
	[LB_A_TGT]		= "target",
	[LB_A_WEIGHTS]		= "weights",
	[LB_A_WEIGHT]		= "weight",
	[LB_A_SVCS]		= "services",
	[LB_A_INFO]		= "tunables",
};

static const char *const svc_names[LB_SVC_A_MAX + 1] = {
	[LB_SVC_A_FAMILY]	= "address family",
	[LB_SVC_A_DADDR]	= "vip",
	[LB_SVC_A_DPLEN]	= "vip prefix length",
	[LB_SVC_A_SADDR]	= "from",
	[LB_SVC_A_SPLEN]	= "from prefix length",
	[LB_SVC_A_PROTO]	= "proto",
	[LB_SVC_A_DPORT]	= "port",
	[LB_SVC_A_IIFNAME]	= "iif",
	[LB_SVC_A_MODE]		= "mode",
	[LB_SVC_A_SCHED]	= "sched",
	[LB_SVC_A_FLOWLET_US]	= "timeout",
	[LB_SVC_A_TARGETS]	= "targets",
	[LB_SVC_A_NAT]		= "nat",
	[LB_SVC_A_FWD]		= "fwd",
};

static const char *const tgt_names[LB_TGT_A_MAX + 1] = {
	[LB_TGT_A_ID]		= "id",
	[LB_TGT_A_MARK]		= "mark",
	[LB_TGT_A_MASK]		= "mask",
	[LB_TGT_A_MASK_AUTO]	= "mask auto",
	[LB_TGT_A_WEIGHT]	= "weight",
	[LB_TGT_A_ADDR]		= "backend address",
	[LB_TGT_A_PORT]		= "backend port",
};

static const char *const info_names[LB_INFO_A_MAX + 1] = {
	[LB_INFO_A_FLOW_MAX]		= "flow-max",
	[LB_INFO_A_TIMEOUT_TCP]		= "timeout tcp",
	[LB_INFO_A_TIMEOUT_TCP_SYN]	= "timeout tcp-syn",
	[LB_INFO_A_TIMEOUT_TCP_CLOSE]	= "timeout tcp-close",
	[LB_INFO_A_TIMEOUT_UDP]		= "timeout udp",
	[LB_INFO_A_TIMEOUT_OTHER]	= "timeout other",
	[LB_INFO_A_FLOWLET_US]		= "flowlet",
};

/* What an attribute of @set nests. */
static enum attr_set child_set(enum attr_set set, uint16_t type)
{
	switch (set) {
	case SET_TOP:
		break;
	case SET_SVCS:
		return SET_SVC;
	case SET_SVC:
		return type == LB_SVC_A_TARGETS ? SET_TGTS : SET_NONE;
	case SET_TGTS:
		return SET_TGT;
	default:
		return SET_NONE;
	}
	switch (type) {
	case LB_A_SVC:
		return SET_SVC;
	case LB_A_TGT:
		return SET_TGT;
	case LB_A_WEIGHTS:
		return SET_WEIGHTS;
	case LB_A_SVCS:
		return SET_SVCS;
	case LB_A_INFO:
		return SET_INFO;
	default:
		return SET_NONE;
	}
}

/* @idx: the attribute's position in its nest, for "weight #3". */
static const char *name(enum attr_set set, uint16_t type, unsigned int idx,
			char *buf, unsigned int len)
{
	const char *s = NULL;

	switch (set) {
	case SET_TOP:
		s = type <= LB_A_MAX ? top_names[type] : NULL;
		break;
	case SET_SVC:
		s = type <= LB_SVC_A_MAX ? svc_names[type] : NULL;
		break;
	case SET_TGT:
		s = type <= LB_TGT_A_MAX ? tgt_names[type] : NULL;
		break;
	case SET_INFO:
		s = type <= LB_INFO_A_MAX ? info_names[type] : NULL;
		break;
	case SET_WEIGHTS:
		snprintf(buf, len, "weight #%u", idx + 1);
		return buf;
	case SET_SVCS:
	case SET_TGTS:
		/* A whole service or target: restore names its line. */
	case SET_NONE:
		break;
	}
	if (!s)
		return NULL;
	snprintf(buf, len, "%s", s);
	return buf;
}

struct walk {
	const char *base;	/* the request */
	uint32_t off;		/* what we look for */
	enum attr_set set;	/* out: the set of the attribute found */
	const struct nlattr *found;
	unsigned int idx;
};

static bool walk(struct walk *w, const void *payload, size_t len,
		 enum attr_set set)
{
	const struct nlattr *attr;
	unsigned int idx = 0;
	uint32_t at, end;

	mnl_attr_for_each_payload(payload, len) {
		at = (const char *)attr - w->base;
		end = at + attr->nla_len;
		if (at == w->off) {
			w->set = set;
			w->found = attr;
			w->idx = idx;
			return true;
		}
		if (w->off > at && w->off < end &&
		    child_set(set, mnl_attr_get_type(attr)) != SET_NONE)
			return walk(w, mnl_attr_get_payload(attr),
				    mnl_attr_get_payload_len(attr),
				    child_set(set, mnl_attr_get_type(attr)));
		idx++;
	}
	return false;
}

static bool find(const struct nlmsghdr *req, uint32_t off, struct walk *w)
{
	const char *payload = mnl_nlmsg_get_payload(req);
	size_t len = mnl_nlmsg_get_payload_len(req);

	if (len < GENL_HDRLEN)
		return false;
	w->base = (const char *)req;
	w->off = off;
	return walk(w, payload + GENL_HDRLEN, len - GENL_HDRLEN, SET_TOP);
}

const char *nlerr_attr_at(const struct nlmsghdr *req, uint32_t off,
			  char *buf, unsigned int len)
{
	struct walk w;

	if (!find(req, off, &w))
		return NULL;
	return name(w.set, mnl_attr_get_type(w.found), w.idx, buf, len);
}

const char *nlerr_missing(const struct nlmsghdr *req, bool in_nest,
			  uint32_t nest_off, uint16_t type, char *buf,
			  unsigned int len)
{
	struct walk w;

	if (!in_nest)
		return name(SET_TOP, type, 0, buf, len);
	if (!find(req, nest_off, &w))
		return NULL;
	return name(child_set(w.set, mnl_attr_get_type(w.found)), type, 0,
		    buf, len);
}
