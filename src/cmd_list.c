// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ctx.h"
#include "holder.h"
#include "link.h"
#include "list.h"
#include "macvtap.h"
#include "opt.h"
#include "parse.h"
#include "resolve.h"

struct links {
	struct link_info *v;
	size_t n, cap;
};

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
		if ((ret = resolve_found(ctx, *names, 0,
					 i < l->n ? &l->v[i] : NULL)))
			return ret;
	}
	ctx->name[0] = '\0';
	return 0;
}

/* The rows to print, in ifindex order. */
static int gather(struct ctx *ctx, const struct links *l, const char **names,
		  struct list_row **rows, size_t *n)
{
	size_t i;
	int ret;

	*n = 0;
	*rows = calloc(l->n ? l->n : 1, sizeof(**rows));
	if (!*rows)
		return err_sys(ctx, -ENOMEM, NULL);
	for (i = 0; i < l->n; i++) {
		if (!wanted(&l->v[i], names))
			continue;
		if ((ret = list_gather(ctx, &l->v[i], l->v, l->n, &(*rows)[*n])))
			return ret;
		(*n)++;
	}
	return list_gather_ports(ctx, *rows, *n);
}

/* -d: the processes holding the rows' devices (macvtaps by node). */
static int holders(struct ctx *ctx, const struct list_row *rows, size_t n,
		   struct holders *h)
{
	struct holder_dev *devs;
	size_t i, nd = 0;
	int ret;

	devs = calloc(n ? n : 1, sizeof(*devs));
	if (!devs)
		return err_sys(ctx, -ENOMEM, NULL);
	for (i = 0; i < n; i++) {
		if (rows[i].li.kind != LINK_MACVTAP ||
		    mvt_dev(ctx, &rows[i].li, &devs[nd].dev))
			continue;
		memcpy(devs[nd++].ifname, rows[i].li.ifname, IFNAMSIZ);
	}
	ret = holder_scan(h, devs, nd);
	free(devs);
	return ret ? err_sys(ctx, ret, "scan /proc") : 0;
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
	struct list_row *rows = NULL;
	const char **names;
	poptContext pc;
	size_t i, n = 0;
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
	if ((ret = gather(ctx, &l, names, &rows, &n)) ||
	    (details && (ret = holders(ctx, rows, n, &h))))
		goto out;
	list_print_header(&ctx->out);
	out_arr_open(&ctx->out, NULL);
	for (i = 0; i < n; i++)
		list_print_row(&ctx->out, &rows[i], details ? &h : NULL);
	out_arr_close(&ctx->out);
	out_end(&ctx->out);
out:
	free(l.v);
	free(rows);
	holder_free(&h);
	poptFreeContext(pc);
	return ret;
}
