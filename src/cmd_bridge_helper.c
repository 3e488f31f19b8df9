// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

/* Placeholder until the QEMU hooks issue lands; replaced wholesale there. */
#include <errno.h>

#include "cmd.h"
#include "ctx.h"

int cmd_bridge_helper(struct ctx *ctx, int argc, const char **argv)
{
	(void)argc;
	(void)argv;
	return err_fail(ctx, -ENOSYS, "not implemented yet");
}

