// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "compat.h"
#include "ctx.h"
#include "link.h"
#include "linkopt.h"
#include "macvtap.h"
#include "opt.h"
#include "parse.h"
#include "tun.h"

static bool needs_tun_fd(const struct link_opts *o)
{
	return o->set_owner || o->set_group || o->persist || o->no_persist;
}

/*
 * Owner, group and persistence are ioctls on an attached descriptor.
 * Attaching with the device's own flags leaves its features as they
 * were; a single-queue device that someone holds cannot be attached.
 */
static int attach(struct ctx *ctx, const struct link_info *li)
{
	char name[IFNAMSIZ];
	int fd;

	memcpy(name, li->ifname, IFNAMSIZ);
	fd = tun_open(name, tun_flags_of(li));
	if (fd == -EBUSY)
		return err_fail(ctx, fd, "the device is held open by a process; owner, group and persistence can only change while it is free");
	if (fd < 0)
		return err_sys(ctx, fd, "attach");
	return fd;
}

static int tun_ioctls(struct ctx *ctx, int fd, const struct link_opts *o)
{
	int ret;

	if (o->set_owner && (ret = tun_set_owner(fd, o->owner)))
		return err_sys(ctx, ret, "TUNSETOWNER");
	if (o->set_group && (ret = tun_set_group(fd, o->group_id)))
		return err_sys(ctx, ret, "TUNSETGROUP");
	if ((o->persist || o->no_persist) &&
	    (ret = tun_set_persist(fd, o->persist)))
		return err_sys(ctx, ret, "TUNSETPERSIST");
	return 0;
}

static int apply(struct ctx *ctx, const struct link_info *li,
		 struct link_opts *o)
{
	struct link_change undo;
	int fd = -1, ret;

	if (li->kind != LINK_MACVTAP && needs_tun_fd(o)) {
		fd = attach(ctx, li);
		if (fd < 0)
			return fd;
	}
	ret = link_change(ctx, li->ifindex, NULL, &o->ch);
	if (ret) {
		err_sys(ctx, ret, o->bridge ? "configure and attach to bridge"
					    : "configure");
		/* The kernel applies attributes in turn and keeps the first. */
		goto undo;
	}
	if (fd >= 0 && (ret = tun_ioctls(ctx, fd, o)))
		goto undo;
	/* A macvtap's owner is its character device's. */
	if (li->kind == LINK_MACVTAP &&
	    (ret = mvt_chown(ctx, li, o->set_owner, o->owner, o->set_group,
			     o->group_id)))
		goto undo;
	goto out;
undo:
	link_change_inverse(li, &o->ch, &undo);
	link_change(ctx, li->ifindex, NULL, &undo);
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

int cmd_set(struct ctx *ctx, int argc, const char **argv)
{
	struct poptOption table[] = {
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)linkopt_common, 0,
		  "Settings:", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)linkopt_set, 0,
		  "tun/tap only:", NULL },
		OPT_HELP,
		POPT_TABLEEND
	};
	struct link_opts o = { 0 };
	struct link_info li;
	const char *arg, *why;
	poptContext pc;
	int rc, ret = 0;

	pc = opt_context(argc, argv, table, "NAME [OPTIONS]");
	while ((rc = poptGetNextOpt(pc)) > 0) {
		if (rc == OPT_HELP_VAL) {
			opt_help(pc);
			goto out;
		}
		linkopt_handle(&o, pc, rc);
	}
	if (rc < -1) {
		ret = opt_error(ctx, pc, rc);
		goto out;
	}
	arg = poptGetArg(pc);
	if (!arg) {
		ret = err_usage(ctx, "missing NAME");
		goto out;
	}
	ctx_set_name(ctx, arg);
	if ((ret = opt_no_more(ctx, pc)))
		goto out;
	if (parse_ifname(arg, false, &why)) {
		ret = err_usage(ctx, "%s", why);
		goto out;
	}
	ret = link_get(ctx, arg, &li);
	if (ret == -ENODEV) {
		ret = err_fail(ctx, ret, "no such device");
		goto out;
	}
	if (ret) {
		ret = err_sys(ctx, ret, "look up");
		goto out;
	}
	if (!link_managed(&li)) {
		ret = err_fail(ctx, -EPERM,
			       "not a tun, tap or macvtap device (kind %s)",
			       li.info_kind[0] ? li.info_kind : "none");
		goto out;
	}
	if ((ret = linkopt_validate(ctx, &o, &li)))
		goto out;
	if (li.kind == LINK_MACVTAP) {
		if (o.mode) {
			o.ch.mask |= LC_MODE;
			o.ch.macvlan_mode = o.mode_val;
		}
		if ((ret = mvt_check_change(ctx, &li, &o.ch)))
			goto out;
	}
	ret = apply(ctx, &li, &o);
out:
	linkopt_free(&o);
	poptFreeContext(pc);
	return ret;
}
