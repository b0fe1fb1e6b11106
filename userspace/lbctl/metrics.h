/* SPDX-License-Identifier: GPL-2.0 */
/* lbctl stats -o prometheus. */
#ifndef LBCTL_METRICS_H
#define LBCTL_METRICS_H

struct snapshot;

/* Every counter of @s in the Prometheus text format, on stdout. */
void snapshot_prometheus(const struct snapshot *s);

#endif
