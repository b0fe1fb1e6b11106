// SPDX-License-Identifier: GPL-2.0
/* Addresses and prefixes as the user writes them and as lbctl prints them. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "args.h"

unsigned int addr_len(uint8_t family)
{
	switch (family) {
	case AF_INET:
		return 4;
	case AF_INET6:
		return 16;
	default:
		return 0;
	}
}

unsigned int addr_bits(uint8_t family)
{
	return addr_len(family) * 8;
}

static uint8_t parse_plen(const char *what, const char *s, uint8_t family)
{
	uint32_t v;

	/* Only decimal: "/0x10" is not a prefix length anyone means. */
	if (!try_u32(s, &v) || v > addr_bits(family) || strchr(s, 'x') ||
	    strchr(s, 'X'))
		usage_error("%s: prefix length must be from 0 to %u, not \"%s\"",
			    what, addr_bits(family), s);
	return v;
}

static uint16_t parse_port(const char *what, const char *s)
{
	uint32_t v;

	if (!try_u32(s, &v) || v < 1 || v > 65535)
		usage_error("%s: port must be a number from 1 to 65535, not \"%s\"",
			    what, s);
	return v;
}

/* The bits below @plen must be zero, or the prefix says two things. */
static void check_host_bits(const char *what, const char *s,
			    const struct prefix *p)
{
	union lb_addr net = p->addr;
	unsigned int i, bits = addr_bits(p->family);
	char buf[ADDR_STRLEN];

	for (i = p->plen; i < bits; i++)
		net.b[i / 8] &= ~(0x80 >> (i % 8));
	if (!memcmp(&net, &p->addr, addr_len(p->family)))
		return;
	usage_error("%s: \"%s\" has host bits set (did you mean %s?)", what, s,
		    prefix_str(p->family, &net, p->plen, buf, sizeof(buf)));
}

#define PREFIX_FORMS \
	"an address or prefix (ADDR[/PLEN][:PORT], V6ADDR[/PLEN], [V6ADDR[/PLEN]]:PORT or any)"
#define ENDPOINT_FORMS	"an address and port (ADDR:PORT or [V6ADDR]:PORT)"

/* @forms: what @s should have been, for the error message. */
static void parse(const char *what, const char *s, struct prefix *p,
		  const char *forms)
{
	char buf[ADDR_STRLEN];
	char *addr = buf, *plen = NULL, *port = NULL, *c;

	memset(p, 0, sizeof(*p));
	if (!strcmp(s, "any"))
		return;
	if (strlen(s) >= sizeof(buf))
		usage_error("%s: \"%s\" is too long", what, s);
	strcpy(buf, s);

	if (buf[0] == '[') {
		/* [V6ADDR], [V6ADDR/PLEN], then /PLEN and :PORT outside */
		c = strchr(buf, ']');
		if (!c)
			usage_error("%s: \"%s\" lacks the closing ]", what, s);
		*c++ = '\0';
		addr = buf + 1;
		plen = strchr(addr, '/');
		if (plen)
			*plen++ = '\0';
		if (*c == '/' && !plen) {
			plen = ++c;
			c = strchr(c, ':');
			if (c)
				*c++ = '\0';
			port = c;
		} else if (*c == ':') {
			port = c + 1;
		} else if (*c) {
			usage_error("%s: unexpected \"%s\" after ] in \"%s\"",
				    what, c, s);
		}
		p->family = AF_INET6;
	} else if (strchr(buf, ':') != strrchr(buf, ':')) {
		/* Two colons: IPv6, where a port only follows a /PLEN. */
		plen = strchr(buf, '/');
		if (plen) {
			*plen++ = '\0';
			port = strchr(plen, ':');
			if (port)
				*port++ = '\0';
		}
		p->family = AF_INET6;
	} else {
		port = strchr(buf, ':');
		if (port)
			*port++ = '\0';
		plen = strchr(buf, '/');
		if (plen)
			*plen++ = '\0';
		p->family = AF_INET;
	}

	if (inet_pton(p->family, addr, &p->addr) != 1)
		usage_error("%s: \"%s\" is not %s", what, s, forms);
	p->plen = plen ? parse_plen(what, plen, p->family) :
			 addr_bits(p->family);
	if (port)
		p->port = parse_port(what, port);
	check_host_bits(what, s, p);
}

void prefix_parse(const char *what, const char *s, struct prefix *p)
{
	parse(what, s, p, PREFIX_FORMS);
}

void endpoint_parse(const char *what, const char *s, struct prefix *p)
{
	if (!strcmp(s, "any") || strchr(s, '/'))
		usage_error("%s: \"%s\" is not %s", what, s, ENDPOINT_FORMS);
	parse(what, s, p, ENDPOINT_FORMS);
	if (!p->port)
		usage_error("%s: \"%s\" needs a port (%s)", what, s,
			    p->family == AF_INET6 ? "[V6ADDR]:PORT" :
			    "ADDR:PORT");
}

const char *addr_str(uint8_t family, const void *addr, char *buf,
		     unsigned int len)
{
	if (!addr_len(family) || !inet_ntop(family, addr, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

const char *prefix_str(uint8_t family, const void *addr, uint8_t plen,
		       char *buf, unsigned int len)
{
	char a[INET6_ADDRSTRLEN];

	if (!addr_len(family))
		snprintf(buf, len, "any");
	else
		snprintf(buf, len, "%s/%u",
			 addr_str(family, addr, a, sizeof(a)), plen);
	return buf;
}

const char *endpoint_str(uint8_t family, const void *addr, int port,
			 char *buf, unsigned int len)
{
	char a[INET6_ADDRSTRLEN];

	addr_str(family, addr, a, sizeof(a));
	if (!port)
		snprintf(buf, len, "%s", a);
	else if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%d", a, port);
	else
		snprintf(buf, len, "%s:%d", a, port);
	return buf;
}
