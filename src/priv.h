/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_PRIV_H
#define TAPCTL_PRIV_H

#include <stdbool.h>
#include <sys/types.h>

struct ctx;

/* The PATH of a privileged run: the environment is not the caller's. */
#define PRIV_PATH "/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * Notes the caller's real ids and whether tapctl runs with privilege it
 * was given (setuid root or file capabilities) rather than the caller's
 * own. In that mode the environment is not trusted: it is replaced by a
 * fixed minimal one before anything reads it.
 */
void priv_init(struct ctx *ctx);

struct link_info;

/*
 * The rules of the privileged mode (no-ops otherwise). Each records the
 * refusal in ctx->err and returns -EPERM.
 */
/* The bridge is allowed by /etc/tapctl/acl.conf. */
int priv_allow_bridge(struct ctx *ctx, const char *bridge);
/* The macvtap lower link is allowed by allow-link/deny-link. */
int priv_allow_link(struct ctx *ctx, const char *lower);
enum priv_use {
	PRIV_CHANGE,	/* set, del, ifup, ifdown: the caller must own it */
	PRIV_OPEN,	/* exec: as the kernel lets the caller open it */
};
/*
 * The one ownership rule. To change: a tun/tap's owner, a macvtap
 * node's owner is the caller. To open: the owner or the group lets
 * the caller, as the kernel decides for a tun/tap (tun_not_capable)
 * and the node's mode for a macvtap.
 */
int priv_owns(struct ctx *ctx, const struct link_info *li, enum priv_use use);
/* @gid is the caller's real or one of their supplementary groups. */
bool priv_in_groups(gid_t gid);
/* A new device may be given to @uid and @gid only if they are the caller's. */
int priv_allow_ids(struct ctx *ctx, bool set_uid, uid_t uid, bool set_gid,
		   gid_t gid);

#endif
