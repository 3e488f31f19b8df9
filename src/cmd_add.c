// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdio.h>

#include "cmd.h"
#include "ctx.h"
#include "link.h"
#include "linkopt.h"
#include "list.h"
#include "opt.h"
#include "plan.h"

static int report(struct ctx *ctx, const char *name)
{
	struct link_info li;
	int ret;

	if (ctx->quiet)
		return 0;
	if (!ctx->json) {
		printf("%s\n", name);
		return 0;
	}
	ret = link_get(ctx, name, &li);
	if (ret)
		return err_sys(ctx, ret, "read back");
	return list_show_one(ctx, &li);
}

int cmd_add(struct ctx *ctx, int argc, const char **argv)
{
	struct poptOption table[] = {
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)linkopt_add, 0,
		  "Device:", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)linkopt_common, 0,
		  "Settings:", NULL },
		OPT_HELP,
		POPT_TABLEEND
	};
	struct link_opts o = { 0 };
	struct plan_result res;
	struct plan p;
	poptContext pc;
	int rc, ret = 0;

	pc = opt_context(argc, argv, table, "NAME [OPTIONS]");
	while ((rc = poptGetNextOpt(pc)) > 0) {
		if (rc == OPT_HELP_VAL) {
			opt_help(pc);
			goto out;
		}
		linkopt_handle(&o, pc, rc);
	}
	if (rc < -1) {
		ret = opt_error(ctx, pc, rc);
		goto out;
	}
	if ((ret = opt_name(ctx, pc, true, &o.name)) ||
	    (ret = opt_no_more(ctx, pc)) ||
	    (ret = plan_from_opts(ctx, &o, NULL, &p)) ||
	    (ret = plan_run(ctx, &p, NULL, &res)))
		goto out;
	ret = report(ctx, res.ifname);
out:
	linkopt_free(&o);
	poptFreeContext(pc);
	return ret;
}
