/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A streaming JSON writer on stdout: one document per run, written as the
 * replies arrive, so a large flow table needs no memory.  @key is the
 * member name inside an object and NULL inside an array.
 */
#ifndef LBCTL_JSON_H
#define LBCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>

/* Opens the top-level object. */
void json_begin(bool pretty);
/* Closes whatever is still open, so even a failed dump is valid JSON. */
void json_end(void);

void json_obj_open(const char *key);
void json_obj_close(void);
void json_arr_open(const char *key);
void json_arr_close(void);

void json_str(const char *key, const char *s);
void json_uint(const char *key, uint64_t v);
/* A number with three decimals: rates. */
void json_double(const char *key, double v);
void json_bool(const char *key, bool v);
void json_null(const char *key);

#endif /* LBCTL_JSON_H */
