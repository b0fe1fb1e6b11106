// SPDX-License-Identifier: GPL-2.0
/* lbctl stats: every counter, per service and per target, as tables. */
#include <stdio.h>

#include "addr.h"
#include "args.h"
#include "lbctl.h"
#include "nl.h"
#include "show.h"
#include "snapshot.h"
#include "table.h"

/* @nat: with the counters only backends have. */
static void counter_cells(struct table *t, const struct counters *c,
			  bool nat)
{
	unsigned int i;

	for (i = 0; i < counter_nfields; i++)
		if (nat || !counter_fields[i].nat)
			table_cell(t, "%llu", (unsigned long long)
				   c->v[counter_fields[i].attr]);
}

static void service_table(const struct service *svc)
{
	const char *headers[TABLE_COLS] = { "ID", "MARK", "WEIGHT" };
	bool nat = service_nat(svc);
	const struct target *tgt;
	unsigned int i, n = 3;
	char name[ADDR_STRLEN];
	struct table t;

	if (nat)
		headers[1] = "BACKEND";
	for (i = 0; i < counter_nfields && n < TABLE_COLS; i++)
		if (nat || !counter_fields[i].nat)
			headers[n++] = counter_fields[i].header;
	table_init(&t, n, headers);
	for (i = 2; i < t.ncols; i++)
		table_right(&t, i);
	for (i = 0; i < svc->ntargets; i++) {
		tgt = &svc->targets[i];
		table_cell(&t, "%u", tgt->id);
		table_cell(&t, "%s", target_str(tgt, name, sizeof(name)));
		table_cell(&t, "%u", tgt->weight);
		counter_cells(&t, &tgt->stats, nat);
	}
	/* the service's own counters, under its targets' */
	table_cell(&t, "service");
	table_cell(&t, "-");
	table_cell(&t, "-");
	counter_cells(&t, &svc->stats, nat);
	table_print(&t, "    ");
}

int cmd_stats(struct args *a)
{
	struct snapshot s;
	struct match sel;
	unsigned int i;
	struct nl *nl;
	int ret;

	parse_selector_only(a, &sel);
	nl = connect_lb();
	if (!nl)
		return EXIT_ERR;
	ret = snapshot_read(nl, &sel, true, &s);
	nl_close(nl);
	if (ret != EXIT_OK)
		return ret;

	if (opt.json) {
		snapshot_json(&s);
	} else {
		info_text(&s);
		for (i = 0; i < s.nservices; i++) {
			service_head_text(&s.services[i]);
			service_table(&s.services[i]);
		}
	}
	snapshot_free(&s);
	return EXIT_OK;
}
