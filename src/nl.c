// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "compat.h"
#include "ctx.h"
#include "nl.h"

int nl_open(struct ctx *ctx)
{
	const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct mnl_socket *nl;
	int one = 1, ret;

	if (ctx->nl)
		return 0;
	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return err_sys(ctx, -errno, "netlink socket");
	/* Best effort: older kernels lack them and still work. */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		mnl_socket_close(nl);
		return err_sys(ctx, ret, "netlink bind");
	}
	/*
	 * Only the kernel may answer: libmnl 1.0.4 trusts nlmsg_len too far
	 * (fixed upstream after the release), and another privileged socket
	 * could otherwise send us a forged reply.
	 */
	if (connect(mnl_socket_get_fd(nl), (const struct sockaddr *)&kernel,
		    sizeof(kernel)) < 0) {
		ret = -errno;
		mnl_socket_close(nl);
		return err_sys(ctx, ret, "netlink connect");
	}
	ctx->nl = nl;
	ctx->portid = mnl_socket_get_portid(nl);
	ctx->seq = (unsigned int)time(NULL);
	return 0;
}

void nl_close(struct ctx *ctx)
{
	if (ctx->nl)
		mnl_socket_close(ctx->nl);
	ctx->nl = NULL;
}

struct req {
	struct ctx *ctx;
	mnl_cb_t cb;
	void *data;
};

static int extack_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, NLMSGERR_ATTR_MAX) < 0)
		return MNL_CB_OK;
	if (type == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

/*
 * libmnl's own error callback drops the extended ack; this one keeps
 * the kernel's message, as iproute2's libnetlink does.
 */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct req *req = data;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	size_t off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (e->error == 0)
		return MNL_CB_STOP;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
		if (off < mnl_nlmsg_get_payload_len(nlh) &&
		    mnl_attr_parse_payload((const char *)e + off,
					   mnl_nlmsg_get_payload_len(nlh) - off,
					   extack_attr, tb) >= 0 &&
		    tb[NLMSGERR_ATTR_MSG]) {
			snprintf(req->ctx->extack, sizeof(req->ctx->extack),
				 "%s", mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
		}
	}
	/* The kernel sends a negative errno; anything else is not one. */
	errno = e->error < 0 && e->error != INT_MIN ? -e->error : EPROTO;
	return MNL_CB_ERROR;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct req *req = data;

	return req->cb ? req->cb(nlh, req->data) : MNL_CB_OK;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_STOP;
}

static mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = noop_cb,
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
	[NLMSG_OVERRUN] = noop_cb,
};

/*
 * libmnl 1.0.4's mnl_nlmsg_ok() compares (int)nlmsg_len, so a length of
 * 2 GiB or more walks off the buffer. The kernel sends none, and only it
 * can reach our connected socket; checking is still cheap.
 */
static bool lengths_ok(const char *buf, size_t n)
{
	const struct nlmsghdr *h;
	size_t len;

	while (n >= sizeof(*h)) {
		h = (const struct nlmsghdr *)buf;
		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > n)
			return false;
		len = NLMSG_ALIGN(h->nlmsg_len);
		if (len >= n)
			break;
		buf += len;
		n -= len;
	}
	return true;
}

/* One received buffer through the callbacks: MNL_CB_* as mnl_cb_run2. */
static int run(struct req *req, const char *buf, size_t n, unsigned int seq,
	       unsigned int portid)
{
	if (!lengths_ok(buf, n)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return mnl_cb_run2(buf, n, seq, portid, data_cb, req, ctl_cb,
			   NLMSG_MIN_TYPE);
}

int nl_request(struct ctx *ctx, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	static char buf[NL_BUFSIZE];
	struct req req = { ctx, cb, data };
	unsigned int seq;
	ssize_t n;
	int ret;

	ret = nl_open(ctx);
	if (ret)
		return ret;
	ctx->extack[0] = '\0';
	seq = ++ctx->seq;
	nlh->nlmsg_seq = seq;
	/* A dump ends with NLMSG_DONE; an ack would arrive after it. */
	nlh->nlmsg_flags |= NLM_F_REQUEST;
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(ctx->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(ctx->nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		ret = run(&req, buf, (size_t)n, seq, ctx->portid);
		if (ret < 0)
			return errno ? -errno : -EIO;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}
