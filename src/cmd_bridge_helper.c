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
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#include "plan.h"
#include "tun.h"

/* Test suites point this at their own bridge.conf; see acl_path(). */
#define BH_ENV_CONF "TAPCTL_BRIDGE_CONF"

struct bh_opts {
	bool use_vnet;
	const char *bridge;
	int unixfd;
};

/*
 * Upstream's words, bare (ctx->bare_errors): err_report writes them
 * without tapctl's prefix.
 */
#define say(...) err_fail(ctx, -EPERM, __VA_ARGS__)

static int usage(struct ctx *ctx)
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

static int check_acl(struct ctx *ctx, const char *bridge)
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

/*
 * The tap, transient (it lives exactly as long as the descriptor QEMU
 * gets, so any failure leaves nothing behind), joined to @bridge by the
 * rule of add --bridge. Upstream's steps each have a message of their
 * own; they are told apart by the step that failed.
 */
static int make_tap(struct ctx *ctx, const struct bh_opts *o,
		    struct plan_result *res)
{
	struct link_info br;
	unsigned int features = 0;
	struct plan p = { 0 };
	struct err e;
	int ret;

	if ((ret = tun_features(&features)))
		return say("failed to open " TUN_DEV ": %s", strerror(-ret));
	/* Not a bridge: the kernel refuses IFLA_MASTER, as SIOCBRADDIF. */
	ret = br_get(ctx, o->bridge, &br);
	if (ret && ret != -EOPNOTSUPP)
		return say("failed to get mtu of bridge `%s': %s", o->bridge,
			   strerror(-ret));
	p.create = true;
	p.kind = LINK_TAP;
	memcpy(p.name, "tap%d", sizeof("tap%d"));
	p.vnet_hdr = o->use_vnet && (features & IFF_VNET_HDR);
	p.transient = true;
	memcpy(p.master_name, br.ifname, IFNAMSIZ);
	if ((ret = plan_join_bridge(ctx, &p, NULL, &br)))
		return ret;
	ret = plan_run(ctx, &p, NULL, res);
	if (!ret)
		return 0;
	/* The kernel's text stays with the error that it explains. */
	e = ctx->err;
	err_clear(ctx);
	if (res->step == PLAN_STEP_CREATE)
		return say("failed to create tun device: %s", strerror(-e.code));
	return say("failed to add interface `%s' to bridge `%s': %s%s%s",
		   res->ifname, o->bridge, strerror(-e.code),
		   e.extack[0] ? ": " : "", e.extack);
}

int cmd_bridge_helper(struct ctx *ctx, int argc, const char **argv)
{
	struct bh_opts o = { false, NULL, -1 };
	struct plan_result res = { .fd = -1 };
	int ret;

	ctx->bare_errors = true;
	if (geteuid() == 0 && getuid() != 0 && keep_net_admin())
		return say("failed to drop privileges");
	if (parse_args(argc, argv, &o))
		return usage(ctx);
	if (strlen(o.bridge) >= IFNAMSIZ)
		return say("name `%s' too long: %zu", o.bridge, strlen(o.bridge));
	ret = check_acl(ctx, o.bridge);
	if (ret)
		return ret;

	/* The netlink socket stands in for upstream's control socket. */
	ret = nl_open(ctx);
	if (ret) {
		err_clear(ctx);
		return say("failed to open control socket: %s", strerror(-ret));
	}
	if ((ret = make_tap(ctx, &o, &res)))
		return ret;
	ctx_set_name(ctx, res.ifname);
	ret = fdpass_send(o.unixfd, res.fd);
	if (ret)
		say("failed to write fd to unix socket: %s", strerror(-ret));
	close(res.fd);
	return ret;
}
