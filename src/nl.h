/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_NL_H
#define TAPCTL_NL_H

#include <stddef.h>
#include <libmnl/libmnl.h>

struct ctx;

/* Buffer size for requests and replies; dumps need the large one. */
#define NL_BUFSIZE 32768
/*
 * Runs of a dump that links changing under it may interrupt, 1, 2, 4,
 * 8, 16, 16... ms apart: about a tenth of a second in all.
 */
#define NL_DUMP_TRIES 10

/* Opens the process's one rtnetlink socket if it is not open yet. */
int nl_open(struct ctx *ctx);
void nl_close(struct ctx *ctx);

/*
 * Sends @nlh (sequence number and NLM_F_ACK are filled in), runs @cb on
 * each reply message, and waits for the ack or the end of the dump.
 * Returns 0 or -errno; on failure ctx->extack holds the kernel's text.
 * A dump that the kernel marks NLM_F_DUMP_INTR (links changed while it
 * ran) is read to its end and gives -EINTR: see nl_dump.
 *
 * Whatever happens, nothing of this request is left for the next one to
 * read: a reply stream cut short (a callback's error, ENOBUFS, a reply
 * that is not one) closes the socket, and the next request opens a new
 * one. Messages of another sequence number are never taken for ours.
 */
int nl_request(struct ctx *ctx, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/*
 * nl_request for a dump, run again (after @reset(@data), which must undo
 * what @cb gathered) while the kernel says it was interrupted; after
 * NL_DUMP_TRIES interrupted runs, -EAGAIN.
 */
int nl_dump(struct ctx *ctx, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
	    void (*reset)(void *data));

/*
 * Many requests, pipelined: up to NL_WINDOW of them in one sendmsg, whose
 * replies are read together. Only for requests that may be repeated
 * (GETs, setting a value): a window whose replies the kernel dropped
 * (ENOBUFS) is sent again on a new socket.
 *
 * @build writes request @i into @buf (room for NL_REQ_MAX bytes) and
 * returns it; @msg gets each reply message of request @i; @done gets its
 * result (0 or -errno, with ctx->extack holding the kernel's text). A
 * negative return of @msg or @done stops the pipeline with that value.
 */
#define NL_WINDOW 32
#define NL_REQ_MAX 512
struct nl_pipe {
	struct nlmsghdr *(*build)(void *data, size_t i, char *buf);
	int (*msg)(void *data, size_t i, const struct nlmsghdr *nlh);
	int (*done)(void *data, size_t i, int err);
};
int nl_pipeline(struct ctx *ctx, size_t n, const struct nl_pipe *ops,
		void *data);

#endif
