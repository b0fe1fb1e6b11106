/* SPDX-License-Identifier: GPL-2.0 */
/* The words lbctl reads and prints for the contract's numbers. */
#ifndef LBCTL_NAMES_H
#define LBCTL_NAMES_H

#include <stdbool.h>
#include <stdint.h>

/* -1 if @s names none */
int mode_parse(const char *s);
int sched_parse(const char *s);
int fwd_parse(const char *s);
int proto_parse(const char *s);

/* Numbers this lbctl does not know (a newer kernel) print as digits. */
const char *mode_name(unsigned int mode, char *buf, unsigned int len);
const char *sched_name(unsigned int sched, char *buf, unsigned int len);
const char *fwd_name(unsigned int fwd, char *buf, unsigned int len);
const char *proto_name(uint8_t proto, char *buf, unsigned int len);
/* "any", "inet", "inet6" */
const char *family_name(uint8_t family);

/* The protocols whose packets have ports a service can match. */
bool proto_has_ports(uint8_t proto);

#define MODE_WORDS	"packet, flow or flowlet"
#define SCHED_WORDS	"wrr, maglev or wlc"
#define PORT_PROTO_WORDS "tcp, udp, sctp, udplite or dccp"

#endif /* LBCTL_NAMES_H */
