// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include "cmd.h"
#include "ctx.h"
#include "link.h"
#include "linkopt.h"
#include "opt.h"
#include "plan.h"
#include "resolve.h"

int cmd_set(struct ctx *ctx, int argc, const char **argv)
{
	struct poptOption table[] = {
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)linkopt_common, 0,
		  "Settings:", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)linkopt_set, 0,
		  "tun/tap only:", NULL },
		OPT_HELP,
		POPT_TABLEEND
	};
	struct link_opts o = { 0 };
	struct link_info li;
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
	/*
	 * Invalid input is exit 2 whether or not the device exists; the
	 * ownership is the plan's to check, after the options' kind.
	 */
	if ((ret = opt_name(ctx, pc, false, &o.name)) ||
	    (ret = opt_no_more(ctx, pc)) ||
	    (ret = plan_check_syntax(ctx, &o)) ||
	    (ret = resolve_device(ctx, o.name, 0, &li)) ||
	    (ret = plan_from_opts(ctx, &o, &li, &p)))
		goto out;
	ret = plan_run(ctx, &p, &li, NULL);
out:
	linkopt_free(&o);
	poptFreeContext(pc);
	return ret;
}
