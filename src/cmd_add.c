// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "add.h"
#include "brport.h"
#include "cmd.h"
#include "compat.h"
#include "ctx.h"
#include "link.h"
#include "linkopt.h"
#include "macvtap.h"
#include "opt.h"
#include "parse.h"
#include "tun.h"

/*
 * The settings of a new tap in one RTM_NEWLINK, but the bridge-port
 * ones need a port: then the tap joins its bridge down, and goes up
 * once they are made, so that it never forwards in the wrong VLAN.
 */
static int configure(struct ctx *ctx, const struct link_opts *o,
		     const char *name)
{
	struct link_change ch = o->ch, up = { .mask = LC_UP, .up = o->ch.up };
	int ifindex, ret;

	if (o->port.mask)
		ch.mask &= ~(unsigned int)LC_UP;
	if ((ret = link_change(ctx, 0, name, &ch)))
		return linkopt_change_failed(ctx, o, ret);
	if (!o->port.mask)
		return 0;
	ifindex = (int)if_nametoindex(name);
	if (!ifindex)
		return err_sys(ctx, -errno, "look up");
	if ((ret = brport_set(ctx, ifindex, &o->port)))
		return ret;
	if ((o->ch.mask & LC_UP) && (ret = link_change(ctx, ifindex, NULL, &up)))
		return err_sys(ctx, ret, "bring up");
	return 0;
}

/*
 * A tun/tap device is made with TUNSETIFF and configured while our
 * descriptor keeps it alive; TUNSETPERSIST comes last. Any failure
 * before it just closes the descriptor, and the kernel removes the
 * half-made device with it.
 */
static int add_tun(struct ctx *ctx, struct link_opts *o, char name[IFNAMSIZ],
		   int *keep_fd)
{
	unsigned int flags = IFF_TUN_EXCL;
	int fd, ret;

	flags |= o->tun ? IFF_TUN : IFF_TAP;
	if (!o->pi)
		flags |= IFF_NO_PI;
	if (o->vnet_hdr)
		flags |= IFF_VNET_HDR;
	if (o->multi_queue)
		flags |= IFF_MULTI_QUEUE;

	fd = tun_open(name, flags);
	if (fd == -EBUSY)
		return err_fail(ctx, fd, "a device of this name already exists");
	if (fd < 0)
		return err_sys(ctx, fd, o->tun ? "create tun" : "create tap");
	ctx_set_name(ctx, name);

	if (o->set_owner && (ret = tun_set_owner(fd, o->owner))) {
		err_sys(ctx, ret, "TUNSETOWNER");
		goto out;
	}
	if (o->set_group && (ret = tun_set_group(fd, o->group_id))) {
		err_sys(ctx, ret, "TUNSETGROUP");
		goto out;
	}
	/*
	 * Joining a bridge without an address of our own: make the first
	 * byte 0xfe, as QEMU and libvirt do, so that the new port never
	 * has the lowest address and the bridge keeps its own.
	 */
	if (o->bridge && !(o->ch.mask & LC_MAC)) {
		if ((ret = tun_get_mac(fd, o->ch.mac))) {
			err_sys(ctx, ret, "SIOCGIFHWADDR");
			goto out;
		}
		o->ch.mac[0] = 0xfe;
		o->ch.mask |= LC_MAC;
	}
	if ((ret = configure(ctx, o, name)))
		goto out;
	if (keep_fd) {
		*keep_fd = fd;
		return 0;
	}
	if ((ret = tun_set_persist(fd, true)))
		err_sys(ctx, ret, "TUNSETPERSIST");
out:
	close(fd);
	return ret;
}

/*
 * A macvtap is only usable through its character device: the link is
 * not made until the lower is known to carry it, and it is deleted
 * again if its node cannot be made ready (found or made, and owned).
 */
static int add_macvtap(struct ctx *ctx, struct link_opts *o,
		       char name[IFNAMSIZ])
{
	char node[256];
	struct link_info li;
	int ret;

	if ((ret = mvt_check_lower(ctx, &o->lower, o->mode_val, &o->ch)))
		return ret;
	ret = link_new_macvtap(ctx, name, o->lower.ifindex, o->mode_val,
			       &o->ch, &li);
	if (ret == -EEXIST)
		return err_fail(ctx, ret, "a device of this name already exists");
	/* macvlan_port_create: another rx_handler owns the lower's frames. */
	if (ret == -EBUSY)
		return err_fail(ctx, ret,
				"--macvtap: \"%s\" cannot carry a macvtap: another driver takes its frames (is it a bridge or bond port?)",
				o->lower.ifname);
	if (ret)
		return err_sys(ctx, ret, "create macvtap");
	memcpy(name, li.ifname, IFNAMSIZ);
	ctx_set_name(ctx, name);
	if ((ret = mvt_node(ctx, &li, node, sizeof(node))) ||
	    (ret = mvt_chown(ctx, &li, o->set_owner, o->owner, o->set_group,
			     o->group_id))) {
		/* Errors of the undo must not hide the cause: err_* keeps it. */
		if (!link_del(ctx, li.ifindex))
			mvt_forget(ctx, &li);
		return ret;
	}
	return 0;
}

int add_create(struct ctx *ctx, struct link_opts *o, char name[IFNAMSIZ],
	       int *keep_fd)
{
	if (keep_fd)
		*keep_fd = -1;
	if (o->macvtap)
		return add_macvtap(ctx, o, name);
	return add_tun(ctx, o, name, keep_fd);
}

static int report(struct ctx *ctx, const char *name)
{
	struct link_info li;
	int ret;

	if (ctx->quiet)
		return 0;
	if (!ctx->json) {
		printf("%s\n", name);
		return 0;
	}
	ret = link_get(ctx, name, &li);
	if (ret)
		return err_sys(ctx, ret, "read back");
	ret = list_print_link(ctx, &li);
	out_end(&ctx->out);
	return ret;
}

int cmd_add(struct ctx *ctx, int argc, const char **argv)
{
	struct poptOption table[] = {
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)linkopt_add, 0,
		  "Device:", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)linkopt_common, 0,
		  "Settings:", NULL },
		OPT_HELP,
		POPT_TABLEEND
	};
	struct link_opts o = { 0 };
	char name[IFNAMSIZ] = "";
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
	if ((ret = opt_name(ctx, pc, true, &arg)) ||
	    (ret = opt_no_more(ctx, pc)))
		goto out;
	snprintf(name, sizeof(name), "%s", arg);
	if ((ret = linkopt_validate(ctx, &o, NULL)))
		goto out;
	ret = add_create(ctx, &o, name, NULL);
	if (!ret)
		ret = report(ctx, name);
out:
	linkopt_free(&o);
	poptFreeContext(pc);
	return ret;
}
