// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * del: every name is checked first; then all the devices are moved into
 * a link group that no link uses and the group is deleted with one
 * RTM_DELLINK. The kernel unregisters a group's links together
 * (unregister_netdevice_many(): one RCU grace period for all, where one
 * RTM_DELLINK per device waits one each), so a thousand cost about what
 * one does. Consecutive del lines of a batch come here together.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "ctx.h"
#include "del.h"
#include "link.h"
#include "nl.h"
#include "macvtap.h"
#include "opt.h"
#include "parse.h"
#include "resolve.h"

/* One NAME of one del command. */
struct item {
	const char *name;
	size_t unit;
	int err;			/* the lookup's result */
	bool valid;			/* a well-formed name, looked up */
	bool go;			/* to be deleted by this run */
	bool moved;			/* in our link group now */
	bool seen;			/* found in the group by the check */
	bool elsewhere;			/* seen by the check in another group */
	bool deleted;
	struct link_info li;
};

struct del {
	struct ctx *ctx;
	struct del_unit *u;
	size_t nu;
	poptContext *pc;
	bool *help;
	struct item *it;
	size_t n;
	uint32_t group;
	bool foreign;			/* the group holds a link not ours */
	size_t *by_index;		/* moved items by ifindex, for the check */
	size_t nby;
};

/* The unit fails with what ctx->err holds; the scratch error is cleared. */
static void unit_fail(struct del *d, size_t i)
{
	struct del_unit *u = &d->u[i];

	if (!u->ret) {
		u->ret = d->ctx->err.code ? d->ctx->err.code : -EIO;
		u->err = d->ctx->err;
		snprintf(u->name, sizeof(u->name), "%s", d->ctx->name);
	}
	err_clear(d->ctx);
}

/* Whether unit @i takes part: it ran and has not failed. */
static bool unit_ok(const struct del *d, size_t i)
{
	return d->u[i].ran && !d->u[i].ret;
}

/* Without --force nothing after a failed unit runs. */
static void cut_after_failure(struct del *d)
{
	size_t i;

	if (d->ctx->force)
		return;
	for (i = 0; i < d->nu && !d->u[i].ret; i++)
		;
	for (i++; i < d->nu; i++)
		d->u[i].ran = false;
}

/* Options of every unit; the names become items. */
static int parse_units(struct del *d)
{
	struct poptOption table[] = { OPT_HELP, POPT_TABLEEND };
	const char **names;
	size_t i, j, n = 0, cap = 0;
	struct item *v;
	int rc;

	for (i = 0; i < d->nu; i++) {
		d->u[i].ran = true;
		d->pc[i] = opt_context(d->u[i].argc, d->u[i].argv, table,
				       "NAME...");
		while ((rc = poptGetNextOpt(d->pc[i])) > 0)
			if (rc == OPT_HELP_VAL)
				d->help[i] = true;
		if (d->help[i])
			continue;
		if (rc < -1) {
			ctx_set_name(d->ctx, "");
			opt_error(d->ctx, d->pc[i], rc);
			unit_fail(d, i);
			continue;
		}
		names = poptGetArgs(d->pc[i]);
		if (!names || !names[0]) {
			ctx_set_name(d->ctx, "");
			err_usage(d->ctx, "missing NAME");
			unit_fail(d, i);
			continue;
		}
		for (j = 0; names[j]; j++) {
			if (n == cap) {
				cap = cap ? 2 * cap : 16;
				v = realloc(d->it, cap * sizeof(*v));
				if (!v)
					return -ENOMEM;
				d->it = v;
			}
			memset(&d->it[n], 0, sizeof(d->it[n]));
			d->it[n].name = names[j];
			d->it[n].unit = i;
			n++;
		}
	}
	d->n = n;
	return 0;
}

static int lookup_all(struct del *d)
{
	const char **names;
	struct link_info *li;
	int *err;
	size_t k, m = 0;
	const char *why;
	int ret = -ENOMEM;

	names = calloc(d->n + 1, sizeof(*names));
	li = calloc(d->n + 1, sizeof(*li));
	err = calloc(d->n + 1, sizeof(*err));
	if (!names || !li || !err)
		goto out;
	for (k = 0; k < d->n; k++) {
		d->it[k].valid = !parse_ifname(d->it[k].name, false, &why);
		if (d->it[k].valid)
			names[m++] = d->it[k].name;
	}
	ret = link_get_many(d->ctx, m, names, li, err);
	for (k = 0, m = 0; !ret && k < d->n; k++) {
		if (!d->it[k].valid)
			continue;
		d->it[k].li = li[m];
		d->it[k].err = err[m];
		m++;
	}
out:
	free(names);
	free(li);
	free(err);
	return ret;
}

/* An item before @k with the same device: in an earlier unit, or its own. */
static bool same_device(const struct del *d, size_t k, bool own_unit)
{
	size_t j;

	for (j = 0; j < k; j++) {
		if (d->it[j].li.ifindex != d->it[k].li.ifindex ||
		    (d->it[j].unit == d->it[k].unit) != own_unit)
			continue;
		/* An earlier unit's counts only if it deletes it. */
		if (own_unit ? d->it[j].valid && !d->it[j].err : d->it[j].go)
			return true;
	}
	return false;
}

/* What `del NAME` says of one name, as if the earlier lines were done. */
static int check_item(struct del *d, size_t k)
{
	struct item *it = &d->it[k];
	const char *why;

	ctx_set_name(d->ctx, it->name);
	if (parse_ifname(it->name, false, &why))
		return err_usage(d->ctx, "%s", why);
	if (it->err && it->err != -ENODEV)
		return err_sys(d->ctx, it->err, "look up");
	/* Gone by then if an earlier line deletes it. */
	if (!it->err && same_device(d, k, false))
		return resolve_found(d->ctx, it->name, RESOLVE_OWN, NULL);
	return resolve_found(d->ctx, it->name, RESOLVE_OWN,
			     it->err ? NULL : &it->li);
}

/* Every unit in order, as if run one after the other: which devices go. */
static void check_units(struct del *d)
{
	size_t i, k, first = 0;

	for (i = 0; i < d->nu; i++) {
		for (; first < d->n && d->it[first].unit < i; first++)
			;
		if (!d->u[i].ran)
			continue;
		if (d->help[i]) {
			opt_help(d->pc[i]);
			continue;
		}
		for (k = first; !d->u[i].ret && k < d->n &&
				d->it[k].unit == i; k++)
			if (check_item(d, k))
				unit_fail(d, i);
		if (d->u[i].ret) {
			cut_after_failure(d);
			continue;
		}
		for (k = first; k < d->n && d->it[k].unit == i; k++)
			d->it[k].go = !same_device(d, k, true);
	}
}

enum regroup { TO_GROUP, BACK_FAILED, BACK_ALL };

static bool regroup_wants(const struct item *it, enum regroup how)
{
	switch (how) {
	case TO_GROUP:
		return it->go && !it->moved;
	case BACK_FAILED:
		return it->moved && !it->go;
	default:
		return it->moved;
	}
}

/* Moves items into our group, or back into their own. */
static int regroup(struct del *d, enum regroup how)
{
	int *ifindex, *err;
	uint32_t *group;
	size_t *idx, k, m = 0;
	int ret = -ENOMEM;

	ifindex = calloc(d->n + 1, sizeof(*ifindex));
	group = calloc(d->n + 1, sizeof(*group));
	err = calloc(d->n + 1, sizeof(*err));
	idx = calloc(d->n + 1, sizeof(*idx));
	if (!ifindex || !group || !err || !idx)
		goto out;
	for (k = 0; k < d->n; k++) {
		if (!regroup_wants(&d->it[k], how))
			continue;
		ifindex[m] = d->it[k].li.ifindex;
		group[m] = how == TO_GROUP ? d->group : d->it[k].li.ifgroup;
		idx[m++] = k;
	}
	ret = link_set_group_many(d->ctx, m, ifindex, group, err);
	for (k = 0; !ret && k < m; k++) {
		struct item *it = &d->it[idx[k]];

		if (!err[k]) {
			it->moved = how == TO_GROUP;
		} else if (err[k] == -ENODEV) {
			/* Gone since the look-up: deleted by someone else. */
			it->moved = false;
			if (how == TO_GROUP && unit_ok(d, it->unit)) {
				ctx_set_name(d->ctx, it->name);
				err_fail(d->ctx, -ENODEV, "no such device");
				unit_fail(d, it->unit);
			}
		}
	}
	for (k = 0; !ret && k < m; k++)
		if (err[k] && err[k] != -ENODEV)
			ret = err[k];
out:
	free(ifindex);
	free(group);
	free(err);
	free(idx);
	return ret;
}

static int cmp_index(const void *a, const void *b, void *data)
{
	const struct del *d = data;
	int x = d->it[*(const size_t *)a].li.ifindex;
	int y = d->it[*(const size_t *)b].li.ifindex;

	return (x > y) - (x < y);
}

/* The moved item with @ifindex, or NULL. */
static struct item *moved_item(struct del *d, int ifindex)
{
	size_t lo = 0, hi = d->nby, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (d->it[d->by_index[mid]].li.ifindex < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < d->nby && d->it[d->by_index[lo]].li.ifindex == ifindex)
		return &d->it[d->by_index[lo]];
	return NULL;
}

static int check_group_cb(const struct link_info *li, void *data)
{
	struct del *d = data;
	struct item *it = moved_item(d, li->ifindex);

	if (it && li->ifgroup == d->group)
		it->seen = true;
	else if (it)
		it->elsewhere = true;
	else if (li->ifgroup == d->group)
		d->foreign = true;
	return 0;
}

/*
 * What the group holds now. A link that is not ours (someone chose the
 * same number) makes the run fall back to one delete per device, so it
 * is never deleted. One of ours that someone moved to another group (a
 * tapctl del running at the same time, over the same names) is deleted
 * on its own afterwards; one that is gone was deleted by someone else,
 * and its command fails as it would have a moment later.
 */
static int check_group(struct del *d)
{
	size_t k;
	int ret;

	d->foreign = false;
	d->nby = 0;
	for (k = 0; k < d->n; k++) {
		d->it[k].seen = d->it[k].elsewhere = false;
		if (d->it[k].moved)
			d->by_index[d->nby++] = k;
	}
	qsort_r(d->by_index, d->nby, sizeof(*d->by_index), cmp_index, d);
	if ((ret = link_dump(d->ctx, check_group_cb, d)))
		return ret;
	for (k = 0; k < d->n; k++) {
		struct item *it = &d->it[k];

		if (!it->moved || it->seen)
			continue;
		it->moved = false;
		if (it->elsewhere || !it->go || !unit_ok(d, it->unit))
			continue;
		ctx_set_name(d->ctx, it->name);
		err_fail(d->ctx, -ENODEV, "no such device");
		unit_fail(d, it->unit);
	}
	return 0;
}

/* A random group, far above the small numbers people give their groups. */
static uint32_t pick_group(void)
{
	uint32_t r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
	return 0x40000000u | (r & 0x3fffffffu);
}

/* The devices of the units still standing. */
static size_t count_go(struct del *d)
{
	size_t k, m = 0;

	for (k = 0; k < d->n; k++) {
		if (d->it[k].go && !unit_ok(d, d->it[k].unit))
			d->it[k].go = false;
		m += d->it[k].go;
	}
	return m;
}

/*
 * One RTM_DELLINK per device, in order: for one device, the fallback, or
 * (@elsewhere) those the check found in another group.
 */
static void delete_each(struct del *d, bool elsewhere)
{
	size_t k;
	int ret;

	for (k = 0; k < d->n; k++) {
		struct item *it = &d->it[k];

		if (!it->go || !unit_ok(d, it->unit) || it->deleted ||
		    (elsewhere && !it->elsewhere))
			continue;
		ret = link_del(d->ctx, it->li.ifindex);
		if (!ret) {
			it->deleted = true;
			continue;
		}
		ctx_set_name(d->ctx, it->name);
		if (ret == -ENODEV)
			err_fail(d->ctx, ret, "no such device");
		else
			err_sys(d->ctx, ret, "delete");
		unit_fail(d, it->unit);
		cut_after_failure(d);
	}
}

/*
 * The group's RTM_DELLINK failed, but perhaps only its answer was lost:
 * true if the kernel says that none of the links that were to go is
 * there any more (then they went, together, as asked).
 */
static bool group_went(struct del *d)
{
	struct link_info li;
	size_t k;

	/* A fresh socket: the lost answer may still be on the old one. */
	nl_close(d->ctx);
	for (k = 0; k < d->n; k++)
		if (d->it[k].go && !d->it[k].elsewhere &&
		    link_get_index(d->ctx, d->it[k].li.ifindex, &li) != -ENODEV)
			return false;
	return true;
}

/*
 * The one kernel batch. 1 when it cannot be used (the caller deletes one
 * by one), 0 when done, -errno when even the way back failed (the
 * devices may be left in our group).
 */
static int delete_group(struct del *d)
{
	size_t k;
	int ret;

	d->group = pick_group();
	if ((ret = regroup(d, TO_GROUP)))
		goto fallback;
	cut_after_failure(d);
	count_go(d);
	/* A failed command's devices, and those after it, go back. */
	if ((ret = regroup(d, BACK_FAILED)) || (ret = check_group(d)) ||
	    d->foreign)
		goto fallback;
	cut_after_failure(d);
	if (!count_go(d))
		return 0;
	if ((ret = regroup(d, BACK_FAILED)))
		goto fallback;
	ret = link_del_group(d->ctx, d->group);
	/* -ENODEV: every one was deleted by someone else meanwhile. */
	if (ret && ret != -ENODEV && !group_went(d))
		goto fallback;
	for (k = 0; k < d->n; k++)
		d->it[k].deleted = d->it[k].go && !d->it[k].elsewhere;
	delete_each(d, true);
	return 0;
fallback:
	err_clear(d->ctx);
	cut_after_failure(d);
	count_go(d);
	for (k = 0; k < d->n; k++)
		d->it[k].elsewhere = false;
	ret = regroup(d, BACK_ALL);
	return ret ? ret : 1;
}

/* A deleted macvtap's private node goes with it. */
static void forget_nodes(struct del *d)
{
	size_t k;

	for (k = 0; k < d->n; k++) {
		struct item *it = &d->it[k];

		if (!it->deleted || it->li.kind != LINK_MACVTAP)
			continue;
		ctx_set_name(d->ctx, it->name);
		if (mvt_forget(d->ctx, &it->li))
			unit_fail(d, it->unit);
	}
}

/*
 * A failure of the whole run: every command still standing fails with
 * it (without --force only the first, and nothing after it runs).
 */
static void fail_all(struct del *d, int ret, const char *step)
{
	size_t i;

	for (i = 0; i < d->nu; i++) {
		if (!unit_ok(d, i))
			continue;
		ctx_set_name(d->ctx, "");
		err_sys(d->ctx, ret, step);
		unit_fail(d, i);
		if (!d->ctx->force) {
			cut_after_failure(d);
			break;
		}
	}
}

void del_run(struct ctx *ctx, struct del_unit *u, size_t n)
{
	struct del d = { .ctx = ctx, .u = u, .nu = n };
	size_t i;
	int ret = -ENOMEM;

	for (i = 0; i < n; i++) {
		u[i].ran = true;
		u[i].ret = 0;
		u[i].name[0] = '\0';
	}
	err_clear(ctx);
	d.pc = calloc(n + 1, sizeof(*d.pc));
	d.help = calloc(n + 1, sizeof(*d.help));
	if (!d.pc || !d.help || (ret = parse_units(&d)) ||
	    !(d.by_index = calloc(d.n + 1, sizeof(*d.by_index)))) {
		fail_all(&d, ret ? ret : -ENOMEM, NULL);
		goto out;
	}
	if ((ret = lookup_all(&d))) {
		fail_all(&d, ret, "look up");
		goto out;
	}
	check_units(&d);
	/* Two or more: the batch saves a grace period per device. */
	if (count_go(&d) >= 2 && (ret = delete_group(&d)) <= 0) {
		if (ret)
			fail_all(&d, ret, "restore link groups");
	} else {
		delete_each(&d, false);
	}
	forget_nodes(&d);
out:
	for (i = 0; d.pc && i < n; i++)
		if (d.pc[i])
			poptFreeContext(d.pc[i]);
	free(d.pc);
	free(d.help);
	free(d.it);
	free(d.by_index);
	err_clear(ctx);
	ctx->name[0] = '\0';
}

int cmd_del(struct ctx *ctx, int argc, const char **argv)
{
	struct del_unit u = { .argc = argc, .argv = argv };

	del_run(ctx, &u, 1);
	if (!u.ret)
		return 0;
	ctx->err = u.err;
	ctx_set_name(ctx, u.name);
	return u.ret;
}
