// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

/* Placeholder until the exec issue lands; replaced wholesale there. */
#include <errno.h>

#include "cmd.h"
#include "ctx.h"

int cmd_exec(struct ctx *ctx, int argc, const char **argv)
{
	(void)argc;
	(void)argv;
	err_fail(ctx, -ENOSYS, "not implemented yet");
	return 125;
}
