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
/* help, -h or --help */
bool is_help(const char *w);
/*
 * True if a word of @a asks for help (is_help()) where a keyword or a
 * positional word may stand, not as the free value of a keyword (iif
 * help names an interface, restore -f help a file).
 */
bool args_help(const struct args *a);

/* A form of a command, as lbctl(8) has it, and what it does. */
struct usage {
	const char *verb;	/* the verb it is for; NULL: no verb */
	const char *form;	/* "path add MARK[/MASK] ...", no "lbctl" */
	const char *what;	/* lines, each ending with a newline */
};

/*
 * To @f, the @n forms of @u (only those of @verb if it is not NULL), as
 * "Usage: lbctl FORM" and "       lbctl FORM" lines, then a blank line
 * and what they do.
 */
void usage_print(FILE *f, const struct usage *u, unsigned int n,
		 const char *verb);
/*
 * Usage errors end with "; try "lbctl @cmd [@verb] help"": the command
 * being parsed (NULL: "lbctl help").
 */
void usage_topic(const char *cmd, const char *verb);

/*
 * Prints "lbctl: <message>; try "lbctl COMMAND help"" (usage_topic()) and
 * exits with EXIT_USAGE; after usage_at(), "lbctl: FILE:LINE: <message>".
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
