/* SPDX-License-Identifier: GPL-2.0 */
/* Text tables whose columns fit their widest cell. */
#ifndef LBCTL_TABLE_H
#define LBCTL_TABLE_H

#include <stdbool.h>

#define TABLE_COLS	12

struct table {
	unsigned int ncols;
	bool right[TABLE_COLS];		/* numbers align right */
	unsigned int width[TABLE_COLS];
	unsigned int ncells, cap;
	char **cells;			/* row after row */
};

/* @headers: one per column, the first row. */
void table_init(struct table *t, unsigned int ncols,
		const char *const *headers);
/* Numbers read best aligned right. */
void table_right(struct table *t, unsigned int col);
/* Appends the next cell, row after row; false if out of memory. */
bool table_cell(struct table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints every row, each line starting with @indent, and frees. */
void table_print(struct table *t, const char *indent);
void table_free(struct table *t);

#endif /* LBCTL_TABLE_H */
