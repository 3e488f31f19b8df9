/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_BRIDGE_H
#define TAPCTL_BRIDGE_H

#include <net/if.h>

struct ctx;
struct link_info;

/*
 * The bridge @name into @br. -ENODEV if there is no such link (an empty
 * name included), -EOPNOTSUPP if it is not a bridge: the errno the
 * kernel gives SIOCBRADDIF for a link that is not one.
 */
int br_get(struct ctx *ctx, const char *name, struct link_info *br);

/*
 * The bridge behind the default route, as Debian's /etc/qemu-ifup looks
 * for it: the main table's default unicast route (IPv4, else IPv6; the
 * lowest metric; the first hop of a multipath route) goes out through
 * a link, and that link is the bridge, or a port of it (then its
 * master is). Returns 0 with @br filled; -ENOENT if there is no default
 * route; -EOPNOTSUPP if the route's link, named in @via, is neither.
 */
int br_default(struct ctx *ctx, struct link_info *br, char via[IFNAMSIZ]);

#endif
