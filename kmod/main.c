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
#include "conf.h"

unsigned int lb_net_id __read_mostly;
struct workqueue_struct *lb_wq __read_mostly;

int lb_net_init(struct lb_net *ln, u32 flow_max)
{
	struct lb_tunables t;
	struct lb_cfg *cfg;
	int err, cpu;

	mutex_init(&ln->lock);
	INIT_LIST_HEAD(&ln->services);
	ida_init(&ln->tgt_ids);
	ln->next_id = 1;
	lb_health_init(ln);

	ln->ns_stats = alloc_percpu_gfp(struct lb_ns_stats, GFP_KERNEL_ACCOUNT);
	if (!ln->ns_stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(ln->ns_stats, cpu)->syncp);

	mutex_lock(&ln->lock);
	cfg = lb_cfg_build(&ln->services, ln->n_services);
	mutex_unlock(&ln->lock);
	if (!cfg) {
		err = -ENOMEM;
		goto err_stats;
	}
	RCU_INIT_POINTER(ln->cfg, cfg);

	err = lb_flow_table_init(&ln->flows, ln, flow_max);
	if (err) {
		lb_cfg_free(cfg);
		goto err_stats;
	}
	lb_tunables_defaults(&t);
	t.flow_max = flow_max;
	lb_tunables_set(ln, &t);
	return 0;
err_stats:
	free_percpu(ln->ns_stats);
	return err;
}

/* Context: the namespace's hooks are unregistered and readers are done. */
void lb_net_exit(struct lb_net *ln)
{
	struct lb_svc_conf *sc, *tmp;
	struct lb_cfg *cfg;

	WARN_ON_ONCE(ln->hooks);	/* lb_net_quiesce() came first */
	lb_health_exit(ln);
	lb_flow_table_destroy(&ln->flows);
	cfg = rcu_dereference_protected(ln->cfg, true);
	list_for_each_entry_safe(sc, tmp, &ln->services, node) {
		list_add(&sc->compiled->retire, &cfg->retired);
		lb_svc_conf_free(ln, sc);
	}
	lb_cfg_free(cfg);
	ida_destroy(&ln->tgt_ids);
	free_percpu(ln->ns_stats);
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
	/* Packets already in the hooks may still read the state. */
	synchronize_net();
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
	lb_defrag_init();
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
	lb_defrag_exit();
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
	lb_defrag_exit();
}

module_init(lb_init);
module_exit(lb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Balance routed traffic over paths (fwmark) and backends (NAT)");
MODULE_ALIAS_GENL_FAMILY(LB_GENL_NAME);
MODULE_VERSION(LB_VERSION);
