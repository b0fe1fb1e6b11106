/* SPDX-License-Identifier: GPL-2.0 */
/* lbctl set: the namespace's tunables, in a struct info (tune.c). */
#ifndef LBCTL_TUNE_H
#define LBCTL_TUNE_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "args.h"
#include "snapshot.h"

/*
 * A tunable: its attribute, its word in set and show (after "timeout" for
 * a timeout), the module parameter it starts from, its key in JSON.
 */
struct tunable {
	uint16_t attr;
	const char *word;
	const char *param;
	const char *json;
};

/* Every tunable, in the order set, show and save write them. */
extern const struct tunable tunables[];
extern const unsigned int ntunables;
/* One of the LB_INFO_A_TIMEOUT_* */
bool is_timeout(uint16_t attr);

/* The words after "set" (or a restore file's set line); usage errors. */
void tunables_parse(struct args *a, struct info *t);
bool tunables_any(const struct info *t);
/* LB_A_INFO with @t's tunables. */
void tunables_put(struct nlmsghdr *nlh, const struct info *t);
/* @t's tunables as set takes them: " flow-max N timeout tcp S ...". */
void tunables_text(const struct info *t);
/* An object @key with @t's tunables, named as show -j names them. */
void tunables_json(const char *key, const struct info *t);
/* Those @t lacks, from the module's parameters (where they can be read). */
void tunables_complete(struct info *t);
/* The tunables of @in that differ from the module's parameters. */
void tunables_tuned(const struct info *in, struct info *out);

#endif /* LBCTL_TUNE_H */
