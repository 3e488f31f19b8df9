/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_LIST_H
#define TAPCTL_LIST_H

#include <net/if.h>
#include <stdbool.h>
#include <sys/types.h>

#include "brport.h"
#include "link.h"

struct ctx;
struct holders;
struct out;

/*
 * One row of `list`: the link and everything printed about it, found
 * first (netlink names, the macvtap node from sysfs and /dev). The
 * printer then only formats: a new column is a field here, a line in
 * list_gather and one out_* call in the printer.
 */
struct list_row {
	const struct link_info *li;	/* the caller's, for as long as the row */
	char lower[IFNAMSIZ];		/* macvtap: its lower, "" if none */
	char master[IFNAMSIZ];		/* "" if none */
	struct list_node *node;		/* macvtap: the node exec opens, or NULL */
	struct brport *port;		/* a bridge port's settings, or NULL */
};

/* A macvtap's node: apart, so that a tap's row stays small. */
struct list_node {
	char path[256];
	uid_t uid;
	gid_t gid;
	mode_t mode;
};

/*
 * Fills @row for @li. Names of other links come from @all (@n links of
 * one dump, in ifindex order) when they are there, else from one lookup
 * each.
 */
int list_gather(struct ctx *ctx, const struct link_info *li,
		const struct link_info *all, size_t n, struct list_row *row);
/* What list_gather allocated for @row (its node). */
void list_row_free(struct list_row *row);

/*
 * The bridge-port settings of the rows that are ports, from one
 * AF_BRIDGE dump for them all (none if no row has a master). @rows are
 * in ifindex order, each ifindex once. The settings are kept in *@store
 * (one per row with a master), which the caller frees after the rows.
 */
int list_gather_ports(struct ctx *ctx, struct list_row *rows, size_t n,
		      struct brport **store);

/*
 * Pure printers: a table row or a JSON object; @h NULL: no holders. With
 * @h (list -d), a bridge port's and a source macvtap's settings follow
 * the row in words.
 */
void list_print_header(struct out *o);
void list_print_row(struct out *o, const struct list_row *row,
		    const struct holders *h);

/* add -j: the one device as list -j would show it, as a document. */
int list_show_one(struct ctx *ctx, const struct link_info *li);

#endif
