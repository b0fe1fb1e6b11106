// SPDX-License-Identifier: GPL-2.0
/* The words lbctl reads and prints for the contract's numbers. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/lb.h>

#include "args.h"
#include "lbctl.h"
#include "names.h"

static const char *const modes[] = {
	[LB_MODE_PACKET]	= "packet",
	[LB_MODE_FLOW]		= "flow",
	[LB_MODE_FLOWLET]	= "flowlet",
};

/* The contract's lists, so a new scheduler or method needs no edit here. */
static const char *const scheds[] = LB_SCHED_NAMES;
static const char *const fwds[] = LB_FWD_NAMES;

/* Fixed, so output does not depend on /etc/protocols. */
static const struct {
	uint8_t num;
	const char *name;
} protos[] = {
	{ IPPROTO_ICMP,		"icmp" },
	{ IPPROTO_TCP,		"tcp" },
	{ IPPROTO_UDP,		"udp" },
	{ IPPROTO_DCCP,		"dccp" },
	{ IPPROTO_ICMPV6,	"icmpv6" },
	{ IPPROTO_SCTP,		"sctp" },
	{ IPPROTO_UDPLITE,	"udplite" },
};

static int table_parse(const char *const *names, unsigned int n,
		       const char *s)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return i;
	return -1;
}

static const char *table_name(const char *const *names, unsigned int n,
			      unsigned int v, char *buf, unsigned int len)
{
	if (v < n && names[v])
		return names[v];
	snprintf(buf, len, "%u", v);
	return buf;
}

int mode_parse(const char *s)
{
	return table_parse(modes, ARRAY_SIZE(modes), s);
}

int sched_parse(const char *s)
{
	return table_parse(scheds, ARRAY_SIZE(scheds), s);
}

int fwd_parse(const char *s)
{
	return table_parse(fwds, ARRAY_SIZE(fwds), s);
}

const char *mode_name(unsigned int mode, char *buf, unsigned int len)
{
	return table_name(modes, ARRAY_SIZE(modes), mode, buf, len);
}

const char *sched_name(unsigned int sched, char *buf, unsigned int len)
{
	return table_name(scheds, ARRAY_SIZE(scheds), sched, buf, len);
}

const char *fwd_name(unsigned int fwd, char *buf, unsigned int len)
{
	return table_name(fwds, ARRAY_SIZE(fwds), fwd, buf, len);
}

int proto_parse(const char *s)
{
	unsigned int i;
	uint32_t v;

	if (!strcmp(s, "any"))
		return 0;
	for (i = 0; i < ARRAY_SIZE(protos); i++)
		if (!strcmp(protos[i].name, s))
			return protos[i].num;
	if (try_u32(s, &v) && v <= 255)
		return v;
	return -1;
}

const char *proto_name(uint8_t proto, char *buf, unsigned int len)
{
	unsigned int i;

	if (!proto)
		return "any";
	for (i = 0; i < ARRAY_SIZE(protos); i++)
		if (protos[i].num == proto)
			return protos[i].name;
	snprintf(buf, len, "%u", proto);
	return buf;
}

const char *family_name(uint8_t family)
{
	switch (family) {
	case AF_INET:
		return "inet";
	case AF_INET6:
		return "inet6";
	case AF_UNSPEC:
		return "any";
	default:
		return "unknown";
	}
}

bool proto_has_ports(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
	case IPPROTO_UDPLITE:
	case IPPROTO_DCCP:
		return true;
	default:
		return false;
	}
}
