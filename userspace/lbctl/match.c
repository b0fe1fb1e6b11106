// SPDX-License-Identifier: GPL-2.0
/*
 * A service's match: which packets it balances.  It also names the
 * service in requests, as "vip PREFIX [from PREFIX] [proto P] [port N]
 * [iif IFNAME]" on the command line.
 */
#include <libmnl/libmnl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/lb.h>

#include "args.h"
#include "json.h"
#include "match.h"
#include "names.h"

/* What proto_parse() takes, but for numbers. */
#define PROTO_WORDS "tcp, udp, sctp, udplite, dccp, icmp, icmpv6, any"

void match_usage(FILE *f)
{
	fputs("  MATCH  := [from PREFIX] [proto PROTO] [port PORT] [iif IFNAME]\n"
	      "  PREFIX := any | ADDR[/PLEN][:PORT] | V6ADDR[/PLEN] | [V6ADDR[/PLEN]]:PORT\n"
	      "            any is IPv4 and IPv6; a PREFIX's :PORT is the same as port PORT\n"
	      "  PROTO  := tcp | udp | sctp | udplite | dccp | icmp | icmpv6 | any | 0-255\n"
	      "  PORT   := 1-65535, needs proto " PORT_PROTO_WORDS "\n",
	      f);
}

void sel_usage(FILE *f)
{
	fputs("  SEL    := vip PREFIX [MATCH]\n"
	      "            names a service by its whole match, as show prints it;\n"
	      "            without SEL a command acts on the namespace's only service\n",
	      f);
	match_usage(f);
}

void svc_usage(FILE *f)
{
	fputs("  SVC    := [vip] VIP:PORT [MATCH] | [vip] [V6VIP]:PORT [MATCH]\n"
	      "            a service with backends: one address, a port, proto tcp or\n"
	      "            udp; without proto, the only tcp or udp service that matches\n",
	      f);
	match_usage(f);
}

static void set_port(struct match *m, uint16_t port)
{
	if (m->seen_port && m->dport != port)
		usage_error("the port is given twice");
	m->seen_port = true;
	m->dport = port;
}

/* The kernel's dev_valid_name(), so a typo fails here, not there. */
static void check_ifname(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, "..") ||
	    strpbrk(s, "/: \t\n\v\f\r"))
		usage_error("iif: \"%s\" is not a valid interface name", s);
}

void match_set_vip(struct match *m, const char *s)
{
	struct prefix p;

	if (m->given)
		usage_error("\"vip\" given twice");
	prefix_parse("vip", s, &p);
	m->given = true;
	m->vip_family = p.family;
	m->daddr_len = addr_len(p.family);
	m->daddr = p.addr;
	m->dplen = p.plen;
	if (p.port)
		set_port(m, p.port);
}

bool match_parse_arg(struct args *a, struct match *m)
{
	const char *w = args_peek(a), *v;
	struct prefix p;
	int proto;

	if (is_word(w, "vip")) {
		args_next(a);
		match_set_vip(m, args_value(a, w));
	} else if (is_word(w, "from")) {
		args_next(a);
		if (m->seen_from)
			usage_error("\"from\" given twice");
		prefix_parse("from", args_value(a, w), &p);
		if (p.port)
			usage_error("from: a source prefix takes no port");
		m->seen_from = true;
		m->from_family = p.family;
		m->saddr_len = addr_len(p.family);
		m->saddr = p.addr;
		m->splen = p.plen;
	} else if (is_word(w, "proto")) {
		args_next(a);
		v = args_value(a, w);
		if (m->seen_proto)
			usage_error("\"proto\" given twice");
		proto = proto_parse(v);
		if (proto < 0)
			usage_error("proto must be " PROTO_WORDS " or 0-255, not \"%s\"",
				    v);
		m->seen_proto = true;
		m->proto = proto;
	} else if (is_word(w, "port")) {
		args_next(a);
		set_port(m, parse_u32("port", args_value(a, w), 1, 65535));
	} else if (is_word(w, "iif")) {
		args_next(a);
		v = args_value(a, w);
		if (m->seen_iif)
			usage_error("\"iif\" given twice");
		check_ifname(v);
		m->seen_iif = true;
		strcpy(m->iif, v);
	} else {
		return false;
	}
	return true;
}

/* @proto_later: a port without proto is fine, the proto is found later. */
static void finish(struct match *m, bool proto_later)
{
	if (!m->given) {
		if (m->seen_from || m->seen_proto || m->seen_port ||
		    m->seen_iif)
			usage_error("a service selector starts with vip PREFIX (or vip any)");
		return;
	}
	if (m->vip_family && m->from_family &&
	    m->vip_family != m->from_family)
		usage_error("vip and from must be of the same address family");
	m->family = m->vip_family ? m->vip_family : m->from_family;

	if (m->dport && !m->proto && !proto_later)
		usage_error("port needs proto (" PORT_PROTO_WORDS ")");
	if (m->dport && m->proto && !proto_has_ports(m->proto))
		usage_error("port needs proto " PORT_PROTO_WORDS);
	if (m->proto == IPPROTO_ICMP && m->family == AF_INET6)
		usage_error("proto icmp is IPv4 only; IPv6 has icmpv6");
	if (m->proto == IPPROTO_ICMPV6 && m->family == AF_INET)
		usage_error("proto icmpv6 is IPv6 only; IPv4 has icmp");
}

void match_finish(struct match *m)
{
	finish(m, false);
}

void match_finish_nat(struct match *m)
{
	char buf[ADDR_STRLEN];

	finish(m, true);
	if (!m->given)
		return;
	if (!m->daddr_len || m->dplen != addr_bits(m->family))
		usage_error("a service with backends has one address (VIP:PORT), not vip %s",
			    prefix_str(m->family, &m->daddr, m->dplen, buf,
				       sizeof(buf)));
	if (!m->dport)
		usage_error("a service with backends has a port (VIP:PORT)");
	if (m->proto && m->proto != IPPROTO_TCP && m->proto != IPPROTO_UDP)
		usage_error("a service with backends is proto tcp or udp");
}

bool match_is_nat(const struct match *m)
{
	return m->daddr_len && m->dplen == addr_bits(m->family) &&
	       (m->proto == IPPROTO_TCP || m->proto == IPPROTO_UDP) &&
	       m->dport;
}

/* Host bits are zero, so a prefix is its length and address bytes. */
static bool same_prefix(uint8_t family, const union lb_addr *a, uint8_t alen,
			const union lb_addr *b, uint8_t blen)
{
	return alen == blen &&
	       (!alen || !memcmp(a, b, addr_len(family)));
}

bool match_same_but_proto(const struct match *a, const struct match *b)
{
	return a->family == b->family &&
	       same_prefix(a->family, &a->daddr, a->dplen, &b->daddr,
			   b->dplen) &&
	       same_prefix(a->family, &a->saddr, a->splen, &b->saddr,
			   b->splen) &&
	       a->dport == b->dport && !strcmp(a->iif, b->iif);
}

bool match_equal(const struct match *a, const struct match *b)
{
	return match_same_but_proto(a, b) && a->proto == b->proto;
}

/*
 * FAMILY and DPLEN go out even for "any", so the kernel can tell a
 * selector (vip any: family 0, plen 0) from a request that names none.
 */
void match_put(struct nlmsghdr *nlh, const struct match *m)
{
	mnl_attr_put_u8(nlh, LB_SVC_A_FAMILY, m->family);
	if (m->daddr_len)
		mnl_attr_put(nlh, LB_SVC_A_DADDR, m->daddr_len, &m->daddr);
	mnl_attr_put_u8(nlh, LB_SVC_A_DPLEN, m->dplen);
	if (m->saddr_len) {
		mnl_attr_put(nlh, LB_SVC_A_SADDR, m->saddr_len, &m->saddr);
		mnl_attr_put_u8(nlh, LB_SVC_A_SPLEN, m->splen);
	}
	if (m->proto)
		mnl_attr_put_u8(nlh, LB_SVC_A_PROTO, m->proto);
	if (m->dport)
		mnl_attr_put_u16(nlh, LB_SVC_A_DPORT, m->dport);
	if (m->iif[0])
		mnl_attr_put_strz(nlh, LB_SVC_A_IIFNAME, m->iif);
}

void sel_put(struct nlmsghdr *nlh, const struct match *sel)
{
	struct nlattr *nest;

	if (!sel || !sel->given)
		return;
	nest = mnl_attr_nest_start(nlh, LB_A_SVC);
	match_put(nlh, sel);
	mnl_attr_nest_end(nlh, nest);
}

static int read_addr(const struct nlattr *attr, union lb_addr *addr,
		     uint8_t *len)
{
	uint16_t n = mnl_attr_get_payload_len(attr);

	if (n != 4 && n != 16)
		return -1;
	memcpy(addr, mnl_attr_get_payload(attr), n);
	*len = n;
	return 1;
}

static int read_u8(const struct nlattr *attr, uint8_t *v)
{
	if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
		return -1;
	*v = mnl_attr_get_u8(attr);
	return 1;
}

int match_read_attr(const struct nlattr *attr, struct match *m)
{
	uint16_t n;

	m->given = true;
	switch (mnl_attr_get_type(attr)) {
	case LB_SVC_A_FAMILY:
		return read_u8(attr, &m->family);
	case LB_SVC_A_DADDR:
		return read_addr(attr, &m->daddr, &m->daddr_len);
	case LB_SVC_A_DPLEN:
		return read_u8(attr, &m->dplen);
	case LB_SVC_A_SADDR:
		return read_addr(attr, &m->saddr, &m->saddr_len);
	case LB_SVC_A_SPLEN:
		return read_u8(attr, &m->splen);
	case LB_SVC_A_PROTO:
		return read_u8(attr, &m->proto);
	case LB_SVC_A_DPORT:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
			return -1;
		m->dport = mnl_attr_get_u16(attr);
		return 1;
	case LB_SVC_A_IIFNAME:
		n = strnlen(mnl_attr_get_payload(attr),
			    mnl_attr_get_payload_len(attr));
		if (n >= IFNAMSIZ)
			return -1;
		memcpy(m->iif, mnl_attr_get_payload(attr), n);
		m->iif[n] = '\0';
		return 1;
	default:
		return 0;
	}
}

int match_read_done(struct match *m)
{
	unsigned int len = addr_len(m->family);

	if ((m->daddr_len && m->daddr_len != len) ||
	    (m->saddr_len && m->saddr_len != len) ||
	    m->dplen > addr_bits(m->family) || m->splen > addr_bits(m->family))
		return -1;
	return 0;
}

const char *match_str(const struct match *m, char *buf, unsigned int len)
{
	char a[ADDR_STRLEN], p[8];
	int n;

	n = snprintf(buf, len, "vip %s",
		     prefix_str(m->family, &m->daddr, m->dplen, a, sizeof(a)));
	if (m->saddr_len && n >= 0 && (unsigned int)n < len)
		n += snprintf(buf + n, len - n, " from %s",
			      prefix_str(m->family, &m->saddr, m->splen, a,
					 sizeof(a)));
	if (m->proto && n >= 0 && (unsigned int)n < len)
		n += snprintf(buf + n, len - n, " proto %s",
			      proto_name(m->proto, p, sizeof(p)));
	if (m->dport && n >= 0 && (unsigned int)n < len)
		n += snprintf(buf + n, len - n, " port %u", m->dport);
	if (m->iif[0] && n >= 0 && (unsigned int)n < len)
		snprintf(buf + n, len - n, " iif %s", m->iif);
	return buf;
}

/* A prefix as written: "10.0.0.1" at full length, "[fd00::/64]:80" with a port. */
static const char *prefix_arg(uint8_t family, const union lb_addr *addr,
			      uint8_t plen, uint16_t port, char *buf,
			      unsigned int len)
{
	char a[INET6_ADDRSTRLEN + 4];	/* and "/128" */

	if (plen == addr_bits(family))
		return endpoint_str(family, addr, port, buf, len);
	prefix_str(family, addr, plen, a, sizeof(a));
	if (!port)
		snprintf(buf, len, "%s", a);
	else if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
	return buf;
}

const char *match_args(const struct match *m, char *buf, unsigned int len)
{
	bool any = !m->daddr_len;
	char a[ADDR_STRLEN], p[8];
	int n;

	if (any)
		n = snprintf(buf, len, "any");
	else
		n = snprintf(buf, len, "%s",
			     prefix_arg(m->family, &m->daddr, m->dplen,
					m->dport, a, sizeof(a)));
	if (m->saddr_len && n >= 0 && (unsigned int)n < len)
		n += snprintf(buf + n, len - n, " from %s",
			      prefix_arg(m->family, &m->saddr, m->splen, 0, a,
					 sizeof(a)));
	if (m->proto && n >= 0 && (unsigned int)n < len)
		n += snprintf(buf + n, len - n, " proto %s",
			      proto_name(m->proto, p, sizeof(p)));
	if (any && m->dport && n >= 0 && (unsigned int)n < len)
		n += snprintf(buf + n, len - n, " port %u", m->dport);
	if (m->iif[0] && n >= 0 && (unsigned int)n < len)
		snprintf(buf + n, len - n, " iif %s", m->iif);
	return buf;
}

void match_json(const struct match *m)
{
	char a[ADDR_STRLEN], p[8];

	json_str("family", family_name(m->family));
	json_str("vip", prefix_str(m->family, &m->daddr, m->dplen, a,
				   sizeof(a)));
	json_str("from", m->saddr_len ?
		 prefix_str(m->family, &m->saddr, m->splen, a, sizeof(a)) :
		 "any");
	json_str("proto", proto_name(m->proto, p, sizeof(p)));
	json_uint("port", m->dport);
	json_str("iif", m->iif);
}
