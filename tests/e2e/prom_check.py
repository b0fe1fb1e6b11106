#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""prom_check.py PROM JSON: lbctl stats -o prometheus (PROM) read by
prometheus_client's own parser must hold exactly the series lbctl -j stats
(JSON, read just before) implies, with the same numbers, each family once
(one HELP and TYPE, of the type expected, its samples together after
them).  Prints one line per difference and exits 1 if there is any; 0
with a summary."""
import json
import re
import sys

from prometheus_client.parser import text_string_to_metric_families

NAT_ONLY = {"reply_packets", "reply_bytes"}
GAUGES = {"flows_active"}
IPVS_TOTALS = {
    "lb_connections_total": "flows_created",
    "lb_incoming_packets_total": "packets",
    "lb_incoming_bytes_total": "bytes",
    "lb_outgoing_packets_total": "reply_packets",
    "lb_outgoing_bytes_total": "reply_bytes",
}
INFO = {
    "lb_services": "services", "lb_flows": "flows", "lb_flow_max": "flow_max",
    "lb_flow_max_global": "flow_max_total", "lb_vip_drops_total": "vip_drops",
    "lb_nat_drops_total": "nat_drops", "lb_event_drops_total": "event_drops",
}


def key(name, labels):
    return (name, tuple(sorted(labels.items())))


def expected(doc):
    """The series (name, labels) -> value that doc implies."""
    want = {}
    info = doc["info"]
    for name, field in INFO.items():
        if field in info:
            want[key(name, {})] = info[field]
    for name, field in IPVS_TOTALS.items():
        want[key(name, {})] = sum(s["stats"][field] for s in doc["services"])
    for s in doc["services"]:
        sl = {k: str(s[k]) for k in ("family", "vip", "from", "proto", "port", "iif")}
        for field, v in s["stats"].items():
            name = "lb_service_" + field + ("" if field in GAUGES else "_total")
            want[key(name, sl)] = v
        for t in s["targets"]:
            tl = dict(sl, kind=t["kind"])
            if t["kind"] == "backend":
                a = t["addr"]
                tl["target"] = ("[%s]:%d" if ":" in a else "%s:%d") % (a, t["port"])
                il = {"local_address": s["vip"].split("/")[0],
                      "local_port": str(s["port"]), "local_mark": "",
                      "proto": "UDP" if s["proto"] == "udp" else "TCP",
                      "remote_address": a, "remote_port": str(t["port"])}
                # node_exporter's IPVS series: services of address, port
                # and protocol alone, as IPVS's are
                if s["from"] == "any" and not s["iif"]:
                    want[key("lb_backend_connections_active", il)] = t["stats"]["flows_active"]
                    want[key("lb_backend_weight", il)] = t["weight"]
            else:
                tl["target"] = "0x%x" % t["mark"]
            for field, v in t["stats"].items():
                if field in NAT_ONLY and t["kind"] != "backend":
                    continue
                name = "lb_target_" + field + ("" if field in GAUGES else "_total")
                want[key(name, tl)] = v
            want[key("lb_target_weight", tl)] = t["weight"]
            want[key("lb_target_up", tl)] = 0 if t["down"] else 1
    return want


def expected_type(name):
    """lb's counters end in _total, its gauges do not."""
    return "counter" if name.endswith("_total") else "gauge"


def layout(text):
    """What the parser lets pass: a family's HELP and TYPE once each, its
    samples right after them and nowhere else, of the type its name says."""
    bad, seen, current = [], set(), None
    for line in text.splitlines():
        m = re.match(r"# (HELP|TYPE) (\S+)(?: (\S+))?", line)
        if m:
            if m.group(1) == "HELP":
                if m.group(2) in seen:
                    bad.append("family %s twice" % m.group(2))
                seen.add(m.group(2))
                current = m.group(2)
            elif m.group(2) != current:
                bad.append("TYPE of %s after HELP of %s" % (m.group(2), current))
            elif m.group(3) != expected_type(current):
                bad.append("%s: TYPE %s" % (current, m.group(3)))
            continue
        name = re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line)
        if not name or name.group(0) != current:
            bad.append("sample outside its family: %s" % line)
    return bad


def main():
    text = open(sys.argv[1]).read()
    doc = json.load(open(sys.argv[2]))
    got, types, bad = {}, {}, layout(text)
    for fam in text_string_to_metric_families(text):
        if fam.name in types:
            bad.append("family %s twice" % fam.name)
        types[fam.name] = fam.type
        if fam.type not in ("counter", "gauge"):
            bad.append("%s: type %s" % (fam.name, fam.type))
        for smp in fam.samples:
            k = key(smp.name, smp.labels)
            if k in got:
                bad.append("twice: %s" % (k,))
            got[k] = smp.value
    want = expected(doc)
    for k in sorted(set(want) | set(got)):
        if k not in got:
            bad.append("missing: %s" % (k,))
        elif k not in want:
            bad.append("not expected: %s" % (k,))
        elif got[k] != want[k]:
            bad.append("%s: %s, JSON says %s" % (k, got[k], want[k]))
    for b in bad:
        print(b)
    if bad:
        return 1
    print("%d series in %d families, all as lbctl -j stats says" % (len(got), len(types)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
