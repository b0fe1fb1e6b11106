// SPDX-License-Identifier: GPL-2.0
/*
 * Changing targets, paths and backends alike: how a request names a
 * target (id, mark, or address and port), its settings, and the
 * LB_CMD_TGT_* request that carries them.
 */
#include <linux/lb.h>

#include "args.h"
#include "lbctl.h"
#include "match.h"
#include "nl.h"
#include "target.h"

void weight_usage(FILE *f)
{
	fprintf(f, "  W      := a weight, 0 to %u (default 1); 0 drains a target: no\n"
		"            new flows, its flows stay\n", LB_WEIGHT_MAX);
}

void id_usage(FILE *f)
{
	fputs("  ID     := a target's id, as show prints it\n", f);
}

/* "@key N", N up to @max, into *@v; false if @key is not next. */
static bool parse_number(struct args *a, const char *key, bool *seen,
			 uint32_t *v, uint32_t max)
{
	if (!is_word(args_peek(a), key))
		return false;
	args_next(a);
	if (*seen)
		usage_error("\"%s\" given twice", key);
	*v = parse_u32(key, args_value(a, key), 0, max);
	*seen = true;
	return true;
}

bool tgt_parse_id(struct args *a, struct tgt_req *t)
{
	return parse_number(a, "id", &t->by_id, &t->id, UINT32_MAX);
}

bool tgt_parse_weight(struct args *a, struct tgt_req *t)
{
	return parse_number(a, "weight", &t->has_weight, &t->weight,
			    LB_WEIGHT_MAX);
}

/* The attributes that name the target: its id, mark, or address and port. */
static void put_name(struct nlmsghdr *nlh, const struct tgt_req *t)
{
	if (t->by_id) {
		mnl_attr_put_u32(nlh, LB_TGT_A_ID, t->id);
	} else if (t->backend) {
		mnl_attr_put(nlh, LB_TGT_A_ADDR, addr_len(t->addr.family),
			     &t->addr.addr);
		mnl_attr_put_u16(nlh, LB_TGT_A_PORT, t->addr.port);
	} else {
		mnl_attr_put_u32(nlh, LB_TGT_A_MARK, t->mark);
	}
}

void tgt_put(struct nlmsghdr *nlh, uint8_t cmd, const struct tgt_req *t)
{
	put_name(nlh, t);
	/* The mark alone names a target: del drops a pasted /MASK. */
	if (t->has_mask && cmd != LB_CMD_TGT_DEL) {
		if (t->mask_auto)
			mnl_attr_put(nlh, LB_TGT_A_MASK_AUTO, 0, NULL);
		else
			mnl_attr_put_u32(nlh, LB_TGT_A_MASK, t->mask);
	}
	if (t->has_weight)
		mnl_attr_put_u32(nlh, LB_TGT_A_WEIGHT, t->weight);
}

int tgt_send(struct nl *nl, uint8_t cmd, const struct match *sel,
	     const struct tgt_req *t)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = nl_request(nl, cmd, 0);
	sel_put(nlh, sel);
	nest = mnl_attr_nest_start(nlh, LB_A_TGT);
	tgt_put(nlh, cmd, t);
	mnl_attr_nest_end(nlh, nest);
	return nl_write(nl, nlh);
}
