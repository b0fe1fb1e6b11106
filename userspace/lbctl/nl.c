// SPDX-License-Identifier: GPL-2.0
/*
 * Talking to the lb module: the generic netlink socket, the family, one
 * request at a time, its replies and its acknowledgment.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/lb.h>

#include "lbctl.h"
#include "nl.h"
#include "nlerr.h"

/* Requests are small: even 256 weights take 2 KiB (restore: nl_request_in). */
#define NL_TX_SIZE	8192
/*
 * Replies are at most 32 KiB (a dump splits a service too large for one
 * message); events up to about 33 KiB (a service's 256 targets, without
 * counters).
 */
#define NL_RX_SIZE	65536

struct nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;
	uint32_t events_group;		/* LB_MCGRP_EVENTS's id, 0: none */
	bool gone;			/* events: the family was removed */
	const struct nlmsghdr *req;	/* the request in flight */

	/* why the last nl_talk() failed */
	int err;
	char msg[256];			/* extack message */
	bool has_offs, has_miss, has_miss_nest;
	uint32_t offs, miss_type, miss_nest;

	char tx[NL_TX_SIZE] __attribute__((aligned(4)));
	char rx[NL_RX_SIZE] __attribute__((aligned(4)));
};

struct talk {
	struct nl *nl;
	mnl_cb_t cb;
	void *data;
};

static int extack_attr(const struct nlattr *attr, void *data)
{
	struct nl *nl = data;
	size_t n;

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_MSG:
		n = strnlen(mnl_attr_get_payload(attr),
			    mnl_attr_get_payload_len(attr));
		if (n >= sizeof(nl->msg))
			n = sizeof(nl->msg) - 1;
		memcpy(nl->msg, mnl_attr_get_payload(attr), n);
		nl->msg[n] = '\0';
		break;
	case NLMSGERR_ATTR_OFFS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0) {
			nl->offs = mnl_attr_get_u32(attr);
			nl->has_offs = true;
		}
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0) {
			nl->miss_type = mnl_attr_get_u32(attr);
			nl->has_miss = true;
		}
		break;
	case NLMSGERR_ATTR_MISS_NEST:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0) {
			nl->miss_nest = mnl_attr_get_u32(attr);
			nl->has_miss_nest = true;
		}
		break;
	}
	return MNL_CB_OK;
}

/* The TLVs start @off bytes into the payload of an error or done message. */
static void read_extack(struct nl *nl, const struct nlmsghdr *nlh,
			size_t off)
{
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    MNL_ALIGN(off) >= mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_parse(nlh, off, extack_attr, nl);
}

static int fail(struct nl *nl, int err)
{
	nl->err = err > 0 ? err : EPROTO;
	return MNL_CB_ERROR;
}

static int cb_error(const struct nlmsghdr *nlh, void *data)
{
	struct nl *nl = ((struct talk *)data)->nl;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return fail(nl, EBADMSG);
	if (!e->error)
		return MNL_CB_STOP;	/* the ack */
	/* Without NETLINK_CAP_ACK our request is echoed before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= sizeof(struct nlmsghdr))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	read_extack(nl, nlh, off);
	return fail(nl, -e->error);
}

/* A dump that failed ends with NLMSG_DONE carrying the error. */
static int cb_done(const struct nlmsghdr *nlh, void *data)
{
	struct nl *nl = ((struct talk *)data)->nl;
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(err))
		return MNL_CB_STOP;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err >= 0)
		return MNL_CB_STOP;
	read_extack(nl, nlh, sizeof(err));
	return fail(nl, -err);
}

static int cb_noop(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/* Not const: mnl_cb_run2() takes a plain pointer. */
static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP]	= cb_noop,
	[NLMSG_ERROR]	= cb_error,
	[NLMSG_DONE]	= cb_done,
	[NLMSG_OVERRUN]	= cb_noop,
};

static int cb_data(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	int ret;

	if (!t->cb)
		return MNL_CB_OK;
	errno = 0;
	ret = t->cb(nlh, t->data);
	if (ret == MNL_CB_ERROR)
		return fail(t->nl, errno ? errno : EBADMSG);
	return ret;
}

static void clear_error(struct nl *nl)
{
	nl->err = 0;
	nl->msg[0] = '\0';
	nl->has_offs = false;
	nl->has_miss = false;
	nl->has_miss_nest = false;
}

/*
 * The kernel refuses a message larger than the socket's send buffer.
 * SO_SNDBUFFORCE goes past net.core.wmem_max, with CAP_NET_ADMIN (which
 * a change needs anyway); SO_SNDBUF goes up to it.
 */
static void fit_sndbuf(struct nl *nl, uint32_t len)
{
	int fd = mnl_socket_get_fd(nl->sock);
	int want = len + 4096;

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want,
		       sizeof(want)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
}

int nl_talk(struct nl *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data)
{
	struct talk t = { .nl = nl, .cb = cb, .data = data };
	ssize_t n;
	int ret;

	clear_error(nl);
	req->nlmsg_seq = ++nl->seq;
	nl->req = req;
	if (req->nlmsg_len > NL_TX_SIZE)
		fit_sndbuf(nl, req->nlmsg_len);
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0) {
		nl->err = errno;
		return -nl->err;
	}
	do {
		n = mnl_socket_recvfrom(nl->sock, nl->rx, sizeof(nl->rx));
		if (n < 0) {
			nl->err = errno;
			return -nl->err;
		}
		errno = 0;
		ret = mnl_cb_run2(nl->rx, n, nl->seq, nl->portid, cb_data, &t,
				  ctl_cbs, NLMSG_MIN_TYPE);
	} while (ret > 0);
	if (ret < 0) {
		/* ours, or libmnl's own: ESRCH, EPROTO, EINTR (dump) */
		if (!nl->err)
			nl->err = errno ? errno : EPROTO;
		return -nl->err;
	}
	return 0;
}

int nl_write(struct nl *nl, struct nlmsghdr *req)
{
	req->nlmsg_flags |= NLM_F_ACK;
	if (nl_talk(nl, req, NULL, NULL) < 0) {
		nl_perror(nl);
		return EXIT_ERR;
	}
	return EXIT_OK;
}

/* error_msg(), after "@where: " if there is a @where. */
static void say(const char *where, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(const char *where, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (where)
		error_msg("%s: %s", where, msg);
	else
		error_msg("%s", msg);
}

bool nl_error_offset(const struct nl *nl, uint32_t *off)
{
	*off = nl->offs;
	return nl->has_offs;
}

void nl_perror(const struct nl *nl)
{
	nl_perror_at(nl, NULL);
}

void nl_perror_at(const struct nl *nl, const char *where)
{
	const char *what = NULL, *sys = strerror(nl->err);
	char buf[64], miss[80];

	if (nl->has_offs && nl->req)
		what = nlerr_attr_at(nl->req, nl->offs, buf, sizeof(buf));
	if (!what && nl->has_miss && nl->req) {
		what = nlerr_missing(nl->req, nl->has_miss_nest,
				     nl->miss_nest, nl->miss_type, buf,
				     sizeof(buf));
		if (what) {
			snprintf(miss, sizeof(miss), "missing %s", what);
			what = miss;
		}
	}

	/* The kernel's own words say what is wrong; its errno would not. */
	if (nl->msg[0] && what)
		say(where, "%s (%s)", nl->msg, what);
	else if (nl->msg[0])
		say(where, "%s", nl->msg);
	else if (nl->err == EPERM)
		say(where, "permission denied: needs CAP_NET_ADMIN");
	else if (what && nl->has_offs)
		say(where, "the lb module refused %s (%s)", what, sys);
	else if (what)
		say(where, "%s (%s)", what, sys);
	else if (nl->err == EOPNOTSUPP)
		say(where, "the lb module does not know this command; is it older than lbctl? (%s)",
		    sys);
	else if (nl->err == EINTR)
		say(where, "the configuration changed during the dump; try again");
	else if (nl->err == EBADMSG || nl->err == EPROTO)
		say(where, "unexpected reply from the lb module");
	else
		say(where, "%s", sys);
}

static struct nlmsghdr *put_request(void *buf, uint16_t type, uint8_t cmd,
				    uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

struct nlmsghdr *nl_request(struct nl *nl, uint8_t cmd, uint16_t flags)
{
	return nl_request_in(nl, nl->tx, cmd, flags);
}

struct nlmsghdr *nl_request_in(struct nl *nl, void *buf, uint8_t cmd,
			       uint16_t flags)
{
	return put_request(buf, nl->family, cmd, LB_GENL_VERSION, flags);
}

int nl_parse(const struct nlmsghdr *nlh, mnl_attr_cb_t cb, void *data)
{
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return MNL_CB_ERROR;
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), cb, data);
}

struct family {
	const char *name;
	const char *group_name;	/* the multicast group to find, or NULL */
	uint16_t id;
	uint32_t version;
	uint32_t group;		/* its id, 0 if none */
};

/* One of CTRL_ATTR_MCAST_GROUPS: its name and id. */
struct mcast_group {
	const char *name;
	uint32_t id;
};

static int mcast_group_attr(const struct nlattr *attr, void *data)
{
	struct mcast_group *g = data;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_MCAST_GRP_NAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_ERROR;
		g->name = mnl_attr_get_str(attr);
		break;
	case CTRL_ATTR_MCAST_GRP_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		g->id = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

static int mcast_groups_attr(const struct nlattr *attr, void *data)
{
	struct family *f = data;
	struct mcast_group g = { 0 };

	if (mnl_attr_parse_nested(attr, mcast_group_attr, &g) < 0)
		return MNL_CB_ERROR;
	if (g.name && f->group_name && !strcmp(g.name, f->group_name))
		f->group = g.id;
	return MNL_CB_OK;
}

static int family_attr(const struct nlattr *attr, void *data)
{
	struct family *f = data;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
			return MNL_CB_ERROR;
		f->id = mnl_attr_get_u16(attr);
		break;
	case CTRL_ATTR_VERSION:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		f->version = mnl_attr_get_u32(attr);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		return mnl_attr_parse_nested(attr, mcast_groups_attr, f);
	case CTRL_ATTR_FAMILY_NAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_ERROR;
		f->name = mnl_attr_get_str(attr);
		break;
	}
	return MNL_CB_OK;
}

static int family_reply(const struct nlmsghdr *nlh, void *data)
{
	return nl_parse(nlh, family_attr, data);
}

/* @f->name's id, version and group @f->group_name: 0, or -1 (nl->err). */
static int get_family(struct nl *nl, struct family *f)
{
	struct nlmsghdr *nlh;

	nlh = put_request(nl->tx, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
			  NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, f->name);
	return nl_talk(nl, nlh, family_reply, f) < 0 ? -1 : 0;
}

static int resolve_family(struct nl *nl)
{
	struct family f = { .name = LB_GENL_NAME,
			    .group_name = LB_MCGRP_EVENTS };

	if (get_family(nl, &f) < 0) {
		if (nl->err == ENOENT)
			error_msg("lb module not loaded (generic netlink family \"%s\" not found)",
				  LB_GENL_NAME);
		else
			nl_perror(nl);
		return -1;
	}
	if (!f.id) {
		error_msg("no id in the kernel's reply for generic netlink family \"%s\"",
			  LB_GENL_NAME);
		return -1;
	}
	/* Attributes are only appended; a new version means a new contract. */
	if (f.version != LB_GENL_VERSION)
		error_msg("warning: the lb module speaks netlink version %u, this lbctl version %u",
			  f.version, LB_GENL_VERSION);
	nl->family = f.id;
	nl->events_group = f.group;
	return 0;
}

static int open_socket(struct nl *nl)
{
	int one = 1;

	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock) {
		error_msg("cannot open a generic netlink socket: %s",
			  strerror(errno));
		return -1;
	}
	/* Explanations in acks, without our request echoed back. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		error_msg("cannot bind the netlink socket: %s",
			  strerror(errno));
		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return -1;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	return 0;
}

struct nl *nl_open(void)
{
	struct nl *nl = calloc(1, sizeof(*nl));

	if (!nl) {
		error_msg("%s", strerror(ENOMEM));
		return NULL;
	}
	nl->seq = time(NULL);
	if (open_socket(nl) < 0 || resolve_family(nl) < 0) {
		nl_close(nl);
		return NULL;
	}
	return nl;
}

int nl_reset(struct nl *nl)
{
	mnl_socket_close(nl->sock);
	nl->sock = NULL;
	return open_socket(nl);
}

void nl_close(struct nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl);
}

static int join(struct nl *nl, uint32_t group)
{
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0) {
		error_msg("cannot join netlink group %u: %s", group,
			  strerror(errno));
		return -1;
	}
	return 0;
}

int nl_join_events(struct nl *nl)
{
	struct family ctrl = { .name = "nlctrl", .group_name = "notify" };
	int fd = mnl_socket_get_fd(nl->sock);
	/* Room for bursts (a batch of changes) while the reader is slow. */
	int rcvbuf = 1 << 20;

	if (!nl->events_group) {
		error_msg("the lb module sends no events; is it older than lbctl?");
		return -1;
	}
	/* The controller's notices say when the module is unloaded. */
	if (get_family(nl, &ctrl) < 0) {
		nl_perror(nl);
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (join(nl, nl->events_group) < 0 ||
	    (ctrl.group && join(nl, ctrl.group) < 0))
		return -1;
	return 0;
}

struct events {
	struct nl *nl;
	mnl_cb_t cb;
	void *data;
};

/* Only the lb family's messages are events; anything else is skipped. */
static int cb_event(const struct nlmsghdr *nlh, void *data)
{
	struct events *ev = data;
	const struct genlmsghdr *gh = mnl_nlmsg_get_payload(nlh);
	struct family f = { 0 };

	if (nlh->nlmsg_type == ev->nl->family)
		return ev->cb(nlh, ev->data);
	if (nlh->nlmsg_type != GENL_ID_CTRL ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*gh) ||
	    gh->cmd != CTRL_CMD_DELFAMILY ||
	    nl_parse(nlh, family_attr, &f) < 0 || f.id != ev->nl->family)
		return MNL_CB_OK;
	ev->nl->gone = true;
	return MNL_CB_STOP;
}

int nl_read_events(struct nl *nl, mnl_cb_t cb, void *data)
{
	struct events ev = { .nl = nl, .cb = cb, .data = data };
	ssize_t n;
	int ret;

	n = recv(mnl_socket_get_fd(nl->sock), nl->rx, sizeof(nl->rx),
		 MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	/* Events have sequence number 0 and port id 0: no check. */
	errno = 0;
	ret = mnl_cb_run2(nl->rx, n, 0, 0, cb_event, &ev, NULL, 0);
	if (ret < 0)
		return -(errno ? errno : EPROTO);
	return nl->gone ? -ENODEV : 0;
}

int nl_fd(const struct nl *nl)
{
	return mnl_socket_get_fd(nl->sock);
}
