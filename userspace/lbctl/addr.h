/* SPDX-License-Identifier: GPL-2.0 */
/* Addresses and prefixes as the user writes them and as lbctl prints them. */
#ifndef LBCTL_ADDR_H
#define LBCTL_ADDR_H

#include <netinet/in.h>
#include <stdint.h>

union lb_addr {
	struct in_addr v4;
	struct in6_addr v6;
	uint8_t b[16];
};

/* Long enough for "[ffff:...:255.255.255.255]/128:65535". */
#define ADDR_STRLEN	64

struct prefix {
	uint8_t family;		/* AF_UNSPEC: "any" */
	uint8_t plen;
	uint16_t port;		/* 0: none given */
	union lb_addr addr;
};

/* 4, 16, or 0 for AF_UNSPEC and anything else. */
unsigned int addr_len(uint8_t family);
unsigned int addr_bits(uint8_t family);

/*
 * Parses any, ADDR[/PLEN][:PORT], V6ADDR[/PLEN] or [V6ADDR[/PLEN]]:PORT.
 * @what names the argument in errors ("vip", "from"); a bad prefix is a
 * usage error.  Host bits below the prefix length are refused.
 */
void prefix_parse(const char *what, const char *s, struct prefix *p);
/* ADDR:PORT or [V6ADDR]:PORT, a port required: a backend. */
void endpoint_parse(const char *what, const char *s, struct prefix *p);

/* "10.0.0.1", "2001:db8::1" */
const char *addr_str(uint8_t family, const void *addr, char *buf,
		     unsigned int len);
/* "any", "10.0.0.0/8", "2001:db8::/32" (the port is not printed) */
const char *prefix_str(uint8_t family, const void *addr, uint8_t plen,
		       char *buf, unsigned int len);
/* "10.0.0.1:80", "[2001:db8::1]:80", or without ":PORT" when @port is 0 */
const char *endpoint_str(uint8_t family, const void *addr, int port,
			 char *buf, unsigned int len);

#endif /* LBCTL_ADDR_H */
