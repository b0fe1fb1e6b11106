#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send lb malformed generic netlink requests, bypassing lbctl's own checks.

Every request must be refused with an errno and an extack message (the
kernel's netlink policies and handlers, not lbctl, are under test).  The
namespace must hold lb's default service (marks 0 and 3).  Prints one line
per case; exits 1 if a request was accepted or refused without a message.
Constants mirror include/uapi/linux/lb.h.
"""
import errno
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
NETLINK_EXT_ACK = 11
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLM_F_ACK_TLVS = 0x200
NLMSG_ERROR = 2
GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 16, 3, 1, 2
NLMSGERR_ATTR_MSG = 1
NLA_F_NESTED = 0x8000

# include/uapi/linux/lb.h
CMD_SVC_NEW, CMD_SVC_SET, CMD_TGT_NEW, CMD_TGT_SET, CMD_RESTORE = 2, 4, 5, 7, 11
A_SVC, A_TGT, A_WEIGHTS, A_WEIGHT, A_SVCS = 1, 2, 3, 4, 8
SVC_FAMILY, SVC_DADDR, SVC_DPLEN, SVC_PROTO, SVC_DPORT, SVC_IIFNAME = 1, 2, 3, 6, 7, 8
SVC_MODE, SVC_SCHED, SVC_FLOWLET_US, SVC_TARGETS, SVC_NAT = 9, 10, 11, 12, 15
TGT_ID, TGT_MARK, TGT_WEIGHT = 1, 2, 4


def nla(t, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, t) + payload + b"\0" * ((4 - n % 4) % 4)


def nest(t, *attrs):
    return nla(t | NLA_F_NESTED, b"".join(attrs))


def u8(t, v):
    return nla(t, struct.pack("=B", v))


def u16(t, v):
    return nla(t, struct.pack("=H", v))


def u32(t, v):
    return nla(t, struct.pack("=I", v))


class Genl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.s.setsockopt(270, NETLINK_EXT_ACK, 1)  # SOL_NETLINK
        self.s.bind((0, 0))
        self.seq = 0
        self.family = None
        err, _, reply = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                     nla(CTRL_ATTR_FAMILY_NAME, b"lb\0"), ack=False)
        if err:
            sys.exit("badnl: family lb not found: %s" % os.strerror(err))
        attrs = reply[20:]
        while attrs:
            n, t = struct.unpack("=HH", attrs[:4])
            if t == CTRL_ATTR_FAMILY_ID:
                self.family = struct.unpack("=H", attrs[4:6])[0]
            attrs = attrs[(n + 3) & ~3:]

    def request(self, family, cmd, payload, ack=True):
        """Returns (errno, extack message, first reply)."""
        self.seq += 1
        body = struct.pack("=BBH", cmd, 1, 0) + payload
        hdr = struct.pack("=IHHII", 16 + len(body), family,
                          NLM_F_REQUEST | (NLM_F_ACK if ack else 0), self.seq, 0)
        self.s.send(hdr + body)
        while True:
            data = self.s.recv(65536)
            while data:
                n, typ, flags, seq, _ = struct.unpack("=IHHII", data[:16])
                msg, data = data[:n], data[(n + 3) & ~3:]
                if seq != self.seq:
                    continue
                if typ != NLMSG_ERROR:
                    return 0, "", msg
                err = -struct.unpack("=i", msg[16:20])[0]
                text = ""
                if flags & NLM_F_ACK_TLVS:
                    # After the error code comes the request's header (and
                    # its payload unless capped), then the TLVs.
                    olen = struct.unpack("=I", msg[20:24])[0]
                    off = 20 + (16 if flags & 0x100 else olen)
                    tlvs = msg[(off + 3) & ~3:]
                    while len(tlvs) >= 4:
                        an, at = struct.unpack("=HH", tlvs[:4])
                        if an < 4:
                            break
                        if at == NLMSGERR_ATTR_MSG:
                            text = tlvs[4:an].rstrip(b"\0").decode(errors="replace")
                        tlvs = tlvs[(an + 3) & ~3:]
                return err, text, msg


def main():
    g = Genl()
    v4 = socket.inet_pton(socket.AF_INET, "10.77.0.0")
    cases = [
        ("mode 7", CMD_SVC_SET, nest(A_SVC, u8(SVC_MODE, 7))),
        ("scheduler 9", CMD_SVC_SET, nest(A_SVC, u8(SVC_SCHED, 9))),
        ("flowlet timeout 5us", CMD_SVC_SET, nest(A_SVC, u32(SVC_FLOWLET_US, 5))),
        ("flowlet timeout 100s", CMD_SVC_SET, nest(A_SVC, u32(SVC_FLOWLET_US, 100000000))),
        ("weights 70000,1", CMD_SVC_SET, nest(A_WEIGHTS, u32(A_WEIGHT, 70000), u32(A_WEIGHT, 1))),
        ("3 weights for 2 paths", CMD_SVC_SET,
         nest(A_WEIGHTS, u32(A_WEIGHT, 1), u32(A_WEIGHT, 1), u32(A_WEIGHT, 1))),
        ("1 weight for 2 paths", CMD_SVC_SET, nest(A_WEIGHTS, u32(A_WEIGHT, 1))),
        ("empty weights", CMD_SVC_SET, nest(A_WEIGHTS)),
        ("weights of the wrong type", CMD_SVC_SET, nest(A_WEIGHTS, u32(A_SVC, 1), u32(A_SVC, 1))),
        ("path weight 70000", CMD_TGT_SET, nest(A_TGT, u32(TGT_MARK, 3), u32(TGT_WEIGHT, 70000))),
        ("new path weight 70000", CMD_TGT_NEW, nest(A_TGT, u32(TGT_MARK, 9), u32(TGT_WEIGHT, 70000))),
        ("duplicate path mark 3", CMD_TGT_NEW, nest(A_TGT, u32(TGT_MARK, 3))),
        ("path without a mark", CMD_TGT_NEW, nest(A_TGT, u32(TGT_WEIGHT, 1))),
        ("IPv4 prefix /33", CMD_SVC_NEW,
         nest(A_SVC, u8(SVC_FAMILY, socket.AF_INET), nla(SVC_DADDR, v4), u8(SVC_DPLEN, 33))),
        ("IPv6 prefix /129", CMD_SVC_NEW,
         nest(A_SVC, u8(SVC_FAMILY, socket.AF_INET6), nla(SVC_DADDR, b"\xfd" + b"\0" * 15),
              u8(SVC_DPLEN, 129))),
        ("3-byte IPv4 address", CMD_SVC_NEW,
         nest(A_SVC, u8(SVC_FAMILY, socket.AF_INET), nla(SVC_DADDR, v4[:3]), u8(SVC_DPLEN, 16))),
        ("address without family", CMD_SVC_NEW, nest(A_SVC, nla(SVC_DADDR, v4), u8(SVC_DPLEN, 16))),
        ("family 99", CMD_SVC_NEW, nest(A_SVC, u8(SVC_FAMILY, 99))),
        ("port without protocol", CMD_SVC_NEW,
         nest(A_SVC, u8(SVC_FAMILY, socket.AF_INET), nla(SVC_DADDR, v4), u8(SVC_DPLEN, 16),
              u16(SVC_DPORT, 80))),
        ("interface name too long", CMD_SVC_NEW,
         nest(A_SVC, nla(SVC_IIFNAME, b"x" * 20 + b"\0"))),
        ("targets in a request", CMD_SVC_SET, nest(A_SVC, nest(SVC_TARGETS))),
        ("unknown attribute 99", CMD_SVC_SET, u32(99, 1)),
        ("unknown service attribute 99", CMD_SVC_SET, nest(A_SVC, u32(99, 1))),
        ("the catch-all service again", CMD_SVC_NEW, nest(A_SVC)),
        ("targets in a new service", CMD_SVC_NEW,
         nest(A_SVC, u8(SVC_FAMILY, socket.AF_INET), nla(SVC_DADDR, v4), u8(SVC_DPLEN, 16),
              nest(SVC_TARGETS, nest(A_TGT, u32(TGT_MARK, 9))))),
        ("nat in a service change", CMD_SVC_SET, nest(A_SVC, nla(SVC_NAT, b""))),
        ("nat on a prefix", CMD_SVC_NEW,
         nest(A_SVC, u8(SVC_FAMILY, socket.AF_INET), nla(SVC_DADDR, v4), u8(SVC_DPLEN, 16),
              u8(SVC_PROTO, 6), u16(SVC_DPORT, 80), nla(SVC_NAT, b""))),
        # A restore that were taken would replace the whole configuration.
        ("restore without services", CMD_RESTORE, b""),
        ("restore with LB_A_SVC", CMD_RESTORE, nest(A_SVC)),
        ("restore, a service no nest", CMD_RESTORE, nest(A_SVCS, u32(A_SVC, 1))),
        ("restore with a target id", CMD_RESTORE,
         nest(A_SVCS, nest(A_SVC, u8(SVC_FAMILY, 0), u8(SVC_DPLEN, 0),
                           nest(SVC_TARGETS, nest(A_TGT, u32(TGT_MARK, 1), u32(TGT_ID, 5)))))),
        ("restore with a path twice", CMD_RESTORE,
         nest(A_SVCS, nest(A_SVC, u8(SVC_FAMILY, 0), u8(SVC_DPLEN, 0),
                           nest(SVC_TARGETS, nest(A_TGT, u32(TGT_MARK, 1)),
                                nest(A_TGT, u32(TGT_MARK, 1)))))),
        ("restore with a service twice", CMD_RESTORE,
         nest(A_SVCS, nest(A_SVC, u8(SVC_FAMILY, 0)), nest(A_SVC, u8(SVC_FAMILY, 0)))),
    ]
    bad = 0
    for name, cmd, payload in cases:
        err, text, _ = g.request(g.family, cmd, payload)
        if err == 0:
            verdict, bad = "ACCEPTED", bad + 1
        elif not text:
            verdict, bad = "NO MESSAGE", bad + 1
        else:
            verdict = "refused"
        print("#   %-30s %-10s %s: %s" % (name, verdict, errno.errorcode.get(err, err), text))
    if bad:
        print("badnl: %d of %d malformed requests accepted or refused silently" % (bad, len(cases)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
