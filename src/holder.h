/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_HOLDER_H
#define TAPCTL_HOLDER_H

#include <net/if.h>
#include <stddef.h>

/* One process's descriptor attached to a tun/tap device. */
struct holder {
	int pid;
	int fd;
	char comm[32];
	char ifname[IFNAMSIZ];
};

struct holders {
	struct holder *v;
	size_t n, cap;
};

/*
 * Every descriptor of every process that is attached to a tun/tap device
 * of the caller's network namespace (found through the "iff:" line of
 * /proc/PID/fdinfo, which names the device but not its namespace).
 * Returns 0 or -errno; holder_free() in both cases.
 */
int holder_scan(struct holders *h);
void holder_free(struct holders *h);
/* A close-on-exec duplicate of descriptor @fd of process @pid, or -errno. */
int holder_dup(int pid, int fd);

#endif
