// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

/*
 * Validation: options as typed (linkopt.h) -> a const plan. Nothing here
 * changes the system; every check that can be made before acting is.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_link.h>

#include "ctx.h"
#include "link.h"
#include "linkopt.h"
#include "macvtap.h"
#include "opt.h"
#include "parse.h"
#include "plan.h"
#include "priv.h"

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
	/* exec opens a macvtap's queues itself, each with its own vnet_hdr. */
	bool vnet_hdr = o->vnet_hdr && !o->transient;

	if (o->mode && kind != LINK_MACVTAP)
		return err_usage(ctx, "--mode: only for macvtap links");
	if (kind == LINK_MACVTAP && (vnet_hdr || o->multi_queue || o->pi))
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

static int check_ids(struct ctx *ctx, const struct link_opts *o,
		     struct plan *p)
{
	if (o->user) {
		if (!strcmp(o->user, "-"))
			return err_usage(ctx, "--user: the kernel cannot clear an owner once it is set");
		if (parse_user(o->user, &p->owner))
			return err_usage(ctx, "--user: no such user \"%s\"", o->user);
		p->mask |= PLAN_OWNER;
	}
	if (o->group) {
		if (!strcmp(o->group, "-"))
			return err_usage(ctx, "--group: the kernel cannot clear a group once it is set");
		if (parse_group(o->group, &p->group))
			return err_usage(ctx, "--group: no such group \"%s\"", o->group);
		p->mask |= PLAN_GROUP;
	}
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
	/* Syntax only (plan_check_syntax): the range is the device's. */
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

static int check_values(struct ctx *ctx, const struct link_opts *o,
			const struct link_info *dev, struct plan *p)
{
	uint32_t min, max;
	const char *why;
	int ret;

	if (o->mode) {
		if (parse_macvtap_mode(o->mode, &p->mode))
			return err_usage(ctx, "--mode: \"%s\" is not one of " PARSE_MODES,
					 o->mode);
		p->mask |= PLAN_MODE;
	}
	if (o->mac && !strcmp(o->mac, "random")) {
		p->mask |= PLAN_MAC;
		p->mac_src = PLAN_MAC_RANDOM;
	} else if (o->mac) {
		if (parse_mac(o->mac, p->mac, &why))
			return err_usage(ctx, "--mac: \"%s\": %s", o->mac, why);
		p->mask |= PLAN_MAC;
		p->mac_src = PLAN_MAC_GIVEN;
	}
	mtu_range(p->kind, dev, &min, &max);
	if (o->mtu) {
		if ((ret = opt_u32(ctx, "--mtu", o->mtu, min, max, &p->mtu)))
			return ret;
		p->mask |= PLAN_MTU;
	}
	if (o->txqlen) {
		if ((ret = opt_u32(ctx, "--txqueuelen", o->txqlen, 0,
				   UINT32_MAX, &p->txqlen)))
			return ret;
		p->mask |= PLAN_TXQLEN;
	}
	if (o->macvtap && parse_ifname(o->macvtap, false, &why))
		return err_usage(ctx, "--macvtap: \"%s\": %s", o->macvtap, why);
	if (o->bridge && parse_ifname(o->bridge, false, &why))
		return err_usage(ctx, "--bridge: \"%s\": %s", o->bridge, why);
	return 0;
}

/* Bridge-port options given: VLANs (--pvid, --vlan, --novlan) or any. */
static bool port_vlans(const struct link_opts *o)
{
	return o->pvid || o->vlan || o->novlan;
}

static bool port_any(const struct link_opts *o)
{
	return port_vlans(o) || o->isolated || o->no_isolated;
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

static int check_vlans(struct ctx *ctx, const struct link_opts *o,
		       struct plan *p)
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
	if (o->pvid)
		p->mask |= PLAN_PVID;
	if (o->vlan)
		p->mask |= PLAN_VLANS;
	/* Either makes the whole set: the bridge's default VLAN goes too. */
	if (o->pvid || o->vlan)
		brport_vlans_make(&p->vlans, pvid, &tagged);
	if (o->novlan)
		p->mask |= PLAN_NOVLAN;	/* the set: once the bridge is known */
	return 0;
}

/* The list a source-mode macvtap takes, each address once. */
static int check_srcmacs(struct ctx *ctx, const struct link_opts *o,
			 struct plan *p)
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
		for (j = 0; j < n && memcmp(p->srcmacs[j], mac, 6); j++)
			;
		if (j == n)
			memcpy(p->srcmacs[n++], mac, 6);
	}
	p->nsrcmacs = n;
	p->mask |= PLAN_MVT_SOURCE;
	return 0;
}

/* Syntax of the bridge-port and source-MAC options. */
static int check_port_syntax(struct ctx *ctx, const struct link_opts *o,
			     struct plan *p)
{
	int ret;

	if (o->isolated && o->no_isolated)
		return err_usage(ctx, "--isolated and --no-isolated exclude each other");
	if (o->novlan && (o->pvid || o->vlan))
		return err_usage(ctx, "--novlan excludes --pvid and --vlan");
	if (o->nobridge && port_any(o))
		return err_usage(ctx, "--nobridge excludes --pvid, --vlan, --novlan, --isolated and --no-isolated");
	if ((ret = check_vlans(ctx, o, p)) || (ret = check_srcmacs(ctx, o, p)))
		return ret;
	if (o->isolated || o->no_isolated) {
		p->mask |= PLAN_ISOLATED;
		p->isolated = o->isolated;
	}
	return 0;
}

int plan_check_syntax(struct ctx *ctx, const struct link_opts *o)
{
	struct plan p = { .kind = LINK_OTHER };
	int ret;

	if ((ret = exclusive(ctx, o)) || (ret = check_ids(ctx, o, &p)) ||
	    (ret = check_values(ctx, o, NULL, &p)) ||
	    (ret = check_port_syntax(ctx, o, &p)))
		return ret;
	return 0;
}

/* Looks up a link named on the command line that must exist. */
static int need_link(struct ctx *ctx, const char *opt, const char *name,
		     struct link_info *li)
{
	int ret = link_get(ctx, name, li);

	if (ret == -ENODEV)
		return err_fail(ctx, ret, "%s: no such link \"%s\"", opt, name);
	if (ret)
		return err_sys(ctx, ret, opt);
	return 0;
}

/*
 * Installed setuid or with file capabilities and run by someone else, a
 * caller may change only devices of their own, create devices only for
 * themselves, and use only the bridges and lower links acl.conf allows.
 */
static int check_privileged(struct ctx *ctx, const struct link_opts *o,
			    const struct link_info *dev, struct plan *p)
{
	int ret;

	if (!ctx->privileged)
		return 0;
	/* A VLAN is a boundary the administrator draws; so is isolation. */
	if (port_vlans(o) || o->no_isolated)
		return err_fail(ctx, -EPERM,
				"%s: only root may change a bridge port's VLANs or lift its isolation",
				port_vlans(o) ? port_option(o) : "--no-isolated");
	if ((dev && (ret = priv_owns(ctx, dev, PRIV_CHANGE))) ||
	    (ret = priv_allow_ids(ctx, p->mask & PLAN_OWNER, p->owner,
				  p->mask & PLAN_GROUP, p->group)) ||
	    (o->bridge && (ret = priv_allow_bridge(ctx, o->bridge))) ||
	    (o->macvtap && (ret = priv_allow_link(ctx, o->macvtap))))
		return ret;
	if (!dev && !(p->mask & PLAN_OWNER)) {
		p->mask |= PLAN_OWNER;
		p->owner = ctx->uid;
	}
	return 0;
}

/*
 * A batch of macvtaps names one lower line after line. What the checks
 * read of it (kind, type, loopback) never changes, so while its name
 * still has the ifindex it had (SIOCGIFINDEX, not a full RTM_GETLINK),
 * the lower an earlier line checked serves; not when --mtu needs its
 * MTU now, nor while apply answers from its own dump.
 */
static struct link_info last_lower;

static bool same_lower(struct ctx *ctx, const char *name, const struct plan *p)
{
	return !ctx->cache && !(p->mask & PLAN_MTU) && last_lower.ifindex &&
	       !strcmp(last_lower.ifname, name) &&
	       link_index(ctx, name) == last_lower.ifindex;
}

static int lower_link(struct ctx *ctx, const struct link_opts *o,
		      struct plan *p)
{
	struct link_info lower;
	int ret;

	if (same_lower(ctx, o->macvtap, p)) {
		lower = last_lower;
	} else {
		last_lower.ifindex = 0;
		if ((ret = need_link(ctx, "--macvtap", o->macvtap, &lower)))
			return ret;
	}
	if ((ret = mvt_check_lower(ctx, &lower,
				   p->mask & PLAN_MTU ? p->mtu : 0)))
		return ret;
	last_lower = lower;
	p->lower = lower.ifindex;
	memcpy(p->lower_name, lower.ifname, IFNAMSIZ);
	return 0;
}

void plan_for_device(struct plan *p, const struct link_info *dev)
{
	memset(p, 0, sizeof(*p));
	p->kind = dev->kind;
	p->ifindex = dev->ifindex;
	memcpy(p->name, dev->ifname, IFNAMSIZ);
	/* What it was made as, for a caller that compares (not changed). */
	p->vnet_hdr = dev->vnet_hdr;
	p->multi_queue = dev->multi_queue;
	p->pi = dev->pi;
	p->lower = dev->link;
}

int plan_join_bridge(struct ctx *ctx, struct plan *p,
		     const struct link_info *dev, const struct link_info *br)
{
	uint32_t min, max;
	int ret;

	p->mask |= PLAN_MASTER;
	p->master = br->ifindex;
	if (!(p->mask & PLAN_UP)) {
		p->mask |= PLAN_UP;
		p->up = true;
	}
	/* The bridge's MTU, set before joining so that the bridge keeps it. */
	if (!(p->mask & PLAN_MTU)) {
		mtu_range(p->kind, dev, &min, &max);
		if (br->mtu < min || br->mtu > max)
			return err_fail(ctx, -ERANGE,
					"--bridge: the MTU of \"%s\" (%u) is outside this device's range %u..%u: give --mtu",
					br->ifname, br->mtu, min, max);
		p->mask |= PLAN_MTU;
		p->mtu = br->mtu;
		p->mtu_from_bridge = true;
	}
	/*
	 * A bridge takes the lowest address of its ports as its own unless
	 * one was set on it. A first byte 0xfe, as QEMU and libvirt give,
	 * keeps a tap from ever being that one. A port of this bridge
	 * already keeps its address: the bridge may be using it.
	 */
	if (p->kind != LINK_TAP || (p->mask & PLAN_MAC) ||
	    (dev && dev->master == br->ifindex))
		return 0;
	if (dev) {
		if (!dev->has_mac || dev->mac[0] == 0xfe)
			return 0;
		memcpy(p->mac, dev->mac, 6);
	} else if ((ret = parse_random_mac(p->mac))) {
		return err_sys(ctx, ret, "random MAC");
	}
	p->mac[0] = 0xfe;
	p->mask |= PLAN_MAC;
	p->mac_src = PLAN_MAC_BRIDGE;
	return 0;
}

static int bridge(struct ctx *ctx, const struct link_opts *o,
		  const struct link_info *dev, struct plan *p,
		  struct link_info *br)
{
	int ret;

	if ((ret = need_link(ctx, "--bridge", o->bridge, br)))
		return ret;
	if (!br->is_bridge)
		return err_fail(ctx, -EINVAL, "--bridge: \"%s\" is not a bridge",
				o->bridge);
	memcpy(p->master_name, br->ifname, IFNAMSIZ);
	return plan_join_bridge(ctx, p, dev, br);
}

/*
 * --source-mac needs a macvtap in source mode, as it will be. A list
 * that the kernel holds beyond what tapctl keeps could not be put back
 * should the change fail.
 */
static int check_source(struct ctx *ctx, const struct link_opts *o,
			const struct link_info *dev, const struct plan *p)
{
	uint32_t mode = p->mask & PLAN_MODE ? p->mode :
			dev ? dev->macvlan_mode : MACVLAN_MODE_BRIDGE;

	if (o->nsrcmac && (p->kind != LINK_MACVTAP || mode != MACVLAN_MODE_SOURCE))
		return err_usage(ctx, "--source-mac: only for a macvtap in source mode (--mode source)");
	if (dev && dev->nsrcmacs > LINK_SRCMACS_MAX &&
	    (p->mask & (PLAN_MODE | PLAN_MVT_SOURCE)))
		return err_fail(ctx, -E2BIG,
				"%s: the link has %u source MACs, more than tapctl can put back should this fail (%d)",
				o->nsrcmac ? "--source-mac" : "--mode",
				dev->nsrcmacs, LINK_SRCMACS_MAX);
	return 0;
}

/*
 * The bridge that the port options are for: --bridge BR (@br), else the
 * one the device is a port of already. VLANs need one that filters
 * them, and --novlan takes its default VLAN.
 */
static int port_bridge(struct ctx *ctx, const struct link_opts *o,
		       const struct link_info *dev, struct plan *p,
		       const struct link_info *br)
{
	struct link_info master = { 0 };
	int ret;

	if (!port_any(o))
		return 0;
	if (!br && dev && dev->master && p->kind == LINK_TAP) {
		if ((ret = link_get_index(ctx, dev->master, &master)))
			return err_sys(ctx, ret, "look up its bridge");
		if (master.is_bridge)
			br = &master;
	}
	if (!br)
		return err_usage(ctx, "%s: not a bridge port (give --bridge BR)",
				 port_option(o));
	if (!port_vlans(o))
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
	if (o->novlan)
		brport_vlans_make(&p->vlans, br->default_pvid, NULL);
	return 0;
}

int plan_port(struct ctx *ctx, const struct link_opts *o,
	      const struct link_info *dev, const struct link_info *br,
	      struct plan *p)
{
	int ret;

	if ((ret = check_port_syntax(ctx, o, p)))
		return ret;
	if (ctx->privileged && (port_vlans(o) || o->no_isolated))
		return err_fail(ctx, -EPERM,
				"%s: only root may change a bridge port's VLANs or lift its isolation",
				port_vlans(o) ? port_option(o) : "--no-isolated");
	return port_bridge(ctx, o, dev, p, br);
}

/* What to create: kind, name, IFF_* flags. */
static void device(const struct link_opts *o, const struct link_info *dev,
		   struct plan *p)
{
	memset(p, 0, sizeof(*p));
	if (dev) {
		plan_for_device(p, dev);
		return;
	}
	p->create = true;
	p->kind = o->macvtap ? LINK_MACVTAP : o->tun ? LINK_TUN : LINK_TAP;
	snprintf(p->name, sizeof(p->name), "%s", o->name ? o->name : "");
	p->transient = o->transient;
	if (p->kind == LINK_MACVTAP)
		return;
	p->vnet_hdr = o->vnet_hdr;
	p->pi = o->pi;
	/* exec opens the queues: more than one needs a multi-queue device. */
	p->multi_queue = o->multi_queue || (o->transient && o->queues > 1);
}

int plan_from_opts(struct ctx *ctx, const struct link_opts *o,
		   const struct link_info *dev, struct plan *p)
{
	struct link_info br;
	int ret;

	device(o, dev, p);
	if ((ret = exclusive(ctx, o)) || (ret = check_kind(ctx, o, p->kind)) ||
	    (ret = check_ids(ctx, o, p)) ||
	    (ret = check_values(ctx, o, dev, p)) ||
	    (ret = check_port_syntax(ctx, o, p)))
		return ret;
	if (p->create && p->kind == LINK_MACVTAP && !(p->mask & PLAN_MODE)) {
		p->mask |= PLAN_MODE;
		p->mode = MACVLAN_MODE_BRIDGE;
	}
	if (o->up || o->down) {
		p->mask |= PLAN_UP;
		p->up = o->up;
	}
	if (o->nobridge) {
		p->mask |= PLAN_MASTER;
		p->master = 0;
	}
	if (dev && (o->persist || o->no_persist)) {
		p->mask |= PLAN_PERSIST;
		p->persist = o->persist;
	}

	/* Syntax is all good: now whether this caller may, and then what
	 * the names refer to (the policy first, so that a refusal does not
	 * tell which links exist). */
	if ((ret = check_privileged(ctx, o, dev, p)))
		return ret;
	if (o->macvtap && (ret = lower_link(ctx, o, p)))
		return ret;
	if (dev && dev->kind == LINK_MACVTAP &&
	    (ret = mvt_check_change(ctx, dev, p->mask & PLAN_MODE, p->mode,
				    p->mask & PLAN_MTU ? p->mtu : 0)))
		return ret;
	if ((ret = check_source(ctx, o, dev, p)))
		return ret;
	if (o->bridge && (ret = bridge(ctx, o, dev, p, &br)))
		return ret;
	if ((ret = port_bridge(ctx, o, dev, p, o->bridge ? &br : NULL)))
		return ret;
	if (p->mac_src == PLAN_MAC_RANDOM && (p->mask & PLAN_MAC) &&
	    (ret = parse_random_mac(p->mac)))
		return err_sys(ctx, ret, "random MAC");
	return 0;
}
