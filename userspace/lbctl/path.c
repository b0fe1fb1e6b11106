// SPDX-License-Identifier: GPL-2.0
/*
 * Path targets: path add|del|set.  A path is a fwmark value and mask; the
 * packet's mark becomes (mark & ~mask) ^ value and "ip rule fwmark" picks
 * the link.
 */
#include <stdio.h>
#include <string.h>

#include <linux/lb.h>

#include "args.h"
#include "lbctl.h"
#include "match.h"
#include "nl.h"
#include "show.h"
#include "target.h"

/* MASK, or "auto": the bits the service's marks use (the default). */
static void set_mask(struct tgt_req *p, const char *s)
{
	bool mask_auto = is_word(s, "auto");
	uint32_t mask = mask_auto ? 0 : parse_u32("mask", s, 0, UINT32_MAX);

	if (p->has_mask && (p->mask != mask || p->mask_auto != mask_auto))
		usage_error("the mask is given twice");
	p->mask = mask;
	p->mask_auto = mask_auto;
	p->has_mask = true;
}

/* MARK, MARK/MASK, or "id ID" where @ids allows it. */
static void parse_name(struct args *a, struct tgt_req *p, const char *verb,
		       bool ids)
{
	const char *w = args_peek(a);
	char buf[32], *slash;

	if (!w || (!ids && is_word(w, "id")))
		usage_error("path %s needs a MARK%s", verb,
			    ids ? " or id ID" : "");
	if (tgt_parse_id(a, p))
		return;
	args_next(a);
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
static bool parse_setting(struct args *a, struct tgt_req *p)
{
	const char *w = args_peek(a);

	if (is_word(w, "mask")) {
		args_next(a);
		set_mask(p, args_value(a, w));
		return true;
	}
	return tgt_parse_weight(a, p);
}

/* NAME [mask M] [weight W] [SEL] */
void path_parse(struct args *a, const char *verb, uint8_t cmd,
		struct match *sel, struct tgt_req *p)
{
	memset(sel, 0, sizeof(*sel));
	memset(p, 0, sizeof(*p));
	parse_name(a, p, verb, cmd != LB_CMD_TGT_NEW);
	while (args_more(a)) {
		if (match_parse_arg(a, sel))
			continue;
		if (cmd != LB_CMD_TGT_DEL && parse_setting(a, p))
			continue;
		args_done(a);
	}
	match_finish(sel);
	if (cmd == LB_CMD_TGT_SET && !p->has_weight && !p->has_mask)
		usage_error("path set needs weight or mask");
}

/* path add|del|set NAME [mask M] [weight W] [SEL] */
static int path_change(struct args *a, const char *verb, uint8_t cmd)
{
	struct tgt_req p;
	struct match sel;
	struct nl *nl;
	int ret;

	path_parse(a, verb, cmd, &sel, &p);
	nl = connect_lb();
	if (!nl)
		return EXIT_ERR;
	ret = tgt_send(nl, cmd, &sel, &p);
	nl_close(nl);
	return ret;
}

static void path_usage(FILE *f, const char *verb)
{
	static const struct usage u[] = {
		{ "add", "path add MARK[/MASK] [mask MASK|auto] [weight W] [SEL]",
		  "  add   adds a path to a service\n" },
		{ "set", "path set MARK[/MASK] | id ID [weight W] [mask MASK|auto] [SEL]",
		  "  set   changes a path's weight or mask\n" },
		{ "del", "path del MARK | id ID [SEL]",
		  "  del   deletes a path; its flows move to the other paths (also:\n"
		  "        path delete)\n" },
		{ "show", "path show [SEL]",
		  "  show  as lbctl show (also: path list)\n" },
	};

	usage_print(f, u, ARRAY_SIZE(u), verb);
	fputc('\n', f);
	if (!is_word(verb, "show"))
		fputs("  MARK   := a fwmark, decimal or 0x hex; a packet's mark m becomes\n"
		      "            (m & ~MASK) ^ MARK\n"
		      "  MASK   := by default (auto) the bits any of the service's marks\n"
		      "            sets (marks 1 and 2: 0x3), so other bits of m stay\n",
		      f);
	if (!verb || is_word(verb, "set") || is_word(verb, "del"))
		id_usage(f);
	if (!verb || is_word(verb, "add") || is_word(verb, "set"))
		weight_usage(f);
	sel_usage(f);
}

static int cmd_path(struct args *a)
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

static const char *const path_verbs[] = { "add", "set", "del", "show", NULL };

const struct command path_command = {
	.name = "path",
	.summary = "add, change, delete or show a path: a target that is a fwmark",
	.verbs = path_verbs,
	.run = cmd_path,
	.usage = path_usage,
};
