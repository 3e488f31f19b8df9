// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdlib.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "ctx.h"
#include "priv.h"

void priv_init(struct ctx *ctx)
{
	ctx->uid = getuid();
	ctx->gid = getgid();
	/* AT_SECURE covers setuid, setgid and file capabilities alike. */
	ctx->privileged = getauxval(AT_SECURE) != 0;
	if (!ctx->privileged)
		return;
	/* POSIXLY_CORRECT, TAPCTL_*, LD_*, locale: none of it is ours. */
	clearenv();
	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
}
