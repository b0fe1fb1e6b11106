// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's configuration and counters, read into plain structures:
 * namespace info, services, their targets.  show, stats and flows print
 * from it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lbctl.h"
#include "nl.h"
#include "snapshot.h"

const struct counter_field counter_fields[] = {
	{ LB_STATS_A_PACKETS,		"packets",	"PACKETS",	false },
	{ LB_STATS_A_BYTES,		"bytes",	"BYTES",	false },
	{ LB_STATS_A_FLOWS_CREATED,	"flows_created", "FLOWS_CREATED", false },
	{ LB_STATS_A_FLOWS_ACTIVE,	"flows_active",	"FLOWS_ACTIVE",	false },
	{ LB_STATS_A_FALLBACKS,		"fallbacks",	"FALLBACKS",	false },
	{ LB_STATS_A_FLOWLET_SWITCHES,	"flowlet_switches",
					"FLOWLET_SWITCHES", false },
	{ LB_STATS_A_REPLY_PACKETS,	"reply_packets", "REPLY_PACKETS", true },
	{ LB_STATS_A_REPLY_BYTES,	"reply_bytes",	"REPLY_BYTES",	true },
};

const unsigned int counter_nfields = ARRAY_SIZE(counter_fields);

/*
 * @array with room for element @n, which is zeroed; NULL if out of memory.
 * The capacity doubles at powers of two, so 4096 services copy little.
 */
static void *grow(void *array, unsigned int n, size_t size)
{
	char *p = array;

	if (n < 4 || !(n & (n - 1))) {
		p = realloc(array, (n < 4 ? 4 : 2 * n) * size);
		if (!p)
			return NULL;
	}
	memset(p + n * size, 0, size);
	return p;
}

/* Attributes newer than this lbctl are skipped, never an error. */
static int counter_attr(const struct nlattr *attr, void *data)
{
	struct counters *c = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (!type || type == LB_STATS_A_PAD || type > LB_STATS_A_MAX)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
		return nl_bad_reply();
	c->v[type] = mnl_attr_get_u64(attr);
	return MNL_CB_OK;
}

static int u32_attr(const struct nlattr *attr, uint32_t *v)
{
	if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return nl_bad_reply();
	*v = mnl_attr_get_u32(attr);
	return MNL_CB_OK;
}

static int target_attr(const struct nlattr *attr, void *data)
{
	struct target *t = data;
	uint16_t len;

	switch (mnl_attr_get_type(attr)) {
	case LB_TGT_A_ID:
		return u32_attr(attr, &t->id);
	case LB_TGT_A_ADDR:
		len = mnl_attr_get_payload_len(attr);
		if (len != 4 && len != 16)
			return nl_bad_reply();
		memcpy(&t->addr, mnl_attr_get_payload(attr), len);
		t->family = len == 4 ? AF_INET : AF_INET6;
		t->backend = true;
		return MNL_CB_OK;
	case LB_TGT_A_PORT:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
			return nl_bad_reply();
		t->port = mnl_attr_get_u16(attr);
		return MNL_CB_OK;
	case LB_TGT_A_MARK:
		return u32_attr(attr, &t->mark);
	case LB_TGT_A_MASK:
		return u32_attr(attr, &t->mask);
	case LB_TGT_A_MASK_AUTO:
		t->mask_auto = true;
		return MNL_CB_OK;
	case LB_TGT_A_WEIGHT:
		return u32_attr(attr, &t->weight);
	case LB_TGT_A_STATS:
		return mnl_attr_parse_nested(attr, counter_attr, &t->stats);
	case LB_TGT_A_DOWN:
		t->down = true;
		return MNL_CB_OK;
	case LB_TGT_A_IFNAME:	/* one per interface */
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return nl_bad_reply();
		len = strlen(t->ifnames);
		snprintf(t->ifnames + len, sizeof(t->ifnames) - len, "%s%s",
			 len ? "," : "", mnl_attr_get_str(attr));
		return MNL_CB_OK;
	}
	return MNL_CB_OK;
}

int target_parse(const struct nlattr *attr, struct target *t)
{
	memset(t, 0, sizeof(*t));
	/* the contract's default weight, should a reply leave it out */
	t->weight = 1;
	return mnl_attr_parse_nested(attr, target_attr, t);
}

static int targets_attr(const struct nlattr *attr, void *data)
{
	struct service *svc = data;
	struct target *targets, *t;

	if (mnl_attr_get_type(attr) != LB_A_TGT)
		return MNL_CB_OK;
	targets = grow(svc->targets, svc->ntargets, sizeof(*t));
	if (!targets) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	svc->targets = targets;
	t = &targets[svc->ntargets++];
	return target_parse(attr, t);
}

static int service_attr(const struct nlattr *attr, void *data)
{
	struct service *svc = data;
	int ret = match_read_attr(attr, &svc->match);

	if (ret < 0)
		return nl_bad_reply();
	if (ret > 0)
		return MNL_CB_OK;

	switch (mnl_attr_get_type(attr)) {
	case LB_SVC_A_MODE:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
			return nl_bad_reply();
		svc->mode = mnl_attr_get_u8(attr);
		break;
	case LB_SVC_A_SCHED:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
			return nl_bad_reply();
		svc->sched = mnl_attr_get_u8(attr);
		break;
	case LB_SVC_A_FLOWLET_US:
		svc->has_flowlet_us = true;
		return u32_attr(attr, &svc->flowlet_us);
	case LB_SVC_A_NAT:
		svc->nat = true;
		break;
	case LB_SVC_A_FWD:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
			return nl_bad_reply();
		svc->fwd = mnl_attr_get_u8(attr);
		break;
	case LB_SVC_A_TARGETS:
		svc->has_targets = true;
		return mnl_attr_parse_nested(attr, targets_attr, svc);
	case LB_SVC_A_STATS:
		svc->has_stats = true;
		return mnl_attr_parse_nested(attr, counter_attr, &svc->stats);
	case LB_SVC_A_TGT_FIRST:
		svc->continues = true;
		return u32_attr(attr, &svc->first_target);
	}
	return MNL_CB_OK;
}

/* Most are u32; the drop counters are u64. */
static int info_attr(const struct nlattr *attr, void *data)
{
	struct info *info = data;
	uint16_t type = mnl_attr_get_type(attr);
	uint32_t v;

	switch (type) {
	case LB_INFO_A_UNSPEC:
	case LB_INFO_A_PAD:
		return MNL_CB_OK;
	case LB_INFO_A_VIP_DROPS:
	case LB_INFO_A_NAT_DROPS:
	case LB_INFO_A_EVENT_DROPS:
		if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
			return nl_bad_reply();
		info->v[type] = mnl_attr_get_u64(attr);
		break;
	default:
		if (type > LB_INFO_A_MAX)
			return MNL_CB_OK;
		if (u32_attr(attr, &v) < 0)
			return MNL_CB_ERROR;
		info->v[type] = v;
	}
	info->has[type] = true;
	return MNL_CB_OK;
}

int service_parse(const struct nlattr *attr, struct service *svc)
{
	int ret;

	memset(svc, 0, sizeof(*svc));
	svc->mode = -1;
	svc->sched = -1;
	svc->fwd = -1;
	ret = mnl_attr_parse_nested(attr, service_attr, svc);
	if (ret < 0)
		return ret;
	if (match_read_done(&svc->match) < 0)
		return nl_bad_reply();
	return MNL_CB_OK;
}

int info_parse(const struct nlattr *attr, struct info *info)
{
	return mnl_attr_parse_nested(attr, info_attr, info);
}

/*
 * A dump message with the next targets of the service before it (a
 * service too large for one message, include/uapi/linux/lb.h): they are
 * appended, and the counters, which come with the last, taken.
 */
static int service_continue(struct snapshot *s, const struct service *part)
{
	struct service *svc;
	struct target *targets;
	unsigned int i;

	if (!s->nservices)
		return nl_bad_reply();
	svc = &s->services[s->nservices - 1];
	if (!match_equal(&svc->match, &part->match) ||
	    part->first_target != svc->ntargets || svc->has_stats)
		return nl_bad_reply();
	for (i = 0; i < part->ntargets; i++) {
		targets = grow(svc->targets, svc->ntargets, sizeof(*targets));
		if (!targets) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		svc->targets = targets;
		targets[svc->ntargets++] = part->targets[i];
	}
	if (part->has_stats) {
		svc->has_stats = true;
		svc->stats = part->stats;
	}
	return MNL_CB_OK;
}

static int reply_attr(const struct nlattr *attr, void *data)
{
	struct snapshot *s = data;
	struct service *services, svc;
	int ret;

	switch (mnl_attr_get_type(attr)) {
	case LB_A_SVC:
		ret = service_parse(attr, &svc);
		if (ret >= 0 && svc.continues) {
			ret = service_continue(s, &svc);
			free(svc.targets);
			return ret;
		}
		if (ret >= 0) {
			services = grow(s->services, s->nservices,
					sizeof(svc));
			if (services) {
				s->services = services;
				services[s->nservices++] = svc;
				return MNL_CB_OK;
			}
			errno = ENOMEM;
		}
		free(svc.targets);
		return MNL_CB_ERROR;
	case LB_A_INFO:
		s->has_info = true;
		return info_parse(attr, &s->info);
	}
	return MNL_CB_OK;
}

static int reply(const struct nlmsghdr *nlh, void *data)
{
	return nl_parse(nlh, reply_attr, data);
}

/* A dump the configuration keeps changing under is given up after this. */
#define DUMP_TRIES	5

static int read_once(struct nl *nl, const struct match *sel, bool info,
		     struct snapshot *s)
{
	struct nlmsghdr *nlh;
	int ret;

	if (info) {
		nlh = nl_request(nl, LB_CMD_INFO_GET, NLM_F_ACK);
		ret = nl_talk(nl, nlh, reply, s);
		if (ret < 0)
			return ret;
	}
	/*
	 * A dump, even of one service: its reply may take several messages
	 * (a service with many targets), where a plain get's is one.
	 */
	nlh = nl_request(nl, LB_CMD_SVC_GET, NLM_F_DUMP);
	sel_put(nlh, sel);
	ret = nl_talk(nl, nlh, reply, s);
	/* A module that dumps every service whatever the request names. */
	if (!ret && sel)
		snapshot_select(s, sel);
	return ret;
}

int snapshot_read(struct nl *nl, const struct match *sel, bool info,
		  struct snapshot *s)
{
	unsigned int tries = 0;
	int ret;

	for (;;) {
		memset(s, 0, sizeof(*s));
		ret = read_once(nl, sel, info, s);
		if (!ret)
			return EXIT_OK;
		snapshot_free(s);
		/*
		 * A dump that raced with a change (NLM_F_DUMP_INTR) starts
		 * over, on a fresh socket: the rest of the old one is not
		 * read as the new one's.
		 */
		if (ret != -EINTR || ++tries == DUMP_TRIES)
			break;
		if (nl_reset(nl) < 0)
			return EXIT_ERR;
	}
	if (ret == -EINTR)
		error_msg("the configuration changed during each of %u dumps; try again",
			  DUMP_TRIES);
	else
		nl_perror(nl);
	return EXIT_ERR;
}

void snapshot_free(struct snapshot *s)
{
	unsigned int i;

	for (i = 0; i < s->nservices; i++)
		free(s->services[i].targets);
	free(s->services);
	memset(s, 0, sizeof(*s));
}

void snapshot_filter(struct snapshot *s,
		     bool (*keep)(const struct service *svc))
{
	unsigned int i, n = 0;

	for (i = 0; i < s->nservices; i++) {
		if (keep(&s->services[i]))
			s->services[n++] = s->services[i];
		else
			free(s->services[i].targets);
	}
	s->nservices = n;
}

void snapshot_select(struct snapshot *s, const struct match *sel)
{
	unsigned int i, n = 0;

	if (!sel->given)
		return;
	for (i = 0; i < s->nservices; i++) {
		if (match_equal(&s->services[i].match, sel))
			s->services[n++] = s->services[i];
		else
			free(s->services[i].targets);
	}
	s->nservices = n;
}

bool service_nat(const struct service *svc)
{
	unsigned int i;

	for (i = 0; i < svc->ntargets; i++)
		if (svc->targets[i].backend)
			return true;
	return !svc->ntargets && match_is_nat(&svc->match);
}

const struct target *snapshot_target(const struct snapshot *s, uint32_t id)
{
	unsigned int i, j;

	for (i = 0; i < s->nservices; i++)
		for (j = 0; j < s->services[i].ntargets; j++)
			if (s->services[i].targets[j].id == id)
				return &s->services[i].targets[j];
	return NULL;
}

const char *mark_str(uint32_t mark, uint32_t mask, char *buf,
		     unsigned int len)
{
	snprintf(buf, len, "0x%x/0x%x", mark, mask);
	return buf;
}

const char *target_str(const struct target *t, char *buf, unsigned int len)
{
	if (t->backend)
		return endpoint_str(t->family, &t->addr, t->port, buf, len);
	return mark_str(t->mark, t->mask, buf, len);
}
