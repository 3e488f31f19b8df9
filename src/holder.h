/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_HOLDER_H
#define TAPCTL_HOLDER_H

#include <net/if.h>
#include <stddef.h>
#include <sys/types.h>

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

/* A macvtap's character device: its descriptors show nothing else. */
struct holder_dev {
	dev_t dev;
	char ifname[IFNAMSIZ];
};

/*
 * Every descriptor of every process that is attached to a tun/tap device
 * of the caller's network namespace (found through the "iff:" line of
 * /proc/PID/fdinfo, which names the device but not its namespace), and
 * every descriptor open on one of the @ndevs character devices @devs
 * (macvtaps: their device numbers are unique across namespaces), in
 * order of device name, then pid, then descriptor.
 * Returns 0 or -errno; holder_free() in both cases.
 */
int holder_scan(struct holders *h, const struct holder_dev *devs,
		size_t ndevs);
/* The first holder of device @ifname in @h, or NULL if none holds it. */
const struct holder *holder_first(const struct holders *h, const char *ifname);
void holder_free(struct holders *h);
/* A close-on-exec duplicate of descriptor @fd of process @pid, or -errno. */
int holder_dup(int pid, int fd);

#endif
