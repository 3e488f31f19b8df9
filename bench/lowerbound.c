// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The least a program can do for each benchmark operation: raw ioctls on
 * /dev/net/tun and one netlink message per device, waiting for each ack,
 * with no checks and no parsing. bench/run.sh times it beside tapctl, ip
 * and tunctl as the lower bound of what any tool can cost.
 *
 *   lowerbound create PFX N              TUNSETIFF + TUNSETPERSIST each
 *   lowerbound setup PFX N UID BR PER    also TUNSETOWNER, then
 *                                        RTM_GETLINK (see setup()) and one
 *                                        RTM_NEWLINK: MAC, MTU, master BRk
 *                                        (k = i / PER), up
 *   lowerbound macvtap PFX N LOWER       one RTM_NEWLINK each, then the
 *                                        node's sysfs dev file and stat
 *   lowerbound list                      one link dump, read, not parsed
 *   lowerbound delete PFX N              IFLA_GROUP each, one group delete
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#ifndef IFF_TUN_EXCL
#define IFF_TUN_EXCL 0x8000
#endif

static int nl = -1;
static unsigned int seq;
static char rbuf[32768];

static void die(const char *what)
{
	perror(what);
	exit(1);
}

struct req {
	struct nlmsghdr h;
	struct ifinfomsg i;
	char attrs[512];
};

static void put(struct req *r, unsigned short type, const void *v, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), v, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static struct rtattr *nest(struct req *r, unsigned short type)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));

	put(r, type, NULL, 0);
	return a;
}

static void nest_end(struct req *r, struct rtattr *a)
{
	a->rta_len = (unsigned short)((char *)r + r->h.nlmsg_len - (char *)a);
}

static void init(struct req *r, unsigned short type, unsigned short flags)
{
	memset(r, 0, sizeof(*r));
	r->h.nlmsg_len = NLMSG_LENGTH(sizeof(r->i));
	r->h.nlmsg_type = type;
	r->h.nlmsg_flags = NLM_F_REQUEST | flags;
	r->i.ifi_family = AF_UNSPEC;
}

/* Sends @r and reads until its ack (or the end of its dump). */
static int talk(struct req *r)
{
	struct nlmsghdr *h;
	ssize_t n;

	r->h.nlmsg_seq = ++seq;
	if (send(nl, r, r->h.nlmsg_len, 0) < 0)
		die("send");
	for (;;) {
		n = recv(nl, rbuf, sizeof(rbuf), 0);
		if (n < 0)
			die("recv");
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
		}
	}
}

static void nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl < 0 || bind(nl, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("netlink");
}

static void tap(const char *name, long uid)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_TUN_EXCL };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("/dev/net/tun");
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		die(name);
	if (uid >= 0 && ioctl(fd, TUNSETOWNER, uid) < 0)
		die("TUNSETOWNER");
	if (ioctl(fd, TUNSETPERSIST, 1) < 0)
		die("TUNSETPERSIST");
	close(fd);
}

static void setup(const char *name, const char *br, unsigned int i)
{
	unsigned char mac[6] = { 0xfe, 0x54, 0, 0, (unsigned char)(i >> 8),
				 (unsigned char)i };
	unsigned int mtu = 1500, master = if_nametoindex(br);
	unsigned int skip = RTEXT_FILTER_SKIP_STATS;
	struct req r;

	if (!master)
		die(br);
	/*
	 * Not a check: on Linux 6.x RTM_GETLINK has the kernel apply the
	 * closed descriptor's carrier loss now (linkwatch_sync_dev), and a
	 * port that joins with it applied costs the bridge one walk over
	 * its ports instead of two: cheaper than the one message alone.
	 */
	init(&r, RTM_GETLINK, NLM_F_ACK);
	put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	put(&r, IFLA_EXT_MASK, &skip, 4);
	if (talk(&r))
		die("RTM_GETLINK");
	init(&r, RTM_NEWLINK, NLM_F_ACK);
	r.i.ifi_change = IFF_UP;
	r.i.ifi_flags = IFF_UP;
	put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	put(&r, IFLA_ADDRESS, mac, 6);
	put(&r, IFLA_MTU, &mtu, 4);
	put(&r, IFLA_MASTER, &master, 4);
	if (talk(&r))
		die("RTM_NEWLINK");
}

static void macvtap(const char *name, unsigned int lower)
{
	struct rtattr *li, *data;
	unsigned int mode = MACVLAN_MODE_BRIDGE;
	struct req r;
	char path[128], dev[32];
	unsigned int ifindex;
	struct stat st;
	int fd;

	init(&r, RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	put(&r, IFLA_LINK, &lower, 4);
	li = nest(&r, IFLA_LINKINFO);
	put(&r, IFLA_INFO_KIND, "macvtap", 8);
	data = nest(&r, IFLA_INFO_DATA);
	put(&r, IFLA_MACVLAN_MODE, &mode, 4);
	nest_end(&r, data);
	nest_end(&r, li);
	if (talk(&r))
		die("RTM_NEWLINK macvtap");
	/* The node: its major:minor from sysfs, then /dev/tapN. */
	ifindex = if_nametoindex(name);
	snprintf(path, sizeof(path), "/sys/class/net/%s/macvtap/tap%u/dev",
		 name, ifindex);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, dev, sizeof(dev)) <= 0)
		die(path);
	close(fd);
	snprintf(path, sizeof(path), "/dev/tap%u", ifindex);
	stat(path, &st);
}

static void group(const char *name, unsigned int g)
{
	struct req r;

	init(&r, RTM_NEWLINK, NLM_F_ACK);
	put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	put(&r, IFLA_GROUP, &g, 4);
	if (talk(&r))
		die("IFLA_GROUP");
}

int main(int argc, char **argv)
{
	unsigned int skip = RTEXT_FILTER_SKIP_STATS, g = 0x5eed0001;
	char name[64], br[64];
	long n, i, per;
	struct req r;

	if (argc < 2)
		return 2;
	nl_open();
	if (!strcmp(argv[1], "list")) {
		init(&r, RTM_GETLINK, NLM_F_DUMP);
		put(&r, IFLA_EXT_MASK, &skip, 4);
		return talk(&r) ? 1 : 0;
	}
	if (argc < 4)
		return 2;
	n = atol(argv[3]);
	for (i = 1; i <= n; i++) {
		snprintf(name, sizeof(name), "%s%ld", argv[2], i);
		if (!strcmp(argv[1], "create")) {
			tap(name, -1);
		} else if (!strcmp(argv[1], "setup") && argc == 7) {
			per = atol(argv[6]);
			tap(name, atol(argv[4]));
			snprintf(br, sizeof(br), "%s%ld", argv[5], (i - 1) / per);
			setup(name, br, (unsigned int)i);
		} else if (!strcmp(argv[1], "macvtap") && argc == 5) {
			macvtap(name, if_nametoindex(argv[4]));
		} else if (!strcmp(argv[1], "delete")) {
			group(name, g);
		} else {
			return 2;
		}
	}
	if (!strcmp(argv[1], "delete")) {
		init(&r, RTM_DELLINK, NLM_F_ACK);
		put(&r, IFLA_GROUP, &g, 4);
		if (talk(&r))
			die("RTM_DELLINK group");
	}
	return 0;
}
