// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compat.h"
#include "ctx.h"
#include "holder.h"
#include "link.h"
#include "list.h"
#include "macvtap.h"
#include "out.h"
#include "parse.h"

/* The table: one width per column, for the header and the rows alike. */
enum { C_NAME, C_TYPE, C_OWNER, C_GROUP, C_FLAGS, C_MAC, C_MTU, C_STATE,
       C_MASTER, C_N };

static const struct {
	const char *head;
	int width;			/* 0: the last column, unpadded */
} cols[C_N] = {
	[C_NAME] = { "NAME", 15 },	[C_TYPE] = { "TYPE", 7 },
	[C_OWNER] = { "OWNER", 7 },	[C_GROUP] = { "GROUP", 7 },
	[C_FLAGS] = { "FLAGS", 31 },	[C_MAC] = { "MAC", 17 },
	[C_MTU] = { "MTU", 5 },		[C_STATE] = { "STATE", 5 },
	[C_MASTER] = { "MASTER", 0 },
};

/* The text format of column @c for a string (or, with @num, a number). */
static const char *F(int c, bool num)
{
	static char fmt[2][C_N][16];
	char *f = fmt[num][c];

	if (!f[0]) {
		if (cols[c].width)
			snprintf(f, sizeof(fmt[0][0]), "%s%%-%d%s", c ? " " : "",
				 cols[c].width, num ? "llu" : "s");
		else
			snprintf(f, sizeof(fmt[0][0]), "%s%%%s", c ? " " : "",
				 num ? "llu" : "s");
	}
	return f;
}

static int cmp_ifindex(const void *key, const void *elem)
{
	int a = *(const int *)key, b = ((const struct link_info *)elem)->ifindex;

	return (a > b) - (a < b);
}

static void name_of(struct ctx *ctx, int ifindex, const struct link_info *all,
		    size_t n, char buf[IFNAMSIZ])
{
	const struct link_info *hit;

	buf[0] = '\0';
	if (!ifindex)
		return;
	hit = n ? bsearch(&ifindex, all, n, sizeof(*all), cmp_ifindex) : NULL;
	if (hit)
		memcpy(buf, hit->ifname, IFNAMSIZ);
	else if (link_name(ctx, ifindex, buf))
		snprintf(buf, IFNAMSIZ, "if%d", ifindex);
}

int list_gather(struct ctx *ctx, const struct link_info *li,
		const struct link_info *all, size_t n, struct list_row *row)
{
	struct list_node *node;
	struct stat st;

	memset(row, 0, sizeof(*row));
	row->li = li;
	name_of(ctx, li->master, all, n, row->master);
	if (li->kind != LINK_MACVTAP)
		return 0;
	name_of(ctx, li->link, all, n, row->lower);
	if (!(node = malloc(sizeof(*node))))
		return err_sys(ctx, -ENOMEM, NULL);
	/* The node that exec would open; none (null) until one exists. */
	if (mvt_find(ctx, li, node->path, sizeof(node->path), &st)) {
		free(node);
		return 0;
	}
	node->uid = st.st_uid;
	node->gid = st.st_gid;
	node->mode = st.st_mode;
	row->node = node;
	return 0;
}

void list_row_free(struct list_row *row)
{
	free(row->node);
	row->node = NULL;
}

struct port_rows {
	struct list_row *rows;
	size_t n;
	struct brport *store;		/* room for @cap ports */
	size_t used, cap;
};

static int cmp_row(const void *key, const void *elem)
{
	int a = *(const int *)key, b = ((const struct list_row *)elem)->li->ifindex;

	return (a > b) - (a < b);
}

static int port_cb(int ifindex, const struct brport *bp, void *data)
{
	struct port_rows *pr = data;
	struct list_row *row;

	row = bsearch(&ifindex, pr->rows, pr->n, sizeof(*pr->rows), cmp_row);
	/* A link that became a port after the link dump stays without. */
	if (!row || !row->li->master || (!row->port && pr->used == pr->cap))
		return 0;
	if (!row->port)
		row->port = &pr->store[pr->used++];
	*row->port = *bp;
	return 0;
}

int list_gather_ports(struct ctx *ctx, struct list_row *rows, size_t n,
		      struct brport **store)
{
	struct port_rows pr = { rows, n, NULL, 0, 0 };
	size_t i;
	int ret;

	*store = NULL;
	for (i = 0; i < n; i++)
		pr.cap += rows[i].li->master != 0;
	if (!pr.cap)
		return 0;
	if (!(pr.store = calloc(pr.cap, sizeof(*pr.store))))
		return err_sys(ctx, -ENOMEM, NULL);
	*store = pr.store;
	ret = brport_dump(ctx, port_cb, &pr);
	return ret ? err_sys(ctx, ret, "dump bridge ports") : 0;
}

static const char *operstate(uint8_t s)
{
	static const char *const names[] = {
		"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN",
		"TESTING", "DORMANT", "UP",
	};

	return s < ARRAY_SIZE(names) ? names[s] : "UNKNOWN";
}

/* "persist,vnet_hdr,multi_queue,pi" at most: @buf has room for 64. */
static void flags_text(const struct link_info *li, char buf[64])
{
	const char *names[4] = {
		li->persist ? "persist" : NULL,
		li->vnet_hdr ? "vnet_hdr" : NULL,
		li->multi_queue ? "multi_queue" : NULL,
		li->pi ? "pi" : NULL,
	};
	size_t i, n = 0, len;

	for (i = 0; i < 4; i++) {
		if (!names[i])
			continue;
		if (n)
			buf[n++] = ',';
		len = strlen(names[i]);
		memcpy(buf + n, names[i], len);
		n += len;
	}
	if (!n)
		buf[n++] = '-';
	buf[n] = '\0';
}

static const char *or_null(const char *s)
{
	return s[0] ? s : NULL;
}

static void print_holders(struct out *o, const struct link_info *li,
			  const struct holders *hs)
{
	const struct holder *h;
	char text[64];
	bool any = false;

	if (!hs)
		return;
	out_arr_open(o, "holders");
	/* Sorted by name, then pid: each process once, however many queues. */
	for (h = holder_first(hs, li->ifname);
	     h && h < hs->v + hs->n && !strcmp(h->ifname, li->ifname); h++) {
		if (h > hs->v && h[-1].pid == h->pid &&
		    !strcmp(h[-1].ifname, h->ifname))
			continue;
		snprintf(text, sizeof(text), "%s%s(%d)",
			 any ? " " : "\n    held by: ", h->comm, h->pid);
		out_text(o, text);
		any = true;
		out_obj_open(o, NULL);
		out_uint(o, "pid", NULL, (unsigned long long)h->pid);
		out_str(o, "comm", NULL, h->comm);
		out_obj_close(o);
	}
	out_arr_close(o);
}

/* pvid, vlans and isolated: null for a device in no bridge. */
static void print_port_json(struct out *o, const struct list_row *r)
{
	const struct brport_vlans *v;
	unsigned int vid;

	if (!r->port) {
		out_null(o, "pvid", NULL);
		out_null(o, "vlans", NULL);
		out_null(o, "isolated", NULL);
		return;
	}
	v = &r->port->vlans;
	if (v->pvid)
		out_uint(o, "pvid", NULL, v->pvid);
	else
		out_null(o, "pvid", NULL);
	out_arr_open(o, "vlans");
	for (vid = PARSE_VID_MIN; vid <= PARSE_VID_MAX; vid++)
		if (brport_vlan_tagged(v, vid))
			out_item_uint(o, vid);
	out_arr_close(o);
	out_bool(o, "isolated", NULL, r->port->isolated);
}

/* -d: "    bridge port: pvid 20, tagged 30,40-50, isolated". */
static void print_port_text(struct out *o, const struct list_row *r)
{
	const struct brport_vlans *v;
	unsigned int vid, end;
	char text[64];
	bool any = false;

	if (!r->port)
		return;
	v = &r->port->vlans;
	if (v->pvid)
		snprintf(text, sizeof(text), "\n    bridge port: pvid %u, tagged ",
			 v->pvid);
	else
		snprintf(text, sizeof(text), "\n    bridge port: pvid -, tagged ");
	out_text(o, text);
	for (vid = PARSE_VID_MIN; vid <= PARSE_VID_MAX; vid = end + 1) {
		end = vid;
		if (!brport_vlan_tagged(v, vid))
			continue;
		while (end < PARSE_VID_MAX && brport_vlan_tagged(v, end + 1))
			end++;
		if (end == vid)
			snprintf(text, sizeof(text), "%s%u", any ? "," : "", vid);
		else
			snprintf(text, sizeof(text), "%s%u-%u", any ? "," : "",
				 vid, end);
		out_text(o, text);
		any = true;
	}
	out_text(o, any ? "" : "-");
	out_text(o, r->port->isolated ? ", isolated" : ", not isolated");
}

/* A macvtap's source MACs (link.c sorts them); -d: also in words. */
static void print_srcmacs(struct out *o, const struct link_info *li,
			  bool words)
{
	uint32_t i, n = li->nsrcmacs < LINK_SRCMACS_MAX ? li->nsrcmacs :
			LINK_SRCMACS_MAX;
	char mac[18];

	out_arr_open(o, "source_macs");
	if (words && n)
		out_text(o, "\n    source MACs:");
	for (i = 0; i < n; i++) {
		parse_format_mac(li->srcmacs[i], mac);
		out_item_str(o, mac);
		if (words) {
			out_text(o, " ");
			out_text(o, mac);
		}
	}
	if (words && li->nsrcmacs > n)
		out_text(o, " ...");
	out_arr_close(o);
}

/* -u/-g of a macvtap are its node's: root's node has none. */
static void print_ids(struct out *o, const struct list_row *r)
{
	const struct link_info *li = r->li;

	if (li->kind == LINK_MACVTAP) {
		/* In the table, the lower and the mode stand in these columns. */
		out_str(o, NULL, F(C_OWNER, false), or_null(r->lower));
		out_str(o, NULL, F(C_GROUP, false),
			parse_macvtap_mode_name(li->macvlan_mode));
		if (r->node && r->node->uid)
			out_uint(o, "owner", NULL, r->node->uid);
		else
			out_null(o, "owner", NULL);
		if (r->node && (r->node->mode & 0060) == 0060)
			out_uint(o, "group", NULL, r->node->gid);
		else
			out_null(o, "group", NULL);
		return;
	}
	if (li->has_owner)
		out_uint(o, "owner", F(C_OWNER, true), li->owner);
	else
		out_null(o, "owner", F(C_OWNER, false));
	if (li->has_group)
		out_uint(o, "group", F(C_GROUP, true), li->group);
	else
		out_null(o, "group", F(C_GROUP, false));
}

void list_print_row(struct out *o, const struct list_row *r,
		    const struct holders *h)
{
	const struct link_info *li = r->li;
	char mac[18], flags[64];

	parse_format_mac(li->mac, mac);
	flags_text(li, flags);

	out_obj_open(o, NULL);
	out_str(o, "ifname", F(C_NAME, false), li->ifname);
	out_uint(o, "ifindex", NULL, (unsigned long long)li->ifindex);
	out_str(o, "kind", F(C_TYPE, false), link_kind_name(li->kind));
	print_ids(o, r);
	out_str(o, NULL, F(C_FLAGS, false), flags);
	out_bool(o, "persist", NULL, li->persist);
	out_bool(o, "vnet_hdr", NULL, li->vnet_hdr);
	out_bool(o, "multi_queue", NULL, li->multi_queue);
	out_bool(o, "pi", NULL, li->pi);
	out_uint(o, "queues", NULL, li->queues);
	out_str(o, "mac", F(C_MAC, false), li->has_mac ? mac : NULL);
	out_uint(o, "mtu", F(C_MTU, true), li->mtu);
	out_str(o, NULL, F(C_STATE, false), li->flags & IFF_UP ? "up" : "down");
	out_bool(o, "up", NULL, li->flags & IFF_UP);
	out_str(o, "operstate", NULL, operstate(li->operstate));
	out_str(o, "master", F(C_MASTER, false), or_null(r->master));
	print_port_json(o, r);
	if (li->kind == LINK_MACVTAP) {
		out_str(o, "link", NULL, or_null(r->lower));
		out_str(o, "mode", NULL, parse_macvtap_mode_name(li->macvlan_mode));
		out_str(o, "chardev", " %s", r->node ? r->node->path : NULL);
	}
	/* VLANs in words, not columns: most rows would have none. */
	if (h)
		print_port_text(o, r);
	if (li->kind == LINK_MACVTAP)
		print_srcmacs(o, li, h);
	print_holders(o, li, h);
	out_obj_close(o);
	out_text(o, "\n");
}

void list_print_header(struct out *o)
{
	int c;

	if (o->json)
		return;
	for (c = 0; c < C_N; c++)
		out_str(o, NULL, F(c, false), cols[c].head);
	out_text(o, "\n");
}

int list_show_one(struct ctx *ctx, const struct link_info *li)
{
	struct brport *store = NULL;
	struct list_row row;
	int ret;

	if (!(ret = list_gather(ctx, li, NULL, 0, &row)) &&
	    !(ret = list_gather_ports(ctx, &row, 1, &store))) {
		list_print_row(&ctx->out, &row, NULL);
		out_end(&ctx->out);
	}
	list_row_free(&row);
	free(store);
	return ret;
}
