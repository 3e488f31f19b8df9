// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "cmd.h"
#include "ctx.h"
#include "link.h"
#include "macvtap.h"
#include "opt.h"
#include "resolve.h"

int cmd_del(struct ctx *ctx, int argc, const char **argv)
{
	struct poptOption table[] = { OPT_HELP, POPT_TABLEEND };
	struct link_info *li = NULL;
	const char **names;
	poptContext pc;
	int rc, ret = 0, n, i, j;

	pc = opt_context(argc, argv, table, "NAME...");
	while ((rc = poptGetNextOpt(pc)) > 0) {
		if (rc == OPT_HELP_VAL) {
			opt_help(pc);
			goto out;
		}
	}
	if (rc < -1) {
		ret = opt_error(ctx, pc, rc);
		goto out;
	}
	names = poptGetArgs(pc);
	for (n = 0; names && names[n]; n++)
		;
	if (!n) {
		ret = err_usage(ctx, "missing NAME");
		goto out;
	}
	li = calloc((size_t)n, sizeof(*li));
	if (!li) {
		ret = err_sys(ctx, -ENOMEM, NULL);
		goto out;
	}
	/* All or nothing: every name is checked before the first delete. */
	for (i = 0; i < n; i++)
		if ((ret = resolve_device(ctx, names[i], RESOLVE_OWN, &li[i])))
			goto out;
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && li[j].ifindex != li[i].ifindex; j++)
			;
		if (j < i)
			continue;
		ctx_set_name(ctx, li[i].ifname);
		if ((ret = link_del(ctx, li[i].ifindex))) {
			err_sys(ctx, ret, "delete");
			goto out;
		}
		if (li[i].kind == LINK_MACVTAP &&
		    (ret = mvt_forget(ctx, &li[i])))
			goto out;
	}
out:
	free(li);
	poptFreeContext(pc);
	return ret;
}
