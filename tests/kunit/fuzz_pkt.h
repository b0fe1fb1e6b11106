/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lb fuzzing: malformed IPv4 and IPv6 packets from a seeded generator.
 *
 * Shared by the KUnit fuzz suite (fuzz_test.c) and tests/fuzz/pktfuzz,
 * which sends the same packets into a router in a VM: one seed gives the
 * same packets in both.  Plain C on byte arrays; the includer provides
 * u8, u16, u32, u64, bool, memcpy() and memset().
 *
 * A packet is first built well formed from random choices: IPv4 with or
 * without options, IPv6 with or without a chain of extension headers
 * (some longer than lb walks), now and then a fragment; TCP with options,
 * UDP, UDP-Lite, SCTP, DCCP, ICMP and ICMPv6 echoes, ICMP errors quoting
 * another such packet cut at some length (so errors about errors about
 * errors), other protocols; lengths and checksums right.  Addresses and
 * ports come mostly from the includer's pools, so that packets hit its
 * services, VIPs and backends.  Then most packets are damaged: cut short
 * (with or without the IP length agreeing), bits and bytes flipped, the
 * IHL, version, total or payload length, a TCP data offset or an
 * extension header's length set to nonsense, garbage appended.  The IPv4
 * header checksum is usually made right again, so that damaged packets
 * get past ip_rcv() and reach lb's hooks in the VM.
 */
#ifndef _LB_FUZZ_PKT_H
#define _LB_FUZZ_PKT_H

#define LBF_MAX		2048	/* room a packet needs, bytes */
#define LBF_POOL	8	/* addresses and ports in an lbf_env pool */
#define LBF_DEPTH	3	/* ICMP errors quoting errors, at most */

struct lbf_rng {
	u64 s;
};

/* Where the generator's addresses and ports come from, mostly. */
struct lbf_env {
	u32 v4[LBF_POOL];	/* host order */
	u8 v6[LBF_POOL][16];
	u16 port[LBF_POOL];
	u8 n_v4, n_v6, n_port;
};

/* What the outermost packet is made of, before any damage. */
struct lbf_info {
	u8 family;		/* 4 or 6 */
	u8 proto;		/* transport, after any extension headers */
	u8 damage;		/* mutations applied */
	u8 icmp_err;		/* an ICMP or ICMPv6 error */
	u16 l4off;		/* its transport header, 0 for none */
	u16 exthdr;		/* IPv6: the first extension header, or 0 */
};

struct lbf_buf {
	u8 *p;
	unsigned int len;	/* bytes written */
	unsigned int cap;
};

/* splitmix64: small, fast, and the same sequence everywhere. */
static inline u64 lbf_rand(struct lbf_rng *r)
{
	u64 z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static inline u32 lbf_below(struct lbf_rng *r, u32 n)
{
	return (u32)(((lbf_rand(r) & 0xffffffffULL) * n) >> 32);
}

static inline bool lbf_chance(struct lbf_rng *r, u32 percent)
{
	return lbf_below(r, 100) < percent;
}

static inline void lbf_put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void lbf_put32(u8 *p, u32 v)
{
	lbf_put16(p, v >> 16);
	lbf_put16(p + 2, v & 0xffff);
}

static inline u16 lbf_get16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static inline void lbf_fill(struct lbf_rng *r, u8 *p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		p[i] = (u8)lbf_rand(r);
}

/* The Internet checksum: a running sum of 16-bit words, then folded. */
static inline u32 lbf_sum(const u8 *p, unsigned int n, u32 sum)
{
	unsigned int i;

	for (i = 0; i + 1 < n; i += 2)
		sum += lbf_get16(p + i);
	if (n & 1)
		sum += p[n - 1] << 8;
	return sum;
}

static inline u16 lbf_fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

/* The pseudo header's sum: @ip is the IP header (version 4 or 6). */
static inline u32 lbf_pseudo(const u8 *ip, u8 proto, unsigned int len)
{
	if ((ip[0] >> 4) == 4)
		return lbf_sum(ip + 12, 8, proto + len);
	return lbf_sum(ip + 8, 32, proto + len);
}

/* @n more bytes, zeroed; NULL when they do not fit. */
static inline u8 *lbf_grow(struct lbf_buf *b, unsigned int n)
{
	u8 *q;

	if (n > b->cap - b->len)
		return NULL;
	q = b->p + b->len;
	memset(q, 0, n);
	b->len += n;
	return q;
}

static inline void lbf_payload(struct lbf_rng *r, struct lbf_buf *b)
{
	unsigned int n = lbf_below(r, lbf_chance(r, 5) ? 1400 : 48);
	u8 *q = lbf_grow(b, n);

	if (q)
		lbf_fill(r, q, n);
}

static inline u16 lbf_port(struct lbf_rng *r, const struct lbf_env *e)
{
	if (e->n_port && lbf_chance(r, 85))
		return e->port[lbf_below(r, e->n_port)];
	return (u16)lbf_rand(r);
}

static inline void lbf_addr(struct lbf_rng *r, const struct lbf_env *e,
			    u8 family, u8 *p)
{
	if (family == 4) {
		lbf_put32(p, e->n_v4 && lbf_chance(r, 85) ?
			  e->v4[lbf_below(r, e->n_v4)] : (u32)lbf_rand(r));
	} else if (e->n_v6 && lbf_chance(r, 85)) {
		memcpy(p, e->v6[lbf_below(r, e->n_v6)], 16);
	} else {
		lbf_fill(r, p, 16);
	}
}

static inline u8 lbf_proto(struct lbf_rng *r, u8 family)
{
	static const u8 other[] = { 47, 50, 59, 4, 41, 132, 136, 33, 255, 0 };
	u32 x = lbf_below(r, 100);

	if (x < 30)
		return 6;			/* TCP */
	if (x < 55)
		return 17;			/* UDP */
	if (x < 80)
		return family == 4 ? 1 : 58;	/* ICMP, ICMPv6 */
	if (x < 83)
		return family == 4 ? 58 : 1;	/* the other family's */
	if (x < 88)
		return 136;			/* UDP-Lite */
	return other[lbf_below(r, sizeof(other))];
}

static inline unsigned int lbf_ip(struct lbf_rng *r, const struct lbf_env *e,
				  struct lbf_buf *b, unsigned int depth,
				  struct lbf_info *info);

/* An ICMP (@family 4) or ICMPv6 message; errors quote a packet. */
static inline void lbf_icmp(struct lbf_rng *r, const struct lbf_env *e,
			    struct lbf_buf *b, u8 family, unsigned int depth,
			    struct lbf_info *info)
{
	static const u8 err4[] = { 3, 11, 12, 4, 5 }, err6[] = { 1, 2, 3, 4 };
	unsigned int q, cut, inner;
	u8 *h = lbf_grow(b, 8);

	if (!h)
		return;
	if (depth < LBF_DEPTH && lbf_chance(r, 50)) {
		h[0] = family == 4 ? err4[lbf_below(r, sizeof(err4))] :
				     err6[lbf_below(r, sizeof(err6))];
		h[1] = (u8)lbf_below(r, 16);
		lbf_put32(h + 4, lbf_chance(r, 50) ? 1280 : (u32)lbf_rand(r));
		if (!depth)
			info->icmp_err = 1;
		/* The quote: mostly the same family, cut like routers do. */
		q = b->len;
		inner = lbf_ip(r, e, b, depth + 1, NULL);
		if (b->len > q) {
			cut = b->len - q;
			if (lbf_chance(r, 25))
				cut = inner + 8;
			else if (lbf_chance(r, 20))
				cut = lbf_below(r, cut + 1);
			if (cut < b->len - q)
				b->len = q + cut;
		}
	} else {
		h[0] = lbf_chance(r, 80) ? (family == 4 ? 8 : 128) :
					   (u8)lbf_rand(r);
		lbf_put16(h + 4, lbf_port(r, e));
		lbf_put16(h + 6, (u16)lbf_rand(r));
		lbf_payload(r, b);
	}
}

/* The transport header and payload of protocol @proto after @ip. */
static inline void lbf_l4(struct lbf_rng *r, const struct lbf_env *e,
			  struct lbf_buf *b, unsigned int ip, u8 proto,
			  unsigned int depth, struct lbf_info *info)
{
	static const u8 flags[] = { 0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14,
				    0x01, 0x03, 0x00, 0xff };
	u8 family = b->p[ip] >> 4, *h;
	unsigned int at = b->len, opt, len;
	u16 sum;

	switch (proto) {
	case 6:
		opt = lbf_chance(r, 20) ? 4 * lbf_below(r, 11) : 0;
		h = lbf_grow(b, 20 + opt);
		if (!h)
			return;
		lbf_put16(h, lbf_port(r, e));
		lbf_put16(h + 2, lbf_port(r, e));
		lbf_fill(r, h + 4, 8);
		h[12] = (5 + opt / 4) << 4;
		h[13] = lbf_chance(r, 90) ? flags[lbf_below(r, sizeof(flags))] :
					    (u8)lbf_rand(r);
		lbf_put16(h + 14, 65535);
		lbf_fill(r, h + 20, opt);
		lbf_payload(r, b);
		break;
	case 17:
	case 136:
		h = lbf_grow(b, 8);
		if (!h)
			return;
		lbf_put16(h, lbf_port(r, e));
		lbf_put16(h + 2, lbf_port(r, e));
		lbf_payload(r, b);
		break;
	case 1:
	case 58:
		lbf_icmp(r, e, b, proto == 1 ? 4 : 6, depth, info);
		break;
	case 132:
	case 33:
		h = lbf_grow(b, 12);
		if (!h)
			return;
		lbf_put16(h, lbf_port(r, e));
		lbf_put16(h + 2, lbf_port(r, e));
		lbf_fill(r, h + 4, 8);
		lbf_payload(r, b);
		break;
	default:
		lbf_payload(r, b);
		return;
	}
	if (proto != 6 && proto != 17 && proto != 136 && proto != 1 &&
	    proto != 58)
		return;
	/* Lengths, and checksums right most of the time. */
	h = b->p + at;
	len = b->len - at;
	if (proto == 17 || proto == 136)
		lbf_put16(h + 4, len);
	if (proto == 1)
		sum = lbf_fold(lbf_sum(h, len, 0));
	else
		sum = lbf_fold(lbf_sum(h, len, lbf_pseudo(b->p + ip, proto,
							  len)));
	if ((proto == 17 || proto == 136) && !sum)
		sum = 0xffff;
	if (proto == 17 && family == 4 && lbf_chance(r, 20))
		sum = 0;			/* no checksum */
	if (lbf_chance(r, 5))
		sum = (u16)lbf_rand(r);
	if (proto == 6)
		lbf_put16(h + 16, sum);
	else if (proto == 17 || proto == 136)
		lbf_put16(h + 6, sum);
	else if (proto == 1 || proto == 58)
		lbf_put16(h + 2, sum);
}

/* An IPv4 header with options, or IPv6 with extension headers. */
static inline unsigned int lbf_ip(struct lbf_rng *r, const struct lbf_env *e,
				  struct lbf_buf *b, unsigned int depth,
				  struct lbf_info *info)
{
	static const u8 ext[] = { 0, 43, 60, 51, 44, 60, 0, 135 };
	u8 family = lbf_chance(r, depth ? 90 : 50) ? 4 : 6, proto, *h, *x;
	unsigned int at = b->len, hlen, n, i, xl, fo;
	bool later = false;	/* a fragment past the first: no L4 header */
	u8 *next;

	if (depth && (b->p[0] >> 4) == 6)
		family = family == 4 ? 6 : 4;	/* mostly the outer family */
	proto = lbf_proto(r, family);
	if (family == 4) {
		hlen = 20 + (lbf_chance(r, 15) ? 4 * (1 + lbf_below(r, 10)) : 0);
		h = lbf_grow(b, hlen);
		if (!h)
			return 0;
		h[0] = 0x40 | hlen / 4;
		for (i = 20; i < hlen; i++)
			h[i] = lbf_chance(r, 70) ? 1 : (u8)lbf_rand(r);
		lbf_put16(h + 4, (u16)lbf_rand(r));
		if (lbf_chance(r, 8)) {
			fo = lbf_chance(r, 50) ? 0 : lbf_below(r, 8192);
			lbf_put16(h + 6, fo | (lbf_chance(r, 70) ? 0x2000 : 0));
			later = fo != 0;
		} else if (lbf_chance(r, 50)) {
			lbf_put16(h + 6, 0x4000);	/* DF */
		}
		h[8] = 64;
		h[9] = proto;
		lbf_addr(r, e, 4, h + 12);
		lbf_addr(r, e, 4, h + 16);
	} else {
		hlen = 40;
		h = lbf_grow(b, hlen);
		if (!h)
			return 0;
		h[0] = 0x60;
		h[7] = 64;
		lbf_addr(r, e, 6, h + 8);
		lbf_addr(r, e, 6, h + 24);
		next = h + 6;
		n = lbf_chance(r, 30) ? 1 + lbf_below(r, lbf_chance(r, 20) ?
						      12 : 3) : 0;
		for (i = 0; i < n && !later; i++) {
			u8 t = ext[lbf_below(r, sizeof(ext))];

			if (t == 135) {		/* mobility: lb's transport */
				proto = t;
				break;
			}
			*next = t;
			if (t == 44)
				xl = 8;
			else if (t == 51)
				xl = 4 * (2 + 1 + lbf_below(r, 4));
			else
				xl = 8 * (1 + lbf_below(r, 3));
			x = lbf_grow(b, xl);
			if (!x)
				return 0;
			if (info && !depth && !info->exthdr)
				info->exthdr = x - b->p;
			next = x;
			if (t == 44) {
				fo = lbf_chance(r, 50) ? 0 : lbf_below(r, 8192);
				lbf_put16(x + 2, fo << 3 |
					  (lbf_chance(r, 70) ? 1 : 0));
				lbf_fill(r, x + 4, 4);
				later = fo != 0;
			} else if (t == 51) {
				x[1] = xl / 4 - 2;
				lbf_fill(r, x + 2, xl - 2);
			} else {
				x[1] = xl / 8 - 1;
				x[2] = 1;	/* PadN over the options */
				x[3] = xl - 4;
			}
		}
		*next = proto;
	}
	if (info && !depth) {
		info->family = family;
		info->proto = proto;
		info->l4off = later ? 0 : b->len - at;
	}
	if (later)
		lbf_payload(r, b);
	else
		lbf_l4(r, e, b, at, proto, depth, info);

	h = b->p + at;
	if (family == 4) {
		lbf_put16(h + 2, b->len - at);
		lbf_put16(h + 10, lbf_fold(lbf_sum(h, hlen, 0)));
	} else {
		lbf_put16(h + 4, b->len - at - 40);
	}
	return hlen;
}

/* Fix the IPv4 header checksum of the packet at @p, if it has room. */
static inline void lbf_ip4_csum(u8 *p, unsigned int len)
{
	unsigned int hlen = (p[0] & 15) * 4;

	if (len < 20 || (p[0] >> 4) != 4 || hlen < 20 || hlen > len)
		return;
	lbf_put16(p + 10, 0);
	lbf_put16(p + 10, lbf_fold(lbf_sum(p, hlen, 0)));
}

/* One to three mutations, each of a kind that breaks a parser. */
static inline void lbf_damage(struct lbf_rng *r, struct lbf_buf *b,
			      struct lbf_info *info)
{
	unsigned int n = 1 + lbf_below(r, 3), i, at;
	u8 *p = b->p;

	for (i = 0; i < n && b->len; i++) {
		info->damage++;
		switch (lbf_below(r, 10)) {
		case 0:		/* cut short, lengths lie */
			b->len = lbf_below(r, b->len);
			break;
		case 1:		/* cut short, lengths agree */
			b->len = lbf_below(r, b->len);
			if (info->family == 4 && b->len >= 4)
				lbf_put16(p + 2, b->len);
			else if (info->family == 6 && b->len >= 40)
				lbf_put16(p + 4, b->len - 40);
			break;
		case 2:		/* bits */
			at = lbf_below(r, b->len < 96 ? b->len : 96);
			p[at] ^= 1 << lbf_below(r, 8);
			break;
		case 3:		/* a byte anywhere */
			p[lbf_below(r, b->len)] = (u8)lbf_rand(r);
			break;
		case 4:		/* version and IHL */
			p[0] = lbf_chance(r, 70) ? (p[0] & 0xf0) |
				lbf_below(r, 16) : (u8)lbf_rand(r);
			break;
		case 5:		/* total or payload length */
			if (b->len < 6)
				break;
			at = info->family == 4 ? 2 : 4;
			lbf_put16(p + at, lbf_chance(r, 50) ? (u16)lbf_rand(r) :
				  lbf_get16(p + at) + lbf_below(r, 33) - 16);
			break;
		case 6:		/* TCP data offset */
			if (info->proto == 6 && info->l4off &&
			    info->l4off + 13u < b->len)
				p[info->l4off + 12] = lbf_below(r, 16) << 4;
			break;
		case 7:		/* an extension header's length */
			if (info->exthdr && info->exthdr + 1u < b->len)
				p[info->exthdr + 1] = (u8)lbf_rand(r);
			break;
		case 8:		/* a transport header byte */
			if (info->l4off && info->l4off < b->len)
				p[info->l4off + lbf_below(r, b->len -
							  info->l4off)] =
					(u8)lbf_rand(r);
			break;
		default:	/* trailing garbage past the IP length */
			at = lbf_below(r, 32) + 1;
			if (at <= b->cap - b->len) {
				lbf_fill(r, p + b->len, at);
				b->len += at;
			}
			break;
		}
	}
}

/**
 * lbf_packet() - one random packet, from its IP header on
 * @r: the generator's state
 * @e: address and port pools
 * @p: where to write it, LBF_MAX bytes
 * @info: what it was made of and how much it was damaged
 *
 * Return: its length.
 */
static inline unsigned int lbf_packet(struct lbf_rng *r,
				      const struct lbf_env *e, u8 *p,
				      struct lbf_info *info)
{
	struct lbf_buf b = { p, 0, LBF_MAX };

	memset(info, 0, sizeof(*info));
	lbf_ip(r, e, &b, 0, info);
	if (lbf_chance(r, 75)) {
		lbf_damage(r, &b, info);
		if (lbf_chance(r, 80))
			lbf_ip4_csum(p, b.len);
	}
	return b.len;
}

#endif /* _LB_FUZZ_PKT_H */
