// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>

#include "ctx.h"
#include "linkopt.h"
#include "opt.h"
#include "parse.h"

enum {
	LO_USER = 1000, LO_GROUP, LO_MAC, LO_MTU, LO_TXQLEN, LO_UP, LO_DOWN,
	LO_BRIDGE, LO_NOBRIDGE, LO_TAP, LO_TUN, LO_MACVTAP, LO_MODE,
	LO_VNET_HDR, LO_MQ, LO_PI, LO_PERSIST, LO_NO_PERSIST,
};

const struct poptOption linkopt_common[] = {
	{ "user", 'u', POPT_ARG_STRING, NULL, LO_USER,
	  "owner: only this user may attach without CAP_NET_ADMIN",
	  "USER|UID" },
	{ "group", 'g', POPT_ARG_STRING, NULL, LO_GROUP,
	  "group allowed to attach", "GROUP|GID" },
	{ "mac", 0, POPT_ARG_STRING, NULL, LO_MAC,
	  "MAC address, or random (locally administered)", "ADDR|random" },
	{ "mtu", 0, POPT_ARG_STRING, NULL, LO_MTU, "MTU", "N" },
	{ "txqueuelen", 0, POPT_ARG_STRING, NULL, LO_TXQLEN,
	  "transmit queue length", "N" },
	{ "up", 0, POPT_ARG_NONE, NULL, LO_UP, "bring the link up", NULL },
	{ "down", 0, POPT_ARG_NONE, NULL, LO_DOWN, "take the link down",
	  NULL },
	{ "bridge", 0, POPT_ARG_STRING, NULL, LO_BRIDGE,
	  "attach to this bridge (implies --up)", "BR" },
	{ "nobridge", 0, POPT_ARG_NONE, NULL, LO_NOBRIDGE,
	  "detach from its bridge", NULL },
	{ "mode", 0, POPT_ARG_STRING, NULL, LO_MODE,
	  "macvtap mode: bridge (default), vepa, private, passthru, source",
	  "MODE" },
	POPT_TABLEEND
};

const struct poptOption linkopt_add[] = {
	{ "tap", 0, POPT_ARG_NONE, NULL, LO_TAP, "a tap device (default)",
	  NULL },
	{ "tun", 0, POPT_ARG_NONE, NULL, LO_TUN, "a tun device", NULL },
	{ "macvtap", 0, POPT_ARG_STRING, NULL, LO_MACVTAP,
	  "a macvtap link on top of LOWER", "LOWER" },
	{ "vnet-hdr", 0, POPT_ARG_NONE, NULL, LO_VNET_HDR,
	  "IFF_VNET_HDR", NULL },
	{ "multi-queue", 0, POPT_ARG_NONE, NULL, LO_MQ, "IFF_MULTI_QUEUE",
	  NULL },
	{ "pi", 0, POPT_ARG_NONE, NULL, LO_PI, "packet information header",
	  NULL },
	POPT_TABLEEND
};

const struct poptOption linkopt_set[] = {
	{ "persist", 0, POPT_ARG_NONE, NULL, LO_PERSIST, "make persistent",
	  NULL },
	{ "no-persist", 0, POPT_ARG_NONE, NULL, LO_NO_PERSIST,
	  "make transient: gone with its last descriptor", NULL },
	POPT_TABLEEND
};

int linkopt_handle(struct link_opts *o, poptContext pc, int val)
{
	switch (val) {
	case LO_USER: opt_take(pc, &o->user); break;
	case LO_GROUP: opt_take(pc, &o->group); break;
	case LO_MAC: opt_take(pc, &o->mac); break;
	case LO_MTU: opt_take(pc, &o->mtu); break;
	case LO_TXQLEN: opt_take(pc, &o->txqlen); break;
	case LO_BRIDGE: opt_take(pc, &o->bridge); break;
	case LO_MACVTAP: opt_take(pc, &o->macvtap); break;
	case LO_MODE: opt_take(pc, &o->mode); break;
	case LO_UP: o->up = true; break;
	case LO_DOWN: o->down = true; break;
	case LO_NOBRIDGE: o->nobridge = true; break;
	case LO_TAP: o->tap = true; break;
	case LO_TUN: o->tun = true; break;
	case LO_VNET_HDR: o->vnet_hdr = true; break;
	case LO_MQ: o->multi_queue = true; break;
	case LO_PI: o->pi = true; break;
	case LO_PERSIST: o->persist = true; break;
	case LO_NO_PERSIST: o->no_persist = true; break;
	default: return 0;
	}
	return 1;
}

void linkopt_free(struct link_opts *o)
{
	free(o->user);
	free(o->group);
	free(o->mac);
	free(o->mtu);
	free(o->txqlen);
	free(o->bridge);
	free(o->macvtap);
	free(o->mode);
}

static int exclusive(struct ctx *ctx, const struct link_opts *o)
{
	if (o->tun + o->tap + !!o->macvtap > 1)
		return err_usage(ctx, "--tun, --tap and --macvtap exclude each other");
	if (o->up && o->down)
		return err_usage(ctx, "--up and --down exclude each other");
	if (o->bridge && o->nobridge)
		return err_usage(ctx, "--bridge and --nobridge exclude each other");
	if (o->persist && o->no_persist)
		return err_usage(ctx, "--persist and --no-persist exclude each other");
	return 0;
}

static int check_kind(struct ctx *ctx, const struct link_opts *o,
		      enum link_kind kind)
{
	if (o->mode && kind != LINK_MACVTAP)
		return err_usage(ctx, "--mode: only for macvtap links");
	if (kind == LINK_MACVTAP && (o->vnet_hdr || o->multi_queue || o->pi))
		return err_usage(ctx, "--vnet-hdr, --multi-queue and --pi are tun/tap flags (a macvtap takes them per descriptor: see exec)");
	if (kind == LINK_MACVTAP && (o->persist || o->no_persist))
		return err_usage(ctx, "--persist, --no-persist: a macvtap link lasts until it is deleted");
	if (kind == LINK_TUN && o->mac)
		return err_usage(ctx, "--mac: a tun device has no MAC address (use --tap)");
	if (kind == LINK_TUN && o->bridge)
		return err_usage(ctx, "--bridge: a tun device has no link layer and cannot join a bridge (use --tap)");
	/* macvtap takes its own frames (rx_handler): a bridge gets EBUSY. */
	if (kind == LINK_MACVTAP && o->bridge)
		return err_usage(ctx, "--bridge: a macvtap link cannot join a bridge (make it on top of the bridge with --macvtap BR, or use a tap)");
	return 0;
}

static int check_ids(struct ctx *ctx, struct link_opts *o)
{
	if (o->user) {
		if (!strcmp(o->user, "-"))
			return err_usage(ctx, "--user: the kernel cannot clear an owner once it is set");
		if (parse_user(o->user, &o->owner))
			return err_usage(ctx, "--user: no such user \"%s\"", o->user);
		o->set_owner = true;
	}
	if (o->group) {
		if (!strcmp(o->group, "-"))
			return err_usage(ctx, "--group: the kernel cannot clear a group once it is set");
		if (parse_group(o->group, &o->group_id))
			return err_usage(ctx, "--group: no such group \"%s\"", o->group);
		o->set_group = true;
	}
	return 0;
}

/* Looks up a link named on the command line that must exist. */
static int need_link(struct ctx *ctx, const char *opt, const char *name,
		     struct link_info *li)
{
	const char *why;
	int ret;

	if (parse_ifname(name, false, &why))
		return err_usage(ctx, "%s: \"%s\": %s", opt, name, why);
	ret = link_get(ctx, name, li);
	if (ret == -ENODEV)
		return err_fail(ctx, ret, "%s: no such link \"%s\"", opt, name);
	if (ret)
		return err_sys(ctx, ret, opt);
	return 0;
}

static int check_values(struct ctx *ctx, struct link_opts *o,
			enum link_kind kind, const struct link_info *dev)
{
	uint32_t min = 68, max = 65535;
	const char *why;
	int ret;

	if (o->mode && parse_macvtap_mode(o->mode, &o->mode_val))
		return err_usage(ctx, "--mode: \"%s\" is not one of " PARSE_MODES,
				 o->mode);
	if (o->mac && !strcmp(o->mac, "random")) {
		o->mac_random = true;
	} else if (o->mac && parse_mac(o->mac, o->ch.mac, &why)) {
		return err_usage(ctx, "--mac: \"%s\": %s", o->mac, why);
	}
	if (dev && dev->max_mtu) {
		min = dev->min_mtu;
		max = dev->max_mtu;
	}
	if (o->mtu && (ret = opt_u32(ctx, "--mtu", o->mtu, min, max, &o->ch.mtu)))
		return ret;
	if (o->txqlen &&
	    (ret = opt_u32(ctx, "--txqueuelen", o->txqlen, 0, UINT32_MAX,
			   &o->ch.txqlen)))
		return ret;
	if (o->macvtap && parse_ifname(o->macvtap, false, &why))
		return err_usage(ctx, "--macvtap: \"%s\": %s", o->macvtap, why);
	if (o->bridge && parse_ifname(o->bridge, false, &why))
		return err_usage(ctx, "--bridge: \"%s\": %s", o->bridge, why);
	(void)kind;
	return 0;
}

int linkopt_validate(struct ctx *ctx, struct link_opts *o,
		     const struct link_info *dev)
{
	enum link_kind kind;
	int ret;

	if (dev)
		kind = dev->kind;
	else
		kind = o->macvtap ? LINK_MACVTAP : o->tun ? LINK_TUN : LINK_TAP;
	if ((ret = exclusive(ctx, o)) || (ret = check_kind(ctx, o, kind)) ||
	    (ret = check_ids(ctx, o)) ||
	    (ret = check_values(ctx, o, kind, dev)))
		return ret;
	if (!o->mode)
		o->mode_val = MACVLAN_MODE_BRIDGE;

	/* Syntax is all good: now what the names refer to. */
	if (o->macvtap && (ret = need_link(ctx, "--macvtap", o->macvtap,
					   &o->lower)))
		return ret;
	if (o->bridge) {
		if ((ret = need_link(ctx, "--bridge", o->bridge, &o->br)))
			return ret;
		if (!o->br.is_bridge)
			return err_fail(ctx, -EINVAL, "--bridge: \"%s\" is not a bridge",
					o->bridge);
	}

	if (o->mac_random && (ret = parse_random_mac(o->ch.mac)))
		return err_sys(ctx, ret, "random MAC");
	if (o->mac)
		o->ch.mask |= LC_MAC;
	if (o->mtu) {
		o->ch.mask |= LC_MTU;
	} else if (o->bridge) {
		/* The bridge's MTU, set before joining so it keeps it. */
		o->ch.mask |= LC_MTU;
		o->ch.mtu = o->br.mtu;
	}
	if (o->txqlen)
		o->ch.mask |= LC_TXQLEN;
	if (o->up || o->down || o->bridge) {
		o->ch.mask |= LC_UP;
		o->ch.up = !o->down;
	}
	if (o->bridge || o->nobridge) {
		o->ch.mask |= LC_MASTER;
		o->ch.master = o->bridge ? o->br.ifindex : 0;
	}
	return 0;
}
