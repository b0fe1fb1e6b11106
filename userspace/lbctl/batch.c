// SPDX-License-Identifier: GPL-2.0
/*
 * lbctl -b FILE: many commands in one run, one a line as they would follow
 * "lbctl" (its options, -n and -j among them, apply to every line), like
 * iproute2's -batch.  Blank lines and '#' comments are skipped.  It stops
 * at the first command that fails, with that command's exit status and
 * the file and line in its message.  Each command is applied as it is
 * read, unlike restore, which applies a whole file at once.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "lbctl.h"

static int run_line(struct args *a, unsigned int line, void *ctx)
{
	(void)line;	/* args_lines() gave it to the messages */
	(void)ctx;
	return run_command(a);
}

int run_batch(const char *file)
{
	FILE *f = stdin;
	int rc;

	if (strcmp(file, "-")) {
		f = fopen(file, "r");
		if (!f) {
			error_msg("cannot open %s: %s", file, strerror(errno));
			return EXIT_ERR;
		}
	}
	rc = args_lines(f, f == stdin ? "<stdin>" : file, run_line, NULL);
	if (f != stdin)
		fclose(f);
	return rc;
}
