// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

/*
 * bridge-helper: a drop-in for qemu-bridge-helper. Its caller is QEMU
 * (`-netdev bridge` or `-netdev tap,helper=`), and behind QEMU often
 * libvirt, which shows the helper's stderr to the user; scripts grep it.
 * So this command speaks qemu-bridge-helper's protocol and prints its
 * exact messages, without tapctl's "tapctl: CMD NAME:" prefix, and
 * exits 1 on every failure (usage errors included), as it does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/if_tun.h>

#include "acl.h"
#include "bridge.h"
#include "cmd.h"
#include "ctx.h"
#include "fdpass.h"
#include "link.h"
#include "nl.h"
#include "tun.h"

/* Test suites point this at their own bridge.conf; see acl_path(). */
#define BH_ENV_CONF "TAPCTL_BRIDGE_CONF"

struct bh_opts {
	bool use_vnet;
	const char *bridge;
	int unixfd;
};

static int say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int say(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EPERM;
}

static int usage(void)
{
	return say("Usage: qemu-bridge-helper [--use-vnet] --br=bridge --fd=unixfd");
}

/*
 * Upstream's loop, word for word: arguments in any order, the last of
 * a repeated one wins, --fd= goes through atoi() (so "--fd=x" is 0),
 * and anything else is a usage error.
 */
static int parse_args(int argc, const char **argv, struct bh_opts *o)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--use-vnet"))
			o->use_vnet = true;
		else if (!strncmp(argv[i], "--br=", 5))
			o->bridge = argv[i] + 5;
		else if (!strncmp(argv[i], "--fd=", 5))
			o->unixfd = atoi(argv[i] + 5);
		else
			return -EINVAL;
	}
	return o->bridge && o->unixfd != -1 ? 0 : -EINVAL;
}

/*
 * Installed setuid root: keep only CAP_NET_ADMIN and become the caller,
 * before reading any ACL file, as qemu-bridge-helper does with
 * libcap-ng (capng_clear, CAP_NET_ADMIN effective and permitted,
 * capng_change_id with CAPNG_CLEAR_BOUNDING; supplementary groups
 * stay). Read permission on included files is thus per-user policy.
 */
static int keep_net_admin(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	uid_t uid = getuid();
	gid_t gid = getgid();
	unsigned long cap;

	/* Needs CAP_SETPCAP, so before the uid changes. */
	for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return -errno;
	if (prctl(PR_SET_KEEPCAPS, 1L, 0, 0, 0) < 0)
		return -errno;
	if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		return -errno;
	if (prctl(PR_SET_KEEPCAPS, 0L, 0, 0, 0) < 0)
		return -errno;
	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = 1U << CAP_NET_ADMIN;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	return 0;
}

/*
 * The default file, or $TAPCTL_BRIDGE_CONF for test suites. That is
 * honoured only when tapctl runs with no privilege of its own (not
 * setuid, no file capabilities): such a caller already holds whatever
 * lets it make taps, so pointing the helper at another policy gives it
 * nothing it did not have. (priv_init() empties the environment in the
 * other case anyway.)
 */
static const char *acl_path(const struct ctx *ctx)
{
	const char *p;

	if (ctx->privileged)
		return ACL_BRIDGE_CONF;
	p = getenv(BH_ENV_CONF);
	return p && *p ? p : ACL_BRIDGE_CONF;
}

static int check_acl(const struct ctx *ctx, const char *bridge)
{
	const char *path = acl_path(ctx);
	struct acl acl;
	int ret;

	acl_init(&acl, 0, stderr);
	ret = acl_load(&acl, path);
	if (ret) {
		say("failed to parse default acl file `%s'", path);
		goto out;
	}
	if (!acl_allows(&acl, ACL_BRIDGE, bridge))
		ret = say("access denied by acl file");
out:
	acl_free(&acl);
	return ret;
}

/* TUNGETFEATURES: whether this kernel's tap can carry a vnet header. */
static bool has_vnet_hdr(int fd)
{
	unsigned int features = 0;

	return ioctl(fd, TUNGETFEATURES, &features) == 0 &&
	       (features & IFF_VNET_HDR);
}

/*
 * Upstream opens and sets up the tap in separate steps with a message
 * each, so this does too rather than calling tun_open().
 */
static int make_tap(const struct bh_opts *o, char name[IFNAMSIZ])
{
	struct ifreq ifr;
	int fd, err;

	fd = open(TUN_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return say("failed to open " TUN_DEV ": %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "tap%d", sizeof("tap%d"));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (o->use_vnet && has_vnet_hdr(fd))
		ifr.ifr_flags |= IFF_VNET_HDR;
	/*
	 * No TUNSETPERSIST and no owner: the tap lives exactly as long as
	 * the descriptor, so any failure below leaves nothing behind.
	 */
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		err = errno;
		close(fd);
		return say("failed to create tun device: %s", strerror(err));
	}
	memcpy(name, ifr.ifr_name, IFNAMSIZ);
	name[IFNAMSIZ - 1] = '\0';
	return fd;
}

static int attach(struct ctx *ctx, int fd, const char *tap, const char *bridge)
{
	struct link_change ch = { 0 };
	struct link_info br;
	int ret;

	ret = br_get(ctx, bridge, &br);
	if (ret == -EOPNOTSUPP)
		return say("failed to add interface `%s' to bridge `%s': %s",
			   tap, bridge, strerror(-ret));
	if (ret)
		return say("failed to get mtu of bridge `%s': %s", bridge,
			   strerror(-ret));
	/*
	 * A bridge takes the lowest address of its ports as its own unless
	 * one was set on it: a first byte 0xfe keeps the tap from ever
	 * being that one.
	 */
	ret = tun_get_mac(fd, ch.mac);
	if (ret)
		return say("failed to get MAC address of device `%s': %s", tap,
			   strerror(-ret));
	ch.mac[0] = 0xfe;
	/* One RTM_NEWLINK: address and MTU, then the master, then up. */
	ch.mask = LC_MAC | LC_MTU | LC_MASTER | LC_UP;
	ch.mtu = br.mtu;
	ch.master = br.ifindex;
	ch.up = true;
	ret = link_change(ctx, 0, tap, &ch);
	if (ret)
		return say("failed to add interface `%s' to bridge `%s': %s%s%s",
			   tap, bridge, strerror(-ret), ctx->extack[0] ? ": " : "",
			   ctx->extack);
	return 0;
}

int cmd_bridge_helper(struct ctx *ctx, int argc, const char **argv)
{
	struct bh_opts o = { false, NULL, -1 };
	char tap[IFNAMSIZ];
	int fd = -1, ret;

	if (geteuid() == 0 && getuid() != 0 && keep_net_admin())
		return say("failed to drop privileges");
	if (parse_args(argc, argv, &o))
		return usage();
	if (strlen(o.bridge) >= IFNAMSIZ)
		return say("name `%s' too long: %zu", o.bridge, strlen(o.bridge));
	ret = check_acl(ctx, o.bridge);
	if (ret)
		return ret;

	/* The netlink socket stands in for upstream's control socket. */
	ret = nl_open(ctx);
	if (ret) {
		say("failed to open control socket: %s", strerror(-ret));
		goto out;
	}
	fd = ret = make_tap(&o, tap);
	if (fd < 0)
		goto out;
	ctx_set_name(ctx, tap);
	ret = attach(ctx, fd, tap, o.bridge);
	if (ret)
		goto out;
	ret = fdpass_send(o.unixfd, fd);
	if (ret)
		say("failed to write fd to unix socket: %s", strerror(-ret));
out:
	if (fd >= 0)
		close(fd);
	/* Everything was said above, in upstream's words. */
	err_clear(ctx);
	return ret;
}
