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
	size_t n;
};

/* A NAME asked for, and the link of that name (NULL if none). */
struct want {
	const char *name;
	const struct link_info *li;
};

/* The NAMEs, sorted and each once: one lookup per link, not per pair. */
struct wants {
	struct want *v;
	size_t n;
};

static int cmp_want(const void *a, const void *b)
{
	return strcmp(((const struct want *)a)->name,
		      ((const struct want *)b)->name);
}

static struct want *want_find(const struct wants *w, const char *name)
{
	const struct want key = { name, NULL };

	return w->n ? bsearch(&key, w->v, w->n, sizeof(*w->v), cmp_want) : NULL;
}

static int cmp_index(const void *a, const void *b)
{
	int x = ((const struct link_info *)a)->ifindex;
	int y = ((const struct link_info *)b)->ifindex;

	return (x > y) - (x < y);
}

/*
 * The links in ifindex order (the kernel dumps them so since Linux 6.6,
 * by hash bucket before), and each NAME matched with its link.
 */
static int index_links(struct links *l, const char **names, struct wants *w)
{
	struct want *hit;
	size_t i, k = 0;

	for (i = 1; i < l->n && l->v[i - 1].ifindex < l->v[i].ifindex; i++)
		;
	if (i < l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp_index);
	for (i = 0; names && names[i]; i++)
		;
	if (!i)
		return 0;
	w->v = calloc(i, sizeof(*w->v));
	if (!w->v)
		return -ENOMEM;
	for (i = 0; names[i]; i++)
		w->v[i].name = names[i];
	qsort(w->v, i, sizeof(*w->v), cmp_want);
	for (w->n = i, i = 0; i < w->n; i++)
		if (!k || strcmp(w->v[k - 1].name, w->v[i].name))
			w->v[k++] = w->v[i];
	w->n = k;
	for (i = 0; i < l->n; i++)
		if ((hit = want_find(w, l->v[i].ifname)))
			hit->li = &l->v[i];
	return 0;
}

static bool wanted(const struct link_info *li, const struct wants *w)
{
	if (!link_managed(li))
		return false;
	return !w->n || want_find(w, li->ifname);
}

/* Every NAME asked for must be a device tapctl manages. */
static int check_names(struct ctx *ctx, const struct wants *w,
		       const char **names)
{
	const char *why;
	int ret;

	for (; names && *names; names++) {
		ctx_set_name(ctx, *names);
		if (parse_ifname(*names, false, &why))
			return err_usage(ctx, "%s", why);
		if ((ret = resolve_found(ctx, *names, 0,
					 want_find(w, *names)->li)))
			return ret;
	}
	ctx->name[0] = '\0';
	return 0;
}

/* The rows to print, in ifindex order. */
static int gather(struct ctx *ctx, const struct links *l,
		  const struct wants *w, struct list_row **rows, size_t *n,
		  struct brport **ports)
{
	size_t i;
	int ret;

	*n = 0;
	*rows = calloc(l->n ? l->n : 1, sizeof(**rows));
	if (!*rows)
		return err_sys(ctx, -ENOMEM, NULL);
	for (i = 0; i < l->n; i++) {
		if (!wanted(&l->v[i], w))
			continue;
		if ((ret = list_gather(ctx, &l->v[i], l->v, l->n, &(*rows)[*n])))
			return ret;
		(*n)++;
	}
	return list_gather_ports(ctx, *rows, *n, ports);
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
		if (rows[i].li->kind != LINK_MACVTAP ||
		    mvt_dev(ctx, rows[i].li, &devs[nd].dev))
			continue;
		memcpy(devs[nd++].ifname, rows[i].li->ifname, IFNAMSIZ);
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
	struct wants w = { 0 };
	struct holders h = { 0 };
	struct list_row *rows = NULL;
	struct brport *ports = NULL;
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
	if ((ret = link_dump_all(ctx, &l.v, &l.n))) {
		err_sys(ctx, ret, "dump links");
		goto out;
	}
	if ((ret = index_links(&l, names, &w))) {
		err_sys(ctx, ret, NULL);
		goto out;
	}
	/* -q: the exit status alone says whether every NAME is a device. */
	if ((ret = check_names(ctx, &w, names)) || ctx->quiet)
		goto out;
	if ((ret = gather(ctx, &l, &w, &rows, &n, &ports)) ||
	    (details && (ret = holders(ctx, rows, n, &h))))
		goto out;
	list_print_header(&ctx->out);
	out_arr_open(&ctx->out, NULL);
	for (i = 0; i < n; i++)
		list_print_row(&ctx->out, &rows[i], details ? &h : NULL);
	out_arr_close(&ctx->out);
	out_end(&ctx->out);
out:
	for (i = 0; i < n; i++)
		list_row_free(&rows[i]);
	free(l.v);
	free(w.v);
	free(rows);
	free(ports);
	holder_free(&h);
	poptFreeContext(pc);
	return ret;
}
