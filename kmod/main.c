// SPDX-License-Identifier: GPL-2.0
/*
 * lb: module entry and per-namespace life cycle.
 *
 * Every network namespace gets its own services, flow table and counters,
 * and the hooks they need (hook.c); only the initial one is configured
 * from module parameters.
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/genetlink.h>
#include <linux/rtnetlink.h>
#include "lb.h"

static unsigned int lb_net_id __read_mostly;
struct workqueue_struct *lb_wq __read_mostly;

struct lb_net *lb_net(const struct net *net)
{
	return net_generic(net, lb_net_id);
}

/*
 * No more health checks (a check that finds a target changed republishes,
 * and a publication registers the hooks it needs), then no hooks.
 */
static void lb_net_quiesce(struct lb_net *ln)
{
	rtnl_lock();
	lb_health_stop(ln);
	rtnl_unlock();
	lb_health_exit(ln);
	mutex_lock(&ln->lock);
	lb_hooks_trim(ln, NULL);
	mutex_unlock(&ln->lock);
}

static int __net_init lb_net_enter(struct net *net)
{
	struct lb_net *ln = lb_net(net);
	int err;

	ln->net = net;
	err = lb_net_init(ln, lb_defaults.flow_max);
	if (err)
		return err;
	/* Hooks come with the configuration that needs them (hook.c). */
	if (net_eq(net, &init_net)) {
		err = lb_params_apply(ln);
		if (err)
			goto err_state;
	}
	return 0;

err_state:
	lb_net_quiesce(ln);
	lb_net_exit(ln);
	return err;
}

/* The core waits for an RCU grace period between pre_exit and exit, so no
 * hook is still running when the state goes.
 */
static void __net_exit lb_net_pre_leave(struct net *net)
{
	lb_net_quiesce(lb_net(net));
}

static void __net_exit lb_net_leave(struct net *net)
{
	lb_net_exit(lb_net(net));
}

static struct pernet_operations lb_net_ops = {
	.init = lb_net_enter,
	.pre_exit = lb_net_pre_leave,
	.exit = lb_net_leave,
	.id = &lb_net_id,
	.size = sizeof(struct lb_net),
};

static int __init lb_init(void)
{
	int err;

	err = lb_params_parse();
	if (err)
		return err;
	lb_wq = alloc_workqueue("lb", 0, 0);
	if (!lb_wq)
		return -ENOMEM;
	err = lb_flow_cache_init();
	if (err)
		goto err_wq;
	err = register_pernet_subsys(&lb_net_ops);
	if (err)
		goto err_cache;
	err = lb_health_register();
	if (err)
		goto err_pernet;
	err = lb_genl_register();
	if (err)
		goto err_health;
	return 0;

err_health:
	lb_health_unregister();
err_pernet:
	unregister_pernet_subsys(&lb_net_ops);
err_cache:
	lb_flow_cache_exit();
err_wq:
	rcu_barrier();
	destroy_workqueue(lb_wq);
	return err;
}

static void __exit lb_exit(void)
{
	lb_genl_unregister();
	lb_health_unregister();
	unregister_pernet_subsys(&lb_net_ops);
	lb_flow_cache_exit();	/* waits for RCU callbacks */
	destroy_workqueue(lb_wq);	/* runs the snapshot frees they queued */
}

module_init(lb_init);
module_exit(lb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Balance routed traffic over paths (fwmark) and backends (NAT)");
MODULE_ALIAS_GENL_FAMILY(LB_GENL_NAME);
MODULE_VERSION(LB_VERSION);
