// SPDX-License-Identifier: GPL-2.0
/*
 * lb: the forwarding methods (struct lb_fwd_ops), by enum lb_fwd.  A new
 * method is a file of its own (fwd_*.c: its ops), a value in the uapi's
 * enum lb_fwd and LB_FWD_NAMES, and an entry here.
 */
#include "lb.h"

const struct lb_fwd_ops *const lb_fwds[__LB_FWD_MAX] = {
	[LB_FWD_MARK] = &lb_fwd_mark,
	[LB_FWD_NAT] = &lb_fwd_nat,
	[LB_FWD_IPIP] = &lb_fwd_ipip,
	[LB_FWD_GUE] = &lb_fwd_gue,
};
