// SPDX-License-Identifier: GPL-2.0
/*
 * lb: a namespace's tunables (LB_CMD_INFO_SET, lbctl set): the flow
 * table's bound and idle timeouts, and the flowlet gap of services added
 * without one.  A new namespace takes the module parameters'.
 *
 * The packet path reads them without a lock, one word at a time, as they
 * are written here under lb_net.lock: a flow is judged by the timeout in
 * force when it is looked at, so a change takes effect on every flow at
 * once and loses none (a shorter timeout ends idle flows sooner, as it
 * says).  The bound is the module's flow_max at most: a namespace's user
 * may lower what it may cost, never raise it.
 */
#include "conf.h"

/* What a new namespace starts with: the module parameters. */
void lb_tunables_defaults(struct lb_tunables *t)
{
	t->flow_max = lb_defaults.flow_max;
	t->timeout[LB_TO_TCP] = lb_defaults.timeout_tcp;
	t->timeout[LB_TO_TCP_SYN] = lb_defaults.timeout_tcp_syn;
	t->timeout[LB_TO_TCP_CLOSE] = lb_defaults.timeout_tcp_close;
	t->timeout[LB_TO_UDP] = lb_defaults.timeout_udp;
	t->timeout[LB_TO_OTHER] = lb_defaults.timeout_other;
	t->flowlet_us = lb_defaults.flowlet_us;
}

void lb_tunables_get(const struct lb_net *ln, struct lb_tunables *t)
{
	int i;

	t->flow_max = READ_ONCE(ln->flows.max);
	for (i = 0; i < LB_TO_N; i++)
		t->timeout[i] = READ_ONCE(ln->flows.timeout[i]);
	t->flowlet_us = READ_ONCE(ln->flowlet_us);
}

/* Return: 0, or -EINVAL with @extack saying which value is out of range. */
int lb_tunables_check(const struct lb_tunables *t,
		      struct netlink_ext_ack *extack)
{
	int i;

	if (!t->flow_max || t->flow_max > lb_defaults.flow_max) {
		NL_SET_ERR_MSG(extack,
			       "flow_max must be 1 to the module parameter flow_max");
		return -EINVAL;
	}
	for (i = 0; i < LB_TO_N; i++) {
		if (!t->timeout[i] || t->timeout[i] > LB_TIMEOUT_MAX) {
			NL_SET_ERR_MSG(extack,
				       "a flow timeout is 1 s to 7 days");
			return -EINVAL;
		}
	}
	if (t->flowlet_us < LB_FLOWLET_US_MIN ||
	    t->flowlet_us > LB_FLOWLET_US_MAX) {
		NL_SET_ERR_MSG(extack, "flowlet timeout out of range");
		return -EINVAL;
	}
	return 0;
}

/* @t is checked.  Context: under @ln->lock (unit tests: no namespace). */
void lb_tunables_set(struct lb_net *ln, const struct lb_tunables *t)
{
	int i;

	WRITE_ONCE(ln->flows.max, t->flow_max);
	for (i = 0; i < LB_TO_N; i++)
		WRITE_ONCE(ln->flows.timeout[i], t->timeout[i]);
	WRITE_ONCE(ln->flowlet_us, t->flowlet_us);
}
