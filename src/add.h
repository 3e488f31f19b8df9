/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_ADD_H
#define TAPCTL_ADD_H

#include <net/if.h>

struct ctx;
struct link_opts;

/*
 * Creates the device that validated options @o describe; @name is the
 * name or template in and the final name out. A tun/tap is persistent,
 * unless @keep_fd is given: then it stays transient and *keep_fd is its
 * attached descriptor, whose close removes it (-1 for a macvtap).
 * A failure leaves no device behind.
 */
int add_create(struct ctx *ctx, struct link_opts *o, char name[IFNAMSIZ],
	       int *keep_fd);

#endif
