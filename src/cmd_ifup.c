// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

/*
 * ifup / ifdown: what QEMU's script= and downscript= run, with the
 * interface name as the only argument (`/etc/qemu-ifup -> tapctl`).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "cmd.h"
#include "ctx.h"
#include "link.h"
#include "linkopt.h"
#include "opt.h"
#include "parse.h"
#include "plan.h"
#include "priv.h"
#include "resolve.h"

#define IFUP_ENV_BRIDGE "TAPCTL_BRIDGE"

/* A bridge the user named, with --bridge or TAPCTL_BRIDGE. */
static int named_bridge(struct ctx *ctx, const char *src, const char *name,
			struct link_info *br)
{
	int ret = br_get(ctx, name, br);

	if (ret == -ENODEV)
		return err_fail(ctx, ret, "%s: no such link \"%s\"", src, name);
	if (ret == -EOPNOTSUPP)
		return err_fail(ctx, -EINVAL, "%s: \"%s\" is not a bridge", src,
				name);
	if (ret)
		return err_sys(ctx, ret, src);
	return 0;
}

/*
 * No bridge named and none behind the default route: as Debian's
 * /etc/qemu-ifup, warn, bring the tap up, and succeed, since QEMU fails
 * the whole netdev on a non-zero status and a host that routes to its
 * guests has no bridge to find. A bridge that was named but is wrong
 * is an error instead. Returns 1 for "no bridge"; -q silences the
 * warning, as it is a success.
 */
static int default_bridge(struct ctx *ctx, struct link_info *br)
{
	char via[IFNAMSIZ], why[96];
	int ret = br_default(ctx, br, via);

	if (ret == -ENOENT)
		snprintf(why, sizeof(why), "no default route");
	else if (ret == -EOPNOTSUPP)
		snprintf(why, sizeof(why),
			 "the default route's interface %s is neither a bridge nor a bridge port",
			 via);
	else if (ret)
		return err_sys(ctx, ret, "find the default route's bridge");
	else
		return 0;
	err_warn(ctx, "no bridge given and %s; bringing it up outside any bridge",
		 why);
	return 1;
}

/*
 * The bridge the user named: --bridge, else TAPCTL_BRIDGE (not when
 * privileged: then the environment is the caller's and not trusted).
 * NULL if none; checked as input, before anything is looked up.
 */
static int named(struct ctx *ctx, const char *opt, const char **src,
		 const char **name)
{
	const char *env = NULL, *why;

	*src = "--bridge";
	*name = opt;
	if (!opt && !ctx->privileged) {
		env = getenv(IFUP_ENV_BRIDGE);
		if (env && *env) {
			*src = IFUP_ENV_BRIDGE;
			*name = env;
		}
	}
	if (*name && parse_ifname(*name, false, &why))
		return err_usage(ctx, "%s: \"%s\": %s", *src, *name, why);
	return 0;
}
/*
 * Parses IFNAME and, for ifup, --bridge and the bridge-port options
 * (into @port). Returns 1 after --help.
 */
static int parse(struct ctx *ctx, int argc, const char **argv,
		 char **bridge, struct link_opts *port, const char **name,
		 poptContext *pcp)
{
	struct poptOption up_table[] = {
		{ "bridge", 0, POPT_ARG_STRING, NULL, 'b',
		  "attach to this bridge (default: $" IFUP_ENV_BRIDGE
		  ", else the default route's bridge)", "BR" },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)linkopt_port, 0,
		  NULL, NULL },
		OPT_HELP,
		POPT_TABLEEND
	};
	struct poptOption down_table[] = { OPT_HELP, POPT_TABLEEND };
	poptContext pc;
	int rc;

	pc = opt_context(argc, argv, bridge ? up_table : down_table,
			 bridge ? "[--bridge BR] [--pvid VID] [--vlan LIST] [--isolated] IFNAME" :
				  "IFNAME");
	*pcp = pc;
	while ((rc = poptGetNextOpt(pc)) > 0) {
		if (rc == OPT_HELP_VAL) {
			opt_help(pc);
			return 1;
		}
		if (rc == 'b')
			opt_take(pc, bridge);
		else if (port)
			linkopt_handle(port, pc, rc);
	}
	if (rc < -1)
		return opt_error(ctx, pc, rc);
	*name = poptGetArg(pc);
	if (!*name)
		return err_usage(ctx, "missing IFNAME");
	ctx_set_name(ctx, *name);
	if ((rc = opt_no_more(ctx, pc)))
		return rc;
	/* Invalid input first, before anything is looked up. */
	return port ? plan_check_syntax(ctx, port) : 0;
}

int cmd_ifup(struct ctx *ctx, int argc, const char **argv)
{
	struct link_info li, br;
	const char *name, *src, *brname;
	struct link_opts port = { 0 };
	char *bridge = NULL;
	poptContext pc;
	struct plan p;
	int ret;

	ret = parse(ctx, argc, argv, &bridge, &port, &name, &pc);
	if (ret)
		goto out;
	if ((ret = named(ctx, bridge, &src, &brname)) ||
	    (ret = resolve_device(ctx, name, RESOLVE_TAP | RESOLVE_OWN, &li)))
		goto out;
	if (brname)
		ret = named_bridge(ctx, src, brname, &br);
	else
		ret = default_bridge(ctx, &br);
	if (ret < 0)
		goto out;
	plan_for_device(&p, &li);
	if (ret == 0) {
		/* The rule of add --bridge; messages name no bridge, as in 0.1. */
		if ((ret = priv_allow_bridge(ctx, br.ifname)) ||
		    (ret = plan_join_bridge(ctx, &p, &li, &br)))
			goto out;
	} else {
		p.mask = PLAN_UP;
		p.up = true;
	}
	if ((ret = plan_port(ctx, &port, &li, ret == 0 ? &br : NULL, &p)))
		goto out;
	ret = plan_run(ctx, &p, &li, NULL);
out:
	linkopt_free(&port);
	free(bridge);
	poptFreeContext(pc);
	return ret < 0 ? ret : 0;
}

int cmd_ifdown(struct ctx *ctx, int argc, const char **argv)
{
	struct link_info li;
	const char *name;
	poptContext pc;
	struct plan p;
	int ret;

	ret = parse(ctx, argc, argv, NULL, NULL, &name, &pc);
	if (ret)
		goto out;
	if ((ret = resolve_device(ctx, name, RESOLVE_TAP | RESOLVE_OWN, &li)))
		goto out;
	plan_for_device(&p, &li);
	p.mask = PLAN_MASTER | PLAN_UP;
	p.master = 0;
	p.up = false;
	ret = plan_run(ctx, &p, &li, NULL);
out:
	poptFreeContext(pc);
	return ret < 0 ? ret : 0;
}
