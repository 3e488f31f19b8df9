/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_DEL_H
#define TAPCTL_DEL_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct ctx;

/* One del command line, as the batch joins them. */
struct del_unit {
	int argc;
	const char **argv;		/* argv[0] is "del" */
	unsigned int line;		/* its batch line, for messages */

	/* Results. */
	bool ran;			/* false: an earlier one failed first */
	int ret;			/* 0 or -errno */
	struct err err;			/* why it failed */
	char name[64];			/* the name the failure is about */
};

/*
 * Runs the del commands @u[0..@n) as if one after the other, but with all
 * their devices unregistered in one kernel batch. Each command is all or
 * nothing. Without ctx->force the first failing one is the last to run;
 * the ones before it are done. Prints nothing but --help; the caller
 * reports each failure from the unit.
 */
void del_run(struct ctx *ctx, struct del_unit *u, size_t n);

#endif
