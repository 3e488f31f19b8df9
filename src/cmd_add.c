// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "cmd.h"
#include "ctx.h"
#include "link.h"
#include "linkopt.h"
#include "list.h"
#include "opt.h"
#include "plan.h"

/*
 * The name (or the device, -j) on stdout, flushed: its caller learns a
 * %d name only from it, so a device whose name could not be written is
 * undone like any other failure.
 */
static int report(struct ctx *ctx, const char *name)
{
	struct link_info li = { 0 };
	int ret;

	if (ctx->quiet)
		return 0;
	if (ctx->json && (ret = link_get(ctx, name, &li)))
		return err_sys(ctx, ret, "read back");
	/* What a failed write leaves in errno, even one before the flush. */
	errno = 0;
	if (!ctx->json)
		printf("%s\n", name);
	else if ((ret = list_show_one(ctx, &li)))
		return ret;
	if (fflush(stdout) || ferror(stdout))
		return err_sys(ctx, errno ? -errno : -EIO,
			       "write the name to standard output");
	return 0;
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
	struct undo u;
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
	    (ret = plan_from_opts(ctx, &o, NULL, &p)))
		goto out;
	/* The report is the last step: the device stays only if it is out. */
	undo_init(&u);
	if ((ret = plan_exec(ctx, &p, NULL, &u, &res)) ||
	    (ret = report(ctx, res.ifname)))
		undo_run(ctx, &u);
	undo_free(&u);
out:
	linkopt_free(&o);
	poptFreeContext(pc);
	return ret;
}
