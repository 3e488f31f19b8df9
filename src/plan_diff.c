// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

/*
 * A plan compared with the device it is for: which of its settings the
 * device lacks. apply keeps only those; a new setting teaches this file
 * how to compare it, and nothing else in apply changes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "brport.h"
#include "compat.h"
#include "link.h"
#include "macvtap.h"
#include "parse.h"
#include "plan.h"

/* A macvtap's owner and group are its node's (none yet: root's). */
static void ids_of(struct ctx *ctx, const struct link_info *dev, bool *has_uid,
		   uid_t *uid, bool *has_gid, gid_t *gid)
{
	char path[256];
	struct stat st;

	if (dev->kind != LINK_MACVTAP) {
		*has_uid = dev->has_owner;
		*uid = dev->owner;
		*has_gid = dev->has_group;
		*gid = dev->group;
		return;
	}
	*has_uid = *has_gid = false;
	if (mvt_find(ctx, dev, path, sizeof(path), &st))
		return;
	*has_uid = *has_gid = true;
	*uid = st.st_uid;
	*gid = st.st_gid;
}

/* A source-mode macvtap's list (kept sorted by link.c) and @p's. */
static bool srcmacs_differ(const struct plan *p, const struct link_info *dev)
{
	uint32_t i, j;

	if (dev->nsrcmacs != p->nsrcmacs)
		return true;
	for (i = 0; i < p->nsrcmacs; i++) {
		for (j = 0; j < dev->nsrcmacs && j < LINK_SRCMACS_MAX &&
			    memcmp(dev->srcmacs[j], p->srcmacs[i], 6); j++)
			;
		if (j == dev->nsrcmacs || j == LINK_SRCMACS_MAX)
			return true;
	}
	return false;
}

/*
 * The bridge-port settings of @p that port @bp (NULL: none) lacks. A
 * device that joins a bridge starts afresh there: it needs them all.
 */
static unsigned int port_differs(const struct plan *p, const struct brport *bp,
				 bool joins)
{
	const struct brport_vlans *want = &p->vlans, *cur;
	unsigned int m = p->mask, d = 0, vid;

	if (joins || !bp)
		return m & PLAN_PORT_MASK;
	cur = &bp->vlans;
	if ((m & PLAN_PORT_VLANS) && !brport_vlans_equal(want, cur)) {
		if (want->pvid != cur->pvid ||
		    (want->pvid && !vid_set_has(&cur->untagged, want->pvid)))
			d |= PLAN_PVID;
		for (vid = PARSE_VID_MIN; vid <= PARSE_VID_MAX; vid++)
			if (vid != want->pvid && vid != cur->pvid &&
			    vid_set_has(&want->member, vid) !=
				    vid_set_has(&cur->member, vid))
				d |= PLAN_VLANS;
		/* Another difference (a VID untagged but no PVID): the set. */
		if (!(d & (PLAN_PVID | PLAN_VLANS)))
			d |= PLAN_VLANS;
	}
	if ((m & PLAN_ISOLATED) && bp->isolated != p->isolated)
		d |= PLAN_ISOLATED;
	return d;
}

unsigned int plan_differs(struct ctx *ctx, const struct plan *p,
			  const struct link_info *dev, const struct brport *bp)
{
	unsigned int m = p->mask, d = 0;
	bool has_uid, has_gid;
	uid_t uid;
	gid_t gid;

	ids_of(ctx, dev, &has_uid, &uid, &has_gid, &gid);
	if ((m & PLAN_OWNER) && !(has_uid && uid == p->owner))
		d |= PLAN_OWNER;
	if ((m & PLAN_GROUP) && !(has_gid && gid == p->group))
		d |= PLAN_GROUP;
	/* --mac random is drawn when the device is made, then kept. */
	if ((m & PLAN_MAC) && p->mac_src != PLAN_MAC_RANDOM &&
	    (!dev->has_mac || memcmp(dev->mac, p->mac, 6)))
		d |= PLAN_MAC;
	/* The bridge's MTU is taken on joining it, not kept in step. */
	if ((m & PLAN_MTU) && dev->mtu != p->mtu &&
	    !(p->mtu_from_bridge && dev->master == p->master))
		d |= PLAN_MTU;
	if ((m & PLAN_TXQLEN) && dev->txqlen != p->txqlen)
		d |= PLAN_TXQLEN;
	if ((m & PLAN_UP) && !!(dev->flags & IFF_UP) != p->up)
		d |= PLAN_UP;
	if ((m & PLAN_MASTER) && dev->master != p->master)
		d |= PLAN_MASTER;
	if ((m & PLAN_MODE) && dev->macvlan_mode != p->mode)
		d |= PLAN_MODE;
	/* A new mode drops the old list: then it is set again. */
	if ((m & PLAN_MVT_SOURCE) && ((d & PLAN_MODE) || srcmacs_differ(p, dev)))
		d |= PLAN_MVT_SOURCE;
	d |= port_differs(p, bp, (d & PLAN_MASTER) && p->master);
	return d;
}

const struct plan_setting plan_settings[] = {
	{ PLAN_OWNER, "owner" },
	{ PLAN_GROUP, "group" },
	{ PLAN_MAC, "mac" },
	{ PLAN_MTU, "mtu" },
	{ PLAN_TXQLEN, "txqueuelen" },
	{ PLAN_MODE, "mode" },
	{ PLAN_MASTER, "master" },
	{ PLAN_PVID, "pvid" },
	{ PLAN_VLANS, "vlans" },
	{ PLAN_ISOLATED, "isolated" },
	{ PLAN_MVT_SOURCE, "source_macs" },
	{ PLAN_UP, "up" },
};

const size_t plan_nsettings = ARRAY_SIZE(plan_settings);
