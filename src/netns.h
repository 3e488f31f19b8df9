/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_NETNS_H
#define TAPCTL_NETNS_H

struct ctx;

#define NETNS_RUN_DIR "/run/netns"

/* setns() into @arg: a name under /run/netns or a path to a netns file. */
int ns_enter(struct ctx *ctx, const char *arg);
/*
 * Gives this process a /sys of its current network namespace, as
 * `ip netns exec` does, when -n moved it; a no-op otherwise.
 */
int ns_private_sysfs(struct ctx *ctx);
/*
 * The same whether or not -n was given: for a process that entered its
 * namespace some other way (nsenter --net, unshare -n) and still sees
 * the /sys of another one.
 */
int ns_own_sysfs(struct ctx *ctx);

#endif
