/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_LINKOPT_H
#define TAPCTL_LINKOPT_H

#include <popt.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "brport.h"
#include "link.h"

struct ctx;

/* The options of add and set, as typed and then as validated. */
struct link_opts {
	/* as typed (owned strings) */
	char *user, *group, *mac, *mtu, *txqlen, *bridge, *macvtap, *mode;
	bool tun, tap, up, down, nobridge, vnet_hdr, multi_queue, pi;
	bool persist, no_persist;
	char *pvid, *vlan;		/* --vlan again: the lists joined */
	bool novlan, isolated, no_isolated;
	char **srcmac;			/* --source-mac, each as typed */
	unsigned int nsrcmac;
	bool oom;			/* an option could not be kept */

	/* validated */
	bool set_owner, set_group;
	uid_t owner;
	gid_t group_id;
	bool mac_random;
	uint32_t mode_val;
	struct link_info lower;		/* --macvtap LOWER */
	struct link_info br;		/* --bridge BR */
	struct link_change ch;		/* what one RTM_NEWLINK will do */
	struct brport port;		/* then on the bridge port */
};

/* Bridge-port options given: VLANs (--pvid, --vlan, --novlan) or all. */
bool linkopt_port_vlans(const struct link_opts *o);
bool linkopt_port(const struct link_opts *o);

/* Options both add and set take, and those only one of them takes. */
extern const struct poptOption linkopt_common[];
extern const struct poptOption linkopt_add[];
extern const struct poptOption linkopt_set[];

/*
 * Handles popt's value @val for these tables; returns 1 if it was one
 * of theirs, 0 if not.
 */
int linkopt_handle(struct link_opts *o, poptContext pc, int val);
/*
 * Checks the options' syntax alone (no kernel state), so that invalid
 * input is reported as such even when the device does not exist.
 */
int linkopt_check(struct ctx *ctx, struct link_opts *o);
/*
 * Checks everything that can be checked before a change: syntax, users,
 * the bridge and the lower link. @dev is the device for set (NULL for
 * add). Fills o->ch except for what depends on the device once made.
 */
int linkopt_validate(struct ctx *ctx, struct link_opts *o,
		     const struct link_info *dev);
/*
 * Records the failure @ret of the RTM_NEWLINK that applies o->ch, naming
 * the step (and a full bridge in words); returns @ret.
 */
int linkopt_change_failed(struct ctx *ctx, const struct link_opts *o, int ret);
void linkopt_free(struct link_opts *o);

#endif
