// SPDX-License-Identifier: GPL-2.0
/*
 * lb: Maglev consistent hashing (Eisenbud et al., NSDI 2016), weighted.
 *
 * Used where a flow must land on the same target without state: when the
 * flow table is full, for IP fragments, and as the "maglev" new-flow
 * scheduler.  Both the table and the flow hash depend only on the
 * configuration and the packet (fixed hash keys), so two routers with the
 * same configuration place every flow alike, and removing one of N targets
 * moves only the flows that were on it plus about 1/N of the others.
 *
 * The flow hash's key is public unless the module parameter hash_seed
 * gives a secret one: with a public key a client can pick its backend by
 * picking source ports.  Routers given the same seed still agree.
 */
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/gcd.h>
#include <linux/bitmap.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include "lb.h"

/*
 * Fixed, public keys: placement must agree across routers and reboots.
 * The flow hash's may be replaced by a secret one (lb_maglev_seed()).
 */
#define LB_PLACE_PUBLIC { { 0x6c622d6d61676c65ULL, 0x762d706c61636521ULL } }
static const siphash_key_t lb_place_public = LB_PLACE_PUBLIC;
static siphash_key_t lb_place_key __read_mostly = LB_PLACE_PUBLIC;

static const siphash_key_t lb_perm_key = {
	{ 0x6c622d7065726d75ULL, 0x746174696f6e2121ULL }
};

/* Turns per round are weights scaled so a round fits well in the table. */
#define LB_MAGLEV_TURNS_MAX (LB_MAGLEV_SIZE / 64)

u32 lb_maglev_hash(const struct lb_flow_key *key)
{
	return siphash(key, sizeof(*key), &lb_place_key);
}

/**
 * lb_maglev_seed() - key the flow hash with a secret shared by the fleet
 * @hex: 32 hex digits (128 bits), or NULL for the public key
 *
 * Context: module load (or a unit test), before any packet is placed.
 * Return: 0, or -EINVAL for anything but 32 hex digits (key unchanged).
 */
int lb_maglev_seed(const char *hex)
{
	__be64 raw[2];

	if (!hex) {
		lb_place_key = lb_place_public;
		return 0;
	}
	if (strlen(hex) != 2 * sizeof(raw) ||
	    hex2bin((u8 *)raw, hex, sizeof(raw)))
		return -EINVAL;
	lb_place_key.key[0] = be64_to_cpu(raw[0]);
	lb_place_key.key[1] = be64_to_cpu(raw[1]);
	memzero_explicit(raw, sizeof(raw));
	return 0;
}

/* All fragments of a datagram share addresses, protocol and id. */
u32 lb_frag_hash(const struct lb_pkt *pkt)
{
	struct lb_flow_key k = pkt->key;

	k.sport = htons(pkt->frag_id >> 16);
	k.dport = htons(pkt->frag_id & 0xffff);
	return lb_maglev_hash(&k);
}

/* What names a target on every router: no index, no order, no padding. */
struct lb_target_name {
	union lb_addr addr;
	u32 mark;
	__be16 port;
	u16 zero;
};

static void lb_target_name(const struct lb_target *t,
			   struct lb_target_name *name)
{
	memset(name, 0, sizeof(*name));
	name->addr = t->addr;
	name->mark = t->mark;
	name->port = t->port;
}

static int lb_target_cmp(const struct lb_target *a, const struct lb_target *b)
{
	struct lb_target_name x, y;

	lb_target_name(a, &x);
	lb_target_name(b, &y);
	return memcmp(&x, &y, sizeof(x));
}

/**
 * lb_maglev_build() - fill a lookup table of LB_MAGLEV_SIZE slots
 * @table: LB_MAGLEV_SIZE target indices
 * @targets: the service's targets; those of weight 0 get no slot
 * @n: number of targets (<= LB_TARGETS_MAX)
 *
 * Each target's permutation comes from what names it (a path's mark, a
 * backend's address and port) and targets take their turns in that
 * order, not the order they were added: routers configured alike in any
 * order build the same table, and adding or removing one target leaves
 * the others mostly where they were.
 *
 * Return: 0, -ENOENT if no target has a weight, -ENOMEM.
 */
int lb_maglev_build(u8 *table, const struct lb_target *targets, u32 n)
{
	u32 *offset, *skip, *next, *turns, *order;
	u32 i, j, filled = 0, g = 0, wmax = 0, shift = 0;
	unsigned long *used;
	int ret = -ENOMEM;

	for (i = 0; i < n; i++) {
		if (!targets[i].weight)
			continue;
		g = g ? gcd(g, targets[i].weight) : targets[i].weight;
		wmax = max(wmax, targets[i].weight);
	}
	if (!g)
		return -ENOENT;
	while ((wmax / g) >> shift > LB_MAGLEV_TURNS_MAX)
		shift++;

	offset = kcalloc(n, sizeof(*offset), GFP_KERNEL);
	skip = kcalloc(n, sizeof(*skip), GFP_KERNEL);
	next = kcalloc(n, sizeof(*next), GFP_KERNEL);
	turns = kcalloc(n, sizeof(*turns), GFP_KERNEL);
	order = kcalloc(n, sizeof(*order), GFP_KERNEL);
	used = bitmap_zalloc(LB_MAGLEV_SIZE, GFP_KERNEL);
	if (!offset || !skip || !next || !turns || !order || !used)
		goto out;

	for (i = 0; i < n; i++) {	/* insertion sort by name, n is small */
		for (j = i; j && lb_target_cmp(&targets[order[j - 1]],
					       &targets[i]) > 0; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}

	for (i = 0; i < n; i++) {
		struct lb_target_name name;
		u64 h;

		lb_target_name(&targets[i], &name);
		h = siphash(&name, sizeof(name), &lb_perm_key);
		offset[i] = (u32)h % LB_MAGLEV_SIZE;
		skip[i] = (u32)(h >> 32) % (LB_MAGLEV_SIZE - 1) + 1;
		if (targets[i].weight)
			turns[i] = max(1U, (targets[i].weight / g) >> shift);
	}

	while (filled < LB_MAGLEV_SIZE) {
		for (j = 0; j < n && filled < LB_MAGLEV_SIZE; j++) {
			u32 t;

			i = order[j];
			for (t = 0; t < turns[i] && filled < LB_MAGLEV_SIZE;
			     t++) {
				u32 c;

				do {
					c = (offset[i] + (u64)next[i] * skip[i]) %
					    LB_MAGLEV_SIZE;
					next[i]++;
				} while (__test_and_set_bit(c, used));
				table[c] = i;
				filled++;
			}
		}
	}
	ret = 0;
out:
	bitmap_free(used);
	kfree(order);
	kfree(turns);
	kfree(next);
	kfree(skip);
	kfree(offset);
	return ret;
}
