// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>

#include "ctx.h"
#include "linkopt.h"
#include "opt.h"
#include "parse.h"
#include "priv.h"

enum {
	LO_USER = 1000, LO_GROUP, LO_MAC, LO_MTU, LO_TXQLEN, LO_UP, LO_DOWN,
	LO_BRIDGE, LO_NOBRIDGE, LO_TAP, LO_TUN, LO_MACVTAP, LO_MODE,
	LO_VNET_HDR, LO_MQ, LO_PI, LO_PERSIST, LO_NO_PERSIST, LO_PVID, LO_VLAN,
	LO_NOVLAN, LO_ISOLATED, LO_NO_ISOLATED, LO_SRCMAC,
};

const struct poptOption linkopt_common[] = {
	{ "user", 'u', POPT_ARG_STRING, NULL, LO_USER,
	  "owner: only this user may attach without CAP_NET_ADMIN",
	  "USER|UID" },
	{ "group", 'g', POPT_ARG_STRING, NULL, LO_GROUP,
	  "group: only its members may attach without CAP_NET_ADMIN",
	  "GROUP|GID" },
	{ "mac", 0, POPT_ARG_STRING, NULL, LO_MAC,
	  "MAC address, or random (locally administered)", "ADDR|random" },
	{ "mtu", 0, POPT_ARG_STRING, NULL, LO_MTU,
	  "MTU (with --bridge, the bridge's by default)", "N" },
	{ "txqueuelen", 0, POPT_ARG_STRING, NULL, LO_TXQLEN,
	  "transmit queue length", "N" },
	{ "up", 0, POPT_ARG_NONE, NULL, LO_UP, "bring the link up", NULL },
	{ "down", 0, POPT_ARG_NONE, NULL, LO_DOWN, "take the link down",
	  NULL },
	{ "bridge", 0, POPT_ARG_STRING, NULL, LO_BRIDGE,
	  "attach to bridge BR (implies --up; a tap gets a MAC starting fe:)",
	  "BR" },
	{ "nobridge", 0, POPT_ARG_NONE, NULL, LO_NOBRIDGE,
	  "detach from its bridge", NULL },
	{ "mode", 0, POPT_ARG_STRING, NULL, LO_MODE,
	  "macvtap mode: bridge (default), vepa, private, passthru, source",
	  "MODE" },
	{ "pvid", 0, POPT_ARG_STRING, NULL, LO_PVID,
	  "bridge port: untagged frames join VLAN VID, which leaves untagged",
	  "VID" },
	{ "vlan", 0, POPT_ARG_STRING, NULL, LO_VLAN,
	  "bridge port: the VLANs it carries tagged (10,20,100-110)", "LIST" },
	{ "isolated", 0, POPT_ARG_NONE, NULL, LO_ISOLATED,
	  "bridge port isolation: forward only to ports not isolated", NULL },
	{ "no-isolated", 0, POPT_ARG_NONE, NULL, LO_NO_ISOLATED,
	  "end bridge port isolation", NULL },
	{ "source-mac", 0, POPT_ARG_STRING, NULL, LO_SRCMAC,
	  "macvtap --mode source: take frames from MAC (repeat for more)",
	  "MAC" },
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
	{ "novlan", 0, POPT_ARG_NONE, NULL, LO_NOVLAN,
	  "bridge port: back to the bridge's default VLAN alone", NULL },
	POPT_TABLEEND
};

/* --vlan given again adds its list to the first. */
static void take_vlan(struct link_opts *o, poptContext pc)
{
	char *prev = o->vlan, *next = NULL;

	o->vlan = NULL;
	opt_take(pc, &o->vlan);
	if (prev && o->vlan && asprintf(&next, "%s,%s", prev, o->vlan) >= 0) {
		free(o->vlan);
		o->vlan = next;
	}
	free(prev);
}

static void take_srcmac(struct link_opts *o, poptContext pc)
{
	char **v = realloc(o->srcmac, (o->nsrcmac + 1) * sizeof(*v));

	if (!v) {
		o->oom = true;
		return;
	}
	o->srcmac = v;
	v[o->nsrcmac] = NULL;
	opt_take(pc, &v[o->nsrcmac]);
	if (v[o->nsrcmac])
		o->nsrcmac++;
}

int linkopt_handle(struct link_opts *o, poptContext pc, int val)
{
	switch (val) {
	case LO_PVID: opt_take(pc, &o->pvid); break;
	case LO_VLAN: take_vlan(o, pc); break;
	case LO_NOVLAN: o->novlan = true; break;
	case LO_ISOLATED: o->isolated = true; break;
	case LO_NO_ISOLATED: o->no_isolated = true; break;
	case LO_SRCMAC: take_srcmac(o, pc); break;
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
	free(o->pvid);
	free(o->vlan);
	while (o->nsrcmac)
		free(o->srcmac[--o->nsrcmac]);
	free(o->srcmac);
	o->srcmac = NULL;
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

bool linkopt_port_vlans(const struct link_opts *o)
{
	return o->pvid || o->vlan || o->novlan;
}

bool linkopt_port(const struct link_opts *o)
{
	return linkopt_port_vlans(o) || o->isolated || o->no_isolated;
}

/* The first bridge-port option given, for messages. */
static const char *port_option(const struct link_opts *o)
{
	if (o->pvid)
		return "--pvid";
	if (o->vlan)
		return "--vlan";
	if (o->novlan)
		return "--novlan";
	return o->isolated ? "--isolated" : "--no-isolated";
}

static int check_vlans(struct ctx *ctx, struct link_opts *o)
{
	struct vid_set tagged = { { 0 } };
	const char *why, *bad;
	uint16_t pvid = 0;
	int len;

	if (o->pvid && parse_vid(o->pvid, &pvid, &why))
		return err_usage(ctx, "--pvid: \"%s\": %s", o->pvid, why);
	if (o->vlan && parse_vlan_list(o->vlan, &tagged, &why, &bad)) {
		len = (int)strcspn(bad, ",");
		if ((size_t)len == strlen(o->vlan))
			return err_usage(ctx, "--vlan: \"%s\": %s", o->vlan, why);
		return err_usage(ctx, "--vlan: \"%s\": \"%.*s\": %s", o->vlan,
				 len, bad, why);
	}
	if (pvid && vid_set_has(&tagged, pvid))
		return err_usage(ctx, "--pvid %u is also in --vlan: a VLAN leaves the port either untagged (--pvid) or tagged (--vlan)",
				 pvid);
	if (o->pvid || o->vlan) {
		brport_vlans_make(&o->port.vlans, pvid, &tagged);
		o->port.mask |= BRPORT_VLANS;
	}
	return 0;
}

/* The list a source-mode macvtap takes, each address once. */
static int check_srcmacs(struct ctx *ctx, struct link_opts *o)
{
	unsigned int i, j, n = 0;
	const char *why;
	uint8_t mac[6];

	if (o->oom)
		return err_sys(ctx, -ENOMEM, NULL);
	if (!o->nsrcmac)
		return 0;
	if (o->nsrcmac > LINK_SRCMACS_MAX)
		return err_usage(ctx, "--source-mac: at most %d addresses",
				 LINK_SRCMACS_MAX);
	for (i = 0; i < o->nsrcmac; i++) {
		if (parse_mac(o->srcmac[i], mac, &why))
			return err_usage(ctx, "--source-mac: \"%s\": %s",
					 o->srcmac[i], why);
		for (j = 0; j < n && memcmp(o->ch.srcmacs[j], mac, 6); j++)
			;
		if (j == n)
			memcpy(o->ch.srcmacs[n++], mac, 6);
	}
	o->ch.nsrcmacs = n;
	o->ch.mask |= LC_SRCMACS;
	return 0;
}

/* Syntax of the bridge-port and source-MAC options. */
static int check_port_syntax(struct ctx *ctx, struct link_opts *o)
{
	int ret;

	if (o->isolated && o->no_isolated)
		return err_usage(ctx, "--isolated and --no-isolated exclude each other");
	if (o->novlan && (o->pvid || o->vlan))
		return err_usage(ctx, "--novlan excludes --pvid and --vlan");
	if (o->nobridge && linkopt_port(o))
		return err_usage(ctx, "--nobridge excludes --pvid, --vlan, --novlan, --isolated and --no-isolated");
	if ((ret = check_vlans(ctx, o)) || (ret = check_srcmacs(ctx, o)))
		return ret;
	if (o->isolated || o->no_isolated) {
		o->port.mask |= BRPORT_ISOLATED;
		o->port.isolated = o->isolated;
	}
	return 0;
}

/*
 * The bridge that the port options are for: --bridge BR, else the one
 * the device is a port of already. VLANs need one that filters them,
 * and --novlan takes its default VLAN.
 */
static int check_port(struct ctx *ctx, struct link_opts *o,
		      enum link_kind kind, const struct link_info *dev)
{
	const struct link_info *br = NULL;
	struct link_info master;
	uint32_t mode;
	int ret;

	mode = o->mode || !dev ? o->mode_val : dev->macvlan_mode;
	if (o->nsrcmac && (kind != LINK_MACVTAP || mode != MACVLAN_MODE_SOURCE))
		return err_usage(ctx, "--source-mac: only for a macvtap in source mode (--mode source)");
	if (!linkopt_port(o))
		return 0;
	if (o->bridge) {
		br = &o->br;
	} else if (dev && dev->master && kind == LINK_TAP) {
		if ((ret = link_get_index(ctx, dev->master, &master)))
			return err_sys(ctx, ret, "look up its bridge");
		if (master.is_bridge)
			br = &master;
	}
	if (!br)
		return err_usage(ctx, "%s: not a bridge port (give --bridge BR)",
				 port_option(o));
	if (!linkopt_port_vlans(o))
		return 0;
	/* Without the kernel option, a bridge does not report its default. */
	if (!br->vlan_filtering && !br->has_default_pvid)
		return err_fail(ctx, -EOPNOTSUPP,
				"%s: this kernel's bridges cannot filter VLANs (it is built without CONFIG_BRIDGE_VLAN_FILTERING)",
				port_option(o));
	if (!br->vlan_filtering)
		return err_fail(ctx, -EOPNOTSUPP,
				"%s: bridge %s does not filter VLANs (vlan_filtering 0)",
				port_option(o), br->ifname);
	if (o->novlan) {
		brport_vlans_make(&o->port.vlans, br->default_pvid, NULL);
		o->port.mask |= BRPORT_VLANS;
	}
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

/*
 * The MTU range of a device not made yet: the kernel's (tun.c sets
 * max_mtu to 65535 less the link-layer header, ETH_HLEN for a tap).
 * An existing device reports its own in IFLA_MIN_MTU/IFLA_MAX_MTU.
 */
static void mtu_range(enum link_kind kind, const struct link_info *dev,
		      uint32_t *min, uint32_t *max)
{
	/* Syntax only (linkopt_check): the range is the device's. */
	if (kind == LINK_OTHER) {
		*min = 0;
		*max = UINT32_MAX;
		return;
	}
	*min = 68;
	*max = kind == LINK_TAP ? 65535 - 14 : 65535;
	if (dev && dev->max_mtu) {
		*min = dev->min_mtu;
		*max = dev->max_mtu;
	}
}

static int check_values(struct ctx *ctx, struct link_opts *o,
			enum link_kind kind, const struct link_info *dev)
{
	uint32_t min, max;
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
	mtu_range(kind, dev, &min, &max);
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
	return 0;
}

int linkopt_check(struct ctx *ctx, struct link_opts *o)
{
	int ret;

	if ((ret = exclusive(ctx, o)) || (ret = check_ids(ctx, o)) ||
	    (ret = check_values(ctx, o, LINK_OTHER, NULL)) ||
	    (ret = check_port_syntax(ctx, o)))
		return ret;
	return 0;
}

struct ports {
	int bridge;
	unsigned int n;
};

static int count_port(const struct link_info *li, void *data)
{
	struct ports *p = data;

	if (li->master == p->bridge)
		p->n++;
	return 0;
}

/*
 * A bridge has at most BR_MAX_PORTS - 1 = 1023 ports. The kernel finds
 * that out only after it has applied the address, MTU and up flag that
 * come before IFLA_MASTER in the same message; checked here, a full
 * bridge changes nothing at all.
 */
static int check_bridge_room(struct ctx *ctx, const struct link_opts *o,
			     const struct link_info *dev)
{
	struct ports p = { o->br.ifindex, 0 };
	int ret;

	if (dev && dev->master == o->br.ifindex)
		return 0;
	if ((ret = link_dump(ctx, count_port, &p)))
		return err_sys(ctx, ret, "count the bridge's ports");
	if (p.n >= 1023)
		return err_fail(ctx, -EXFULL,
				"attach to bridge %s: the bridge is full (a bridge has at most 1023 ports)",
				o->bridge);
	return 0;
}

/* With --bridge and no --mtu the device takes the bridge's: it must fit. */
static int check_bridge_mtu(struct ctx *ctx, const struct link_opts *o,
			    enum link_kind kind, const struct link_info *dev)
{
	uint32_t min, max;

	mtu_range(kind, dev, &min, &max);
	if (o->mtu || (o->br.mtu >= min && o->br.mtu <= max))
		return 0;
	return err_fail(ctx, -ERANGE,
			"--bridge: the MTU of \"%s\" (%u) is outside this device's range %u..%u: give --mtu",
			o->bridge, o->br.mtu, min, max);
}

/*
 * Installed setuid or with file capabilities and run by someone else, a
 * caller may change only devices of their own, create devices only for
 * themselves, and use only the bridges and lower links acl.conf allows.
 */
static int check_privileged(struct ctx *ctx, struct link_opts *o,
			    const struct link_info *dev)
{
	int ret;

	if (!ctx->privileged)
		return 0;
	/* A VLAN is a boundary the administrator draws; so is isolation. */
	if (linkopt_port_vlans(o) || o->no_isolated)
		return err_fail(ctx, -EPERM,
				"%s: only root may change a bridge port's VLANs or lift its isolation",
				linkopt_port_vlans(o) ? port_option(o) : "--no-isolated");
	if ((dev && (ret = priv_owns(ctx, dev))) ||
	    (ret = priv_allow_ids(ctx, o->set_owner, o->owner, o->set_group,
				  o->group_id)) ||
	    (o->bridge && (ret = priv_allow_bridge(ctx, o->bridge))) ||
	    (o->macvtap && (ret = priv_allow_link(ctx, o->macvtap))))
		return ret;
	if (!dev && !o->set_owner) {
		o->set_owner = true;
		o->owner = ctx->uid;
	}
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
	    (ret = check_values(ctx, o, kind, dev)) ||
	    (ret = check_port_syntax(ctx, o)))
		return ret;
	if (!o->mode)
		o->mode_val = MACVLAN_MODE_BRIDGE;

	/* Syntax is all good: now whether this caller may, and then what
	 * the names refer to (the policy first, so that a refusal does not
	 * tell which links exist). */
	if ((ret = check_privileged(ctx, o, dev)))
		return ret;
	if (o->macvtap && (ret = need_link(ctx, "--macvtap", o->macvtap,
					   &o->lower)))
		return ret;
	if (o->bridge) {
		if ((ret = need_link(ctx, "--bridge", o->bridge, &o->br)))
			return ret;
		if (!o->br.is_bridge)
			return err_fail(ctx, -EINVAL, "--bridge: \"%s\" is not a bridge",
					o->bridge);
		if ((ret = check_bridge_mtu(ctx, o, kind, dev)) ||
		    (ret = check_bridge_room(ctx, o, dev)))
			return ret;
	}
	if ((ret = check_port(ctx, o, kind, dev)))
		return ret;

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

int linkopt_change_failed(struct ctx *ctx, const struct link_opts *o, int ret)
{
	char step[64];

	/* br_add_if() has no extack for this, and "Exchange full" says little. */
	if (ret == -EXFULL && o->bridge)
		return err_fail(ctx, ret,
				"attach to bridge %s: the bridge is full (a bridge has at most 1023 ports)",
				o->bridge);
	if (o->bridge)
		snprintf(step, sizeof(step), "configure and attach to bridge %s",
			 o->bridge);
	else
		snprintf(step, sizeof(step), "configure");
	return err_sys(ctx, ret, step);
}
