/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_BRPORT_H
#define TAPCTL_BRPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "parse.h"

struct ctx;

/* A bridge port's VLANs, as a bridge with vlan_filtering 1 uses them. */
struct brport_vlans {
	uint16_t pvid;			/* untagged frames in; 0: dropped */
	struct vid_set member;		/* the VLANs the port is in */
	struct vid_set untagged;	/* of those, the ones sent untagged */
};

/* Fields of struct brport that are set. */
enum {
	BRPORT_ISOLATED = 1 << 0,
	BRPORT_VLANS = 1 << 1,		/* the port's VLAN set, exactly */
};

/* What tapctl sets on a bridge port (AF_BRIDGE RTM_SETLINK). */
struct brport {
	unsigned int mask;
	bool isolated;
	struct brport_vlans vlans;
};

/*
 * The VLAN set that --pvid and --vlan ask for: @pvid (0: none) is the
 * port's PVID and leaves it untagged; @tagged (NULL: none) are carried
 * tagged.
 */
void brport_vlans_make(struct brport_vlans *v, uint16_t pvid,
		       const struct vid_set *tagged);
/* A VID of the port that leaves it tagged. */
bool brport_vlan_tagged(const struct brport_vlans *v, unsigned int vid);
bool brport_vlans_equal(const struct brport_vlans *a,
			const struct brport_vlans *b);

/*
 * The settings of port @ifindex, both fields set in bp->mask (a port of
 * a kernel without VLAN filtering has an empty set); -ENOENT if it is
 * not a bridge port.
 */
int brport_get(struct ctx *ctx, int ifindex, struct brport *bp);
/*
 * Calls @fn for every bridge port, in one AF_BRIDGE dump; stops at its
 * first non-zero.
 */
int brport_dump(struct ctx *ctx,
		int (*fn)(int ifindex, const struct brport *bp, void *data),
		void *data);
/*
 * Changes what @want->mask names on port @ifindex. The VLAN set becomes
 * exactly @want's: VLANs the port leaves are removed first, so that it
 * never carries a VLAN it is not meant to, even for a moment. On failure
 * part of it may be done: setting the old state again (from brport_get)
 * undoes it, whatever that part was.
 */
int brport_set(struct ctx *ctx, int ifindex, const struct brport *want);

#endif
