// SPDX-License-Identifier: GPL-2.0
/*
 * lbctl stats -o prometheus: the counters in the Prometheus text format
 * (0.0.4), for node_exporter's textfile collector.  Where a figure means
 * what one of node_exporter's IPVS collector does, it has that metric's
 * name (lb_ for node_ipvs_) and labels; the rest are lb's own, labelled
 * by the service's match as lbctl -j prints it.
 */
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "addr.h"
#include "lbctl.h"
#include "match.h"
#include "metrics.h"
#include "names.h"
#include "snapshot.h"

/* A label value, escaped as the format asks: backslash, quote, newline. */
static void label(const char *name, const char *value, bool first)
{
	printf("%s%s=\"", first ? "" : ",", name);
	for (; *value; value++) {
		if (*value == '\\' || *value == '"')
			printf("\\%c", *value);
		else if (*value == '\n')
			fputs("\\n", stdout);
		else
			putchar(*value);
	}
	putchar('"');
}

static void family_head(const char *name, const char *type,
			const char *help)
{
	printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void service_labels(const struct service *svc)
{
	const struct match *m = &svc->match;
	char a[ADDR_STRLEN], p[8], port[8];

	label("family", family_name(m->family), true);
	label("vip", prefix_str(m->family, &m->daddr, m->dplen, a, sizeof(a)),
	      false);
	label("from", m->saddr_len ?
	      prefix_str(m->family, &m->saddr, m->splen, a, sizeof(a)) : "any",
	      false);
	label("proto", proto_name(m->proto, p, sizeof(p)), false);
	snprintf(port, sizeof(port), "%u", m->dport);
	label("port", port, false);
	label("iif", m->iif, false);
}

/* The service's labels, then the target's: "0x3" or "10.0.0.1:80". */
static void target_labels(const struct service *svc, const struct target *t)
{
	char buf[ADDR_STRLEN + 8];

	service_labels(svc);
	if (t->backend)
		endpoint_str(t->family, &t->addr, t->port, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "0x%x", t->mark);
	label("target", buf, false);
	label("kind", t->backend ? "backend" : "path", false);
}

/* The labels of node_exporter's node_ipvs_backend_* series. */
static void ipvs_labels(const struct service *svc, const struct target *t)
{
	const struct match *m = &svc->match;
	char a[ADDR_STRLEN], num[12];

	label("local_address", addr_str(m->family, &m->daddr, a, sizeof(a)),
	      true);
	snprintf(num, sizeof(num), "%u", m->dport);
	label("local_port", num, false);
	label("local_mark", "", false);
	label("proto", m->proto == IPPROTO_UDP ? "UDP" : "TCP", false);
	label("remote_address", addr_str(t->family, &t->addr, a, sizeof(a)),
	      false);
	snprintf(num, sizeof(num), "%u", t->port);
	label("remote_port", num, false);
}

static const char *counter_help(uint16_t attr)
{
	switch (attr) {
	case LB_STATS_A_PACKETS:	return "Packets placed.";
	case LB_STATS_A_BYTES:		return "Bytes placed (IP headers on).";
	case LB_STATS_A_FLOWS_CREATED:	return "Flows created.";
	case LB_STATS_A_FLOWS_ACTIVE:	return "Flows in the flow table.";
	case LB_STATS_A_FALLBACKS:
		return "Packets placed without a flow entry (table full or no memory).";
	case LB_STATS_A_FLOWLET_SWITCHES:
		return "Flowlets that changed target.";
	case LB_STATS_A_REPLY_PACKETS:	return "Reply packets translated (NAT).";
	case LB_STATS_A_REPLY_BYTES:	return "Reply bytes translated (NAT).";
	}
	return "A counter.";
}

/* flows_active is a gauge, every other counter a counter. */
static void counter_name(char *buf, size_t len, const char *scope,
			 const struct counter_field *f)
{
	bool gauge = f->attr == LB_STATS_A_FLOWS_ACTIVE;

	snprintf(buf, len, "lb_%s_%s%s", scope, f->json, gauge ? "" : "_total");
}

static void service_counters(const struct snapshot *s)
{
	const struct counter_field *f;
	unsigned int i, k;
	char name[64];

	for (k = 0; k < counter_nfields; k++) {
		f = &counter_fields[k];
		counter_name(name, sizeof(name), "service", f);
		family_head(name, f->attr == LB_STATS_A_FLOWS_ACTIVE ?
			    "gauge" : "counter", counter_help(f->attr));
		for (i = 0; i < s->nservices; i++) {
			printf("%s{", name);
			service_labels(&s->services[i]);
			printf("} %llu\n", (unsigned long long)
			       s->services[i].stats.v[f->attr]);
		}
	}
}

static void target_counters(const struct snapshot *s)
{
	const struct counter_field *f;
	const struct service *svc;
	const struct target *t;
	unsigned int i, j, k;
	char name[64];

	for (k = 0; k < counter_nfields; k++) {
		f = &counter_fields[k];
		counter_name(name, sizeof(name), "target", f);
		family_head(name, f->attr == LB_STATS_A_FLOWS_ACTIVE ?
			    "gauge" : "counter", counter_help(f->attr));
		for (i = 0; i < s->nservices; i++) {
			svc = &s->services[i];
			for (j = 0; j < svc->ntargets; j++) {
				t = &svc->targets[j];
				if (f->nat && !t->backend)
					continue;
				printf("%s{", name);
				target_labels(svc, t);
				printf("} %llu\n", (unsigned long long)
				       t->stats.v[f->attr]);
			}
		}
	}
	for (k = 0; k < 2; k++) {
		if (k == 0)
			family_head("lb_target_weight", "gauge",
				    "The target's weight.");
		else
			family_head("lb_target_up", "gauge",
				    "1 while the kernel finds a usable route to the target, else 0.");
		for (i = 0; i < s->nservices; i++) {
			svc = &s->services[i];
			for (j = 0; j < svc->ntargets; j++) {
				t = &svc->targets[j];
				printf("%s{", k == 0 ? "lb_target_weight" :
				       "lb_target_up");
				target_labels(svc, t);
				printf("} %u\n", k == 0 ? t->weight : !t->down);
			}
		}
	}
}

/*
 * node_ipvs_backend_connections_active and node_ipvs_backend_weight.  An
 * IPVS virtual service is an address, port and protocol: a service with a
 * source prefix or an input interface besides has no such series (two of
 * them could share the labels); its lb_target_* series have it all.
 */
static void ipvs_backends(const struct snapshot *s)
{
	static const struct {
		const char *name, *help;
	} fam[] = {
		{ "lb_backend_connections_active",
		  "The flows lb keeps for the backend (node_ipvs_backend_connections_active)." },
		{ "lb_backend_weight",
		  "The backend's weight (node_ipvs_backend_weight)." },
	};
	const struct service *svc;
	const struct target *t;
	unsigned int f, i, j;

	for (f = 0; f < ARRAY_SIZE(fam); f++) {
		family_head(fam[f].name, "gauge", fam[f].help);
		for (i = 0; i < s->nservices; i++) {
			svc = &s->services[i];
			if (svc->match.saddr_len || svc->match.iif[0])
				continue;
			for (j = 0; j < svc->ntargets; j++) {
				t = &svc->targets[j];
				if (!t->backend)
					continue;
				printf("%s{", fam[f].name);
				ipvs_labels(svc, t);
				printf("} %llu\n", f == 0 ?
				       (unsigned long long)
				       t->stats.v[LB_STATS_A_FLOWS_ACTIVE] :
				       (unsigned long long)t->weight);
			}
		}
	}
}

/* node_ipvs_{connections,incoming,outgoing}_*_total: the sums. */
static void ipvs_totals(const struct snapshot *s)
{
	static const struct {
		const char *name, *help;
		uint16_t attr;
	} fam[] = {
		{ "lb_connections_total", "Flows created (node_ipvs_connections_total).",
		  LB_STATS_A_FLOWS_CREATED },
		{ "lb_incoming_packets_total", "Packets placed (node_ipvs_incoming_packets_total).",
		  LB_STATS_A_PACKETS },
		{ "lb_incoming_bytes_total", "Bytes placed (node_ipvs_incoming_bytes_total).",
		  LB_STATS_A_BYTES },
		{ "lb_outgoing_packets_total",
		  "Reply packets translated (node_ipvs_outgoing_packets_total).",
		  LB_STATS_A_REPLY_PACKETS },
		{ "lb_outgoing_bytes_total",
		  "Reply bytes translated (node_ipvs_outgoing_bytes_total).",
		  LB_STATS_A_REPLY_BYTES },
	};
	unsigned long long sum;
	unsigned int f, i;

	for (f = 0; f < ARRAY_SIZE(fam); f++) {
		sum = 0;
		for (i = 0; i < s->nservices; i++)
			sum += s->services[i].stats.v[fam[f].attr];
		family_head(fam[f].name, "counter", fam[f].help);
		printf("%s %llu\n", fam[f].name, sum);
	}
}

/* The namespace's figures that lbctl -j stats gives under "info". */
static void info_metrics(const struct snapshot *s)
{
	static const struct {
		uint16_t attr;
		const char *name, *type, *help;
	} fam[] = {
		{ LB_INFO_A_SERVICES, "lb_services", "gauge", "Services configured." },
		{ LB_INFO_A_FLOWS, "lb_flows", "gauge", "Flows in the namespace's table." },
		{ LB_INFO_A_FLOW_MAX, "lb_flow_max", "gauge",
		  "The namespace's flow table limit." },
		{ LB_INFO_A_FLOW_MAX_TOTAL, "lb_flow_max_global", "gauge",
		  "The limit of flows across namespaces." },
		{ LB_INFO_A_VIP_DROPS, "lb_vip_drops_total", "counter",
		  "Packets to a VIP that no service took." },
		{ LB_INFO_A_NAT_DROPS, "lb_nat_drops_total", "counter",
		  "NAT packets that could not be translated." },
		{ LB_INFO_A_EVENT_DROPS, "lb_event_drops_total", "counter",
		  "Events the kernel could not send." },
	};
	unsigned int f;

	for (f = 0; f < ARRAY_SIZE(fam); f++) {
		if (!s->info.has[fam[f].attr])
			continue;
		family_head(fam[f].name, fam[f].type, fam[f].help);
		printf("%s %llu\n", fam[f].name,
		       (unsigned long long)s->info.v[fam[f].attr]);
	}
}

void snapshot_prometheus(const struct snapshot *s)
{
	info_metrics(s);
	ipvs_totals(s);
	ipvs_backends(s);
	service_counters(s);
	target_counters(s);
}
