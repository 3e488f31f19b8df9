// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "acl.h"
#include "ctx.h"
#include "link.h"
#include "macvtap.h"
#include "priv.h"

void priv_init(struct ctx *ctx)
{
	ctx->uid = getuid();
	ctx->gid = getgid();
	/*
	 * AT_SECURE covers setuid, setgid and file capabilities alike. Root
	 * running it gains nothing and is bound by nothing.
	 */
	ctx->privileged = getauxval(AT_SECURE) != 0 && ctx->uid != 0;
	if (!ctx->privileged)
		return;
	/* POSIXLY_CORRECT, TAPCTL_*, LD_*, locale: none of it is ours. */
	clearenv();
	setenv("PATH", PRIV_PATH, 1);
}

/*
 * acl.conf binds everyone, like bridge.conf, and denies what it does not
 * allow: a missing file denies everything.
 */
static int acl_check(struct ctx *ctx, enum acl_scope scope, const char *what,
		     const char *name)
{
	struct acl acl;
	int ret;

	if (!ctx->privileged)
		return 0;
	acl_init(&acl, ACL_F_LINKS, stderr);
	ret = acl_load(&acl, ACL_TAPCTL_CONF);
	if (ret == -ENOENT)
		ret = err_fail(ctx, -EPERM, "%s \"%s\": denied: %s does not exist",
			       what, name, ACL_TAPCTL_CONF);
	else if (ret == -EINVAL)
		ret = err_fail(ctx, -EPERM, "%s: invalid (see above)",
			       ACL_TAPCTL_CONF);
	else if (ret)
		ret = err_fail(ctx, ret, "%s: %s", ACL_TAPCTL_CONF, strerror(-ret));
	else if (!acl_allows(&acl, scope, name))
		ret = err_fail(ctx, -EPERM, "%s \"%s\": denied by %s", what, name,
			       ACL_TAPCTL_CONF);
	acl_free(&acl);
	return ret;
}

int priv_allow_bridge(struct ctx *ctx, const char *bridge)
{
	return acl_check(ctx, ACL_BRIDGE, "bridge", bridge);
}

int priv_allow_link(struct ctx *ctx, const char *lower)
{
	return acl_check(ctx, ACL_LINK, "link", lower);
}

/* A macvtap has no owner of its own: its node stands in. */
static int node_of(struct ctx *ctx, const struct link_info *li,
		   struct stat *st)
{
	char path[PATH_MAX];

	return mvt_find(ctx, li, path, sizeof(path), st);
}

/* To change or delete: the caller owns it. */
static int owns(struct ctx *ctx, const struct link_info *li)
{
	struct stat st;
	int ret;

	if (li->kind == LINK_MACVTAP) {
		ret = node_of(ctx, li, &st);
		if (!ret && st.st_uid == ctx->uid)
			return 0;
		/* /sys could not be made to show it: that is the reason. */
		if (err_pending(ctx))
			return ret;
	} else if (li->has_owner && li->owner == ctx->uid) {
		return 0;
	}
	return err_fail(ctx, -EPERM,
			"permission denied: the device is not owned by uid %u",
			(unsigned int)ctx->uid);
}

/*
 * To open: as the kernel would let the caller. A tun/tap by its owner
 * and group (tun_not_capable), a macvtap by its node's owner and mode.
 */
static int may_open(struct ctx *ctx, const struct link_info *li)
{
	struct stat st;
	int ret;

	if (li->kind != LINK_MACVTAP) {
		if ((li->has_owner || li->has_group) &&
		    !(li->has_owner && li->owner != ctx->uid) &&
		    !(li->has_group && !priv_in_groups(li->group)))
			return 0;
		return err_fail(ctx, -EPERM, "not yours: when tapctl runs for another user it opens only devices whose owner or group is theirs");
	}
	/* Only a node that exists can be theirs: mvt_node would make one. */
	ret = node_of(ctx, li, &st);
	if (ret && ret != -ENOENT)
		return err_sys(ctx, ret, "macvtap device");
	if (!ret && ((st.st_uid == ctx->uid && (st.st_mode & 0600) == 0600) ||
	    (priv_in_groups(st.st_gid) && (st.st_mode & 0060) == 0060)))
		return 0;
	return err_fail(ctx, -EPERM, "not yours: when tapctl runs for another user it opens only macvtap devices whose node is theirs");
}

int priv_owns(struct ctx *ctx, const struct link_info *li, enum priv_use use)
{
	if (!ctx->privileged)
		return 0;
	return use == PRIV_OPEN ? may_open(ctx, li) : owns(ctx, li);
}

bool priv_in_groups(gid_t gid)
{
	gid_t groups[256];
	int i, n;

	if (gid == getgid())
		return true;
	n = getgroups((int)(sizeof(groups) / sizeof(groups[0])), groups);
	for (i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

int priv_allow_ids(struct ctx *ctx, bool set_uid, uid_t uid, bool set_gid,
		   gid_t gid)
{
	if (!ctx->privileged)
		return 0;
	if (set_uid && uid != ctx->uid)
		return err_fail(ctx, -EPERM,
				"permission denied: --user: only your own uid %u",
				(unsigned int)ctx->uid);
	if (set_gid && !priv_in_groups(gid))
		return err_fail(ctx, -EPERM,
				"permission denied: --group: you are not in group %u",
				(unsigned int)gid);
	return 0;
}
