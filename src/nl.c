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
	int one = 1, rcvbuf = 1 << 20, ret;

	if (ctx->nl)
		return 0;
	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return err_sys(ctx, -errno, "netlink socket");
	/* Best effort: older kernels lack them and still work. */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	/*
	 * Room for a pipeline's replies (nl_pipeline); without the
	 * privilege to force it, the default, and a window whose replies
	 * do not fit is sent again.
	 */
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE,
		       &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF,
			   &rcvbuf, sizeof(rcvbuf));
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

/* What one request is waiting for. */
struct req {
	struct ctx *ctx;
	mnl_cb_t cb;
	void *data;
	unsigned int seq;
	bool stopped;		/* @cb said MNL_CB_STOP: the rest is drained */
	bool intr;		/* NLM_F_DUMP_INTR on a message */
	int err;		/* the kernel's answer: 0 or -errno */
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

/* The TLVs after @off of an ack or NLMSG_DONE: the kernel's text. */
static void extack(struct ctx *ctx, const struct nlmsghdr *nlh, size_t off)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	const char *p = mnl_nlmsg_get_payload(nlh);
	size_t len = mnl_nlmsg_get_payload_len(nlh);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= len)
		return;
	if (mnl_attr_parse_payload(p + off, len - off, extack_attr, tb) >= 0 &&
	    tb[NLMSGERR_ATTR_MSG])
		snprintf(ctx->extack, sizeof(ctx->extack), "%s",
			 mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
}

/* The kernel sends a negative errno; anything else is not one. */
static int kernel_errno(int e)
{
	return e <= 0 && e != INT_MIN ? e : -EPROTO;
}

/*
 * An NLMSG_ERROR (an ack when its error is 0) into *@err, keeping the
 * extended ack, which libmnl's own error callback drops (as iproute2's
 * libnetlink does not). -EBADMSG if it is too short to be one.
 */
static int parse_ack(struct ctx *ctx, const struct nlmsghdr *nlh, int *err)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return -EBADMSG;
	*err = kernel_errno(e->error);
	if (*err) {
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
		extack(ctx, nlh, off);
	}
	return 0;
}

/* NLMSG_DONE carries the dump's own result since Linux 4.x. */
static void parse_done(struct ctx *ctx, const struct nlmsghdr *nlh, int *err)
{
	int e;

	*err = 0;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(e))
		return;
	memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(e));
	*err = kernel_errno(e);
	if (*err)
		extack(ctx, nlh, sizeof(e));
}

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

/* The next message of @buf (lengths checked), or NULL at its end. */
static const struct nlmsghdr *next_msg(const char **buf, size_t *n)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)*buf;
	size_t len;

	if (*n < sizeof(*nlh))
		return NULL;
	len = NLMSG_ALIGN(nlh->nlmsg_len);
	if (len > *n)
		len = *n;
	*buf += len;
	*n -= len;
	return nlh;
}

/*
 * One received buffer: 1 when the request's last message came, 0 when
 * more are to come, -errno when it cannot go on. A message of another
 * sequence number (an answer to an earlier request, which never comes
 * on a socket kept clean) is skipped, never taken for ours.
 */
static int run(struct req *req, const char *buf, size_t n)
{
	const struct nlmsghdr *nlh;
	int ret;

	if (!lengths_ok(buf, n))
		return -EBADMSG;
	while ((nlh = next_msg(&buf, &n))) {
		if (nlh->nlmsg_seq != req->seq ||
		    nlh->nlmsg_pid != req->ctx->portid)
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			req->intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_ERROR:
			ret = parse_ack(req->ctx, nlh, &req->err);
			return ret ? ret : 1;
		case NLMSG_DONE:
			parse_done(req->ctx, nlh, &req->err);
			return 1;
		}
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE || !req->cb ||
		    req->stopped)
			continue;
		errno = 0;
		ret = req->cb(nlh, req->data);
		if (ret == MNL_CB_ERROR)
			return errno ? -errno : -EIO;
		if (ret == MNL_CB_STOP)
			req->stopped = true;
	}
	return 0;
}

static ssize_t receive(struct ctx *ctx, char *buf, size_t size)
{
	ssize_t n;

	do
		n = mnl_socket_recvfrom(ctx->nl, buf, size);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/* Requests whose answers may be lost and asked for again. */
static bool is_get(const struct nlmsghdr *nlh)
{
	return nlh->nlmsg_type >= RTM_BASE && nlh->nlmsg_type % 4 == 2;
}

static int exchange(struct ctx *ctx, struct nlmsghdr *nlh, mnl_cb_t cb,
		    void *data)
{
	static char buf[NL_BUFSIZE];
	struct req req = { ctx, cb, data, 0, false, false, 0 };
	ssize_t n;
	int ret;

	ret = nl_open(ctx);
	if (ret)
		return ret;
	ctx->extack[0] = '\0';
	req.seq = ++ctx->seq;
	nlh->nlmsg_seq = req.seq;
	/* A dump ends with NLMSG_DONE; an ack would arrive after it. */
	nlh->nlmsg_flags |= NLM_F_REQUEST;
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(ctx->nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto broken;
	}
	do {
		n = receive(ctx, buf, sizeof(buf));
		ret = n < 0 ? (int)n : run(&req, buf, (size_t)n);
		if (ret < 0)
			goto broken;
	} while (!ret);
	if (req.err)
		return req.err;
	return req.intr ? -EINTR : 0;
broken:
	/*
	 * The rest of this request's answer may still come: a new socket
	 * for the next request, which must not read it.
	 */
	nl_close(ctx);
	return ret;
}

int nl_request(struct ctx *ctx, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	int ret = exchange(ctx, nlh, cb, data);

	/* Lost to a full receive buffer: a GET is asked for again. */
	if (ret == -ENOBUFS && is_get(nlh) &&
	    (nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		ret = exchange(ctx, nlh, cb, data);
	return ret;
}

int nl_dump(struct ctx *ctx, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
	    void (*reset)(void *data))
{
	int i, ret = 0;

	for (i = 0; i < NL_DUMP_TRIES; i++) {
		if (i) {
			/* A burst of changes may pass meanwhile. */
			struct timespec ts = { 0, 1000000L << (i < 5 ? i - 1 : 4) };

			nanosleep(&ts, NULL);
			reset(data);
		}
		ret = exchange(ctx, nlh, cb, data);
		if (ret != -EINTR && ret != -ENOBUFS)
			return ret;
	}
	snprintf(ctx->extack, sizeof(ctx->extack),
		 "%d dumps in a row interrupted by changes (NLM_F_DUMP_INTR)",
		 NL_DUMP_TRIES);
	return -EAGAIN;
}

/* A window of a pipeline: requests [@first, @first + @w). */
struct window {
	struct ctx *ctx;
	const struct nl_pipe *ops;
	void *data;
	size_t first, w;
	unsigned int base;
	bool answered[NL_WINDOW];
	size_t pending;
};

static int send_window(struct window *win)
{
	static char out[NL_WINDOW * NL_REQ_MAX];
	char msg[NL_REQ_MAX];
	struct nlmsghdr *nlh;
	size_t k, len = 0;

	win->base = win->ctx->seq + 1;
	win->ctx->seq += (unsigned int)win->w;
	win->pending = 0;
	for (k = 0; k < win->w; k++) {
		if (win->answered[k])
			continue;
		nlh = win->ops->build(win->data, win->first + k, msg);
		if (nlh->nlmsg_len > NL_REQ_MAX)
			return -EMSGSIZE;
		nlh->nlmsg_seq = win->base + (unsigned int)k;
		nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
		memcpy(out + len, nlh, nlh->nlmsg_len);
		len += NLMSG_ALIGN(nlh->nlmsg_len);
		win->pending++;
	}
	/* The kernel runs each message of the datagram in turn. */
	if (mnl_socket_sendto(win->ctx->nl, out, len) < 0)
		return -errno;
	return 0;
}

static int window_msg(struct window *win, const struct nlmsghdr *nlh)
{
	size_t k = nlh->nlmsg_seq - win->base;
	int err, ret;

	if (nlh->nlmsg_seq - win->base >= win->w ||
	    nlh->nlmsg_pid != win->ctx->portid || win->answered[k])
		return 0;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		win->ctx->extack[0] = '\0';
		if ((ret = parse_ack(win->ctx, nlh, &err)))
			return ret;
		win->answered[k] = true;
		win->pending--;
		ret = win->ops->done(win->data, win->first + k, err);
		return ret < 0 ? ret : 0;
	}
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE || !win->ops->msg)
		return 0;
	ret = win->ops->msg(win->data, win->first + k, nlh);
	return ret < 0 ? ret : 0;
}

static int run_window(struct window *win)
{
	static char buf[NL_BUFSIZE];
	const struct nlmsghdr *nlh;
	const char *p;
	size_t left;
	ssize_t n;
	int ret;

	if ((ret = nl_open(win->ctx)) || (ret = send_window(win)))
		return ret;
	while (win->pending) {
		n = receive(win->ctx, buf, sizeof(buf));
		if (n < 0)
			return (int)n;
		if (!lengths_ok(buf, (size_t)n))
			return -EBADMSG;
		p = buf;
		left = (size_t)n;
		while ((nlh = next_msg(&p, &left)))
			if ((ret = window_msg(win, nlh)))
				return ret;
	}
	return 0;
}

int nl_pipeline(struct ctx *ctx, size_t n, const struct nl_pipe *ops,
		void *data)
{
	struct window win = { .ctx = ctx, .ops = ops, .data = data };
	int ret, tries = 0;

	while (win.first < n) {
		win.w = n - win.first < NL_WINDOW ? n - win.first : NL_WINDOW;
		ret = run_window(&win);
		if (ret) {
			/* Answers may still come: never for the next request. */
			nl_close(ctx);
			if (ret != -ENOBUFS || ++tries == NL_DUMP_TRIES)
				return ret;
			continue;	/* the unanswered ones, again */
		}
		tries = 0;
		win.first += win.w;
		memset(win.answered, 0, sizeof(win.answered));
	}
	return 0;
}
