// SPDX-License-Identifier: GPL-2.0
/* Text tables whose columns fit their widest cell. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

void table_init(struct table *t, unsigned int ncols,
		const char *const *headers)
{
	unsigned int i;

	memset(t, 0, sizeof(*t));
	t->ncols = ncols < TABLE_COLS ? ncols : TABLE_COLS;
	for (i = 0; i < t->ncols; i++)
		table_cell(t, "%s", headers[i]);
}

void table_right(struct table *t, unsigned int col)
{
	if (col < t->ncols)
		t->right[col] = true;
}

bool table_cell(struct table *t, const char *fmt, ...)
{
	unsigned int col = t->ncells % t->ncols;
	char **cells;
	va_list ap;
	size_t len;
	char *s;
	int n;

	if (t->ncells == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		cells = realloc(t->cells, t->cap * sizeof(*cells));
		if (!cells)
			return false;
		t->cells = cells;
	}
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return false;
	len = strlen(s);
	if (len > t->width[col])
		t->width[col] = len;
	t->cells[t->ncells++] = s;
	return true;
}

void table_print(struct table *t, const char *indent)
{
	unsigned int i, col;
	int w;

	for (i = 0; i < t->ncells; i++) {
		col = i % t->ncols;
		w = t->width[col];
		if (col == 0)
			fputs(indent, stdout);
		if (col + 1 == t->ncols || i + 1 == t->ncells) {
			/* no trailing blanks after the last column */
			if (t->right[col])
				printf("%*s\n", w, t->cells[i]);
			else
				printf("%s\n", t->cells[i]);
		} else {
			printf(t->right[col] ? "%*s  " : "%-*s  ", w,
			       t->cells[i]);
		}
	}
	table_free(t);
}

void table_free(struct table *t)
{
	unsigned int i;

	for (i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->ncells = 0;
	t->cap = 0;
}
