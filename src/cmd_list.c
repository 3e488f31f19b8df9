// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <net/if.h>

#include "brport.h"
#include "cmd.h"
#include "ctx.h"
#include "holder.h"
#include "link.h"
#include "macvtap.h"
#include "opt.h"
#include "parse.h"

struct links {
	struct link_info *v;
	size_t n, cap;
};

struct port {
	int ifindex;
	struct brport bp;
};

struct ports {
	struct port *v;
	size_t n, cap;
};

/* What list_print_link may consult while a list runs. */
static const struct links *all_links;
static const struct holders *all_holders;
static const struct ports *all_ports;
static bool details;

static int collect_port(int ifindex, const struct brport *bp, void *data)
{
	struct ports *p = data;
	struct port *v;

	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		v = realloc(p->v, p->cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		p->v = v;
	}
	p->v[p->n].ifindex = ifindex;
	p->v[p->n++].bp = *bp;
	return 0;
}

/*
 * The bridge port @li is: from the one AF_BRIDGE dump of a list, or its
 * own for add -j. NULL if it is none.
 */
static const struct brport *port_of(struct ctx *ctx, const struct link_info *li,
				    struct brport *buf)
{
	size_t i;

	if (!li->master)
		return NULL;
	if (!all_ports)
		return brport_get(ctx, li->ifindex, buf) ? NULL : buf;
	for (i = 0; i < all_ports->n; i++)
		if (all_ports->v[i].ifindex == li->ifindex)
			return &all_ports->v[i].bp;
	return NULL;
}

/* pvid, vlans and isolated: null for a device in no bridge. */
static void print_port_json(struct out *o, const struct brport *bp)
{
	unsigned int vid;

	if (!bp) {
		out_null(o, "pvid", NULL);
		out_null(o, "vlans", NULL);
		out_null(o, "isolated", NULL);
		return;
	}
	if (bp->vlans.pvid)
		out_uint(o, "pvid", NULL, bp->vlans.pvid);
	else
		out_null(o, "pvid", NULL);
	out_arr_open(o, "vlans");
	for (vid = PARSE_VID_MIN; vid <= PARSE_VID_MAX; vid++)
		if (brport_vlan_tagged(&bp->vlans, vid))
			out_item_uint(o, vid);
	out_arr_close(o);
	out_bool(o, "isolated", NULL, bp->isolated);
}

/* -d: "    bridge port: pvid 20, tagged 30,40-50, isolated". */
static void print_port_text(struct out *o, const struct brport *bp)
{
	const struct brport_vlans *v = &bp->vlans;
	unsigned int vid, end;
	char text[64];
	bool any = false;

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
	out_text(o, bp->isolated ? ", isolated" : ", not isolated");
}

/* A macvtap's source MACs (sorted; the kernel's hash order is none). */
static void print_srcmacs(struct out *o, const struct link_info *li)
{
	uint32_t i, n = li->nsrcmacs < LINK_SRCMACS_MAX ? li->nsrcmacs :
			LINK_SRCMACS_MAX;
	char mac[18];

	out_arr_open(o, "source_macs");
	if (details && n)
		out_text(o, "\n    source MACs:");
	for (i = 0; i < n; i++) {
		parse_format_mac(li->srcmacs[i], mac);
		out_item_str(o, mac);
		if (details) {
			out_text(o, " ");
			out_text(o, mac);
		}
	}
	if (details && li->nsrcmacs > n)
		out_text(o, " ...");
	out_arr_close(o);
}

static int collect(const struct link_info *li, void *data)
{
	struct links *l = data;
	struct link_info *v;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 32;
		v = realloc(l->v, l->cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
	}
	l->v[l->n++] = *li;
	return 0;
}

static const char *name_of(struct ctx *ctx, int ifindex, char buf[IFNAMSIZ])
{
	size_t i;

	if (!ifindex)
		return NULL;
	if (all_links) {
		for (i = 0; i < all_links->n; i++)
			if (all_links->v[i].ifindex == ifindex)
				return all_links->v[i].ifname;
	}
	if (link_name(ctx, ifindex, buf))
		snprintf(buf, IFNAMSIZ, "if%d", ifindex);
	return buf;
}

static const char *operstate(uint8_t s)
{
	static const char *const names[] = {
		"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN",
		"TESTING", "DORMANT", "UP",
	};

	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "UNKNOWN";
}

static void flags_text(const struct link_info *li, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", li->persist ? "persist," : "",
		 li->vnet_hdr ? "vnet_hdr," : "",
		 li->multi_queue ? "multi_queue," : "", li->pi ? "pi," : "");
	if (buf[0])
		buf[strlen(buf) - 1] = '\0';
	else
		snprintf(buf, len, "-");
}

/* Each process once, however many queues of the device it holds. */
static bool seen_before(const struct holders *h, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (h->v[j].pid == h->v[i].pid &&
		    !strcmp(h->v[j].ifname, h->v[i].ifname))
			return true;
	return false;
}

static void print_holders(struct ctx *ctx, const struct link_info *li)
{
	struct out *o = &ctx->out;
	char text[64];
	bool any = false;
	size_t i;

	if (!all_holders)
		return;
	out_arr_open(o, "holders");
	for (i = 0; i < all_holders->n; i++) {
		const struct holder *h = &all_holders->v[i];

		if (strcmp(h->ifname, li->ifname) || seen_before(all_holders, i))
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

int list_print_link(struct ctx *ctx, const struct link_info *li)
{
	struct out *o = &ctx->out;
	bool mvt = li->kind == LINK_MACVTAP;
	char mac[18], flags[64], chardev[256], b1[IFNAMSIZ], b2[IFNAMSIZ];
	const struct brport *bp;
	struct brport buf;
	struct stat st;

	parse_format_mac(li->mac, mac);
	flags_text(li, flags, sizeof(flags));
	/* The node that exec would open; none (null) until one exists. */
	if (!mvt || mvt_find(ctx, li, chardev, sizeof(chardev), &st))
		chardev[0] = '\0';

	out_obj_open(o, NULL);
	out_str(o, "ifname", "%-15s", li->ifname);
	out_uint(o, "ifindex", NULL, (unsigned long long)li->ifindex);
	out_str(o, "kind", " %-7s", link_kind_name(li->kind));
	if (mvt) {
		out_str(o, NULL, " %-7s", name_of(ctx, li->link, b1));
		out_str(o, NULL, " %-7s", parse_macvtap_mode_name(li->macvlan_mode));
		/* -u/-g of a macvtap are its node's: root's node has none. */
		if (chardev[0] && st.st_uid)
			out_uint(o, "owner", NULL, st.st_uid);
		else
			out_null(o, "owner", NULL);
		if (chardev[0] && (st.st_mode & 0060) == 0060)
			out_uint(o, "group", NULL, st.st_gid);
		else
			out_null(o, "group", NULL);
	} else {
		if (li->has_owner)
			out_uint(o, "owner", " %-7llu", li->owner);
		else
			out_null(o, "owner", " %-7s");
		if (li->has_group)
			out_uint(o, "group", " %-7llu", li->group);
		else
			out_null(o, "group", " %-7s");
	}
	out_str(o, NULL, " %-31s", flags);
	out_bool(o, "persist", NULL, li->persist);
	out_bool(o, "vnet_hdr", NULL, li->vnet_hdr);
	out_bool(o, "multi_queue", NULL, li->multi_queue);
	out_bool(o, "pi", NULL, li->pi);
	out_uint(o, "queues", NULL, li->queues);
	out_str(o, "mac", " %-17s", li->has_mac ? mac : NULL);
	out_uint(o, "mtu", " %-5llu", li->mtu);
	out_str(o, NULL, " %-5s", li->flags & IFF_UP ? "up" : "down");
	out_bool(o, "up", NULL, li->flags & IFF_UP);
	out_str(o, "operstate", NULL, operstate(li->operstate));
	out_str(o, "master", " %s", name_of(ctx, li->master, b2));
	bp = port_of(ctx, li, &buf);
	print_port_json(o, bp);
	if (mvt) {
		out_str(o, "link", NULL, name_of(ctx, li->link, b1));
		out_str(o, "mode", NULL, parse_macvtap_mode_name(li->macvlan_mode));
		out_str(o, "chardev", " %s", chardev[0] ? chardev : NULL);
	}
	if (details && bp)
		print_port_text(o, bp);
	if (mvt)
		print_srcmacs(o, li);
	print_holders(ctx, li);
	out_obj_close(o);
	out_text(o, "\n");
	return 0;
}

void list_print_header(struct ctx *ctx)
{
	if (ctx->json)
		return;
	printf("%-15s %-7s %-7s %-7s %-31s %-17s %-5s %-5s %s\n", "NAME", "TYPE",
	       "OWNER", "GROUP", "FLAGS", "MAC", "MTU", "STATE", "MASTER");
}

static bool wanted(const struct link_info *li, const char **names)
{
	if (!link_managed(li))
		return false;
	if (!names || !names[0])
		return true;
	for (; *names; names++)
		if (!strcmp(*names, li->ifname))
			return true;
	return false;
}

/* One AF_BRIDGE dump serves them all, if any is in a bridge. */
static bool any_port(const struct links *l, const char **names)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].master && wanted(&l->v[i], names))
			return true;
	return false;
}

/* The device numbers of the macvtaps whose holders are asked for. */
static int mvt_devs(struct ctx *ctx, const struct links *l,
		    const char **names, struct holder_dev **devs, size_t *n)
{
	size_t i;

	*n = 0;
	*devs = calloc(l->n ? l->n : 1, sizeof(**devs));
	if (!*devs)
		return -ENOMEM;
	for (i = 0; i < l->n; i++) {
		if (l->v[i].kind != LINK_MACVTAP || !wanted(&l->v[i], names) ||
		    mvt_dev(ctx, &l->v[i], &(*devs)[*n].dev))
			continue;
		memcpy((*devs)[(*n)++].ifname, l->v[i].ifname, IFNAMSIZ);
	}
	return 0;
}

/* Every NAME asked for must be a device tapctl manages. */
static int check_names(struct ctx *ctx, const struct links *l,
		       const char **names)
{
	const char *why;
	size_t i;
	int ret;

	for (; names && *names; names++) {
		ctx_set_name(ctx, *names);
		if (parse_ifname(*names, false, &why))
			return err_usage(ctx, "%s", why);
		for (i = 0; i < l->n && strcmp(l->v[i].ifname, *names); i++)
			;
		if (i == l->n)
			return err_fail(ctx, -ENODEV, "no such device");
		if ((ret = link_check_managed(ctx, &l->v[i])))
			return ret;
	}
	ctx->name[0] = '\0';
	return 0;
}

int cmd_list(struct ctx *ctx, int argc, const char **argv)
{
	int want_details = 0;
	struct poptOption table[] = {
		{ "details", 'd', POPT_ARG_NONE, &want_details, 0,
		  "also show the processes that hold each device", NULL },
		OPT_HELP,
		POPT_TABLEEND
	};
	struct links l = { 0 };
	struct ports ports = { 0 };
	struct holders h = { 0 };
	struct holder_dev *devs = NULL;
	size_t ndevs = 0;
	const char **names;
	poptContext pc;
	size_t i;
	int rc, ret = 0;

	pc = opt_context(argc, argv, table, "[NAME...]");
	while ((rc = poptGetNextOpt(pc)) > 0) {
		if (rc == OPT_HELP_VAL) {
			opt_help(pc);
			goto out;
		}
	}
	if (rc < -1) {
		ret = opt_error(ctx, pc, rc);
		goto out;
	}
	names = poptGetArgs(pc);
	if ((ret = link_dump(ctx, collect, &l))) {
		err_sys(ctx, ret, "dump links");
		goto out;
	}
	/* -q: the exit status alone says whether every NAME is a device. */
	if ((ret = check_names(ctx, &l, names)) || ctx->quiet)
		goto out;
	if (want_details && (ret = mvt_devs(ctx, &l, names, &devs, &ndevs))) {
		err_sys(ctx, ret, NULL);
		goto out;
	}
	if (want_details && (ret = holder_scan(&h, devs, ndevs))) {
		err_sys(ctx, ret, "scan /proc");
		goto out;
	}
	if (any_port(&l, names) && (ret = brport_dump(ctx, collect_port, &ports))) {
		err_sys(ctx, ret, "dump bridge ports");
		goto out;
	}
	all_ports = &ports;
	all_links = &l;
	all_holders = want_details ? &h : NULL;
	details = want_details;
	list_print_header(ctx);
	out_arr_open(&ctx->out, NULL);
	for (i = 0; i < l.n; i++)
		if (wanted(&l.v[i], names))
			list_print_link(ctx, &l.v[i]);
	out_arr_close(&ctx->out);
	out_end(&ctx->out);
	all_links = NULL;
	all_holders = NULL;
	all_ports = NULL;
out:
	details = false;
	free(ports.v);
	free(l.v);
	holder_free(&h);
	free(devs);
	poptFreeContext(pc);
	return ret;
}
