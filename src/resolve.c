// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>

#include "ctx.h"
#include "link.h"
#include "parse.h"
#include "priv.h"
#include "resolve.h"

int resolve_found(struct ctx *ctx, const char *name, unsigned int flags,
		  const struct link_info *li)
{
	if (name)
		ctx_set_name(ctx, name);
	if (!li)
		return err_fail(ctx, -ENODEV, "no such device");
	/* Never put an uplink, a veth or a macvtap into a bridge by mistake. */
	if ((flags & RESOLVE_TAP) && li->kind != LINK_TAP)
		return err_fail(ctx, -EPERM, "refusing: not a tap device (kind %s)",
				link_managed(li) ? link_kind_name(li->kind) :
				li->info_kind[0] ? li->info_kind : "none");
	if (!link_managed(li))
		return err_fail(ctx, -EPERM, "not a tun, tap or macvtap device (kind %s)",
				li->info_kind[0] ? li->info_kind : "none");
	if (flags & RESOLVE_OWN)
		return priv_owns(ctx, li, PRIV_CHANGE);
	return 0;
}

int resolve_device(struct ctx *ctx, const char *name, unsigned int flags,
		   struct link_info *li)
{
	const char *why;
	int ret;

	ctx_set_name(ctx, name);
	if (parse_ifname(name, false, &why))
		return err_usage(ctx, "%s", why);
	ret = link_get(ctx, name, li);
	if (ret == -ENODEV)
		return resolve_found(ctx, name, flags, NULL);
	if (ret)
		return err_sys(ctx, ret, "look up");
	return resolve_found(ctx, name, flags, li);
}
