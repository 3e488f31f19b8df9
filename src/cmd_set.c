// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "brport.h"
#include "compat.h"
#include "ctx.h"
#include "holder.h"
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
 * A descriptor that a process already holds on the device, duplicated
 * with pidfd_getfd(): the ioctls act on the device, not on the file, and
 * closing the duplicate leaves the holder attached.
 */
static int borrow(const struct link_info *li)
{
	struct holders h = { 0 };
	char name[IFNAMSIZ];
	size_t i;
	int fd = -EBUSY, ret;

	ret = holder_scan(&h, NULL, 0);
	for (i = 0; !ret && i < h.n && fd < 0; i++) {
		if (strcmp(h.v[i].ifname, li->ifname))
			continue;
		fd = holder_dup(h.v[i].pid, h.v[i].fd);
		/* The holder may have closed or reused it since the scan. */
		if (fd >= 0 && (tun_get_iff(fd, name, NULL) ||
				strcmp(name, li->ifname))) {
			close(fd);
			fd = -EBUSY;
		}
	}
	holder_free(&h);
	return ret ? ret : fd;
}

/*
 * Owner, group and persistence are ioctls on an attached descriptor.
 * Attaching as the first queue would overwrite the device's features
 * with ours, so it attaches with the device's own flags. A device in
 * use is not attached to: a single-queue one refuses (EBUSY), and a new
 * queue on a multi-queue one would take a share of its traffic until it
 * closes. The holder's own descriptor serves instead.
 */
static int attach(struct ctx *ctx, const struct link_info *li)
{
	char name[IFNAMSIZ];
	int fd = -EBUSY;

	memcpy(name, li->ifname, IFNAMSIZ);
	if (!(li->multi_queue && li->queues))
		fd = tun_open(name, tun_flags_of(li));
	if (fd == -EBUSY)
		fd = borrow(li);
	if (fd == -EBUSY || fd == -EPERM)
		return err_fail(ctx, fd,
				"the device is in use and its holder's descriptor cannot be borrowed: %s",
				strerror(-fd));
	if (fd < 0)
		return err_sys(ctx, fd, "attach");
	return fd;
}

/* Best effort: the kernel cannot clear an owner or group once set. */
static void restore_ids(int fd, const struct link_info *li, bool owner,
			bool group)
{
	if (owner && li->has_owner)
		tun_set_owner(fd, li->owner);
	if (group && li->has_group)
		tun_set_group(fd, li->group);
}

static int tun_ioctls(struct ctx *ctx, int fd, const struct link_info *li,
		      const struct link_opts *o)
{
	int ret;

	if (o->set_owner && (ret = tun_set_owner(fd, o->owner)))
		return err_sys(ctx, ret, "TUNSETOWNER");
	if (o->set_group && (ret = tun_set_group(fd, o->group_id))) {
		restore_ids(fd, li, o->set_owner, false);
		return err_sys(ctx, ret, "TUNSETGROUP");
	}
	/* Last: --no-persist on a device nobody holds removes it at close. */
	if ((o->persist || o->no_persist) &&
	    (ret = tun_set_persist(fd, o->persist))) {
		restore_ids(fd, li, o->set_owner, o->set_group);
		return err_sys(ctx, ret, "TUNSETPERSIST");
	}
	return 0;
}

/*
 * A tap joining a bridge gets the first byte 0xfe, as on add, so that
 * it never becomes the bridge's lowest address; one already in that
 * bridge keeps its address, which the bridge may be using.
 */
static void bridge_mac(const struct link_info *li, struct link_opts *o)
{
	if (!o->bridge || o->mac || li->kind != LINK_TAP || !li->has_mac ||
	    li->master == o->br.ifindex || li->mac[0] == 0xfe)
		return;
	memcpy(o->ch.mac, li->mac, 6);
	o->ch.mac[0] = 0xfe;
	o->ch.mask |= LC_MAC;
}

/*
 * Bridge-port settings need the device to be a port, and a port that
 * joins a bridge forwards at once if it is up: then it joins down and
 * goes up again after them, so that it never forwards in a VLAN it is
 * not meant to. @ch is o->ch as the first RTM_NEWLINK sends it.
 */
static bool port_first(const struct link_info *li, const struct link_opts *o,
		       struct link_change *ch)
{
	bool joins = (o->ch.mask & LC_MASTER) && o->ch.master &&
		     o->ch.master != li->master;

	*ch = o->ch;
	if (!o->port.mask)
		return false;
	ch->mask &= ~(unsigned int)LC_UP;
	if (joins && (li->flags & IFF_UP)) {
		ch->mask |= LC_UP;
		ch->up = false;
	}
	return true;
}

static int port_then_up(struct ctx *ctx, const struct link_info *li,
			const struct link_opts *o, const struct link_change *ch)
{
	struct link_change up = { .mask = LC_UP, .up = li->flags & IFF_UP };
	int ret;

	if ((ret = brport_set(ctx, li->ifindex, &o->port)))
		return ret;
	if (o->ch.mask & LC_UP)
		up.up = o->ch.up;
	if (!(ch->mask & LC_UP) && !(o->ch.mask & LC_UP))
		return 0;
	ret = link_change(ctx, li->ifindex, NULL, &up);
	return ret ? err_sys(ctx, ret, up.up ? "bring up" : "bring down") : 0;
}

/*
 * The port's settings before, to put back on failure: all of them if it
 * leaves its bridge for another (where it starts afresh), else those
 * the options change. @has is false if it is no bridge port.
 */
static int port_before(struct ctx *ctx, const struct link_info *li,
		       const struct link_opts *o, struct brport *old, bool *has)
{
	int ret;

	*has = false;
	if (!o->port.mask || !li->master)
		return 0;
	ret = brport_get(ctx, li->ifindex, old);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return err_sys(ctx, ret, "read the bridge port");
	if (!(o->ch.mask & LC_MASTER) || o->ch.master == li->master)
		old->mask &= o->port.mask;
	*has = true;
	return 0;
}

/*
 * The link change goes first, as the one step likely to fail; then the
 * bridge port, the ioctls after it, persistence last. A failure puts
 * back what was done: the link first (back in its old bridge), then
 * that port's settings.
 */
static int apply(struct ctx *ctx, const struct link_info *li,
		 struct link_opts *o)
{
	struct link_change ch, all, undo;
	struct brport old;
	bool port, has_old;
	int fd = -1, ret;

	if ((ret = port_before(ctx, li, o, &old, &has_old)))
		return ret;
	port = port_first(li, o, &ch);
	if (li->kind != LINK_MACVTAP && needs_tun_fd(o)) {
		fd = attach(ctx, li);
		if (fd < 0)
			return fd;
	}
	ret = link_change(ctx, li->ifindex, NULL, &ch);
	if (ret) {
		linkopt_change_failed(ctx, o, ret);
		/* The kernel applies attributes in turn and keeps the first. */
		goto undo;
	}
	if (port && (ret = port_then_up(ctx, li, o, &ch)))
		goto undo;
	if (fd >= 0 && (ret = tun_ioctls(ctx, fd, li, o)))
		goto undo;
	/* A macvtap's owner is its character device's. */
	if (li->kind == LINK_MACVTAP &&
	    (ret = mvt_chown(ctx, li, o->set_owner, o->owner, o->set_group,
			     o->group_id)))
		goto undo;
	goto out;
undo:
	all = o->ch;
	all.mask |= ch.mask;
	link_change_inverse(li, &all, &undo);
	link_change(ctx, li->ifindex, NULL, &undo);
	if (has_old)
		brport_set(ctx, li->ifindex, &old);
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
	const char *arg;
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
	/* Invalid input is exit 2 whether or not the device exists. */
	if ((ret = opt_name(ctx, pc, false, &arg)) ||
	    (ret = opt_no_more(ctx, pc)) || (ret = linkopt_check(ctx, &o)) ||
	    (ret = link_lookup(ctx, arg, &li)) ||
	    (ret = linkopt_validate(ctx, &o, &li)))
		goto out;
	if (li.kind == LINK_MACVTAP) {
		if (o.mode) {
			o.ch.mask |= LC_MODE;
			o.ch.macvlan_mode = o.mode_val;
		}
		if ((ret = mvt_check_change(ctx, &li, &o.ch)))
			goto out;
	}
	bridge_mac(&li, &o);
	ret = apply(ctx, &li, &o);
out:
	linkopt_free(&o);
	poptFreeContext(pc);
	return ret;
}
