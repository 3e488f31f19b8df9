// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Ethernet frames through a tap descriptor or a packet socket, for
 * tests/40-exec.bats. ETHERTYPE is hex (88b5 is the IEEE local
 * experimental type); frames go to the broadcast address.
 *
 *   frame write FD ETHERTYPE PAYLOAD      one frame into the descriptor
 *   frame read FD ETHERTYPE SECONDS       prints "ready", then the payload
 *                                         of the first such frame read
 *   frame send IFNAME ETHERTYPE PAYLOAD   one frame out of IFNAME
 *   frame recv IFNAME ETHERTYPE SECONDS   prints "ready", then the payload
 *                                         of the first such frame seen
 *
 * A descriptor opened with IFF_VNET_HDR carries a virtio-net header
 * before each frame: written as zeros, skipped when read.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>

#define FRAME_MAX 65536

static int vnet_hdr_len(int fd)
{
	struct ifreq ifr;
	int len;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) < 0 || !(ifr.ifr_flags & IFF_VNET_HDR))
		return 0;
	if (ioctl(fd, TUNGETVNETHDRSZ, &len) < 0)
		return -1;
	return len;
}

/* dst broadcast, src 02:00:00:00:00:01, type, payload padded to 60. */
static size_t build(uint8_t *buf, unsigned int type, const char *payload)
{
	size_t n = strlen(payload);
	uint16_t be = htons((uint16_t)type);

	memset(buf, 0, 60);
	memset(buf, 0xff, 6);
	memcpy(buf + 6, "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(buf + 12, &be, 2);
	memcpy(buf + 14, payload, n);
	return 14 + n < 60 ? 60 : 14 + n;
}

static int wait_in(int fd, int seconds)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r = poll(&p, 1, seconds * 1000);

	if (r == 0)
		fprintf(stderr, "frame: timed out\n");
	else if (r < 0)
		perror("frame: poll");
	return r > 0 ? 0 : -1;
}

/* Prints the payload of the frame in @buf if it has type @type. */
static int match(const uint8_t *buf, ssize_t n, unsigned int type)
{
	uint16_t be;

	if (n < 14)
		return 0;
	memcpy(&be, buf + 12, 2);
	if (ntohs(be) != type)
		return 0;
	printf("%.*s\n", (int)strnlen((const char *)buf + 14, (size_t)n - 14),
	       (const char *)buf + 14);
	return 1;
}

static int fd_write(int fd, unsigned int type, const char *payload)
{
	static uint8_t buf[FRAME_MAX];
	int hdr = vnet_hdr_len(fd);
	size_t n;

	if (hdr < 0 || strlen(payload) > 1400)
		return 1;
	memset(buf, 0, (size_t)hdr);
	n = build(buf + hdr, type, payload) + (size_t)hdr;
	if (write(fd, buf, n) != (ssize_t)n) {
		perror("frame: write");
		return 1;
	}
	return 0;
}

static int fd_read(int fd, unsigned int type, int seconds)
{
	static uint8_t buf[FRAME_MAX];
	int hdr = vnet_hdr_len(fd);
	ssize_t n;

	if (hdr < 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		if (wait_in(fd, seconds))
			return 1;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n < 0) {
			perror("frame: read");
			return 1;
		}
		if (n > hdr && match(buf + hdr, n - hdr, type))
			return 0;
	}
}

static int packet_socket(const char *ifname, unsigned int type)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons((uint16_t)type),
		.sll_ifindex = (int)if_nametoindex(ifname),
	};
	int fd;

	if (!sll.sll_ifindex) {
		perror(ifname);
		return -1;
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons((uint16_t)type));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("frame: packet socket");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int if_send(const char *ifname, unsigned int type, const char *payload)
{
	static uint8_t buf[FRAME_MAX];
	int fd = packet_socket(ifname, type), ret = 0;
	size_t n;

	if (fd < 0 || strlen(payload) > 1400)
		return 1;
	n = build(buf, type, payload);
	if (send(fd, buf, n, 0) != (ssize_t)n) {
		perror("frame: send");
		ret = 1;
	}
	close(fd);
	return ret;
}

static int if_recv(const char *ifname, unsigned int type, int seconds)
{
	static uint8_t buf[FRAME_MAX];
	int fd = packet_socket(ifname, type), ret = 1;
	ssize_t n;

	if (fd < 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	while (!wait_in(fd, seconds)) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			perror("frame: recv");
			break;
		}
		if (match(buf, n, type)) {
			ret = 0;
			break;
		}
	}
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned int type;

	if (argc != 5) {
		fprintf(stderr, "usage: frame write|read|send|recv FD|IFNAME ETHERTYPE PAYLOAD|SECONDS\n");
		return 2;
	}
	type = (unsigned int)strtoul(argv[3], NULL, 16);
	if (!strcmp(argv[1], "write"))
		return fd_write(atoi(argv[2]), type, argv[4]);
	if (!strcmp(argv[1], "read"))
		return fd_read(atoi(argv[2]), type, atoi(argv[4]));
	if (!strcmp(argv[1], "send"))
		return if_send(argv[2], type, argv[4]);
	if (!strcmp(argv[1], "recv"))
		return if_recv(argv[2], type, atoi(argv[4]));
	fprintf(stderr, "frame: unknown command %s\n", argv[1]);
	return 2;
}
