// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctx.h"
#include "opt.h"
#include "parse.h"

poptContext opt_context(int argc, const char **argv,
			const struct poptOption *table, const char *synopsis)
{
	poptContext pc;

	pc = poptGetContext(argv[0], argc, argv, table, POPT_CONTEXT_NO_EXEC);
	if (pc && synopsis)
		poptSetOtherOptionHelp(pc, synopsis);
	return pc;
}

int opt_error(struct ctx *ctx, poptContext pc, int rc)
{
	return err_usage(ctx, "%s: %s",
			 poptBadOption(pc, POPT_BADOPTION_NOALIAS),
			 poptStrerror(rc));
}

void opt_take(poptContext pc, char **slot)
{
	free(*slot);
	*slot = poptGetOptArg(pc);
}

void opt_help(poptContext pc)
{
	poptPrintHelp(pc, stdout, 0);
	fflush(stdout);
}

int opt_name(struct ctx *ctx, poptContext pc, bool template,
	     const char **name)
{
	const char *arg = poptGetArg(pc), *why;

	if (!arg)
		return err_usage(ctx, "missing NAME");
	ctx_set_name(ctx, arg);
	if (parse_ifname(arg, template, &why))
		return err_usage(ctx, "%s", why);
	*name = arg;
	return 0;
}

int opt_no_more(struct ctx *ctx, poptContext pc)
{
	const char *extra = poptPeekArg(pc);

	if (extra)
		return err_usage(ctx, "unexpected argument \"%s\"", extra);
	return 0;
}

int opt_u32(struct ctx *ctx, const char *opt, const char *s, uint32_t min,
	    uint32_t max, uint32_t *out)
{
	int ret = parse_u32(s, min, max, out);

	if (ret == -ERANGE)
		return err_usage(ctx, "%s: \"%s\" is out of range %u..%u",
				 opt, s, min, max);
	if (ret)
		return err_usage(ctx, "%s: \"%s\" is not a decimal number",
				 opt, s);
	return 0;
}
