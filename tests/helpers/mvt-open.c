// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mvt-open PATH: opens a macvtap (or tap) character device read-write and
 * prints the name of the link behind it (TUNGETIFF), as QEMU would see it.
 * Exit 1 with the reason on stderr if it cannot.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_tun.h>

int main(int argc, char **argv)
{
	struct ifreq ifr;
	int fd;

	if (argc != 2) {
		fputs("usage: mvt-open PATH\n", stderr);
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "mvt-open: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) < 0) {
		fprintf(stderr, "mvt-open: %s: TUNGETIFF: %s\n", argv[1],
			strerror(errno));
		close(fd);
		return 1;
	}
	printf("%.*s\n", IFNAMSIZ, ifr.ifr_name);
	close(fd);
	return 0;
}
