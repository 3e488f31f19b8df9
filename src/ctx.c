// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdio.h>

#include "ctx.h"

void ctx_set_name(struct ctx *ctx, const char *name)
{
	snprintf(ctx->name, sizeof(ctx->name), "%s", name);
}
