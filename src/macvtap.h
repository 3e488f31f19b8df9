/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_MACVTAP_H
#define TAPCTL_MACVTAP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct ctx;
struct link_info;

/*
 * The macvtap's character device: major:minor from the sysfs of the
 * link's own namespace, the node /dev/tap<ifindex> if it has exactly
 * that major:minor (waiting a bounded time for devtmpfs/udev), else a
 * private node that tapctl makes. @path receives the node's path.
 */
int mvt_node(struct ctx *ctx, const struct link_info *li, char *path,
	     size_t len);
/* Gives the node to @uid/@gid (mode 0660 with a group), see add -u/-g. */
int mvt_chown(struct ctx *ctx, const struct link_info *li, bool set_uid,
	      uid_t uid, bool set_gid, gid_t gid);
/*
 * Opens one queue (O_RDWR|O_CLOEXEC) and checks with TUNGETIFF that the
 * descriptor is @li. Returns the descriptor or a negative errno.
 */
int mvt_open(struct ctx *ctx, const struct link_info *li);

#endif
