// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Ethernet frames through a tap descriptor or a packet socket, for
 * tests/40-exec.bats and tests/85-vlan.bats. ETHERTYPE is hex (88b5 is
 * the IEEE local experimental type), optionally after "VID:" (20:88b5):
 * then the frame written or sent carries an 802.1Q tag with that VID, and
 * only frames tagged with it match when reading; a plain ETHERTYPE writes
 * and matches untagged frames only. "any:TYPE" (read and recv only)
 * matches the first frame of TYPE, tagged or not, and prints "untagged
 * PAYLOAD" or "vlan VID PAYLOAD": send the frames that must not arrive
 * first, then one that must, and check that it is the one printed. Frames
 * go to the broadcast address.
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
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>

#define FRAME_MAX 65536
#define VLAN_NONE (-1)
#define VLAN_ANY (-2)

/* "[VID:]TYPE": @type and @vid (VLAN_NONE without "VID:", VLAN_ANY for "any:"). */
static int parse_type(const char *arg, unsigned int *type, int *vid)
{
	const char *colon = strchr(arg, ':');
	char *end;
	unsigned long v;

	*vid = VLAN_NONE;
	if (colon && colon - arg == 3 && !strncmp(arg, "any", 3)) {
		*vid = VLAN_ANY;
		arg = colon + 1;
	} else if (colon) {
		v = strtoul(arg, &end, 10);
		if (end != colon || v < 1 || v > 4094)
			return -1;
		*vid = (int)v;
		arg = colon + 1;
	}
	v = strtoul(arg, &end, 16);
	if (*arg == '\0' || *end != '\0' || v > 0xffff)
		return -1;
	*type = (unsigned int)v;
	return 0;
}

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

/*
 * dst broadcast, src 02:00:00:00:00:01, [802.1Q tag,] type, payload
 * padded to 60 (64 when tagged).
 */
static size_t build(uint8_t *buf, unsigned int type, int vid,
		    const char *payload)
{
	size_t n = strlen(payload), hdr = 14, min = 60;
	uint16_t be;

	memset(buf, 0, 64);
	memset(buf, 0xff, 6);
	memcpy(buf + 6, "\x02\x00\x00\x00\x00\x01", 6);
	if (vid != VLAN_NONE) {
		be = htons(ETH_P_8021Q);
		memcpy(buf + 12, &be, 2);
		be = htons((uint16_t)vid);
		memcpy(buf + 14, &be, 2);
		hdr = 18;
		min = 64;
	}
	be = htons((uint16_t)type);
	memcpy(buf + hdr - 2, &be, 2);
	memcpy(buf + hdr, payload, n);
	return hdr + n < min ? min : hdr + n;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Waits for input until @deadline (now_ms() time): frames that do not
 * match must not make a reader wait longer than it was told.
 */
static int wait_in(int fd, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	long long left = deadline - now_ms();
	int r = left > 0 ? poll(&p, 1, (int)left) : 0;

	if (r == 0)
		fprintf(stderr, "frame: timed out\n");
	else if (r < 0)
		perror("frame: poll");
	return r > 0 ? 0 : -1;
}

/*
 * Prints the payload of the frame in @buf if it has type @type and VLAN
 * @vid. @tag is the VID the kernel took out of the frame (packet sockets'
 * auxiliary data), VLAN_NONE if none; a tag still in the frame counts too.
 */
static int match(const uint8_t *buf, ssize_t n, unsigned int type, int vid,
		 int tag)
{
	size_t hdr = 14;
	uint16_t be;

	if (n < 14)
		return 0;
	memcpy(&be, buf + 12, 2);
	if (tag == VLAN_NONE && ntohs(be) == ETH_P_8021Q) {
		if (n < 18)
			return 0;
		memcpy(&be, buf + 14, 2);
		tag = ntohs(be) & 0xfff;
		memcpy(&be, buf + 16, 2);
		hdr = 18;
	}
	if (ntohs(be) != type || (tag != vid && vid != VLAN_ANY))
		return 0;
	if (vid == VLAN_ANY && tag == VLAN_NONE)
		printf("untagged ");
	else if (vid == VLAN_ANY)
		printf("vlan %d ", tag);
	printf("%.*s\n", (int)strnlen((const char *)buf + hdr, (size_t)n - hdr),
	       (const char *)buf + hdr);
	return 1;
}

static int fd_write(int fd, unsigned int type, int vid, const char *payload)
{
	static uint8_t buf[FRAME_MAX];
	int hdr = vnet_hdr_len(fd);
	size_t n;

	if (hdr < 0 || strlen(payload) > 1400)
		return 1;
	memset(buf, 0, (size_t)hdr);
	n = build(buf + hdr, type, vid, payload) + (size_t)hdr;
	if (write(fd, buf, n) != (ssize_t)n) {
		perror("frame: write");
		return 1;
	}
	return 0;
}

static int fd_read(int fd, unsigned int type, int vid, int seconds)
{
	static uint8_t buf[FRAME_MAX];
	int hdr = vnet_hdr_len(fd);
	long long deadline = now_ms() + seconds * 1000LL;
	ssize_t n;

	if (hdr < 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		if (wait_in(fd, deadline))
			return 1;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n < 0) {
			perror("frame: read");
			return 1;
		}
		if (n > hdr && match(buf + hdr, n - hdr, type, vid, VLAN_NONE))
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

static int if_send(const char *ifname, unsigned int type, int vid,
		   const char *payload)
{
	static uint8_t buf[FRAME_MAX];
	int fd = packet_socket(ifname, type), ret = 0;
	size_t n;

	if (fd < 0 || strlen(payload) > 1400)
		return 1;
	n = build(buf, type, vid, payload);
	if (send(fd, buf, n, 0) != (ssize_t)n) {
		perror("frame: send");
		ret = 1;
	}
	close(fd);
	return ret;
}

/* The VID the kernel took out of the frame @msg carries, or VLAN_NONE. */
static int aux_vid(struct msghdr *msg)
{
	struct cmsghdr *c;
	struct tpacket_auxdata aux;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
		    c->cmsg_len < CMSG_LEN(sizeof(aux)))
			continue;
		memcpy(&aux, CMSG_DATA(c), sizeof(aux));
		if (aux.tp_status & TP_STATUS_VLAN_VALID)
			return aux.tp_vlan_tci & 0xfff;
	}
	return VLAN_NONE;
}

/*
 * All protocols, so that a tagged frame is seen whatever the kernel did
 * with its tag; the frames IFNAME sends itself are skipped.
 */
static int if_recv(const char *ifname, unsigned int type, int vid, int seconds)
{
	static uint8_t buf[FRAME_MAX];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} ctl;
	struct sockaddr_ll from;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = {
		.msg_name = &from, .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = &ctl,
	};
	int fd = packet_socket(ifname, ETH_P_ALL), ret = 1, on = 1;
	long long deadline = now_ms() + seconds * 1000LL;
	ssize_t n;

	if (fd < 0)
		return 1;
	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &on, sizeof(on)) < 0) {
		perror("frame: PACKET_AUXDATA");
		close(fd);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (!wait_in(fd, deadline)) {
		msg.msg_namelen = sizeof(from);
		msg.msg_controllen = sizeof(ctl);
		n = recvmsg(fd, &msg, 0);
		if (n < 0) {
			perror("frame: recv");
			break;
		}
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		if (match(buf, n, type, vid, aux_vid(&msg))) {
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
	int vid;

	if (argc != 5) {
		fprintf(stderr, "usage: frame write|read|send|recv FD|IFNAME [VID:]ETHERTYPE PAYLOAD|SECONDS\n");
		return 2;
	}
	if (parse_type(argv[3], &type, &vid) < 0) {
		fprintf(stderr, "frame: bad [VID:]ETHERTYPE: %s\n", argv[3]);
		return 2;
	}
	if (vid == VLAN_ANY && (!strcmp(argv[1], "write") || !strcmp(argv[1], "send"))) {
		fprintf(stderr, "frame: %s needs a VID, not any\n", argv[1]);
		return 2;
	}
	if (!strcmp(argv[1], "write"))
		return fd_write(atoi(argv[2]), type, vid, argv[4]);
	if (!strcmp(argv[1], "read"))
		return fd_read(atoi(argv[2]), type, vid, atoi(argv[4]));
	if (!strcmp(argv[1], "send"))
		return if_send(argv[2], type, vid, argv[4]);
	if (!strcmp(argv[1], "recv"))
		return if_recv(argv[2], type, vid, atoi(argv[4]));
	fprintf(stderr, "frame: unknown command %s\n", argv[1]);
	return 2;
}
