// SPDX-License-Identifier: GPL-2.0
/* Walking the command line: words, keywords, numbers, usage errors. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "lbctl.h"

const char *args_next(struct args *a)
{
	if (a->argc <= 0)
		return NULL;
	a->argc--;
	return *a->argv++;
}

const char *args_value(struct args *a, const char *key)
{
	const char *v = args_next(a);

	if (!v)
		usage_error("\"%s\" needs a value", key);
	return v;
}

void args_done(const struct args *a)
{
	if (a->argc > 0)
		usage_error("unexpected argument \"%s\"", a->argv[0]);
}

bool is_word(const char *w, const char *word)
{
	return w && !strcmp(w, word);
}

bool is_help(const char *w)
{
	return is_word(w, "help") || is_word(w, "-h") ||
	       is_word(w, "--help");
}

bool args_help(const struct args *a)
{
	int i;

	for (i = 0; i < a->argc; i++) {
		if (is_help(a->argv[i]))
			return true;
		/* Values that may be any word: match.c's iif, restore's -f. */
		if (is_word(a->argv[i], "iif") || is_word(a->argv[i], "-f"))
			i++;
	}
	return false;
}

void usage_print(FILE *f, const struct usage *u, unsigned int n,
		 const char *verb)
{
	unsigned int i, forms = 0;

	for (i = 0; i < n; i++)
		if (!verb || is_word(u[i].verb, verb))
			fprintf(f, "%s lbctl %s\n", forms++ ? "      " : "Usage:",
				u[i].form);
	fputc('\n', f);
	for (i = 0; i < n; i++)
		if (!verb || is_word(u[i].verb, verb))
			fputs(u[i].what, f);
}

static const char *usage_file;
static unsigned int usage_line;
static char topic[64];

void usage_topic(const char *cmd, const char *verb)
{
	if (!cmd)
		topic[0] = '\0';
	else
		snprintf(topic, sizeof(topic), "%s %s%s", cmd,
			 verb ? verb : "", verb ? " " : "");
}

void usage_at(const char *file, unsigned int line)
{
	usage_file = file;
	usage_line = line;
}

const char *usage_where(unsigned int *line)
{
	*line = usage_line;
	return usage_file;
}

int args_lines(FILE *f, const char *name,
	       int (*fn)(struct args *a, unsigned int line, void *ctx),
	       void *ctx)
{
	char *buf = NULL, **words = NULL, *w, *save;
	unsigned int line = 0;
	size_t cap = 0;
	struct args a;
	ssize_t n;
	int rc = EXIT_OK;

	while (rc == EXIT_OK && (n = getline(&buf, &cap, f)) >= 0) {
		usage_at(name, ++line);
		if (strlen(buf) != (size_t)n)
			usage_error("a NUL byte: not a text file");
		/* At most one word per two bytes. */
		words = realloc(words, (n / 2 + 1) * sizeof(*words));
		if (!words) {
			error_msg("%s", strerror(ENOMEM));
			exit(EXIT_ERR);
		}
		a.argc = 0;
		a.argv = words;
		for (w = strtok_r(buf, " \t\r\n\v\f", &save); w && *w != '#';
		     w = strtok_r(NULL, " \t\r\n\v\f", &save))
			words[a.argc++] = w;
		if (a.argc)
			rc = fn(&a, line, ctx);
	}
	if (rc == EXIT_OK && ferror(f)) {
		error_msg("cannot read %s: %s", name, strerror(errno));
		rc = EXIT_ERR;
	}
	usage_at(NULL, 0);
	free(words);
	free(buf);
	return rc;
}

void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("lbctl: ", stderr);
	if (usage_file)
		fprintf(stderr, "%s:%u: ", usage_file, usage_line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (usage_file)
		fputc('\n', stderr);
	else
		fprintf(stderr, "; try \"lbctl %shelp\"\n", topic);
	exit(EXIT_USAGE);
}

/*
 * strtoul() alone would take " -1" as 4294967295 and "010" as octal;
 * marks and weights are clearer with only decimal and 0x hex.
 */
static bool digits_u64(const char *s, unsigned long long *v, char **end)
{
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		if (!isxdigit((unsigned char)s[2]))
			return false;
	} else if (!isdigit((unsigned char)s[0])) {
		return false;
	}
	errno = 0;
	*v = strtoull(s, end, base);
	return errno == 0;
}

bool try_u32(const char *s, uint32_t *v)
{
	unsigned long long n;
	char *end;

	if (!digits_u64(s, &n, &end) || *end || n > UINT32_MAX)
		return false;
	*v = n;
	return true;
}

uint32_t parse_u32(const char *what, const char *s, uint32_t min,
		   uint32_t max)
{
	uint32_t v;

	if (!try_u32(s, &v) || v < min || v > max)
		usage_error("%s must be a number from %u to %u, not \"%s\"",
			    what, min, max, s);
	return v;
}

uint32_t parse_usec(const char *what, const char *s, uint32_t min,
		    uint32_t max)
{
	char lo[16], hi[16];
	unsigned long long n, scale;
	char *end;

	if (!digits_u64(s, &n, &end) || (s[1] == 'x' || s[1] == 'X'))
		goto bad;
	if (!*end || !strcmp(end, "us"))
		scale = 1;
	else if (!strcmp(end, "ms"))
		scale = 1000;
	else if (!strcmp(end, "s"))
		scale = 1000000;
	else
		goto bad;
	if (n > UINT32_MAX / scale || n * scale < min || n * scale > max)
		goto bad;
	return n * scale;
bad:
	usage_error("%s must be from %s to %s (microseconds, or with a unit us, ms, s), not \"%s\"",
		    what, usec_str(min, lo, sizeof(lo)),
		    usec_str(max, hi, sizeof(hi)), s);
}

const char *usec_str(uint32_t us, char *buf, unsigned int len)
{
	if (us && us % 1000000 == 0)
		snprintf(buf, len, "%us", us / 1000000);
	else if (us && us % 1000 == 0)
		snprintf(buf, len, "%ums", us / 1000);
	else
		snprintf(buf, len, "%uus", us);
	return buf;
}
