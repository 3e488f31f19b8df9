/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_CMD_H
#define TAPCTL_CMD_H

struct ctx;

enum {
	CMD_NO_BATCH = 1 << 0,	/* replaces or outlives the process */
	CMD_OWN_STATUS = 1 << 1, /* fn returns the exit status itself */
};

struct cmd {
	const char *name;
	int (*fn)(struct ctx *ctx, int argc, const char **argv);
	const char *synopsis;
	const char *summary;
	unsigned int flags;
};

/*
 * Each returns 0 or a negative errno with the reason recorded in
 * ctx->err; argv[0] is the command's own name. cmd_exec (CMD_OWN_STATUS)
 * returns an exit status (see exec.h) instead, as it only returns on
 * failure.
 */
int cmd_add(struct ctx *ctx, int argc, const char **argv);
int cmd_del(struct ctx *ctx, int argc, const char **argv);
int cmd_apply(struct ctx *ctx, int argc, const char **argv);
int cmd_set(struct ctx *ctx, int argc, const char **argv);
int cmd_list(struct ctx *ctx, int argc, const char **argv);
int cmd_exec(struct ctx *ctx, int argc, const char **argv);
int cmd_ifup(struct ctx *ctx, int argc, const char **argv);
int cmd_ifdown(struct ctx *ctx, int argc, const char **argv);
int cmd_bridge_helper(struct ctx *ctx, int argc, const char **argv);
int cmd_tunctl(struct ctx *ctx, int argc, const char **argv);

const struct cmd *cmd_find(const char *name);

#endif
