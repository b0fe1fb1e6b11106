// SPDX-License-Identifier: GPL-2.0
/*
 * lbctl flows: the flow table, printed as it arrives (it may hold a
 * million entries); lbctl flows flush: forget them all.
 */
#include <stdio.h>
#include <string.h>

#include <linux/lb.h>

#include "addr.h"
#include "args.h"
#include "json.h"
#include "lbctl.h"
#include "names.h"
#include "nl.h"
#include "show.h"
#include "snapshot.h"

struct flow {
	uint8_t family;
	uint8_t proto;
	uint8_t saddr_len, daddr_len;
	union lb_addr saddr, daddr;
	uint16_t sport, dport;
	uint32_t tgt_id;
	uint32_t idle_ms;
	bool has_tgt;
	bool closing;
};

struct dump {
	const struct snapshot *snap;	/* what target ids stand for */
	bool only_snap;			/* SEL: only its targets' flows */
};

static int flow_attr(const struct nlattr *attr, void *data)
{
	struct flow *f = data;
	uint16_t type = mnl_attr_get_type(attr);
	enum mnl_attr_data_type want;
	uint16_t len;

	switch (type) {
	case LB_FLOW_A_FAMILY:
	case LB_FLOW_A_PROTO:
		want = MNL_TYPE_U8;
		break;
	case LB_FLOW_A_SPORT:
	case LB_FLOW_A_DPORT:
		want = MNL_TYPE_U16;
		break;
	case LB_FLOW_A_TGT_ID:
	case LB_FLOW_A_IDLE_MS:
		want = MNL_TYPE_U32;
		break;
	case LB_FLOW_A_SADDR:
	case LB_FLOW_A_DADDR:
		len = mnl_attr_get_payload_len(attr);
		if (len != 4 && len != 16)
			return nl_bad_reply();
		if (type == LB_FLOW_A_SADDR) {
			memcpy(&f->saddr, mnl_attr_get_payload(attr), len);
			f->saddr_len = len;
		} else {
			memcpy(&f->daddr, mnl_attr_get_payload(attr), len);
			f->daddr_len = len;
		}
		return MNL_CB_OK;
	case LB_FLOW_A_CLOSING:
		f->closing = true;
		return MNL_CB_OK;
	default:
		return MNL_CB_OK;
	}
	if (mnl_attr_validate(attr, want) < 0)
		return nl_bad_reply();

	switch (type) {
	case LB_FLOW_A_FAMILY:
		f->family = mnl_attr_get_u8(attr);
		break;
	case LB_FLOW_A_PROTO:
		f->proto = mnl_attr_get_u8(attr);
		break;
	case LB_FLOW_A_SPORT:
		f->sport = mnl_attr_get_u16(attr);
		break;
	case LB_FLOW_A_DPORT:
		f->dport = mnl_attr_get_u16(attr);
		break;
	case LB_FLOW_A_TGT_ID:
		f->tgt_id = mnl_attr_get_u32(attr);
		f->has_tgt = true;
		break;
	case LB_FLOW_A_IDLE_MS:
		f->idle_ms = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

static void print_flow(const struct flow *f, const struct target *t)
{
	char src[ADDR_STRLEN], dst[ADDR_STRLEN], tgt[ADDR_STRLEN], p[8];
	const char *proto = proto_name(f->proto, p, sizeof(p));

	if (opt.json) {
		json_obj_open(NULL);
		json_str("family", family_name(f->family));
		json_str("proto", proto);
		json_str("src", addr_str(f->family, &f->saddr, src,
					 sizeof(src)));
		json_uint("sport", f->sport);
		json_str("dst", addr_str(f->family, &f->daddr, dst,
					 sizeof(dst)));
		json_uint("dport", f->dport);
		if (f->has_tgt)
			json_uint("target_id", f->tgt_id);
		else
			json_null("target_id");
		if (t && !t->backend)
			json_uint("mark", t->mark);
		else
			json_null("mark");
		if (t && t->backend) {
			json_str("backend_addr", addr_str(t->family, &t->addr,
							  tgt, sizeof(tgt)));
			json_uint("backend_port", t->port);
		} else {
			json_null("backend_addr");
			json_null("backend_port");
		}
		json_uint("idle_ms", f->idle_ms);
		json_bool("closing", f->closing);
		json_obj_close();
		return;
	}

	printf("%s %s -> %s", proto,
	       endpoint_str(f->family, &f->saddr, f->sport, src, sizeof(src)),
	       endpoint_str(f->family, &f->daddr, f->dport, dst, sizeof(dst)));
	if (f->has_tgt)
		printf(" id %u", f->tgt_id);
	if (t && t->backend)
		printf(" backend %s", target_str(t, tgt, sizeof(tgt)));
	else if (t)
		printf(" mark 0x%x", t->mark);
	printf(" idle %ums%s\n", f->idle_ms, f->closing ? " closing" : "");
}

static int reply_attr(const struct nlattr *attr, void *data)
{
	const struct dump *d = data;
	const struct target *t;
	struct flow f;
	int ret;

	if (mnl_attr_get_type(attr) != LB_A_FLOW)
		return MNL_CB_OK;
	memset(&f, 0, sizeof(f));
	ret = mnl_attr_parse_nested(attr, flow_attr, &f);
	if (ret < 0)
		return ret;
	if ((f.saddr_len && f.saddr_len != addr_len(f.family)) ||
	    (f.daddr_len && f.daddr_len != addr_len(f.family)))
		return nl_bad_reply();

	t = f.has_tgt ? snapshot_target(d->snap, f.tgt_id) : NULL;
	if (d->only_snap && !t)
		return MNL_CB_OK;
	print_flow(&f, t);
	return MNL_CB_OK;
}

static int reply(const struct nlmsghdr *nlh, void *data)
{
	return nl_parse(nlh, reply_attr, data);
}

static int flows_show(struct args *a)
{
	struct dump d = { 0 };
	struct nlmsghdr *nlh;
	struct snapshot s;
	struct match sel;
	struct nl *nl;
	int ret;

	parse_selector_only(a, &sel);
	nl = connect_lb();
	if (!nl)
		return EXIT_ERR;
	/* the targets, for marks and backends, and with SEL the ids to keep */
	ret = snapshot_read(nl, &sel, false, &s);
	if (ret != EXIT_OK) {
		nl_close(nl);
		return ret;
	}
	d.snap = &s;
	d.only_snap = sel.given;

	if (opt.json) {
		json_begin(opt.pretty);
		json_arr_open("flows");
	}
	nlh = nl_request(nl, LB_CMD_FLOW_GET, NLM_F_DUMP);
	ret = nl_talk(nl, nlh, reply, &d);
	/* Closed even after an error: stdout stays one valid document. */
	if (opt.json)
		json_end();
	fflush(stdout);
	if (ret < 0)
		nl_perror(nl);
	snapshot_free(&s);
	nl_close(nl);
	return ret < 0 ? EXIT_ERR : EXIT_OK;
}

static int flows_flush(struct args *a)
{
	struct nlmsghdr *nlh;
	struct nl *nl;
	int ret;

	args_done(a);
	nl = connect_lb();
	if (!nl)
		return EXIT_ERR;
	nlh = nl_request(nl, LB_CMD_FLOW_FLUSH, 0);
	ret = nl_write(nl, nlh);
	nl_close(nl);
	return ret;
}

static void flows_usage(FILE *f, const char *verb)
{
	static const struct usage u[] = {
		{ "show", "flows [SEL]",
		  "  flows        the flow table; with SEL only the flows on that\n"
		  "               service's targets (also: flows show, flows list)\n" },
		{ "flush", "flows flush",
		  "  flows flush  forget every flow; their next packets choose anew\n" },
	};

	usage_print(f, u, ARRAY_SIZE(u), verb);
	if (!is_word(verb, "flush")) {
		fputc('\n', f);
		sel_usage(f);
	}
}

static int cmd_flows(struct args *a)
{
	const char *w = args_peek(a);

	if (is_word(w, "flush")) {
		args_next(a);
		return flows_flush(a);
	}
	if (is_word(w, "show") || is_word(w, "list"))
		args_next(a);
	return flows_show(a);
}

static const char *const flows_verbs[] = { "show", "flush", NULL };

const struct command flows_command = {
	.name = "flows",
	.summary = "the flow table; flows flush: forget every flow",
	.verbs = flows_verbs,
	.run = cmd_flows,
	.usage = flows_usage,
};
