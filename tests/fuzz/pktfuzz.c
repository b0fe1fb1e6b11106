// SPDX-License-Identifier: GPL-2.0
/*
 * pktfuzz: malformed IPv4 and IPv6 frames, written into a network
 * interface with AF_PACKET, addressed to the router on its other end.
 *
 *   pktfuzz --dev IF --dst-mac MAC [--seed N] [--count N]
 *           [--v4 A,B,...] [--v6 A,B,...] [--ports P,Q,...]
 *
 * The packets come from the generator the KUnit fuzz suite uses
 * (tests/kunit/fuzz_pkt.h): the same seed gives the same packets.  The
 * addresses and ports they mostly use are the router's, its clients',
 * servers' and VIPs' (--v4, --v6, --ports).  Each frame is an Ethernet
 * header from IF's address to --dst-mac with the packet's EtherType (now
 * and then the other family's), then the packet, cut to the interface's
 * MTU.  Frames go out in batches (sendmmsg), past the qdisc.  Prints what
 * it sent; exits 0, or 1 if most frames could not be sent, 2 on a setup
 * error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#include "../kunit/fuzz_pkt.h"

#define BATCH	64

static void die(const char *what)
{
	fprintf(stderr, "pktfuzz: %s\n", what);
	exit(2);
}

static void mac_of(const char *s, u8 *mac)
{
	if (sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		   &mac[2], &mac[3], &mac[4], &mac[5]) != 6)
		die("a MAC address is six hex bytes: aa:bb:cc:dd:ee:ff");
}

/* A comma-separated list into the pool of the generator. */
static void pool_of(char *list, struct lbf_env *e, int family)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (family == 4 && e->n_v4 < LBF_POOL) {
			struct in_addr a;

			if (inet_pton(AF_INET, tok, &a) != 1)
				die("--v4 takes IPv4 addresses");
			e->v4[e->n_v4++] = ntohl(a.s_addr);
		} else if (family == 6 && e->n_v6 < LBF_POOL) {
			if (inet_pton(AF_INET6, tok, e->v6[e->n_v6]) != 1)
				die("--v6 takes IPv6 addresses");
			e->n_v6++;
		} else if (family == 0 && e->n_port < LBF_POOL) {
			e->port[e->n_port++] = (u16)strtoul(tok, NULL, 0);
		}
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "dst-mac", required_argument, NULL, 'm' },
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "v4", required_argument, NULL, '4' },
		{ "v6", required_argument, NULL, '6' },
		{ "ports", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	static u8 frames[BATCH][ETH_HLEN + LBF_MAX];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	u64 count = 1000000, seed = 0, sent = 0, refused = 0, v4 = 0, v6 = 0,
	    damaged = 0, cut = 0, bytes = 0;
	const char *dev = NULL;
	struct lbf_env env = { 0 };
	struct sockaddr_ll sll = { 0 };
	struct lbf_rng rng;
	struct ifreq ifr;
	u8 dst[6] = { 0 }, src[6];
	unsigned int mtu, i, n;
	bool have_dst = false;
	int fd, one = 1, c;
	double t0, t;

	while ((c = getopt_long(argc, argv, "d:m:s:n:4:6:p:h", opts,
				NULL)) != -1) {
		switch (c) {
		case 'd': dev = optarg; break;
		case 'm': mac_of(optarg, dst); have_dst = true; break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': count = strtoull(optarg, NULL, 0); break;
		case '4': pool_of(optarg, &env, 4); break;
		case '6': pool_of(optarg, &env, 6); break;
		case 'p': pool_of(optarg, &env, 0); break;
		case 'h':
			printf("usage: pktfuzz --dev IF --dst-mac MAC [--seed N] [--count N] [--v4 A,..] [--v6 A,..] [--ports P,..]\n");
			return 0;
		default:
			return 2;
		}
	}
	if (!dev || !have_dst || optind != argc)
		die("usage: pktfuzz --dev IF --dst-mac MAC [--seed N] [--count N] [--v4 A,..] [--v6 A,..] [--ports P,..]");
	if (!seed)
		seed = (u64)time(NULL) * 1000003 ^ (u64)getpid() << 32;
	rng.s = seed;

	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		die("AF_PACKET socket (needs CAP_NET_RAW)");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, SIOCGIFINDEX, &ifr))
		die("no such interface");
	sll.sll_ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		die("SIOCGIFHWADDR");
	memcpy(src, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(fd, SIOCGIFMTU, &ifr))
		die("SIOCGIFMTU");
	mtu = (unsigned int)ifr.ifr_mtu;
	sll.sll_family = AF_PACKET;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind to the interface");
	/* Straight to the driver: the qdisc would only drop under load. */
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));

	printf("pktfuzz: seed %" PRIu64 " (--seed %" PRIu64 " replays it), %" PRIu64 " frames into %s (MTU %u)\n",
	       seed, seed, count, dev, mtu);
	fflush(stdout);
	memset(msgs, 0, sizeof(msgs));
	t0 = now_s();
	while (sent + refused < count) {
		n = count - sent - refused < BATCH ?
		    (unsigned int)(count - sent - refused) : BATCH;
		for (i = 0; i < n; i++) {
			struct lbf_info info;
			unsigned int len;
			u16 type;

			len = lbf_packet(&rng, &env, frames[i] + ETH_HLEN,
					 &info);
			if (len > mtu) {
				len = mtu;
				cut++;
			}
			damaged += !!info.damage;
			if (info.family == 4)
				v4++;
			else
				v6++;
			type = info.family == 4 ? ETH_P_IP : ETH_P_IPV6;
			if (lbf_chance(&rng, 3))
				type = type == ETH_P_IP ? ETH_P_IPV6 : ETH_P_IP;
			memcpy(frames[i], dst, 6);
			memcpy(frames[i] + 6, src, 6);
			frames[i][12] = type >> 8;
			frames[i][13] = type & 0xff;
			iov[i].iov_base = frames[i];
			iov[i].iov_len = ETH_HLEN + len;
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			bytes += ETH_HLEN + len;
		}
		for (i = 0; i < n;) {
			int k = sendmmsg(fd, msgs + i, n - i, 0);

			if (k > 0) {
				sent += k;
				i += k;
				continue;
			}
			if (errno == EINTR)
				continue;
			/* This frame was refused (too short, say): next. */
			refused++;
			i++;
		}
	}
	t = now_s() - t0;
	printf("pktfuzz: sent %" PRIu64 " frames (%" PRIu64 " IPv4, %" PRIu64 " IPv6, %" PRIu64 " damaged, %" PRIu64 " cut to the MTU), %" PRIu64 " refused by the socket, %.1f MB in %.1f s, %.0f frames/s\n",
	       sent, v4, v6, damaged, cut, refused, bytes / 1e6, t,
	       t > 0 ? sent / t : 0.0);
	close(fd);
	return sent >= count / 2 ? 0 : 1;
}
