/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_NL_H
#define TAPCTL_NL_H

#include <libmnl/libmnl.h>

struct ctx;

/* Buffer size for requests and replies; dumps need the large one. */
#define NL_BUFSIZE 32768

/* Opens the process's one rtnetlink socket if it is not open yet. */
int nl_open(struct ctx *ctx);
void nl_close(struct ctx *ctx);

/*
 * Sends @nlh (sequence number and NLM_F_ACK are filled in), runs @cb on
 * each reply message, and waits for the ack or the end of the dump.
 * Returns 0 or -errno; on failure ctx->extack holds the kernel's text.
 */
int nl_request(struct ctx *ctx, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

#endif
