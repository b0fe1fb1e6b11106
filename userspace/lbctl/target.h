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
#include <stdio.h>

#include "addr.h"

struct args;
struct match;
struct nl;
struct nlmsghdr;

struct tgt_req {
	bool by_id;		/* named by "id ID" */
	uint32_t id;
	bool backend;		/* a backend (addr, port), else a path (mark) */
	uint32_t mark;
	struct prefix addr;	/* a backend's family, address and port */
	bool has_mask, has_weight;
	bool mask_auto;		/* has_mask: "mask auto" */
	uint32_t mask;
	uint32_t weight;
};

/* The grammar of W and of ID, for the commands' usage. */
void weight_usage(FILE *f);
void id_usage(FILE *f);

/* Consumes "id ID"; false, consuming nothing, if "id" is not next. */
bool tgt_parse_id(struct args *a, struct tgt_req *t);
/* Consumes "weight W"; false, consuming nothing, if "weight" is not next. */
bool tgt_parse_weight(struct args *a, struct tgt_req *t);

/*
 * The words after "path VERB" for @cmd (LB_CMD_TGT_NEW, _DEL or _SET):
 * @sel is the selector, not given for the only service.  Usage errors.
 */
void path_parse(struct args *a, const char *verb, uint8_t cmd,
		struct match *sel, struct tgt_req *p);

/* What "backend show" does, among the LB_CMD_TGT_* of the others. */
#define BACKEND_SHOW	LB_CMD_SVC_GET

/*
 * The words after "backend VERB", likewise: the service's SVC first, its
 * proto perhaps missing (match_finish_nat()).
 */
void backend_parse(struct args *a, const char *verb, uint8_t cmd,
		   struct match *sel, struct tgt_req *t);

/* Into the LB_A_TGT nest being built: what names @t, its mask, weight. */
void tgt_put(struct nlmsghdr *nlh, uint8_t cmd, const struct tgt_req *t);

/*
 * Sends @cmd (LB_CMD_TGT_NEW, _DEL or _SET) for the service @sel names
 * (the only one if !@sel->given) over @nl.  EXIT_OK, or EXIT_ERR said.
 */
int tgt_send(struct nl *nl, uint8_t cmd, const struct match *sel,
	     const struct tgt_req *t);

#endif /* LBCTL_TARGET_H */
