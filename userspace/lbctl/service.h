/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A service as vip add|del|set write it: its match, its settings, and
 * for vip add whether it is a VIP before its first backend.
 */
#ifndef LBCTL_SERVICE_H
#define LBCTL_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "match.h"

struct args;
struct nlmsghdr;

/* A service's settings, as opposed to its match. */
struct settings {
	int mode;		/* -1: unchanged */
	int sched;		/* -1: unchanged */
	bool has_timeout;
	uint32_t timeout_us;
};

struct vip_req {
	struct match sel;
	struct settings st;
	int fwd;		/* vip add ... nat | fwd METHOD; -1: none */
};

/*
 * The words after "vip VERB" for @cmd (LB_CMD_SVC_NEW, _DEL or _SET);
 * usage errors.
 */
void vip_parse(struct args *a, const char *verb, uint8_t cmd,
	       struct vip_req *v);
/* Into the LB_A_SVC nest being built: match, settings, method. */
void vip_put(struct nlmsghdr *nlh, const struct vip_req *v);

#endif /* LBCTL_SERVICE_H */
