/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_RESOLVE_H
#define TAPCTL_RESOLVE_H

#include <stdbool.h>

struct ctx;
struct link_info;

/* What resolve_device() demands of the device besides being managed. */
enum {
	RESOLVE_TAP = 1u << 0,	/* a tap only (ifup, ifdown) */
	RESOLVE_OWN = 1u << 1,	/* privileged: the caller's (priv_owns) */
};

/*
 * The one way from a NAME the user typed to a device tapctl manages:
 * the name is checked (usage error), looked up ("no such device"), its
 * kind checked ("not a tun, tap or macvtap device (kind X)", or "not a
 * tap device" with RESOLVE_TAP) and, with RESOLVE_OWN when privileged,
 * its ownership. Sets the name in messages. Records the error in ctx.
 */
int resolve_device(struct ctx *ctx, const char *name, unsigned int flags,
		   struct link_info *li);
/*
 * The same checks on a link already found (@li; NULL if there is no
 * link of that name), for list, which has them all from one dump.
 */
int resolve_found(struct ctx *ctx, const char *name, unsigned int flags,
		  const struct link_info *li);

#endif
