// SPDX-License-Identifier: GPL-2.0
/*
 * A streaming JSON writer on stdout: one document per run, written as the
 * replies arrive, so a large flow table needs no memory.
 */
#include <stdio.h>
#include <string.h>

#include "json.h"

/* lbctl nests four deep at most; deeper is a bug, caught by the guards. */
#define JSON_DEPTH	16

static struct {
	bool pretty;
	int depth;			/* open containers */
	bool empty[JSON_DEPTH];		/* nothing written in it yet */
	char close[JSON_DEPTH];		/* '}' or ']' */
} jw;

static void indent(int depth)
{
	putchar('\n');
	while (depth-- > 0)
		fputs("    ", stdout);
}

/*
 * Interface names are bytes, not text: valid UTF-8 passes through, any
 * other byte becomes \u00XX, so the document is always valid JSON.
 */
static unsigned int utf8_len(const unsigned char *s)
{
	unsigned int n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

static void put_string(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned int n;

	putchar('"');
	while (*s) {
		switch (*s) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		default:
			n = *s < 0x20 ? 0 : utf8_len(s);
			if (!n) {
				printf("\\u%04x", *s);
				n = 1;
			} else {
				fwrite(s, 1, n, stdout);
			}
			s += n;
			continue;
		}
		s++;
	}
	putchar('"');
}

/* Separator, indentation and member name before a value. */
static void member(const char *key)
{
	if (jw.depth > 0 && jw.depth <= JSON_DEPTH) {
		if (!jw.empty[jw.depth - 1])
			putchar(',');
		jw.empty[jw.depth - 1] = false;
		if (jw.pretty)
			indent(jw.depth);
	}
	if (key) {
		put_string(key);
		fputs(jw.pretty ? ": " : ":", stdout);
	}
}

static void open_container(const char *key, char open, char close)
{
	if (jw.depth >= JSON_DEPTH)
		return;
	member(key);
	putchar(open);
	jw.empty[jw.depth] = true;
	jw.close[jw.depth] = close;
	jw.depth++;
}

static void close_container(void)
{
	if (jw.depth <= 0)
		return;
	jw.depth--;
	if (jw.pretty && !jw.empty[jw.depth])
		indent(jw.depth);
	putchar(jw.close[jw.depth]);
}

void json_begin(bool pretty)
{
	memset(&jw, 0, sizeof(jw));
	jw.pretty = pretty;
	open_container(NULL, '{', '}');
}

void json_end(void)
{
	while (jw.depth > 0)
		close_container();
	putchar('\n');
	fflush(stdout);
}

void json_obj_open(const char *key)
{
	open_container(key, '{', '}');
}

void json_obj_close(void)
{
	close_container();
}

void json_arr_open(const char *key)
{
	open_container(key, '[', ']');
}

void json_arr_close(void)
{
	close_container();
}

void json_str(const char *key, const char *s)
{
	member(key);
	put_string(s);
}

void json_uint(const char *key, uint64_t v)
{
	member(key);
	printf("%llu", (unsigned long long)v);
}

void json_double(const char *key, double v)
{
	member(key);
	printf("%.3f", v);
}

void json_bool(const char *key, bool v)
{
	member(key);
	fputs(v ? "true" : "false", stdout);
}

void json_null(const char *key)
{
	member(key);
	fputs("null", stdout);
}
