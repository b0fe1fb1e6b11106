/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Changing targets, paths and backends alike: how a request names a
 * target (id, mark, or address and port), its settings, and the
 * LB_CMD_TGT_* request that carries them.
 */
#ifndef LBCTL_TARGET_H
#define LBCTL_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

struct args;
struct match;
struct nl;

struct tgt_req {
	bool by_id;		/* named by "id ID" */
	uint32_t id;
	bool backend;		/* a backend (addr, port), else a path (mark) */
	uint32_t mark;
	struct prefix addr;	/* a backend's family, address and port */
	bool has_mask, has_weight;
	uint32_t mask;
	uint32_t weight;
};

/* Consumes "id ID"; false, consuming nothing, if "id" is not next. */
bool tgt_parse_id(struct args *a, struct tgt_req *t);
/* Consumes "weight W"; false, consuming nothing, if "weight" is not next. */
bool tgt_parse_weight(struct args *a, struct tgt_req *t);

/*
 * Sends @cmd (LB_CMD_TGT_NEW, _DEL or _SET) for the service @sel names
 * (the only one if !@sel->given) over @nl.  EXIT_OK, or EXIT_ERR said.
 */
int tgt_send(struct nl *nl, uint8_t cmd, const struct match *sel,
	     const struct tgt_req *t);

#endif /* LBCTL_TARGET_H */
