// SPDX-License-Identifier: GPL-2.0
/*
 * Path targets: path add|del|set.  A path is a fwmark value and mask; the
 * packet's mark becomes (mark & ~mask) ^ value and "ip rule fwmark" picks
 * the link.
 */
#include <string.h>

#include <linux/lb.h>

#include "args.h"
#include "lbctl.h"
#include "match.h"
#include "nl.h"
#include "show.h"

struct path {
	bool by_id;		/* named by "id ID" rather than its mark */
	uint32_t id;
	uint32_t mark;
	bool has_mask, has_weight;
	uint32_t mask;
	uint32_t weight;
};

static void set_mask(struct path *p, const char *s)
{
	uint32_t mask = parse_u32("mask", s, 0, UINT32_MAX);

	if (p->has_mask && p->mask != mask)
		usage_error("the mask is given twice");
	p->mask = mask;
	p->has_mask = true;
}

/* MARK, MARK/MASK, or "id ID" where @ids allows it. */
static void parse_name(struct args *a, struct path *p, const char *verb,
		       bool ids)
{
	const char *w = args_next(a);
	char buf[32], *slash;

	if (!w || (!ids && is_word(w, "id")))
		usage_error("path %s needs a MARK%s", verb,
			    ids ? " or id ID" : "");
	if (is_word(w, "id")) {
		p->by_id = true;
		p->id = parse_u32("id", args_value(a, w), 0, UINT32_MAX);
		return;
	}
	if (strlen(w) >= sizeof(buf))
		usage_error("mark must be a number from 0 to %u, not \"%s\"",
			    UINT32_MAX, w);
	strcpy(buf, w);
	slash = strchr(buf, '/');
	if (slash) {
		*slash++ = '\0';
		set_mask(p, slash);
	}
	p->mark = parse_u32("mark", buf, 0, UINT32_MAX);
}

/* Consumes mask or weight and its value; false if neither is next. */
static bool parse_setting(struct args *a, struct path *p)
{
	const char *w = args_peek(a);

	if (is_word(w, "mask")) {
		args_next(a);
		set_mask(p, args_value(a, w));
	} else if (is_word(w, "weight")) {
		args_next(a);
		if (p->has_weight)
			usage_error("\"weight\" given twice");
		p->weight = parse_u32("weight", args_value(a, w), 0,
				      LB_WEIGHT_MAX);
		p->has_weight = true;
	} else {
		return false;
	}
	return true;
}

static int send_path(uint8_t cmd, const struct match *sel,
		     const struct path *p)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct nl *nl;
	int ret;

	nl = connect_lb();
	if (!nl)
		return EXIT_ERR;
	nlh = nl_request(nl, cmd, 0);
	if (sel->given) {
		nest = mnl_attr_nest_start(nlh, LB_A_SVC);
		match_put(nlh, sel);
		mnl_attr_nest_end(nlh, nest);
	}
	nest = mnl_attr_nest_start(nlh, LB_A_TGT);
	if (p->by_id)
		mnl_attr_put_u32(nlh, LB_TGT_A_ID, p->id);
	else
		mnl_attr_put_u32(nlh, LB_TGT_A_MARK, p->mark);
	/* The mark alone names a target: del drops a pasted /MASK. */
	if (p->has_mask && cmd != LB_CMD_TGT_DEL)
		mnl_attr_put_u32(nlh, LB_TGT_A_MASK, p->mask);
	if (p->has_weight)
		mnl_attr_put_u32(nlh, LB_TGT_A_WEIGHT, p->weight);
	mnl_attr_nest_end(nlh, nest);
	ret = nl_write(nl, nlh);
	nl_close(nl);
	return ret;
}

/* path add|del|set NAME [mask M] [weight W] [SEL] */
static int path_change(struct args *a, const char *verb, uint8_t cmd)
{
	struct path p = { 0 };
	struct match sel;

	memset(&sel, 0, sizeof(sel));
	parse_name(a, &p, verb, cmd != LB_CMD_TGT_NEW);
	while (args_more(a)) {
		if (match_parse_arg(a, &sel))
			continue;
		if (cmd != LB_CMD_TGT_DEL && parse_setting(a, &p))
			continue;
		args_done(a);
	}
	match_finish(&sel);
	if (cmd == LB_CMD_TGT_SET && !p.has_weight && !p.has_mask)
		usage_error("path set needs weight or mask");
	return send_path(cmd, &sel, &p);
}

int cmd_path(struct args *a)
{
	const char *w = args_next(a);
	struct match sel;

	if (!w || is_word(w, "show") || is_word(w, "list")) {
		parse_selector_only(a, &sel);
		return show(&sel);
	}
	if (is_word(w, "add"))
		return path_change(a, w, LB_CMD_TGT_NEW);
	if (is_word(w, "del") || is_word(w, "delete"))
		return path_change(a, w, LB_CMD_TGT_DEL);
	if (is_word(w, "set"))
		return path_change(a, w, LB_CMD_TGT_SET);
	usage_error("path: unknown command \"%s\" (add, del, set, show)", w);
}
