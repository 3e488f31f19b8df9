/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_LINKOPT_H
#define TAPCTL_LINKOPT_H

#include <popt.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * The options of add, set and exec --create (and, later, of a line of a
 * declaration file) exactly as typed: strings and flags, nothing
 * looked up. plan_from_opts() (plan.h) validates them into a plan.
 * A new setting: its table entry and field here, its check and PLAN_*
 * bit in plan.c, its step in plan_exec.
 */
struct link_opts {
	const char *name;		/* NAME (not owned): to create, or to set */
	char *user, *group, *mac, *mtu, *txqlen, *bridge, *macvtap, *mode;
	bool tun, tap, up, down, nobridge, vnet_hdr, multi_queue, pi;
	bool persist, no_persist;
	char *pvid, *vlan;		/* --vlan again: the lists joined */
	bool novlan, isolated, no_isolated;
	char **srcmac;			/* --source-mac, each as typed */
	unsigned int nsrcmac;
	bool oom;			/* an option could not be kept */
	const char *first;		/* long name of the first option given */

	/*
	 * Set by exec --create, which opens the new device itself: it is
	 * transient, opened @queues times (more than one makes a tun/tap
	 * multi-queue), and a macvtap takes --vnet-hdr per descriptor.
	 */
	bool transient;
	uint32_t queues;
};

/* Options add, set and exec --create take, and those only some take. */
extern const struct poptOption linkopt_common[];
extern const struct poptOption linkopt_add[];	/* the device to create */
extern const struct poptOption linkopt_set[];
/* The bridge-port ones (in linkopt_common), which ifup takes too. */
extern const struct poptOption linkopt_port[];

/*
 * Handles popt's value @val for these tables; returns 1 if it was one
 * of theirs, 0 if not.
 */
int linkopt_handle(struct link_opts *o, poptContext pc, int val);
void linkopt_free(struct link_opts *o);

#endif
