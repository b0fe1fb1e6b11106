/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Naming the attribute a kernel rejection points at (extack's offset, or
 * the type of a missing attribute) with the word the user typed.
 */
#ifndef LBCTL_NLERR_H
#define LBCTL_NLERR_H

#include <stdbool.h>
#include <stdint.h>

struct nlmsghdr;

/* The attribute that starts @off bytes into @req ("port"), or NULL. */
const char *nlerr_attr_at(const struct nlmsghdr *req, uint32_t off,
			  char *buf, unsigned int len);

/*
 * The missing attribute of @type, inside the nest at @nest_off or at the
 * top level if !@in_nest; NULL if unknown.
 */
const char *nlerr_missing(const struct nlmsghdr *req, bool in_nest,
			  uint32_t nest_off, uint16_t type, char *buf,
			  unsigned int len);

#endif /* LBCTL_NLERR_H */
