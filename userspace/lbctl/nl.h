/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Talking to the lb module: the generic netlink socket, the family, one
 * request at a time, its replies and its acknowledgment.
 */
#ifndef LBCTL_NL_H
#define LBCTL_NL_H

#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdint.h>

struct nl;

/* Socket and family; on failure says why on stderr and returns NULL. */
struct nl *nl_open(void);
void nl_close(struct nl *nl);
/* The socket, to wait for it (poll). */
int nl_fd(const struct nl *nl);
/*
 * A fresh socket, to start a dump again: what is left of an abandoned
 * dump must not be read as the new one's.  -1 if that failed (said).
 */
int nl_reset(struct nl *nl);

/* A request for @cmd in the send buffer, NLM_F_REQUEST | @flags. */
struct nlmsghdr *nl_request(struct nl *nl, uint8_t cmd, uint16_t flags);
/*
 * The same in @buf, for a request that may be larger (restore): it must
 * stay there until nl_perror() is done with it.
 */
struct nlmsghdr *nl_request_in(struct nl *nl, void *buf, uint8_t cmd,
			       uint16_t flags);

/*
 * Sends @req and hands each reply message to @cb (which may be NULL)
 * until the ack, the end of the dump or an error.  0, or -errno with the
 * kernel's explanation kept for nl_perror().
 */
int nl_talk(struct nl *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data);

/* Sends a write request with NLM_F_ACK; EXIT_OK, or EXIT_ERR said. */
int nl_write(struct nl *nl, struct nlmsghdr *req);

/* "lbctl: <extack message> (<strerror>)" for the last failed nl_talk. */
void nl_perror(const struct nl *nl);
/* The same as "lbctl: @where: ..." (a file and line of restore). */
void nl_perror_at(const struct nl *nl, const char *where);
/*
 * Where in the request the last failed nl_talk's error points (extack's
 * NLMSGERR_ATTR_OFFS, from the start of the request); false if nowhere.
 */
bool nl_error_offset(const struct nl *nl, uint32_t *off);

/* For reply callbacks: the kernel sent something lbctl cannot read. */
static inline int nl_bad_reply(void)
{
	errno = EBADMSG;
	return MNL_CB_ERROR;
}

/*
 * Joins the events group (LB_MCGRP_EVENTS), and the controller's, which
 * tells when the family goes; -1 if it cannot, said.
 */
int nl_join_events(struct nl *nl);
/*
 * Hands each event message that has arrived to @cb, without waiting: 0,
 * or -EAGAIN if none had, -ENOBUFS when events were lost (the socket
 * overran; the next call goes on), -ENODEV once the module is unloaded
 * (the family was removed), another -errno.
 */
int nl_read_events(struct nl *nl, mnl_cb_t cb, void *data);

/* The attributes of a reply, after its generic netlink header. */
int nl_parse(const struct nlmsghdr *nlh, mnl_attr_cb_t cb, void *data);

#endif /* LBCTL_NL_H */
