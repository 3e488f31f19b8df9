// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test probe: attach to a tun/tap device the way an unprivileged QEMU or
 * libvirt does, as whoever runs it (setpriv drops the uid and the
 * capabilities), and report what the kernel said.
 *
 *   tun-attach NAME [tap|tun] [vnet_hdr] [multi_queue] [pi] [write] [hold]
 *
 * TUNSETIFF on /dev/net/tun with IFF_TAP (default) or IFF_TUN, IFF_NO_PI
 * unless "pi", plus the flags named. On success it prints one line
 *   attached NAME: tap|tun [pi] [vnet_hdr] [multi_queue] [persist]
 * from TUNGETIFF. "write" then writes one broadcast Ethernet frame (after
 * an empty virtio-net header with vnet_hdr; a tap only) and prints
 * "wrote N bytes". "hold" then prints "holding" and keeps the descriptor
 * until it is killed.
 *
 * Exit 0 on success; 1 with "tun-attach: STEP: strerror" on stderr if a
 * step fails; 2 for bad arguments.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>

static int fail(const char *step)
{
	fprintf(stderr, "tun-attach: %s: %s\n", step, strerror(errno));
	return 1;
}

static int usage(void)
{
	fputs("usage: tun-attach NAME [tap|tun] [vnet_hdr] [multi_queue] [pi] [write] [hold]\n",
	      stderr);
	return 2;
}

static void report(const struct ifreq *ifr)
{
	unsigned int f = (unsigned short)ifr->ifr_flags;

	printf("attached %s: %s%s%s%s%s\n", ifr->ifr_name,
	       f & IFF_TUN ? "tun" : "tap", f & IFF_NO_PI ? "" : " pi",
	       f & IFF_VNET_HDR ? " vnet_hdr" : "",
	       f & IFF_MULTI_QUEUE ? " multi_queue" : "",
	       f & IFF_PERSIST ? " persist" : "");
}

/* A broadcast frame of the local experimental EtherType, 60 bytes. */
static int write_frame(int fd, bool vnet_hdr)
{
	unsigned char buf[sizeof(struct virtio_net_hdr) + 60];
	size_t off = vnet_hdr ? sizeof(struct virtio_net_hdr) : 0;
	ssize_t n;

	memset(buf, 0, sizeof(buf));
	memset(buf + off, 0xff, 6);
	buf[off + 6] = 0x02;
	buf[off + 11] = 0x01;
	buf[off + 12] = 0x88;
	buf[off + 13] = 0xb5;
	n = write(fd, buf, off + 60);
	if (n < 0)
		return fail("write");
	printf("wrote %zd bytes\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int flags = IFF_TAP | IFF_NO_PI;
	bool do_write = false, hold = false;
	struct ifreq ifr;
	int fd, i;

	if (argc < 2 || strlen(argv[1]) >= IFNAMSIZ)
		return usage();
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "tap"))
			flags = (flags & ~(unsigned int)IFF_TUN) | IFF_TAP;
		else if (!strcmp(argv[i], "tun"))
			flags = (flags & ~(unsigned int)IFF_TAP) | IFF_TUN;
		else if (!strcmp(argv[i], "vnet_hdr"))
			flags |= IFF_VNET_HDR;
		else if (!strcmp(argv[i], "multi_queue"))
			flags |= IFF_MULTI_QUEUE;
		else if (!strcmp(argv[i], "pi"))
			flags &= ~(unsigned int)IFF_NO_PI;
		else if (!strcmp(argv[i], "write"))
			do_write = true;
		else if (!strcmp(argv[i], "hold"))
			hold = true;
		else
			return usage();
	}

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail("open /dev/net/tun");
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, argv[1], strlen(argv[1]));
	ifr.ifr_flags = (short)flags;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		return fail("TUNSETIFF");
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) < 0)
		return fail("TUNGETIFF");
	report(&ifr);
	if (do_write && write_frame(fd, flags & IFF_VNET_HDR))
		return 1;
	if (hold) {
		puts("holding");
		fflush(stdout);
		for (;;)
			pause();
	}
	fflush(stdout);
	close(fd);
	return 0;
}
