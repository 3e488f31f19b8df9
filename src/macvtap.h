/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_MACVTAP_H
#define TAPCTL_MACVTAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

struct ctx;
struct link_info;

/*
 * Private nodes live in MVT_RUN_DIR/netns-<netns cookie>/tap<ifindex>,
 * or under MVT_DEV_DIR when the filesystem of MVT_RUN_DIR is mounted
 * nodev (a stock Debian /run), where a node cannot be opened.
 */
#define MVT_RUN_DIR "/run/tapctl"
#define MVT_DEV_DIR "/dev/tapctl"
/* How long to wait for devtmpfs/udev to make a missing /dev/tapN. */
#define MVT_WAIT_MS 1000

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

/*
 * Read-only helpers for list: they record no error (a row just shows no
 * device) except when /sys cannot be made to show this namespace.
 * mvt_dev gives the major:minor from sysfs; mvt_find the node that
 * mvt_node would use now, without waiting or creating (-ENOENT if none),
 * and, if @st is not NULL, its owner and mode.
 */
int mvt_dev(struct ctx *ctx, const struct link_info *li, dev_t *dev);
int mvt_find(struct ctx *ctx, const struct link_info *li, char *path,
	     size_t len, struct stat *st);

/*
 * Before add: can @lower carry a new macvtap (its type; its MTU, if
 * @mtu is not 0)? Whether other macvtaps on it leave room is the
 * kernel's to say: see mvt_explain_refusal.
 */
int mvt_check_lower(struct ctx *ctx, const struct link_info *lower,
		    uint32_t mtu);
/*
 * After the kernel refused a macvtap in @mode on @lower with EINVAL:
 * records why in words (passthru takes a lower whole) and returns true,
 * or returns false if that is not the reason.
 */
bool mvt_explain_refusal(struct ctx *ctx, int lower, const char *lower_name,
			 uint32_t mode);
/* Before set: is the change (@mode if @set_mode, @mtu if not 0) possible? */
int mvt_check_change(struct ctx *ctx, const struct link_info *li,
		     bool set_mode, uint32_t mode, uint32_t mtu);
/*
 * After @li's link is gone (del, or an add undone): removes the private
 * node tapctl made for it, if there is one. Best effort, and it never
 * fails: the link is gone already, so a failure here must not make its
 * command look as if nothing had changed. A node left behind is stale,
 * as after a link deleted without tapctl, and the next tapctl that
 * looks for a macvtap node sweeps it.
 */
int mvt_forget(struct ctx *ctx, const struct link_info *li);

#endif
