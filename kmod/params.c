// SPDX-License-Identifier: GPL-2.0
/*
 * lb: module parameters, and the services they create at load time.
 *
 * "insmod lb.ko mode=flow" alone balances everything the router forwards
 * over mark 0 (main table) and mark 3 (the seed's "ip rule fwmark 3 table
 * 100"), 1:1.  Bad parameters fail the load with a message in dmesg.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/inet.h>
#include <linux/slab.h>
#include "lb.h"
#include "conf.h"

#define LB_PARAM_MAX 16		/* marks and vips given at load time */

static char *mode = "flow";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "packet, flow or flowlet: how paths share traffic (default flow)");

static char *sched = "wrr";
module_param(sched, charp, 0444);
MODULE_PARM_DESC(sched, "new-flow placement: wrr, maglev or wlc (default wrr; services with backends: maglev)");

static char *marks = "0,3";
module_param(marks, charp, 0444);
MODULE_PARM_DESC(marks, "path marks, MARK[/MASK],... (default 0,3; MASK: the bits the marks use); none: no path service");

static char *weights;
module_param(weights, charp, 0444);
MODULE_PARM_DESC(weights, "one weight per mark, W,..., 0-65535, 0 drains (default all 1)");

static char *vips;
module_param(vips, charp, 0444);
MODULE_PARM_DESC(vips,
		 "destination prefixes to balance over the marks, ADDR[/LEN],..., IPv4 or IPv6 (default: all traffic)");

static unsigned int flowlet_us = 1000;
module_param(flowlet_us, uint, 0444);
MODULE_PARM_DESC(flowlet_us, "flowlet idle gap in microseconds, 10-10000000 (default 1000)");

static unsigned int flow_max = 262144;
module_param(flow_max, uint, 0444);
MODULE_PARM_DESC(flow_max,
		 "flows tracked per namespace; beyond, flows are placed by Maglev hashing (default 262144)");

static unsigned int flow_max_total = 1048576;
module_param(flow_max_total, uint, 0444);
MODULE_PARM_DESC(flow_max_total,
		 "flows tracked in all namespaces together; beyond, as past flow_max (default 1048576)");

/* Not readable in sysfs: it is a secret. */
static char *hash_seed;
module_param(hash_seed, charp, 0);
MODULE_PARM_DESC(hash_seed,
		 "secret key of Maglev's flow hash, 32 hex digits, the same on every router of a fleet (default: a public key)");

static unsigned int timeout_tcp = 300;
module_param(timeout_tcp, uint, 0444);
MODULE_PARM_DESC(timeout_tcp, "seconds an idle TCP flow is kept, 1-604800 (default 300)");

static unsigned int timeout_tcp_syn = 10;
module_param(timeout_tcp_syn, uint, 0444);
MODULE_PARM_DESC(timeout_tcp_syn,
		 "seconds a TCP flow that has only sent SYNs or one packet is kept, 1-604800 (default 10)");

static unsigned int timeout_tcp_close = 10;
module_param(timeout_tcp_close, uint, 0444);
MODULE_PARM_DESC(timeout_tcp_close,
		 "seconds a TCP flow is kept after FIN or RST, 1-604800 (default 10)");

static unsigned int timeout_udp = 30;
module_param(timeout_udp, uint, 0444);
MODULE_PARM_DESC(timeout_udp, "seconds an idle UDP flow is kept, 1-604800 (default 30)");

static unsigned int timeout_other = 30;
module_param(timeout_other, uint, 0444);
MODULE_PARM_DESC(timeout_other,
		 "seconds an idle flow of another protocol is kept, 1-604800 (default 30)");

struct lb_defaults lb_defaults __read_mostly;

static struct {
	u32 mark, weight;
	s64 mask;	/* or LB_MASK_AUTO */
} lb_param_paths[LB_PARAM_MAX];
static unsigned int lb_param_n_paths;

static struct lb_match lb_param_vips[LB_PARAM_MAX];
static unsigned int lb_param_n_vips;

static int lb_parse_enum(const char *name, const char *val,
			 const char *const *names, unsigned int n, u8 *out)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (sysfs_streq(val, names[i])) {
			*out = i;
			return 0;
		}
	}
	pr_err("lb: %s=%s: unknown value\n", name, val);
	return -EINVAL;
}

/* Split @list at commas and hand each item to @one. */
static int lb_parse_list(const char *name, const char *list,
			 int (*one)(const char *item, unsigned int i))
{
	char *copy, *cur, *item;
	unsigned int i = 0;
	int err = 0;

	copy = kstrdup(list, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	cur = copy;
	while ((item = strsep(&cur, ",")) && !err) {
		if (i == LB_PARAM_MAX) {
			pr_err("lb: %s: at most %d items\n", name, LB_PARAM_MAX);
			err = -EINVAL;
			break;
		}
		err = one(strim(item), i++);
	}
	kfree(copy);
	return err ?: i;
}

static int lb_parse_mark(const char *item, unsigned int i)
{
	char buf[24], *slash;
	s64 mask = LB_MASK_AUTO;
	u32 mark, m = ~0U;

	if (strscpy(buf, item, sizeof(buf)) < 0)
		goto bad;
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		if (kstrtou32(slash + 1, 0, &m))
			goto bad;
		mask = m;
	}
	if (kstrtou32(buf, 0, &mark) || (mark & ~m))
		goto bad;
	lb_param_paths[i].mark = mark;
	lb_param_paths[i].mask = mask;
	lb_param_paths[i].weight = 1;
	return 0;
bad:
	pr_err("lb: marks: bad mark \"%s\" (MARK or MARK/MASK, mark within mask)\n",
	       item);
	return -EINVAL;
}

static int lb_parse_weight(const char *item, unsigned int i)
{
	u32 w;

	if (kstrtou32(item, 0, &w) || w > LB_WEIGHT_MAX) {
		pr_err("lb: weights: bad weight \"%s\" (0-65535)\n", item);
		return -EINVAL;
	}
	lb_param_paths[i].weight = w;
	return 0;
}

static int lb_parse_vip(const char *item, unsigned int i)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	union lb_addr addr = {};
	u8 family, plen;

	if (strscpy(buf, item, sizeof(buf)) < 0)
		goto bad;
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (in4_pton(buf, -1, (u8 *)&addr.ip, -1, NULL)) {
		family = AF_INET;
		plen = 32;
	} else if (in6_pton(buf, -1, addr.in6.s6_addr, -1, NULL)) {
		family = AF_INET6;
		plen = 128;
	} else {
		goto bad;
	}
	if (slash && (kstrtou8(slash + 1, 10, &plen) ||
		      plen > (family == AF_INET ? 32 : 128)))
		goto bad;
	return lb_match_init(&lb_param_vips[i], family, &addr, plen, NULL, 0,
			     0, 0, NULL, NULL);
bad:
	pr_err("lb: vips: bad prefix \"%s\" (ADDR or ADDR/LEN)\n", item);
	return -EINVAL;
}

int lb_params_parse(void)
{
	static const char *const modes[] = { "packet", "flow", "flowlet" };
	static const char *const scheds[] = LB_SCHED_NAMES;
	int n;

	BUILD_BUG_ON(ARRAY_SIZE(modes) != __LB_MODE_MAX);
	BUILD_BUG_ON(ARRAY_SIZE(scheds) != __LB_SCHED_MAX);
	if (lb_parse_enum("mode", mode, modes, ARRAY_SIZE(modes),
			  &lb_defaults.mode) ||
	    lb_parse_enum("sched", sched, scheds, ARRAY_SIZE(scheds),
			  &lb_defaults.sched))
		return -EINVAL;
	if (flowlet_us < LB_FLOWLET_US_MIN || flowlet_us > LB_FLOWLET_US_MAX) {
		pr_err("lb: flowlet_us=%u: out of range %u-%u\n", flowlet_us,
		       LB_FLOWLET_US_MIN, LB_FLOWLET_US_MAX);
		return -EINVAL;
	}
	if (!timeout_tcp || !timeout_tcp_syn || !timeout_tcp_close ||
	    !timeout_udp || !timeout_other || timeout_tcp > LB_TIMEOUT_MAX ||
	    timeout_tcp_syn > LB_TIMEOUT_MAX ||
	    timeout_tcp_close > LB_TIMEOUT_MAX ||
	    timeout_udp > LB_TIMEOUT_MAX || timeout_other > LB_TIMEOUT_MAX) {
		pr_err("lb: timeouts must be 1 s to 7 days\n");
		return -EINVAL;
	}

	/* A router that only balances backends starts with no path service. */
	if (!*marks || !strcmp(marks, "none"))
		n = 0;
	else
		n = lb_parse_list("marks", marks, lb_parse_mark);
	if (n < 0)
		return n;
	lb_param_n_paths = n;
	if (weights) {
		n = lb_parse_list("weights", weights, lb_parse_weight);
		if (n < 0)
			return n;
		if (n != lb_param_n_paths) {
			pr_err("lb: %d weights for %u marks\n", n,
			       lb_param_n_paths);
			return -EINVAL;
		}
	}
	if (vips && !lb_param_n_paths) {
		pr_err("lb: vips= balance over marks=, and marks=none\n");
		return -EINVAL;
	}
	if (vips) {
		n = lb_parse_list("vips", vips, lb_parse_vip);
		if (n < 0)
			return n;
		lb_param_n_vips = n;
	} else {
		lb_param_n_vips = 1;	/* the catch-all, all zero */
	}

	if (hash_seed && lb_maglev_seed(hash_seed)) {
		pr_err("lb: hash_seed: 32 hex digits (128 bits) expected\n");
		return -EINVAL;
	}

	lb_defaults.flowlet_us = flowlet_us;
	lb_defaults.flow_max = flow_max;
	lb_defaults.flow_max_total = flow_max_total;
	lb_defaults.timeout_tcp = timeout_tcp;
	lb_defaults.timeout_tcp_syn = timeout_tcp_syn;
	lb_defaults.timeout_tcp_close = timeout_tcp_close;
	lb_defaults.timeout_udp = timeout_udp;
	lb_defaults.timeout_other = timeout_other;
	return 0;
}

/* The services of the module parameters, in the initial namespace. */
int lb_params_apply(struct lb_net *ln)
{
	unsigned int v, p;
	int err = 0;

	if (!lb_param_n_paths)
		return 0;
	mutex_lock(&ln->lock);
	for (v = 0; v < lb_param_n_vips && !err; v++) {
		const struct lb_match *m = &lb_param_vips[v];
		struct lb_svc_conf *sc;

		err = lb_svc_add(ln, m, lb_defaults.mode, lb_defaults.sched,
				 lb_defaults.flowlet_us, LB_FWD_MARK, NULL);
		if (err == -EEXIST) {
			err = 0;	/* the same prefix given twice */
			continue;
		}
		sc = lb_svc_conf_find(ln, m);
		for (p = 0; p < lb_param_n_paths && !err && sc; p++) {
			err = lb_tgt_add(ln, sc, lb_param_paths[p].mark,
					 lb_param_paths[p].mask,
					 lb_param_paths[p].weight, NULL);
			if (err == -EEXIST) {
				pr_err("lb: marks: mark %u given twice\n",
				       lb_param_paths[p].mark);
				err = -EINVAL;
			}
		}
	}
	mutex_unlock(&ln->lock);
	return err;
}
