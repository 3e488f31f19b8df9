// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * plan.c without a kernel: what options become, and the one bridge-join
 * rule, for a new device and for an existing one. (Lookups of bridges
 * and lower links are the bats files'.)
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <linux/if_link.h>

#include "ctx.h"
#include "linkopt.h"
#include "plan.h"
#include "tap.h"

static struct ctx ctx;

static int from(struct link_opts *o, const struct link_info *dev,
		struct plan *p)
{
	err_clear(&ctx);
	return plan_from_opts(&ctx, o, dev, p);
}

static struct link_info tap_dev(void)
{
	struct link_info li = { .ifindex = 7, .kind = LINK_TAP, .has_mac = true,
				.mac = { 0x02, 1, 2, 3, 4, 5 }, .mtu = 1500,
				.min_mtu = 68, .max_mtu = 65521 };

	strcpy(li.ifname, "tap0");
	return li;
}

static struct link_info bridge(int ifindex, uint32_t mtu)
{
	struct link_info br = { .ifindex = ifindex, .is_bridge = true,
				.mtu = mtu };

	strcpy(br.ifname, "br0");
	return br;
}

static void new_device(void)
{
	struct link_opts o = { .name = "tap%d", .mtu = "1400", .up = true,
			       .user = "0", .txqlen = "9" };
	struct plan p;

	ok(from(&o, NULL, &p) == 0, "add tap%%d --mtu --up -u 0 --txqueuelen");
	ok(p.create && p.kind == LINK_TAP && !strcmp(p.name, "tap%d"),
	   "a tap to create, under the template");
	is_int((int)p.mask, PLAN_MTU | PLAN_UP | PLAN_OWNER | PLAN_TXQLEN,
	       "exactly the settings given");
	ok(p.mtu == 1400 && p.up && p.owner == 0 && p.txqlen == 9, "their values");

	o = (struct link_opts){ .name = "t0", .mac = "random" };
	ok(from(&o, NULL, &p) == 0 && (p.mask & PLAN_MAC) &&
	   p.mac_src == PLAN_MAC_RANDOM, "--mac random is drawn at validation");
	ok((p.mac[0] & 0x02) && !(p.mac[0] & 0x01),
	   "locally administered unicast");

	o = (struct link_opts){ .name = "t0", .transient = true, .queues = 2 };
	ok(from(&o, NULL, &p) == 0 && p.multi_queue && p.transient,
	   "exec --create --queues 2: a transient multi-queue tap");
}

static void refusals(void)
{
	struct link_opts o = { .name = "t0", .tun = true, .mac = "02:00:00:00:00:01" };
	struct plan p;

	ok(from(&o, NULL, &p) == -EINVAL && ctx.err.usage,
	   "--tun --mac: a usage error");
	o = (struct link_opts){ .name = "t0", .mode = "vepa" };
	ok(from(&o, NULL, &p) == -EINVAL && ctx.err.usage, "--mode on a tap");
	o = (struct link_opts){ .name = "t0", .mtu = "65535" };
	ok(from(&o, NULL, &p) == -EINVAL, "a tap's MTU above 65521");
	o = (struct link_opts){ .name = "t0", .up = true, .down = true };
	ok(from(&o, NULL, &p) == -EINVAL, "--up --down");
}

static void join_new(void)
{
	struct link_info br = bridge(3, 1400);
	struct plan p = { .create = true, .kind = LINK_TAP };

	ok(plan_join_bridge(&ctx, &p, NULL, &br) == 0, "a new tap joins");
	ok((p.mask & (PLAN_MASTER | PLAN_UP | PLAN_MTU | PLAN_MAC)) ==
	   (PLAN_MASTER | PLAN_UP | PLAN_MTU | PLAN_MAC), "master, up, MTU, MAC");
	ok(p.master == 3 && p.up && p.mtu == 1400 && p.mtu_from_bridge,
	   "the bridge's MTU, up");
	ok(p.mac[0] == 0xfe && p.mac_src == PLAN_MAC_BRIDGE,
	   "a random MAC starting fe:");

	p = (struct plan){ .create = true, .kind = LINK_TAP,
			   .mask = PLAN_MTU | PLAN_UP, .mtu = 9000 };
	ok(plan_join_bridge(&ctx, &p, NULL, &br) == 0 && p.mtu == 9000 &&
	   !p.mtu_from_bridge && !p.up, "--mtu and --down stay as given");

	br = bridge(3, 65535);
	p = (struct plan){ .create = true, .kind = LINK_TAP };
	err_clear(&ctx);
	ok(plan_join_bridge(&ctx, &p, NULL, &br) == -ERANGE,
	   "a bridge MTU outside the tap's range");
}

static void join_existing(void)
{
	struct link_info dev = tap_dev(), br = bridge(3, 1500);
	struct plan p;

	plan_for_device(&p, &dev);
	ok(plan_join_bridge(&ctx, &p, &dev, &br) == 0 && (p.mask & PLAN_MAC) &&
	   p.mac[0] == 0xfe && p.mac[5] == 5, "its own MAC with the first byte fe");
	dev.master = 3;
	plan_for_device(&p, &dev);
	ok(plan_join_bridge(&ctx, &p, &dev, &br) == 0 && !(p.mask & PLAN_MAC),
	   "a port of that bridge keeps its MAC");
	dev.master = 0;
	dev.mac[0] = 0xfe;
	plan_for_device(&p, &dev);
	ok(plan_join_bridge(&ctx, &p, &dev, &br) == 0 && !(p.mask & PLAN_MAC),
	   "an fe: MAC is left alone");
	dev.kind = LINK_TUN;
	plan_for_device(&p, &dev);
	ok(plan_join_bridge(&ctx, &p, &dev, &br) == 0 && !(p.mask & PLAN_MAC),
	   "only a tap's MAC changes");
}

static void derived(void)
{
	struct link_opts o = { .name = "tap0", .mtu = "1400", .nobridge = true,
			       .persist = true };
	struct link_info dev = tap_dev();
	struct plan p, q;

	ok(from(&o, &dev, &p) == 0 && !p.create && p.ifindex == 7,
	   "set: a plan for the existing device");
	is_int((int)p.mask, PLAN_MTU | PLAN_MASTER | PLAN_PERSIST,
	       "set's settings");
	ok(p.master == 0 && p.persist, "--nobridge detaches, --persist");
	/* apply's way: a copy with the settings already reached cleared. */
	q = p;
	q.mask &= ~(unsigned int)PLAN_MTU;
	ok(q.mask == (PLAN_MASTER | PLAN_PERSIST) && p.mask & PLAN_MTU,
	   "a plan is a plain struct: copied, its mask cleared");
}

int main(void)
{
	new_device();
	refusals();
	join_new();
	join_existing();
	derived();
	return done_testing();
}
