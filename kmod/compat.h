/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lb: what differs between the kernels lb builds for (6.1 to the newest),
 * in one place.  Each shim says which kernel gained the real thing.
 */
#ifndef _LB_COMPAT_H
#define _LB_COMPAT_H

#include <linux/slab.h>

/* 6.5: a cache that is never merged with another.  Before, lb's own count
 * of flow entries is what reports a leak at unload (flow.c).
 */
#ifndef SLAB_NO_MERGE
#define SLAB_NO_MERGE 0
#endif

#endif /* _LB_COMPAT_H */
