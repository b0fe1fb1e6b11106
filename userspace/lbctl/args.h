/* SPDX-License-Identifier: GPL-2.0 */
/* Walking the command line: words, keywords, numbers, usage errors. */
#ifndef LBCTL_ARGS_H
#define LBCTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct args {
	int argc;
	char **argv;
};

static inline bool args_more(const struct args *a)
{
	return a->argc > 0;
}

/* The next word without consuming it, NULL at the end. */
static inline const char *args_peek(const struct args *a)
{
	return a->argc > 0 ? a->argv[0] : NULL;
}

const char *args_next(struct args *a);
/* The word after keyword @key; a usage error if there is none. */
const char *args_value(struct args *a, const char *key);
/* A usage error if any word is left. */
void args_done(const struct args *a);

bool is_word(const char *w, const char *word);
bool is_help(const char *w);

/*
 * Prints "lbctl: <message>; try "lbctl help"" and exits with EXIT_USAGE;
 * after usage_at(), "lbctl: FILE:LINE: <message>".
 */
void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
/* The words being parsed are line @line of @file (restore); NULL: argv. */
void usage_at(const char *file, unsigned int line);
/* The file being read, NULL for argv, and the line in *@line. */
const char *usage_where(unsigned int *line);

/*
 * Each line of @f as words, to @fn; blank lines and comments (from a word
 * that starts with '#') are skipped, and usage errors name @name and the
 * line.  Stops at the first non-zero value @fn returns, and returns it;
 * EXIT_ERR, said, if @f cannot be read.
 */
int args_lines(FILE *f, const char *name,
	       int (*fn)(struct args *a, unsigned int line, void *ctx),
	       void *ctx);

/* Decimal, or hex with 0x; false if @s is not such a number. */
bool try_u32(const char *s, uint32_t *v);
/* The same, or a usage error naming @what and the range. */
uint32_t parse_u32(const char *what, const char *s, uint32_t min,
		   uint32_t max);
/* A duration in microseconds: plain number, or with a unit us, ms, s. */
uint32_t parse_usec(const char *what, const char *s, uint32_t min,
		    uint32_t max);
/* "10us", "1ms", "2.5s": the shortest exact form, for messages. */
const char *usec_str(uint32_t us, char *buf, unsigned int len);

#endif /* LBCTL_ARGS_H */
