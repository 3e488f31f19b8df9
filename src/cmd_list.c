// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <net/if.h>

#include "cmd.h"
#include "ctx.h"
#include "link.h"
#include "macvtap.h"
#include "opt.h"
#include "parse.h"

struct links {
	struct link_info *v;
	size_t n, cap;
};

struct holder {
	int pid;
	char comm[32];
	char ifname[IFNAMSIZ];
};

/* A macvtap's descriptors are known by their device number only. */
struct mvt_dev {
	dev_t dev;
	char ifname[IFNAMSIZ];
};

struct holders {
	struct holder *v;
	size_t n, cap;
	struct mvt_dev *mv;
	size_t nmv;
};

/* What list_print_link may consult while a list runs. */
static const struct links *all_links;
static const struct holders *all_holders;

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

static void print_holders(struct ctx *ctx, const struct link_info *li)
{
	struct out *o = &ctx->out;
	bool any = false;
	size_t i;

	if (!all_holders)
		return;
	out_arr_open(o, "holders");
	for (i = 0; i < all_holders->n; i++) {
		const struct holder *h = &all_holders->v[i];

		if (strcmp(h->ifname, li->ifname))
			continue;
		out_text(o, any ? " " : "\n    held by: ");
		any = true;
		out_obj_open(o, NULL);
		out_str(o, "comm", "%s", h->comm);
		out_uint(o, "pid", "(%llu)", (unsigned long long)h->pid);
		out_obj_close(o);
	}
	out_arr_close(o);
}

int list_print_link(struct ctx *ctx, const struct link_info *li)
{
	struct out *o = &ctx->out;
	bool mvt = li->kind == LINK_MACVTAP;
	char mac[18], flags[64], chardev[256], b1[IFNAMSIZ], b2[IFNAMSIZ];
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
	out_str(o, NULL, " %-27s", flags);
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
	if (mvt) {
		out_str(o, "link", NULL, name_of(ctx, li->link, b1));
		out_str(o, "mode", NULL, parse_macvtap_mode_name(li->macvlan_mode));
		out_str(o, "chardev", " %s", chardev[0] ? chardev : NULL);
	}
	print_holders(ctx, li);
	out_obj_close(o);
	out_text(o, "\n");
	return 0;
}

void list_print_header(struct ctx *ctx)
{
	if (ctx->json)
		return;
	printf("%-15s %-7s %-7s %-7s %-27s %-17s %-5s %-5s %s\n", "NAME", "TYPE",
	       "OWNER", "GROUP", "FLAGS", "MAC", "MTU", "STATE", "MASTER");
}

static int add_holder(struct holders *h, int pid, const char *comm,
		      const char *ifname)
{
	struct holder *v;
	size_t i;

	for (i = 0; i < h->n; i++)
		if (h->v[i].pid == pid && !strcmp(h->v[i].ifname, ifname))
			return 0;
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 8;
		v = realloc(h->v, h->cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		h->v = v;
	}
	v = &h->v[h->n++];
	v->pid = pid;
	snprintf(v->comm, sizeof(v->comm), "%s", comm);
	snprintf(v->ifname, sizeof(v->ifname), "%.15s", ifname);
	return 0;
}

static void read_comm(int pid, char comm[32])
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	comm[0] = '\0';
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(comm, 32, f))
		comm[strcspn(comm, "\n")] = '\0';
	fclose(f);
}

/* A descriptor of a macvtap: a character device with its number. */
static int scan_mvt(struct holders *h, int pid, const char *fd,
		    char comm[32])
{
	char path[64], target[2];
	struct stat st;
	size_t i;

	snprintf(path, sizeof(path), "/proc/%d/fd/%.16s", pid, fd);
	/* Sockets, pipes and anon inodes have no path and no device. */
	if (readlink(path, target, sizeof(target)) < 1 || target[0] != '/')
		return 0;
	if (stat(path, &st) < 0 || !S_ISCHR(st.st_mode))
		return 0;
	for (i = 0; i < h->nmv; i++) {
		if (h->mv[i].dev != st.st_rdev)
			continue;
		if (!comm[0])
			read_comm(pid, comm);
		return add_holder(h, pid, comm, h->mv[i].ifname);
	}
	return 0;
}

/*
 * The iff: line that tun puts in the fdinfo of an attached descriptor;
 * macvtap writes none.
 */
static int scan_pid(struct holders *h, int pid)
{
	char path[64], line[128], comm[32] = "";
	struct dirent *de;
	bool tun;
	DIR *d;
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo", pid);
	d = opendir(path);
	if (!d)
		return 0;
	while (!ret && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%.16s", pid,
			 de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		tun = false;
		while (fgets(line, sizeof(line), f)) {
			if (strncmp(line, "iff:\t", 5))
				continue;
			line[strcspn(line, "\n")] = '\0';
			if (!comm[0])
				read_comm(pid, comm);
			ret = add_holder(h, pid, comm, line + 5);
			tun = true;
			break;
		}
		fclose(f);
		if (!ret && !tun && h->nmv)
			ret = scan_mvt(h, pid, de->d_name, comm);
	}
	closedir(d);
	return ret;
}

static int scan_holders(struct holders *h)
{
	struct dirent *de;
	DIR *d = opendir("/proc");
	int ret = 0;

	if (!d)
		return -errno;
	while (!ret && (de = readdir(d)))
		if (isdigit((unsigned char)de->d_name[0]))
			ret = scan_pid(h, atoi(de->d_name));
	closedir(d);
	return ret;
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

/* The device numbers of the macvtaps whose holders are asked for. */
static int mvt_devs(struct ctx *ctx, const struct links *l,
		    const char **names, struct holders *h)
{
	size_t i;

	h->mv = calloc(l->n ? l->n : 1, sizeof(*h->mv));
	if (!h->mv)
		return -ENOMEM;
	for (i = 0; i < l->n; i++) {
		if (l->v[i].kind != LINK_MACVTAP || !wanted(&l->v[i], names) ||
		    mvt_dev(ctx, &l->v[i], &h->mv[h->nmv].dev))
			continue;
		memcpy(h->mv[h->nmv++].ifname, l->v[i].ifname, IFNAMSIZ);
	}
	return 0;
}

/* Every NAME asked for must be a device tapctl manages. */
static int check_names(struct ctx *ctx, const struct links *l,
		       const char **names)
{
	const char *why;
	size_t i;

	for (; names && *names; names++) {
		ctx_set_name(ctx, *names);
		if (parse_ifname(*names, false, &why))
			return err_usage(ctx, "%s", why);
		for (i = 0; i < l->n && strcmp(l->v[i].ifname, *names); i++)
			;
		if (i == l->n)
			return err_fail(ctx, -ENODEV, "no such device");
		if (!link_managed(&l->v[i]))
			return err_fail(ctx, -EPERM,
					"not a tun, tap or macvtap device (kind %s)",
					l->v[i].info_kind[0] ? l->v[i].info_kind : "none");
	}
	ctx->name[0] = '\0';
	return 0;
}

int cmd_list(struct ctx *ctx, int argc, const char **argv)
{
	int details = 0;
	struct poptOption table[] = {
		{ "details", 'd', POPT_ARG_NONE, &details, 0,
		  "also show the processes that hold each device", NULL },
		OPT_HELP,
		POPT_TABLEEND
	};
	struct links l = { 0 };
	struct holders h = { 0 };
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
	if ((ret = check_names(ctx, &l, names)))
		goto out;
	if (details && (ret = mvt_devs(ctx, &l, names, &h))) {
		err_sys(ctx, ret, NULL);
		goto out;
	}
	if (details && (ret = scan_holders(&h))) {
		err_sys(ctx, ret, "scan /proc");
		goto out;
	}
	all_links = &l;
	all_holders = details ? &h : NULL;
	list_print_header(ctx);
	out_arr_open(&ctx->out, NULL);
	for (i = 0; i < l.n; i++)
		if (wanted(&l.v[i], names))
			list_print_link(ctx, &l.v[i]);
	out_arr_close(&ctx->out);
	out_end(&ctx->out);
	all_links = NULL;
	all_holders = NULL;
out:
	free(l.v);
	free(h.v);
	free(h.mv);
	poptFreeContext(pc);
	return ret;
}
