/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_CTX_H
#define TAPCTL_CTX_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "err.h"
#include "out.h"

struct mnl_socket;
struct link_info;

/*
 * One per process. Holds the single netlink socket that every command
 * (and every line of a batch) shares, the output mode, and the error
 * that the current command recorded.
 */
struct ctx {
	struct mnl_socket *nl;		/* opened on first use */
	unsigned int portid;
	unsigned int seq;

	const char *netns;		/* -n argument, or NULL */
	bool sysfs_private;		/* /sys remounted for the netns */
	bool sysfs_ours;		/* /sys was seen to show our netns */
	bool json;
	bool quiet;
	bool force;
	bool in_batch;

	/* Installed setuid or with file capabilities, run by someone else. */
	bool privileged;
	uid_t uid;			/* real ids of the caller */
	gid_t gid;

	const char *cmd;		/* command name, for messages */
	bool bare_errors;		/* messages without "tapctl: CMD NAME: " */
	char name[64];			/* object name, for messages */
	const char *batch_file;
	unsigned int batch_line;

	/* link_cache_set: link_get's answers while apply plans. */
	const struct link_info *cache;
	size_t ncache;
	/* err_locate: the FILE:LINE that errors recorded now belong to. */
	const char *loc_file;
	unsigned int loc_line;

	struct err err;
	char extack[256];		/* kernel text of the last failed request */

	struct out out;
};

void ctx_set_name(struct ctx *ctx, const char *name);

#endif
