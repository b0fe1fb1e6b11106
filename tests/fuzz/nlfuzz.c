// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: random and mutated requests to lb's generic netlink family.
 *
 *   nlfuzz [--seed N] [--count N] [--jobs N] [--race N] [--threads N]
 *          [--reset N] [--expect-eperm] [-v]
 *
 * Requests are built from lb's attribute grammar (include/uapi/linux/lb.h)
 * with values around the limits (families, prefix lengths, protocols,
 * ports, modes, schedulers, flowlet gaps, marks, masks, weights, ids,
 * interface names), aimed mostly at the services of a baseline
 * configuration that nlfuzz sets up and restores every --reset requests,
 * and then mutated: attributes of the wrong type or length, unknown ones,
 * duplicates, missing nesting flags or nests where values belong, nest
 * lengths that lie, random bytes, hundreds of weights, restores of more
 * services or targets than lb takes, truncated generic netlink headers,
 * unknown commands, dump flags where there is no dump.
 *
 * One by one (--count, default 100000), each request is checked: a
 * rejection that reached lb (anything the generic netlink core itself
 * does not refuse: unknown command, no do or dump handler, no
 * CAP_NET_ADMIN, a truncated header) must carry an extack message
 * (NLMSGERR_ATTR_MSG), and after every request the configuration is
 * dumped and hashed (services and targets, not counters): a rejected
 * request must leave it as it was.  --jobs N splits these requests over
 * N processes, each but the first in a network namespace of its own (the
 * dumps are what costs, and a VM has more than one CPU).  Then --threads
 * threads (default 4) send --race requests between them (default 20000)
 * at once, mostly valid adds, deletes and changes of a few services and
 * targets, restores, flushes and dumps, each rejection again with a
 * message; after them the configuration must still be consistent (the
 * dump agrees with the service count lb reports, target ids are unique).
 *
 * --expect-eperm: for a user without CAP_NET_ADMIN over the namespace
 * (unshare -Ur in a namespace it does not own): every write must be
 * refused with EPERM, and the configuration must not change at all.
 *
 * The seed is printed (--seed with the same --jobs replays the one-by-one
 * part exactly; the racing part's interleaving is up to the scheduler).  Prints the figures
 * and exits 0 if every check held, 1 if one did not, 2 on a setup error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/lb.h>

#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED	0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS	0x200
#endif

#define MSG_MAX		(192 * 1024)
#define RX_MAX		(64 * 1024)
#define SNAP_RX		(8 * 1024)
#define CMDS		256

/* ---------------------------------------------------------------------- */
/* Random numbers: splitmix64, one state per thread. */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rnd(r) & 0xffffffffULL) * n) >> 32);
}

static bool chance(struct rng *r, unsigned int percent)
{
	return below(r, 100) < percent;
}

#define PICK(r, a) ((a)[below((r), sizeof(a) / sizeof((a)[0]))])

/* ---------------------------------------------------------------------- */
/* What the kernel's family offers: per command, do/dump and permissions. */

static uint16_t family_id;
static uint32_t op_flags[CMDS];		/* GENL_CMD_CAP_*, GENL_*ADMIN_PERM */
static bool verbose;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "nlfuzz: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

/* ---------------------------------------------------------------------- */
/* A netlink socket and one request/response exchange. */

struct nl {
	struct mnl_socket *s;
	uint32_t seq;
	size_t rxlen;
	char rx[RX_MAX];
};

struct reply {
	bool unsent;		/* too big to send: nothing to check */
	int err;		/* 0: accepted; else a positive errno */
	bool has_msg;		/* NLMSGERR_ATTR_MSG */
	char msg[160];
	unsigned int parts;	/* data messages before the ack or DONE */
};

typedef void (*data_cb)(const struct nlmsghdr *nlh, void *arg);

/*
 * @rxlen: the receive buffer.  The kernel sizes a dump's skbs by the
 * largest buffer a socket has read with (up to 32 KiB), and a VM spends
 * more on allocating those than on filling them: a socket that only
 * takes small dumps reads with a small buffer.
 */
static void nl_open(struct nl *nl, size_t rxlen)
{
	int one = 1, big = 4 << 20;

	nl->rxlen = rxlen;
	nl->s = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->s)
		die("netlink socket: %s", strerror(errno));
	if (mnl_socket_setsockopt(nl->s, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    mnl_socket_setsockopt(nl->s, NETLINK_CAP_ACK, &one, sizeof(one)))
		die("NETLINK_EXT_ACK: %s", strerror(errno));
	/* Room for big requests and replies (root may exceed the limits). */
	if (setsockopt(mnl_socket_get_fd(nl->s), SOL_SOCKET, SO_SNDBUFFORCE,
		       &big, sizeof(big)))
		setsockopt(mnl_socket_get_fd(nl->s), SOL_SOCKET, SO_SNDBUF,
			   &big, sizeof(big));
	if (setsockopt(mnl_socket_get_fd(nl->s), SOL_SOCKET, SO_RCVBUFFORCE,
		       &big, sizeof(big)))
		setsockopt(mnl_socket_get_fd(nl->s), SOL_SOCKET, SO_RCVBUF,
			   &big, sizeof(big));
	if (mnl_socket_bind(nl->s, 0, MNL_SOCKET_AUTOPID))
		die("netlink bind: %s", strerror(errno));
	nl->seq = (uint32_t)time(NULL);
}

/* The extack message of an error or DONE message, from @at on. */
static void nl_extack(const struct nlmsghdr *nlh, const void *at,
		      struct reply *r)
{
	const struct nlattr *a;
	const char *end = (const char *)nlh + nlh->nlmsg_len;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	for (a = at; (const char *)a + sizeof(*a) <= end &&
	     a->nla_len >= sizeof(*a) && (const char *)a + a->nla_len <= end;
	     a = (const void *)((const char *)a + MNL_ALIGN(a->nla_len))) {
		if ((a->nla_type & NLA_TYPE_MASK) != NLMSGERR_ATTR_MSG)
			continue;
		r->has_msg = true;
		snprintf(r->msg, sizeof(r->msg), "%.*s",
			 (int)(a->nla_len - sizeof(*a)),
			 (const char *)mnl_attr_get_payload(a));
	}
}

/* A request sent, and what to do with its answer. */
struct pending {
	uint32_t seq;
	struct reply *r;
	data_cb cb;
	void *arg;
	bool done;
};

/*
 * Send @len bytes holding the @n requests of @p (one sendmsg: the kernel
 * takes them in order) and read until each has its ack, error or DONE;
 * data messages go to the request's @cb.
 */
static void nl_run(struct nl *nl, const void *msg, size_t len,
		   struct pending *p, unsigned int n)
{
	unsigned int left = n, i;
	ssize_t got;

	for (i = 0; i < n; i++)
		memset(p[i].r, 0, sizeof(*p[i].r));
	if (mnl_socket_sendto(nl->s, msg, len) < 0) {
		for (i = 0; i < n; i++) {
			p[i].r->unsent = true;
			p[i].r->err = errno;
		}
		return;
	}
	while (left) {
		const struct nlmsghdr *nlh;
		int rem;

		got = mnl_socket_recvfrom(nl->s, nl->rx, nl->rxlen);
		if (got < 0) {
			if (errno == ENOBUFS || errno == EINTR)
				continue;
			die("recv: %s", strerror(errno));
		}
		rem = (int)got;
		for (nlh = (const void *)nl->rx; mnl_nlmsg_ok(nlh, rem);
		     nlh = mnl_nlmsg_next(nlh, &rem)) {
			struct pending *q = NULL;

			for (i = 0; i < n; i++)
				if (!p[i].done && p[i].seq == nlh->nlmsg_seq)
					q = &p[i];
			if (!q)
				continue;	/* a late part of an old dump */
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e =
					mnl_nlmsg_get_payload(nlh);
				size_t off = sizeof(*e);

				if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len -
					       sizeof(struct nlmsghdr);
				q->r->err = -e->error;
				nl_extack(nlh, (const char *)e + off, q->r);
				q->done = true;
				left--;
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				const int *e = mnl_nlmsg_get_payload(nlh);

				if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(*e))
					q->r->err = -*e;
				nl_extack(nlh, e + 1, q->r);
				q->done = true;
				left--;
			} else {
				q->r->parts++;
				if (q->cb)
					q->cb(nlh, q->arg);
			}
		}
	}
}

/* One request, its sequence number set here. */
static void nl_xact(struct nl *nl, void *msg, size_t len, struct reply *r,
		    data_cb cb, void *arg)
{
	struct pending p = { ++nl->seq, r, cb, arg, false };

	((struct nlmsghdr *)msg)->nlmsg_seq = p.seq;
	nl_run(nl, msg, len, &p, 1);
}

/* ---------------------------------------------------------------------- */
/* Building requests, with mutations at the attribute level. */

struct gen {
	struct rng *r;
	uint8_t *p;
	size_t len;
	unsigned int pmut;	/* percent: each attribute mutated */
	unsigned int muts;
	bool raw;		/* pmut 0: emit what is asked, exactly */
};

static struct nlmsghdr *gen_start(struct gen *g, uint8_t cmd, bool dump)
{
	struct nlmsghdr *nlh = (void *)g->p;
	struct genlmsghdr *gh = (void *)(nlh + 1);

	memset(g->p, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_type = family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0);
	gh->cmd = cmd;
	gh->version = LB_GENL_VERSION;
	g->len = NLMSG_HDRLEN + GENL_HDRLEN;
	return nlh;
}

static bool gen_room(struct gen *g, size_t n)
{
	return g->len + MNL_ALIGN(n) + 64 <= MSG_MAX;
}

static void gen_raw(struct gen *g, uint16_t type, const void *data, size_t n)
{
	struct nlattr *a = (void *)(g->p + g->len);

	if (!gen_room(g, sizeof(*a) + n))
		return;
	a->nla_type = type;
	a->nla_len = sizeof(*a) + n;
	if (n)
		memcpy(a + 1, data, n);
	memset((char *)(a + 1) + n, 0, MNL_ALIGN(n) - n);
	g->len += MNL_ALIGN(sizeof(*a) + n);
}

static uint16_t gen_bad_type(struct gen *g)
{
	static const uint16_t t[] = { 0, 9, 10, 15, 16, 17, 31, 0x7fff };

	return chance(g->r, 50) ? (uint16_t)below(g->r, 20) : PICK(g->r, t);
}

static void gen_attr(struct gen *g, uint16_t type, const void *data, size_t n)
{
	uint8_t tmp[128];
	size_t i;

	if (!g->pmut || !chance(g->r, g->pmut) || n > sizeof(tmp) - 16) {
		gen_raw(g, type, data, n);
		return;
	}
	g->muts++;
	memcpy(tmp, data, n);
	switch (below(g->r, 8)) {
	case 0:
		type = gen_bad_type(g);
		break;
	case 1:		/* cut short */
		n = below(g->r, n + 1);
		break;
	case 2:		/* longer */
		for (i = 0; i < 1 + below(g->r, 12); i++)
			tmp[n++] = (uint8_t)rnd(g->r);
		break;
	case 3:		/* a nest where a value belongs */
		type |= NLA_F_NESTED;
		break;
	case 4:		/* twice */
		gen_raw(g, type, tmp, n);
		break;
	case 5:		/* not at all */
		return;
	case 6:		/* random bytes */
		for (i = 0; i < n; i++)
			tmp[i] = (uint8_t)rnd(g->r);
		break;
	default:	/* byte order flag */
		type |= NLA_F_NET_BYTEORDER;
		break;
	}
	gen_raw(g, type, tmp, n);
}

static void gen_u8(struct gen *g, uint16_t t, uint8_t v)
{
	gen_attr(g, t, &v, 1);
}

static void gen_u16(struct gen *g, uint16_t t, uint16_t v)
{
	gen_attr(g, t, &v, 2);
}

static void gen_u32(struct gen *g, uint16_t t, uint32_t v)
{
	gen_attr(g, t, &v, 4);
}

static size_t gen_nest(struct gen *g, uint16_t type)
{
	size_t at = g->len;

	if (g->pmut && chance(g->r, g->pmut / 2 + 1)) {
		g->muts++;
		if (chance(g->r, 50))
			type = gen_bad_type(g);
		else
			type &= ~NLA_F_NESTED;	/* nested, unflagged */
		gen_raw(g, type, NULL, 0);
		return at;
	}
	gen_raw(g, type | NLA_F_NESTED, NULL, 0);
	return at;
}

static void gen_nest_end(struct gen *g, size_t at)
{
	struct nlattr *a = (void *)(g->p + at);
	size_t len = g->len - at;

	if (len > 0xffff)
		len = 0xffff;	/* a lie, and a rejection */
	a->nla_len = (uint16_t)len;
	if (g->pmut && chance(g->r, g->pmut / 4 + 1)) {
		g->muts++;
		/* The nest's length lies: it ends early, or inside a child. */
		a->nla_len = sizeof(*a) + below(g->r, (uint32_t)len);
	}
}

/* ---------------------------------------------------------------------- */
/* The baseline configuration, and the pools requests draw from. */

struct btgt {
	uint32_t mark, mask, weight;
	uint8_t addr[16], alen;
	uint16_t port;		/* 0: a path */
};

struct bsvc {
	uint8_t family, alen, plen, proto, mode, sched;
	uint8_t addr[16];
	uint16_t port;
	const char *iif;
	uint32_t flowlet;
	bool nat;
	uint8_t fwd;		/* 255: none given */
	unsigned int n;
	struct btgt t[3];
};

static struct bsvc base[8];
static unsigned int n_base;
static struct btgt tpool[12];
static unsigned int n_tpool;

static void addr_of(const char *s, uint8_t *a, uint8_t *alen)
{
	if (inet_pton(AF_INET, s, a) == 1) {
		*alen = 4;
		return;
	}
	if (inet_pton(AF_INET6, s, a) != 1)
		die("bad address %s", s);
	*alen = 16;
}

static struct bsvc *base_add(uint8_t family, const char *addr, uint8_t plen,
			     uint8_t proto, uint16_t port, const char *iif,
			     int mode, int sched, uint32_t flowlet, bool nat)
{
	struct bsvc *b = &base[n_base++];

	memset(b, 0, sizeof(*b));
	b->family = family;
	if (addr)
		addr_of(addr, b->addr, &b->alen);
	b->plen = plen;
	b->proto = proto;
	b->port = port;
	b->iif = iif;
	b->mode = (uint8_t)mode;	/* 255: none given */
	b->sched = (uint8_t)sched;
	b->flowlet = flowlet;
	b->nat = nat;
	b->fwd = 255;
	return b;
}

static void base_path(struct bsvc *b, uint32_t mark, uint32_t mask,
		      uint32_t weight)
{
	struct btgt *t = &b->t[b->n++];

	t->mark = mark;
	t->mask = mask;
	t->weight = weight;
	tpool[n_tpool++] = *t;
}

static void base_backend(struct bsvc *b, const char *addr, uint16_t port,
			 uint32_t weight)
{
	struct btgt *t = &b->t[b->n++];

	addr_of(addr, t->addr, &t->alen);
	t->port = port;
	t->weight = weight;
	tpool[n_tpool++] = *t;
}

static bool has_nat_flag;	/* the kernel knows LB_SVC_A_NAT */

static void base_init(void)
{
	struct bsvc *b;

	b = base_add(0, NULL, 0, 0, 0, NULL, LB_MODE_PACKET, 255, 0, false);
	base_path(b, 0, ~0U, 1);
	base_path(b, 3, ~0U, 1);
	b = base_add(AF_INET, "10.77.0.0", 16, 0, 0, NULL, LB_MODE_FLOW,
		     LB_SCHED_WRR, 0, false);
	base_path(b, 0x10, 0xf0, 1);
	base_path(b, 0x20, 0xf0, 3);
	b = base_add(AF_INET6, "fd00:77::", 64, IPPROTO_UDP, 53, NULL,
		     LB_MODE_FLOWLET, LB_SCHED_WLC, 500, false);
	base_path(b, 5, ~0U, 2);
	b = base_add(AF_INET, "10.77.1.1", 32, IPPROTO_TCP, 80, NULL, 255, 255,
		     0, false);
	base_backend(b, "10.78.0.1", 8080, 1);
	base_backend(b, "10.78.0.2", 8080, 2);
	b = base_add(AF_INET6, "fd00:77::1", 128, IPPROTO_UDP, 53, NULL, 255,
		     LB_SCHED_MAGLEV, 0, false);
	base_backend(b, "fd00:78::1", 53, 1);
	base_backend(b, "fd00:78::2", 53, 0);
	b = base_add(AF_INET, "10.77.2.0", 24, IPPROTO_TCP, 0, "lo",
		     LB_MODE_FLOW, 255, 0, false);
	base_path(b, 7, ~0U, 1);
	if (has_nat_flag)
		base_add(AF_INET, "10.77.1.2", 32, IPPROTO_UDP, 53, NULL, 255,
			 255, 0, true);
}

/* A service's match, as LB_A_SVC names it. */
static void gen_match(struct gen *g, const struct bsvc *b)
{
	gen_u8(g, LB_SVC_A_FAMILY, b->family);
	if (b->alen) {
		gen_attr(g, LB_SVC_A_DADDR, b->addr, b->alen);
		gen_u8(g, LB_SVC_A_DPLEN, b->plen);
	}
	if (b->proto)
		gen_u8(g, LB_SVC_A_PROTO, b->proto);
	if (b->port)
		gen_u16(g, LB_SVC_A_DPORT, b->port);
	if (b->iif)
		gen_attr(g, LB_SVC_A_IIFNAME, b->iif, strlen(b->iif) + 1);
}

static void gen_options(struct gen *g, const struct bsvc *b)
{
	if (b->mode != 255)
		gen_u8(g, LB_SVC_A_MODE, b->mode);
	if (b->sched != 255)
		gen_u8(g, LB_SVC_A_SCHED, b->sched);
	if (b->flowlet)
		gen_u32(g, LB_SVC_A_FLOWLET_US, b->flowlet);
	if (b->nat)
		gen_raw(g, LB_SVC_A_NAT, NULL, 0);
	if (b->fwd != 255)
		gen_u8(g, LB_SVC_A_FWD, b->fwd);
}

static void gen_target(struct gen *g, const struct btgt *t)
{
	if (t->port) {
		gen_attr(g, LB_TGT_A_ADDR, t->addr, t->alen);
		gen_u16(g, LB_TGT_A_PORT, t->port);
	} else {
		gen_u32(g, LB_TGT_A_MARK, t->mark);
		/* A mask, none (the default), the flag for it, or both. */
		if (t->mask != ~0U || chance(g->r, 30))
			gen_u32(g, LB_TGT_A_MASK, t->mask);
		if (chance(g->r, 20))
			gen_raw(g, LB_TGT_A_MASK_AUTO, NULL, 0);
	}
	gen_u32(g, LB_TGT_A_WEIGHT, t->weight);
}

/* Values around the limits. */
static uint32_t v_weight(struct rng *r)
{
	static const uint32_t w[] = { 0, 1, 2, 3, 100, 65535, 65536, 70000,
				      0x7fffffff, 0xffffffff };

	return chance(r, 70) ? below(r, 5) : PICK(r, w);
}

static uint32_t v_flowlet(struct rng *r)
{
	static const uint32_t f[] = { 0, 1, 9, 10, 11, 1000, 9999999,
				      10000000, 10000001, 0xffffffff };

	return PICK(r, f);
}

static uint8_t v_plen(struct rng *r, uint8_t family)
{
	static const uint8_t p[] = { 0, 1, 8, 16, 24, 31, 32, 33, 64, 127, 128,
				     129, 200, 255 };

	if (chance(r, 60))
		return family == AF_INET6 ? 128 : 32;
	return PICK(r, p);
}

/* A random service: mostly a baseline one, or one like them. */
static struct bsvc v_svc(struct rng *r)
{
	static const uint8_t fam[] = { 0, AF_INET, AF_INET, AF_INET6, AF_INET6,
				       1, 3, 99, 255 };
	static const uint8_t proto[] = { 0, 6, 17, 1, 58, 132, 136, 33, 47, 255 };
	static const uint16_t port[] = { 0, 0, 53, 80, 443, 8080, 65535, 1 };
	static const char * const iif[] = { "lo", "eth0", "lb-client", "",
					    "abcdefghijklmno" };
	struct bsvc b;

	if (chance(r, 55))
		return base[below(r, n_base)];
	memset(&b, 0, sizeof(b));
	b.family = PICK(r, fam);
	if (b.family && chance(r, 80)) {
		b.alen = b.family == AF_INET6 ? 16 : 4;
		if (chance(r, 10))
			b.alen = (uint8_t)below(r, 18);
		b.addr[0] = b.alen == 16 ? 0xfd : 10;
		b.addr[1] = 0x77;
		if (chance(r, 50))
			b.addr[b.alen ? b.alen - 1 : 0] = (uint8_t)below(r, 4);
		b.plen = v_plen(r, b.family);
	}
	if (chance(r, 50))
		b.proto = PICK(r, proto);
	if (chance(r, 40))
		b.port = PICK(r, port);
	if (chance(r, 10))
		b.iif = PICK(r, iif);
	b.mode = chance(r, 50) ? 255 : (uint8_t)below(r, 5);
	b.sched = chance(r, 50) ? 255 : (uint8_t)below(r, 5);
	b.flowlet = chance(r, 20) ? v_flowlet(r) : 0;
	b.nat = has_nat_flag && chance(r, 10);
	/* Every method, and one past the last. */
	b.fwd = chance(r, 15) ? (uint8_t)below(r, LB_FWD_MAX + 2) : 255;
	return b;
}

static struct btgt v_tgt(struct rng *r)
{
	static const uint32_t mark[] = { 0, 3, 5, 7, 0x10, 0x20, 0x30, 1,
					 0xffffffff, 0x80000000 };
	static const uint32_t mask[] = { 0xffffffff, 0xf0, 0x0f, 0, 0xff00,
					 0x80000000 };
	static const uint16_t port[] = { 53, 8080, 80, 1, 65535, 0 };
	struct btgt t;

	if (n_tpool && chance(r, 50)) {
		t = tpool[below(r, n_tpool)];
		if (chance(r, 30))
			t.weight = v_weight(r);
		return t;
	}
	memset(&t, 0, sizeof(t));
	t.weight = v_weight(r);
	if (chance(r, 60)) {
		t.mark = PICK(r, mark);
		t.mask = chance(r, 70) ? 0xffffffff : PICK(r, mask);
		return t;
	}
	t.port = PICK(r, port);
	if (!t.port)
		t.port = 1 + below(r, 65535);
	if (chance(r, 50)) {
		t.alen = 4;
		t.addr[0] = 10;
		t.addr[1] = 78;
		t.addr[3] = 1 + below(r, 3);
	} else {
		t.alen = 16;
		t.addr[0] = 0xfd;
		t.addr[2] = 0x78;
		t.addr[15] = 1 + below(r, 3);
	}
	if (chance(r, 5))
		t.alen = (uint8_t)below(r, 18);
	return t;
}

/* LB_A_SVC naming a service, with options for NEW and SET. */
static void gen_svc(struct gen *g, const struct bsvc *b, bool options)
{
	size_t at = gen_nest(g, LB_A_SVC);

	if (!chance(g->r, 5))
		gen_match(g, b);
	if (options)
		gen_options(g, b);
	if (chance(g->r, 3))
		gen_u32(g, gen_bad_type(g), (uint32_t)rnd(g->r));
	if (chance(g->r, 2)) {	/* reply-only, or restore-only */
		size_t n = gen_nest(g, chance(g->r, 50) ? LB_SVC_A_STATS :
					LB_SVC_A_TARGETS);
		gen_nest_end(g, n);
	}
	gen_nest_end(g, at);
}

static const uint16_t ro_tgt[] = { LB_TGT_A_STATS, LB_TGT_A_DOWN,
				   LB_TGT_A_IFNAME };

static void gen_tgt(struct gen *g, const struct btgt *t, bool by_id)
{
	size_t at = gen_nest(g, LB_A_TGT);

	if (by_id)
		gen_u32(g, LB_TGT_A_ID, chance(g->r, 80) ?
			1 + below(g->r, 24) : (uint32_t)rnd(g->r));
	if (!by_id || chance(g->r, 30))
		gen_target(g, t);
	if (chance(g->r, 3))
		gen_u32(g, gen_bad_type(g), (uint32_t)rnd(g->r));
	if (chance(g->r, 2))	/* reply-only: counters, reachability */
		gen_raw(g, PICK(g->r, ro_tgt), "lo", chance(g->r, 50) ? 3 : 0);
	gen_nest_end(g, at);
}

static void gen_weights(struct gen *g)
{
	unsigned int n = chance(g->r, 90) ? below(g->r, 5) :
			 250 + below(g->r, 400), i;
	size_t at = gen_nest(g, LB_A_WEIGHTS);

	for (i = 0; i < n && gen_room(g, 8); i++)
		gen_u32(g, LB_A_WEIGHT, v_weight(g->r));
	gen_nest_end(g, at);
}

/* A service of a restore, with @nt targets. */
static void gen_restore_svc(struct gen *g, const struct bsvc *b,
			    unsigned int nt)
{
	size_t svc = gen_nest(g, LB_A_SVC), tg, ta;
	unsigned int k;

	gen_match(g, b);
	gen_options(g, b);
	if (nt || chance(g->r, 30)) {
		tg = gen_nest(g, LB_SVC_A_TARGETS);
		for (k = 0; k < nt && gen_room(g, 64); k++) {
			struct btgt t = k < b->n && chance(g->r, 80) ?
					b->t[k] : v_tgt(g->r);

			if (nt > 100) {		/* many: distinct paths */
				t.port = 0;
				t.mark = k;
				t.mask = ~0U;
			}
			ta = gen_nest(g, LB_A_TGT);
			gen_target(g, &t);
			if (chance(g->r, 2))
				gen_u32(g, LB_TGT_A_ID, k);
			gen_nest_end(g, ta);
		}
		gen_nest_end(g, tg);
	}
	gen_nest_end(g, svc);
}

/*
 * A whole configuration: a few services with targets; now and then
 * about LB_SERVICES_MAX services, or LB_TARGETS_MAX targets in one.
 */
static void gen_restore(struct gen *g, bool small)
{
	unsigned int nsvcs = 1 + (chance(g->r, 20) ? below(g->r, 3) : 0), i, j,
		     n, total = 0;
	bool many = !small && chance(g->r, 1);
	size_t svcs;

	if (many) {
		/* Just below, at and above the limit, 1000 to a nest. */
		total = LB_SERVICES_MAX - 2 + below(g->r, 5);
		for (i = 0; i < total; i += 1000) {
			svcs = gen_nest(g, LB_A_SVCS);
			for (j = i; j < total && j < i + 1000; j++) {
				struct bsvc b = base[1];
				size_t svc = gen_nest(g, LB_A_SVC);

				b.addr[2] = (uint8_t)(j >> 8);
				b.addr[3] = (uint8_t)j;
				b.plen = 32;
				gen_u8(g, LB_SVC_A_FAMILY, b.family);
				gen_attr(g, LB_SVC_A_DADDR, b.addr, 4);
				gen_nest_end(g, svc);
			}
			gen_nest_end(g, svcs);
		}
		return;
	}
	for (i = 0; i < nsvcs; i++) {
		svcs = gen_nest(g, LB_A_SVCS);
		n = below(g->r, 6);
		for (j = 0; j < n && gen_room(g, 512); j++) {
			struct bsvc b = j < n_base && chance(g->r, 70) ?
					base[j] : v_svc(g->r);

			gen_restore_svc(g, &b, small || chance(g->r, 98) ?
					(chance(g->r, 70) ? b.n :
					 below(g->r, 4)) :
					LB_TARGETS_MAX - 2 + below(g->r, 5));
		}
		gen_nest_end(g, svcs);
	}
}

/* Which commands exist, and what the core does with a request to @cmd. */
static bool cmd_known(uint8_t cmd, bool dump)
{
	return op_flags[cmd] & (dump ? GENL_CMD_CAP_DUMP : GENL_CMD_CAP_DO);
}

static bool cmd_write(uint8_t cmd)
{
	return op_flags[cmd] & (GENL_ADMIN_PERM | GENL_UNS_ADMIN_PERM);
}

struct req {
	uint8_t cmd;
	bool dump;
	bool core;	/* the genetlink core refuses it before lb sees it */
	bool write;	/* needs CAP_NET_ADMIN */
	size_t len;
};

/*
 * One request.  @race: aimed at a few services and targets, mostly
 * valid, for the racing threads.
 */
static void gen_request(struct gen *g, struct req *q, bool race)
{
	static const uint8_t cmds[] = {
		LB_CMD_SVC_GET, LB_CMD_SVC_NEW, LB_CMD_SVC_NEW, LB_CMD_SVC_DEL,
		LB_CMD_SVC_SET, LB_CMD_SVC_SET, LB_CMD_TGT_NEW, LB_CMD_TGT_NEW,
		LB_CMD_TGT_DEL, LB_CMD_TGT_SET, LB_CMD_TGT_SET, LB_CMD_FLOW_GET,
		LB_CMD_FLOW_FLUSH, LB_CMD_INFO_GET, LB_CMD_RESTORE,
		LB_CMD_RESTORE, LB_CMD_STATS_RESET,
	};
	struct rng *r = g->r;
	struct nlmsghdr *nlh;
	struct bsvc b;
	struct btgt t;

	g->muts = 0;
	g->pmut = race ? (chance(r, 85) ? 0 : 10) :
		  chance(r, 35) ? 0 : 2 + below(r, 25);
	q->cmd = chance(r, 97) ? PICK(r, cmds) : (uint8_t)rnd(r);
	q->dump = q->cmd == LB_CMD_FLOW_GET ? chance(r, 95) :
		  q->cmd == LB_CMD_SVC_GET ? chance(r, 50) : chance(r, 2);
	nlh = gen_start(g, q->cmd, q->dump);
	b = v_svc(r);
	if (race) {
		b = base[below(r, n_base < 3 ? n_base : 3)];
		if (chance(r, 30))
			b.mode = (uint8_t)below(r, 3);
	}
	t = v_tgt(r);

	switch (q->cmd) {
	case LB_CMD_SVC_GET:
	case LB_CMD_SVC_DEL:
		if (chance(r, 85))
			gen_svc(g, &b, false);
		break;
	case LB_CMD_SVC_NEW:
		if (chance(r, 95))
			gen_svc(g, &b, true);
		break;
	case LB_CMD_SVC_SET:
		if (chance(r, 90))
			gen_svc(g, &b, chance(r, 70));
		if (chance(r, 40))
			gen_weights(g);
		break;
	case LB_CMD_TGT_NEW:
	case LB_CMD_TGT_DEL:
	case LB_CMD_TGT_SET:
		if (chance(r, 90))
			gen_svc(g, &b, false);
		if (chance(r, 95))
			gen_tgt(g, &t, q->cmd != LB_CMD_TGT_NEW &&
				chance(r, 25));
		break;
	case LB_CMD_RESTORE:
		gen_restore(g, race);
		break;
	case LB_CMD_STATS_RESET:
		if (chance(r, 60))
			gen_svc(g, &b, false);
		break;
	default:
		break;
	}
	/* Whole-request damage. */
	if (!race && chance(r, 4))
		gen_u32(g, gen_bad_type(g), (uint32_t)rnd(r));
	if (!race && chance(r, 2)) {	/* top-level attributes lb refuses */
		static const uint16_t ro[] = { LB_A_WEIGHT, LB_A_FLOW,
					       LB_A_INFO, LB_A_PAD };
		gen_u32(g, PICK(r, ro), 1);
	}
	if (!race && chance(r, 3)) {	/* random bytes */
		unsigned int n = below(r, 200), i;

		for (i = 0; i < n && g->len < MSG_MAX; i++)
			g->p[g->len++] = (uint8_t)rnd(r);
		g->muts++;
	}
	if (!race && chance(r, 2)) {	/* bytes after the last attribute */
		unsigned int n = 1 + below(r, 3);

		while (n-- && g->len < MSG_MAX)
			g->p[g->len++] = (uint8_t)rnd(r);
		g->muts++;
	}
	nlh->nlmsg_len = (uint32_t)g->len;
	q->core = !cmd_known(q->cmd, q->dump);
	if (!race && chance(r, 1)) {	/* a genetlink header cut short */
		nlh->nlmsg_len = NLMSG_HDRLEN + below(r, GENL_HDRLEN);
		g->len = nlh->nlmsg_len;
		q->core = true;
	}
	q->write = cmd_write(q->cmd);
	q->len = g->len;
}

/* ---------------------------------------------------------------------- */
/* The configuration as a hash of its dump (services, targets; no counters). */

struct snap {
	uint64_t hash;
	unsigned int services, targets;
	uint32_t ids[4096];
	unsigned int n_ids;
	bool dup_id, too_many;
	/* services' match attributes, for deleting them */
	uint8_t (*names)[256];
	unsigned int name_len[LB_SERVICES_MAX];
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}

static void snap_tgt(struct snap *s, const struct nlattr *tgt)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, tgt) {
		uint16_t t = mnl_attr_get_type(a);

		/* Counters and reachability (health) are state, not setup. */
		if (t == LB_TGT_A_STATS || t == LB_TGT_A_PAD ||
		    t == LB_TGT_A_DOWN || t == LB_TGT_A_IFNAME)
			continue;
		if (t == LB_TGT_A_ID && mnl_attr_get_payload_len(a) == 4) {
			uint32_t id = mnl_attr_get_u32(a);
			unsigned int i;

			for (i = 0; i < s->n_ids; i++)
				s->dup_id |= s->ids[i] == id;
			if (s->n_ids < sizeof(s->ids) / sizeof(s->ids[0]))
				s->ids[s->n_ids++] = id;
		}
		s->hash = fnv(s->hash, a, a->nla_len);
	}
}

static void snap_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct snap *s = arg;
	const struct nlattr *svc, *a, *tg;

	mnl_attr_for_each(svc, nlh, GENL_HDRLEN) {
		uint8_t *name = NULL;
		unsigned int nlen = 0, n = 0;
		bool family = false;

		if (mnl_attr_get_type(svc) != LB_A_SVC)
			continue;
		if (s->names && s->services < LB_SERVICES_MAX)
			name = s->names[s->services];
		s->services++;
		mnl_attr_for_each_nested(a, svc) {
			uint16_t t = mnl_attr_get_type(a);

			if (t == LB_SVC_A_STATS || t == LB_SVC_A_PAD)
				continue;
			if (t == LB_SVC_A_TARGETS) {
				mnl_attr_for_each_nested(tg, a) {
					snap_tgt(s, tg);
					s->targets++;
					n++;
				}
				continue;
			}
			s->hash = fnv(s->hash, a, a->nla_len);
			if (name && t <= LB_SVC_A_IIFNAME &&
			    nlen + MNL_ALIGN(a->nla_len) <= 256) {
				memcpy(name + nlen, a, a->nla_len);
				nlen += MNL_ALIGN(a->nla_len);
				family |= t == LB_SVC_A_FAMILY;
			}
		}
		s->too_many |= n > LB_TARGETS_MAX;
		if (name && !family && nlen + 8 <= 256) {
			/* the catch-all: named by family 0 */
			struct nlattr *f = (void *)(name + nlen);

			f->nla_type = LB_SVC_A_FAMILY;
			f->nla_len = 5;
			memset(f + 1, 0, 4);
			nlen += 8;
		}
		if (name)
			s->name_len[s->services - 1] = nlen;
	}
}

static void snap_clear(struct snap *s)
{
	s->hash = 0xcbf29ce484222325ULL;
	s->services = s->targets = s->n_ids = 0;
	s->dup_id = s->too_many = false;
}

/* A dump request for the configuration at @p; returns its length. */
static size_t snap_request(uint8_t *p)
{
	struct gen g = { .p = p };

	gen_start(&g, LB_CMD_SVC_GET, true);
	((struct nlmsghdr *)p)->nlmsg_len = (uint32_t)g.len;
	return g.len;
}

static void snapshot(struct nl *nl, struct snap *s)
{
	uint8_t msg[64];
	struct reply r;

	snap_clear(s);
	nl_xact(nl, msg, snap_request(msg), &r, snap_msg, s);
	if (r.err)
		die("dumping the services failed: %s %s", strerror(r.err),
		    r.msg);
}

/* ---------------------------------------------------------------------- */
/* Setting the baseline configuration up again. */

static uint8_t *xbuf(void)
{
	uint8_t *p = malloc(MSG_MAX);

	if (!p)
		die("out of memory");
	return p;
}

static void must(struct nl *nl, struct gen *g, const char *what)
{
	struct reply r;

	((struct nlmsghdr *)g->p)->nlmsg_len = (uint32_t)g->len;
	nl_xact(nl, g->p, g->len, &r, NULL, NULL);
	if (r.err)
		die("setting up the baseline: %s: %s (%s)", what,
		    strerror(r.err), r.msg);
}

static void reset(struct nl *nl, struct snap *s)
{
	struct rng r0 = { 0 };
	struct gen g = { .r = &r0, .p = xbuf() };
	unsigned int i, j;
	size_t at;

	snapshot(nl, s);
	if (s->services > 64 && cmd_known(LB_CMD_RESTORE, false)) {
		/* Thousands of deletes cost minutes in a VM: one restore. */
		gen_start(&g, LB_CMD_RESTORE, false);
		gen_nest_end(&g, gen_nest(&g, LB_A_SVCS));
		must(nl, &g, "restore no service");
		s->services = 0;
	}
	for (i = 0; i < s->services && i < LB_SERVICES_MAX; i++) {
		gen_start(&g, LB_CMD_SVC_DEL, false);
		at = gen_nest(&g, LB_A_SVC);
		memcpy(g.p + g.len, s->names[i], s->name_len[i]);
		g.len += s->name_len[i];
		gen_nest_end(&g, at);
		must(nl, &g, "delete a service");
	}
	for (i = 0; i < n_base; i++) {
		gen_start(&g, LB_CMD_SVC_NEW, false);
		at = gen_nest(&g, LB_A_SVC);
		gen_match(&g, &base[i]);
		gen_options(&g, &base[i]);
		gen_nest_end(&g, at);
		must(nl, &g, "add a service");
		for (j = 0; j < base[i].n; j++) {
			gen_start(&g, LB_CMD_TGT_NEW, false);
			at = gen_nest(&g, LB_A_SVC);
			gen_match(&g, &base[i]);
			gen_nest_end(&g, at);
			at = gen_nest(&g, LB_A_TGT);
			gen_target(&g, &base[i].t[j]);
			gen_nest_end(&g, at);
			must(nl, &g, "add a target");
		}
	}
	free(g.p);
}

/* ---------------------------------------------------------------------- */
/* The family: its id, and which commands it has. */

static int ctrl_attr(const struct nlattr *a, void *data)
{
	const struct nlattr *op, *x;

	(void)data;
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
		family_id = mnl_attr_get_u16(a);
	if (mnl_attr_get_type(a) != CTRL_ATTR_OPS)
		return MNL_CB_OK;
	mnl_attr_for_each_nested(op, a) {
		uint32_t id = 0, flags = 0;

		mnl_attr_for_each_nested(x, op) {
			if (mnl_attr_get_type(x) == CTRL_ATTR_OP_ID)
				id = mnl_attr_get_u32(x);
			if (mnl_attr_get_type(x) == CTRL_ATTR_OP_FLAGS)
				flags = mnl_attr_get_u32(x);
		}
		if (id < CMDS)
			op_flags[id] = flags;
	}
	return MNL_CB_OK;
}

static void ctrl_msg(const struct nlmsghdr *nlh, void *arg)
{
	(void)arg;
	mnl_attr_parse(nlh, GENL_HDRLEN, ctrl_attr, NULL);
}

static void resolve(struct nl *nl)
{
	uint8_t buf[128];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *gh;
	struct reply r;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
	gh->cmd = CTRL_CMD_GETFAMILY;
	gh->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, LB_GENL_NAME);
	nl_xact(nl, buf, nlh->nlmsg_len, &r, ctrl_msg, NULL);
	if (r.err || !family_id)
		die("no generic netlink family '%s' (is lb loaded?): %s",
		    LB_GENL_NAME, strerror(r.err));
}

/* ---------------------------------------------------------------------- */
/* Counting what happened. */

struct tally {
	uint64_t sent, unsent, accepted, rejected, core, no_extack, changed,
		 seen_changes,
		 eperm_bad, dumps, muts, writes_accepted;
	uint64_t errnos[256];
};

static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;

static void report_bad(const char *what, const struct req *q,
		       const struct reply *r, const uint8_t *p, uint64_t i)
{
	size_t k;

	pthread_mutex_lock(&print_lock);
	fprintf(stderr, "nlfuzz: request %" PRIu64 ": %s: cmd %u%s, %s%s%s\n",
		i, what, q->cmd, q->dump ? " (dump)" : "",
		r->err ? strerror(r->err) : "accepted",
		r->has_msg ? ": " : "", r->msg);
	fprintf(stderr, "nlfuzz:   %zu bytes:", q->len);
	for (k = 0; k < q->len && k < 96; k++)
		fprintf(stderr, " %02x", p[k]);
	fprintf(stderr, "%s\n", q->len > 96 ? " ..." : "");
	pthread_mutex_unlock(&print_lock);
}

/* The checks every request gets, whoever sends it. */
static void account(struct tally *t, const struct req *q,
		    const struct reply *r, const uint8_t *p, bool eperm)
{
	if (r->unsent) {
		t->unsent++;
		return;
	}
	t->sent++;
	t->dumps += q->dump;
	if (!r->err) {
		t->accepted++;
		t->writes_accepted += q->write;
		if (eperm && q->write && !q->core) {
			t->eperm_bad++;
			report_bad("a write accepted without CAP_NET_ADMIN", q,
				   r, p, t->sent);
		}
		return;
	}
	t->rejected++;
	t->errnos[r->err & 255]++;
	if (q->core) {
		t->core++;
		return;
	}
	if (eperm && q->write) {
		if (r->err != EPERM) {
			t->eperm_bad++;
			report_bad("a write refused, but not for permission",
				   q, r, p, t->sent);
		}
		t->core++;	/* refused by the core's permission check */
		return;
	}
	if (!r->has_msg) {
		if (t->no_extack++ < 10)
			report_bad("refused without an extack message", q, r,
				   p, t->sent);
	}
}

/* ---------------------------------------------------------------------- */
/* The racing threads. */

struct racer {
	pthread_t th;
	struct rng r;
	unsigned long count;
	bool eperm;
	struct tally t;
};

static void *race_main(void *arg)
{
	struct racer *x = arg;
	struct gen g = { .r = &x->r, .p = xbuf() };
	struct nl *nl = calloc(1, sizeof(*nl));
	struct reply r;
	struct req q;
	unsigned long i;

	if (!nl)
		die("out of memory");
	nl_open(nl, RX_MAX);
	for (i = 0; i < x->count; i++) {
		gen_request(&g, &q, true);
		nl_xact(nl, g.p, q.len, &r, NULL, NULL);
		account(&x->t, &q, &r, g.p, x->eperm);
	}
	mnl_socket_close(nl->s);
	free(nl);
	free(g.p);
	return NULL;
}

static void tally_add(struct tally *a, const struct tally *b)
{
	unsigned int i;

	a->sent += b->sent;
	a->unsent += b->unsent;
	a->accepted += b->accepted;
	a->rejected += b->rejected;
	a->core += b->core;
	a->no_extack += b->no_extack;
	a->changed += b->changed;
	a->seen_changes += b->seen_changes;
	a->eperm_bad += b->eperm_bad;
	a->dumps += b->dumps;
	a->muts += b->muts;
	a->writes_accepted += b->writes_accepted;
	for (i = 0; i < 256; i++)
		a->errnos[i] += b->errnos[i];
}

static uint32_t info_services(struct nl *nl);

/* ---------------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void info_msg(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *a, *x;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) != LB_A_INFO)
			continue;
		mnl_attr_for_each_nested(x, a)
			if (mnl_attr_get_type(x) == LB_INFO_A_SERVICES)
				*(uint32_t *)arg = mnl_attr_get_u32(x);
	}
}

static uint32_t info_services(struct nl *nl)
{
	uint8_t msg[64];
	struct gen g = { .p = msg };
	struct reply r;
	uint32_t n = UINT32_MAX;

	gen_start(&g, LB_CMD_INFO_GET, false);
	((struct nlmsghdr *)msg)->nlmsg_len = (uint32_t)g.len;
	nl_xact(nl, msg, g.len, &r, info_msg, &n);
	if (r.err)
		die("LB_CMD_INFO_GET failed: %s", strerror(r.err));
	return n;
}

/*
 * Does the kernel take LB_SVC_A_NAT?  Ask with a read (allowed to anyone)
 * that lb must refuse either way: for an unknown attribute, or for the
 * family 99 after it.
 */
static void probe_nat(struct nl *nl)
{
	uint8_t msg[128];
	struct gen g = { .p = msg };
	struct reply r;
	size_t at;

	gen_start(&g, LB_CMD_SVC_GET, false);
	at = gen_nest(&g, LB_A_SVC);
	gen_raw(&g, LB_SVC_A_NAT, NULL, 0);
	gen_u8(&g, LB_SVC_A_FAMILY, 99);
	gen_nest_end(&g, at);
	((struct nlmsghdr *)msg)->nlmsg_len = (uint32_t)g.len;
	nl_xact(nl, msg, g.len, &r, NULL, NULL);
	/* Either way a refusal with a message: else the check is blind. */
	if (!r.err || !r.has_msg)
		die("a request lb must refuse came back %s: cannot check extack messages",
		    r.err ? "without a message" : "accepted");
	has_nat_flag = !strstr(r.msg, "nknown");
}

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout,
		"usage: nlfuzz [--seed N] [--count N] [--jobs N] [--race N] [--threads N]\n"
		"              [--reset N] [--expect-eperm] [-v]\n");
	exit(rc);
}

/*
 * The one-by-one part of one job, in the namespace it is in: @count
 * requests from @seed, each followed by a dump of the configuration.
 */
static void one_by_one(uint64_t seed, unsigned long count,
		       unsigned long every, bool eperm, struct tally *t)
{
	struct rng r = { seed };
	struct gen g = { .r = &r, .p = xbuf() };
	struct nl *nl = calloc(1, sizeof(*nl)), *ns = calloc(1, sizeof(*ns));
	struct snap *s = calloc(1, sizeof(*s));
	unsigned long i;

	if (!nl || !ns || !s || !(s->names = calloc(LB_SERVICES_MAX, 256)))
		die("out of memory");
	nl_open(nl, RX_MAX);
	nl_open(ns, SNAP_RX);
	if (!eperm)
		reset(nl, s);
	snapshot(ns, s);
	for (i = 0; i < count; i++) {
		uint64_t before = s->hash;
		struct reply rep;
		struct req q;

		if (!eperm && i && (!(i % every) || s->services > 64)) {
			reset(nl, s);
			snapshot(ns, s);
			before = s->hash;
		}
		gen_request(&g, &q, false);
		t->muts += g.muts;
		nl_xact(nl, g.p, q.len, &rep, NULL, NULL);
		account(t, &q, &rep, g.p, eperm);
		snapshot(ns, s);
		if (!rep.err && s->hash != before)
			t->seen_changes++;
		if ((rep.err || eperm) && s->hash != before &&
		    t->changed++ < 10)
			report_bad(rep.err ?
				   "a rejected request changed the configuration" :
				   "the configuration changed without CAP_NET_ADMIN",
				   &q, &rep, g.p, i + 1);
		if (verbose && !(i % 10000))
			fprintf(stderr, "nlfuzz: %lu requests, %u services\n",
				i, s->services);
	}
	if (!eperm)
		reset(nl, s);
	mnl_socket_close(nl->s);
	mnl_socket_close(ns->s);
	free(s->names);
	free(s);
	free(nl);
	free(ns);
	free(g.p);
}

/* Job @k's seed: the jobs' sequences differ, each one replays. */
static uint64_t job_seed(uint64_t seed, unsigned int k)
{
	return k ? seed ^ (0x9e3779b97f4a7c15ULL * k) : seed;
}

/*
 * @jobs - 1 children run their share of the one-by-one requests in a
 * network namespace of their own each (root, or the owner of theirs): two
 * jobs keep two CPUs of a VM busy, and no job's dump sees another's
 * changes.  Without rights they stay in this namespace: nothing changes.
 */
static bool run_jobs(uint64_t seed, unsigned long count, unsigned int jobs,
		     unsigned long every, bool eperm, struct tally *t)
{
	int fds[64][2], st;
	pid_t pids[64];
	unsigned int k;
	bool bad = false;

	for (k = 1; k < jobs; k++) {
		if (pipe(fds[k]))
			die("pipe: %s", strerror(errno));
		fflush(NULL);
		pids[k] = fork();
		if (pids[k] < 0)
			die("fork: %s", strerror(errno));
		if (!pids[k]) {
			struct tally mine = { 0 };

			close(fds[k][0]);
			if (!eperm && unshare(CLONE_NEWNET))
				die("unshare(CLONE_NEWNET): %s",
				    strerror(errno));
			one_by_one(job_seed(seed, k), count / jobs, every,
				   eperm, &mine);
			if (write(fds[k][1], &mine, sizeof(mine)) !=
			    sizeof(mine))
				_exit(2);
			_exit(0);
		}
		close(fds[k][1]);
	}
	one_by_one(seed, count / jobs + count % jobs, every, eperm, t);
	for (k = 1; k < jobs; k++) {
		struct tally theirs;

		if (read(fds[k][0], &theirs, sizeof(theirs)) == sizeof(theirs))
			tally_add(t, &theirs);
		else
			bad = true;
		close(fds[k][0]);
		if (waitpid(pids[k], &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st)) {
			fprintf(stderr, "nlfuzz: job %u failed\n", k);
			bad = true;
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "race", required_argument, NULL, 'r' },
		{ "threads", required_argument, NULL, 't' },
		{ "reset", required_argument, NULL, 'R' },
		{ "expect-eperm", no_argument, NULL, 'e' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	unsigned long count = 100000, race = 20000, threads = 4, every = 1000;
	unsigned long jobs = 1, i;
	struct tally t = { 0 }, rt = { 0 };
	struct racer *rs;
	struct snap *s;
	uint64_t seed = 0;
	struct nl *nl;
	bool eperm = false, bad;
	double t0, t1, t2;
	int c;

	while ((c = getopt_long(argc, argv, "s:n:j:r:t:R:evh", opts,
				NULL)) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': count = strtoul(optarg, NULL, 0); break;
		case 'j': jobs = strtoul(optarg, NULL, 0); break;
		case 'r': race = strtoul(optarg, NULL, 0); break;
		case 't': threads = strtoul(optarg, NULL, 0); break;
		case 'R': every = strtoul(optarg, NULL, 0); break;
		case 'e': eperm = true; break;
		case 'v': verbose = true; break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	if (optind != argc || !threads || threads > 64 || !every || !jobs ||
	    jobs > 64)
		usage(2);
	if (!seed) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_sec * 1000000007ULL ^ ts.tv_nsec ^
		       (uint64_t)getpid() << 32;
	}

	nl = calloc(1, sizeof(*nl));
	s = calloc(1, sizeof(*s));
	if (!nl || !s || !(s->names = calloc(LB_SERVICES_MAX, 256)))
		die("out of memory");
	nl_open(nl, RX_MAX);
	resolve(nl);
	probe_nat(nl);
	base_init();
	printf("nlfuzz: seed %" PRIu64 " (--seed %" PRIu64 " --jobs %lu replays it); %lu requests one by one in %lu job%s, %lu from %lu threads at once%s\n",
	       seed, seed, jobs, count, jobs, jobs > 1 ? "s" : "", race,
	       threads, eperm ? "; every write must be refused (EPERM)" : "");
	fflush(stdout);

	t0 = now_s();
	bad = run_jobs(seed, count, jobs, every, eperm, &t);
	t1 = now_s();

	if (!eperm)
		reset(nl, s);
	snapshot(nl, s);
	rs = calloc(threads, sizeof(*rs));
	if (!rs)
		die("out of memory");
	for (i = 0; i < threads; i++) {
		rs[i].r.s = seed ^ (0x1234567ULL * (i + 1));
		rs[i].count = race / threads + (i < race % threads);
		rs[i].eperm = eperm;
		if (pthread_create(&rs[i].th, NULL, race_main, &rs[i]))
			die("pthread_create failed");
	}
	for (i = 0; i < threads; i++) {
		pthread_join(rs[i].th, NULL);
		tally_add(&rt, &rs[i].t);
	}
	t2 = now_s();

	/* After the race: consistent, and (without rights) unchanged. */
	{
		uint64_t before = s->hash;
		uint32_t n;
		bool odd;

		snapshot(nl, s);
		n = info_services(nl);
		odd = n != s->services || s->dup_id || s->too_many;
		if (odd)
			fprintf(stderr, "nlfuzz: after the race: %u services dumped, %u counted, duplicate ids %d, a service with more than %d targets %d\n",
				s->services, n, s->dup_id, LB_TARGETS_MAX,
				s->too_many);
		if (eperm && s->hash != before) {
			rt.changed++;
			fprintf(stderr, "nlfuzz: the racing threads changed the configuration without CAP_NET_ADMIN\n");
		}
		if (!eperm)
			reset(nl, s);
		bad |= odd;
		printf("nlfuzz: after the race: %u services, configuration consistent: %s\n",
		       s->services, odd ? "NO" : "yes");
	}

	tally_add(&t, &rt);
	printf("nlfuzz: sent %" PRIu64 ", accepted %" PRIu64 " (writes %" PRIu64 "), rejected %" PRIu64 " (%" PRIu64 " by the genetlink core before lb: unknown command, no handler, permission, short header), %" PRIu64 " mutations\n",
	       t.sent, t.accepted, t.writes_accepted, t.rejected, t.core,
	       t.muts);
	printf("nlfuzz: rejections without extack %" PRIu64 ", configuration changed by a rejected request %" PRIu64 " (by an accepted one %" PRIu64 ")",
	       t.no_extack, t.changed, t.seen_changes);
	if (eperm)
		printf(", writes not refused with EPERM %" PRIu64, t.eperm_bad);
	printf("\nnlfuzz: errnos:");
	for (c = 1; c < 256; c++)
		if (t.errnos[c])
			printf(" %s %" PRIu64, strerrorname_np(c) ?: "?",
			       t.errnos[c]);
	printf("\nnlfuzz: %.1f s one by one (%lu jobs: %.0f us per request and its check dump), %.1f s racing (%lu threads)\n",
	       t1 - t0, jobs, count ? (t1 - t0) * 1e6 * jobs / count : 0.0,
	       t2 - t1, threads);
	bad |= t.no_extack || t.changed || t.eperm_bad;
	if (eperm && t.writes_accepted)
		bad = true;
	printf("nlfuzz: %s\n", bad ? "FAILED" : "ok");
	return bad ? 1 : 0;
}
