// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for what tapctl does with the kernel's rtnetlink
 * replies: nl_request()'s message loop (libmnl's mnl_cb_run2 with nl.c's
 * error/done callbacks, which copy the extended-ack text), link.c's
 * parse_link() through the callbacks of link_dump(), link_get() and
 * link_new_macvtap(), and list's printer (list.c) for every link that
 * parses, in text and in JSON.  The JSON must be valid and pure ASCII
 * whatever bytes the attributes hold.
 *
 * The parsers are static, so this file includes src/nl.c and src/link.c
 * rather than linking them: no hook in src/ is needed.  Nothing here
 * opens a socket; the input is the receive buffer.
 *
 * Input: byte 0 picks the callback (bits 0-1) and the output mode (bit 2);
 * the rest is a buffer of netlink messages as recvfrom() would return it.
 */
#include "../src/nl.c"
#include "../src/link.c"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "list.h"

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "netlink_fuzz: " __VA_ARGS__);	\
			fputc('\n', stderr);				\
			abort();					\
		}							\
	} while (0)

/* ---- a strict JSON checker (RFC 8259, ASCII only) ---------------------- */

struct js {
	const char *p, *end;
	int depth;
};

static bool js_value(struct js *j);

static void js_ws(struct js *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' ||
				 *j->p == '\t' || *j->p == '\r'))
		j->p++;
}

static bool js_lit(struct js *j, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n))
		return false;
	j->p += n;
	return true;
}

static bool js_string(struct js *j)
{
	int i;

	if (j->p >= j->end || *j->p++ != '"')
		return false;
	while (j->p < j->end) {
		unsigned char c = (unsigned char)*j->p++;

		if (c == '"')
			return true;
		if (c < 0x20 || c >= 0x7f)
			return false;
		if (c != '\\')
			continue;
		if (j->p >= j->end)
			return false;
		c = (unsigned char)*j->p++;
		if (c == 'u') {
			for (i = 0; i < 4; i++)
				if (j->p >= j->end || !isxdigit((unsigned char)*j->p++))
					return false;
		} else if (!strchr("\"\\/bfnrt", c)) {
			return false;
		}
	}
	return false;
}

static bool js_number(struct js *j)
{
	const char *s = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || !isdigit((unsigned char)*j->p))
		return false;
	if (*j->p == '0' && j->p + 1 < j->end && isdigit((unsigned char)j->p[1]))
		return false;
	while (j->p < j->end && isdigit((unsigned char)*j->p))
		j->p++;
	return j->p > s;
}

static bool js_members(struct js *j, char close, bool keys)
{
	j->p++;
	js_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return true;
	}
	for (;;) {
		js_ws(j);
		if (keys) {
			if (!js_string(j))
				return false;
			js_ws(j);
			if (j->p >= j->end || *j->p++ != ':')
				return false;
		}
		if (!js_value(j))
			return false;
		js_ws(j);
		if (j->p >= j->end)
			return false;
		if (*j->p == close) {
			j->p++;
			return true;
		}
		if (*j->p++ != ',')
			return false;
	}
}

static bool js_value(struct js *j)
{
	bool ok;

	js_ws(j);
	if (j->p >= j->end || ++j->depth > 16)
		return false;
	switch (*j->p) {
	case '{':
		ok = js_members(j, '}', true);
		break;
	case '[':
		ok = js_members(j, ']', false);
		break;
	case '"':
		ok = js_string(j);
		break;
	case 't':
		ok = js_lit(j, "true");
		break;
	case 'f':
		ok = js_lit(j, "false");
		break;
	case 'n':
		ok = js_lit(j, "null");
		break;
	default:
		ok = js_number(j);
	}
	j->depth--;
	return ok;
}

/* ---- the target ---------------------------------------------------------- */

static struct ctx fctx;

static void check_link(const struct link_info *li)
{
	CHECK(strnlen(li->ifname, IFNAMSIZ) < IFNAMSIZ, "ifname not terminated");
	CHECK(strnlen(li->info_kind, sizeof(li->info_kind)) < sizeof(li->info_kind),
	      "info_kind not terminated");
	CHECK(li->kind == LINK_OTHER || li->kind == LINK_TUN ||
	      li->kind == LINK_TAP || li->kind == LINK_MACVTAP,
	      "kind %d out of its enum", (int)li->kind);
	CHECK(link_managed(li) == (li->kind != LINK_OTHER), "link_managed");
	CHECK(link_kind_name(li->kind) != NULL, "link_kind_name");
}

/* list's row for @li, in both modes; the JSON one must parse. */
static void print_link(const struct link_info *in, bool json)
{
	struct list_row row = { .li = *in };
	char *buf = NULL;
	size_t len = 0;
	struct js j;
	FILE *f;

	/* The printer only formats: the names are the row's, found before. */
	snprintf(row.master, sizeof(row.master), "%s", in->master ? "br0" : "");
	snprintf(row.lower, sizeof(row.lower), "%s", in->link ? "eth0" : "");
	f = open_memstream(&buf, &len);
	if (!f)
		return;
	fctx.json = json;
	out_init(&fctx.out, f, json);
	list_print_row(&fctx.out, &row, NULL);
	out_end(&fctx.out);
	fclose(f);
	if (json) {
		j = (struct js){ buf, buf + len, 0 };
		CHECK(js_value(&j), "invalid JSON: %s", buf);
		js_ws(&j);
		CHECK(j.p == j.end, "trailing bytes after JSON: %s", buf);
	} else {
		CHECK(strlen(buf) == len, "NUL byte in text output");
	}
	free(buf);
}

struct fuzz_dump {
	bool json;
	unsigned int n;
};

static int dump_fn(const struct link_info *li, void *data)
{
	struct fuzz_dump *fd = data;

	check_link(li);
	print_link(li, fd->json);
	return ++fd->n > 64;	/* like a callback that stops a dump */
}

#ifdef FUZZ_SKIP_REPORTED
/*
 * Reported: libmnl 1.0.4's mnl_nlmsg_ok() compares (int)nlmsg_len, so a
 * message claiming 2 GiB or more passes and mnl_cb_run2() can step off
 * the buffer (fixed upstream in libmnl commit 754c9de5, in no release yet).
 * And nl.c's error_cb() negates nlmsgerr.error, undefined for INT_MIN.
 */
static bool reported(const uint8_t *buf, size_t len)
{
	const struct nlmsghdr *nlh = (const void *)buf;

	while (len >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh)) {
		if (nlh->nlmsg_len > len)
			return nlh->nlmsg_len > INT32_MAX;
		if (nlh->nlmsg_type == NLMSG_ERROR &&
		    nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) &&
		    *(const int *)NLMSG_DATA(nlh) == INT32_MIN)
			return true;
		len -= MNL_ALIGN(nlh->nlmsg_len) < len ? MNL_ALIGN(nlh->nlmsg_len) : len;
		nlh = (const void *)((const char *)nlh + MNL_ALIGN(nlh->nlmsg_len));
	}
	return false;
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Where recvfrom() would have put it: aligned, NL_BUFSIZE at most. */
	static uint32_t buf[NL_BUFSIZE / 4];
	struct fuzz_dump fd = { 0 };
	struct dump_data dd = { dump_fn, &fd, 0 };
	struct link_info li;
	struct get_data gd = { &li, -ENODEV };
	struct req req = { &fctx, NULL, NULL };
	unsigned int sel;
	int ret;

	if (size < 1 || size - 1 > sizeof(buf))
		return 0;
	sel = data[0];
	memcpy(buf, data + 1, size - 1);
#ifdef FUZZ_SKIP_REPORTED
	if (reported((const uint8_t *)buf, size - 1))
		return 0;
#endif
	memset(&li, 0, sizeof(li));
	memset(&fctx, 0, sizeof(fctx));
	fd.json = sel & 4;

	switch (sel & 3) {
	case 0:
	case 3:
		req.cb = dump_cb;
		req.data = &dd;
		break;
	case 1:
		req.cb = get_cb;
		req.data = &gd;
		break;
	case 2:
		req.cb = echo_cb;
		req.data = &li;
		break;
	}
	/* seq and portid 0: libmnl then accepts any, as the kernel's are. */
	errno = 0;
	ret = run(&req, (const char *)buf, size - 1, 0, 0);
	CHECK(ret >= MNL_CB_ERROR && ret <= MNL_CB_OK, "run %d", ret);
#ifndef FUZZ_SKIP_REPORTED
	/*
	 * nl_request() returns -errno after MNL_CB_ERROR, and its callers
	 * take only a negative value for a failure.  Reported: error_cb()
	 * passes a positive nlmsgerr.error on as a negative errno.
	 */
	if (ret == MNL_CB_ERROR)
		CHECK(errno >= 0, "error reply left errno %d", errno);
#endif
	CHECK(strnlen(fctx.extack, sizeof(fctx.extack)) < sizeof(fctx.extack),
	      "extack not terminated");
	if ((sel & 3) == 1 && !gd.ret) {
		check_link(&li);
		print_link(&li, sel & 4);
	}
	if ((sel & 3) == 2 && li.ifindex) {
		check_link(&li);
		print_link(&li, sel & 4);
	}
	return 0;
}
