// SPDX-License-Identifier: GPL-2.0
/*
 * lbctl restore: a file of lbctl commands (set, vip add, path add,
 * backend add: what lbctl save writes) becomes the namespace's whole
 * configuration in one LB_CMD_RESTORE request, so that it changes at
 * once or not at all, and the tunables with it (the set line's, the
 * module's parameters for the rest).  Each line is read by its command's own parser; a target names
 * its service as the command would, among the services above it.  Every
 * service and target remembers where in the request it went, so that the
 * attribute the kernel refuses names its line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <linux/genetlink.h>
#include <linux/lb.h>

#include "args.h"
#include "lbctl.h"
#include "match.h"
#include "nl.h"
#include "service.h"
#include "target.h"
#include "tune.h"

/* Upper bounds of what vip_put() and tgt_put() write, with their nest. */
#define SVC_BYTES	160
#define TGT_BYTES	64
/* An attribute is at most 64 KiB: the services fill several LB_A_SVCS. */
#define NEST_MAX	UINT16_MAX

/* A line's service or target: its line, and its bytes in the request. */
struct span {
	unsigned int line;
	uint32_t start, end;
};

struct rtgt {
	struct tgt_req t;
	struct span at;
};

struct rsvc {
	struct vip_req v;
	struct span at;
	struct rtgt *tgts;
	unsigned int ntgts;
};

struct conf {
	const char *name;	/* the file, as messages name it */
	struct rsvc *svcs;
	unsigned int nsvcs;
	struct info tun;	/* its set line's tunables */
	bool has_tun;
};

/* @array with room for element @n, zeroed; capacities are powers of 2. */
static void *more(void *array, unsigned int n, size_t size)
{
	char *p = array;

	if (!(n & (n - 1))) {
		p = realloc(array, (n ? 2 * n : 1) * size);
		if (!p) {
			error_msg("%s", strerror(ENOMEM));
			exit(EXIT_ERR);
		}
	}
	memset(p + n * size, 0, size);
	return p;
}

/* The service @sel names (without vip: the only one), above this line. */
static struct rsvc *find_svc(struct conf *c, const struct match *sel,
			     const char *cmd)
{
	char buf[256];
	unsigned int i;

	if (!sel->given) {
		if (c->nsvcs == 1)
			return &c->svcs[0];
		if (!c->nsvcs)
			usage_error("%s needs a service: vip add one above this line",
				    cmd);
		usage_error("%s without vip is for the only service; %u are above: add vip PREFIX",
			    cmd, c->nsvcs);
	}
	for (i = 0; i < c->nsvcs; i++)
		if (match_equal(&c->svcs[i].v.sel, sel))
			return &c->svcs[i];
	usage_error("no service %s above this line (vip add it first)",
		    match_str(sel, buf, sizeof(buf)));
}

/* A backend's SVC without proto: the one tcp or udp service that fits. */
static struct rsvc *find_nat_svc(struct conf *c, struct match *sel)
{
	const struct match *m;
	unsigned int i, n = 0;
	uint8_t proto = 0;
	char buf[256];

	for (i = 0; i < c->nsvcs && !sel->proto; i++) {
		m = &c->svcs[i].v.sel;
		if ((m->proto == IPPROTO_TCP || m->proto == IPPROTO_UDP) &&
		    match_same_but_proto(sel, m)) {
			proto = m->proto;
			n++;
		}
	}
	if (!sel->proto && n != 1) {
		match_str(sel, buf, sizeof(buf));
		if (n)
			usage_error("%s is a tcp and a udp service: give proto tcp or proto udp",
				    buf);
		usage_error("no service %s proto tcp or udp above this line (vip add it first)",
			    buf);
	}
	if (!sel->proto)
		sel->proto = proto;
	return find_svc(c, sel, "backend add");
}

/* One command: "vip add ...", "path add ...", "backend add ..."; "set ...". */
static void parse_command(struct conf *c, struct args *a, unsigned int line)
{
	const char *obj = args_next(a), *verb;
	struct rsvc *svc;
	struct match sel;
	struct rtgt t;

	if (is_word(obj, "set")) {
		if (c->has_tun)
			usage_error("one set line (it sets every tunable it names)");
		tunables_parse(a, &c->tun);
		c->has_tun = true;
		return;
	}
	verb = args_next(a);
	if (!is_word(verb, "add") ||
	    (!is_word(obj, "vip") && !is_word(obj, "path") &&
	     !is_word(obj, "backend")))
		usage_error("only set, vip add, path add and backend add lines, not \"%s%s%s\"",
			    obj, verb ? " " : "", verb ? verb : "");
	if (is_word(obj, "vip")) {
		if (c->nsvcs == LB_SERVICES_MAX)
			usage_error("at most %u services", LB_SERVICES_MAX);
		c->svcs = more(c->svcs, c->nsvcs, sizeof(*c->svcs));
		svc = &c->svcs[c->nsvcs];
		vip_parse(a, verb, LB_CMD_SVC_NEW, &svc->v);
		svc->at.line = line;
		c->nsvcs++;
		return;
	}

	memset(&t, 0, sizeof(t));
	if (is_word(obj, "path")) {
		path_parse(a, verb, LB_CMD_TGT_NEW, &sel, &t.t);
		svc = find_svc(c, &sel, "path add");
	} else {
		backend_parse(a, verb, LB_CMD_TGT_NEW, &sel, &t.t);
		svc = find_nat_svc(c, &sel);
	}
	if (svc->ntgts == LB_TARGETS_MAX)
		usage_error("a service has at most %u targets", LB_TARGETS_MAX);
	t.at.line = line;
	svc->tgts = more(svc->tgts, svc->ntgts, sizeof(*svc->tgts));
	svc->tgts[svc->ntgts++] = t;
}

static int parse_line(struct args *a, unsigned int line, void *conf)
{
	parse_command(conf, a, line);
	return EXIT_OK;
}

/* Each service in its LB_A_SVC, its targets in LB_SVC_A_TARGETS. */
static void put_conf(struct nlmsghdr *nlh, struct conf *c)
{
	struct nlattr *chunk, *nest, *tgts, *tn;
	struct rsvc *svc;
	struct rtgt *t;
	unsigned int i, j;

	chunk = mnl_attr_nest_start(nlh, LB_A_SVCS);
	for (i = 0; i < c->nsvcs; i++) {
		svc = &c->svcs[i];
		if (nlh->nlmsg_len - ((char *)chunk - (char *)nlh) +
		    SVC_BYTES + svc->ntgts * TGT_BYTES > NEST_MAX) {
			mnl_attr_nest_end(nlh, chunk);
			chunk = mnl_attr_nest_start(nlh, LB_A_SVCS);
		}
		/* Attributes are aligned: the next one starts at the end. */
		svc->at.start = nlh->nlmsg_len;
		nest = mnl_attr_nest_start(nlh, LB_A_SVC);
		vip_put(nlh, &svc->v);
		if (svc->ntgts) {
			tgts = mnl_attr_nest_start(nlh, LB_SVC_A_TARGETS);
			for (j = 0; j < svc->ntgts; j++) {
				t = &svc->tgts[j];
				t->at.start = nlh->nlmsg_len;
				tn = mnl_attr_nest_start(nlh, LB_A_TGT);
				tgt_put(nlh, LB_CMD_TGT_NEW, &t->t);
				mnl_attr_nest_end(nlh, tn);
				t->at.end = nlh->nlmsg_len;
			}
			mnl_attr_nest_end(nlh, tgts);
		}
		mnl_attr_nest_end(nlh, nest);
		svc->at.end = nlh->nlmsg_len;
	}
	mnl_attr_nest_end(nlh, chunk);
	/* Every tunable: what the file does not set is the module's. */
	tunables_complete(&c->tun);
	if (tunables_any(&c->tun))
		tunables_put(nlh, &c->tun);
}

static size_t conf_bytes(const struct conf *c)
{
	size_t n = MNL_NLMSG_HDRLEN + GENL_HDRLEN;
	unsigned int i;

	for (i = 0; i < c->nsvcs; i++)
		n += MNL_ATTR_HDRLEN + SVC_BYTES + c->svcs[i].ntgts * TGT_BYTES;
	/* and LB_A_INFO with every tunable: seven u32s */
	return n + MNL_ATTR_HDRLEN + MNL_ATTR_HDRLEN +
	       7 * MNL_ALIGN(MNL_ATTR_HDRLEN + sizeof(uint32_t));
}

/* The line of the target, or else the service, that holds byte @off. */
static unsigned int line_at(const struct conf *c, uint32_t off)
{
	const struct span *s;
	unsigned int i, j;

	for (i = 0; i < c->nsvcs; i++) {
		s = &c->svcs[i].at;
		if (off < s->start || off >= s->end)
			continue;
		for (j = 0; j < c->svcs[i].ntgts; j++) {
			s = &c->svcs[i].tgts[j].at;
			if (off >= s->start && off < s->end)
				return s->line;
		}
		return c->svcs[i].at.line;
	}
	return 0;
}

static int send_conf(struct conf *c)
{
	char where[4096];
	struct nlmsghdr *nlh;
	unsigned int line;
	struct nl *nl;
	uint32_t off;
	int ret = EXIT_OK;
	void *buf;

	buf = calloc(1, conf_bytes(c));
	if (!buf) {
		error_msg("%s", strerror(ENOMEM));
		return EXIT_ERR;
	}
	nl = connect_lb();
	if (!nl) {
		free(buf);
		return EXIT_ERR;
	}
	nlh = nl_request_in(nl, buf, LB_CMD_RESTORE, NLM_F_ACK);
	put_conf(nlh, c);
	if (nl_talk(nl, nlh, NULL, NULL) < 0) {
		line = nl_error_offset(nl, &off) ? line_at(c, off) : 0;
		if (line)
			snprintf(where, sizeof(where), "%s:%u", c->name, line);
		else
			snprintf(where, sizeof(where), "%s", c->name);
		nl_perror_at(nl, where);
		ret = EXIT_ERR;
	}
	nl_close(nl);
	free(buf);
	return ret;
}

static void conf_free(struct conf *c)
{
	unsigned int i;

	for (i = 0; i < c->nsvcs; i++)
		free(c->svcs[i].tgts);
	free(c->svcs);
}

static void restore_usage(FILE *f, const char *verb)
{
	static const struct usage u[] = {
		{ NULL, "restore [-f FILE]",
		  "Makes the lines of FILE (- or, by default, standard input), as save\n"
		  "writes them (vip add, path add, backend add), the whole configuration\n"
		  "at once: all of it, or none of it on the first error (\"lbctl:\n"
		  "FILE:LINE: ...\").  The tunables too: the set line's, and the module's\n"
		  "parameters for the rest.  # starts a comment.\n" },
	};

	usage_print(f, u, ARRAY_SIZE(u), verb);
}

/* restore [-f FILE]: standard input without -f, or with -f - */
static int cmd_restore(struct args *a)
{
	struct conf c = { .name = "<stdin>" };
	const char *file = NULL, *w;
	FILE *f = stdin;
	int ret;

	while (args_more(a)) {
		w = args_next(a);
		if (!is_word(w, "-f"))
			usage_error("restore takes -f FILE, not \"%s\"", w);
		if (file)
			usage_error("-f given twice");
		file = args_value(a, w);
	}
	if (file && strcmp(file, "-")) {
		f = fopen(file, "r");
		if (!f) {
			error_msg("cannot open %s: %s", file, strerror(errno));
			return EXIT_ERR;
		}
		c.name = file;
	}
	ret = args_lines(f, c.name, parse_line, &c);
	if (f != stdin)
		fclose(f);
	if (ret == EXIT_OK)
		ret = send_conf(&c);
	conf_free(&c);
	return ret;
}

const struct command restore_command = {
	.name = "restore",
	.summary = "make save's lines the whole configuration, at once",
	.run = cmd_restore,
	.usage = restore_usage,
};
