/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_LINK_H
#define TAPCTL_LINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctx;

/* The source MACs of a macvtap that tapctl keeps (and restores on undo). */
#define LINK_SRCMACS_MAX 64

enum link_kind {
	LINK_OTHER,
	LINK_TUN,
	LINK_TAP,
	LINK_MACVTAP,
};

/* What one RTM_NEWLINK message tells about a link. */
struct link_info {
	int ifindex;
	char ifname[IFNAMSIZ];
	enum link_kind kind;
	char info_kind[32];		/* IFLA_INFO_KIND, "" if none */
	bool is_bridge;

	unsigned short type;		/* ARPHRD_* */
	unsigned int flags;		/* IFF_UP, ... */
	uint8_t operstate;
	bool carrier;			/* IFLA_CARRIER */
	bool has_mac;
	uint8_t mac[6];
	uint32_t mtu, min_mtu, max_mtu;
	uint32_t txqlen;
	uint32_t num_tx_queues;
	int master;			/* ifindex, 0 if none */
	int link;			/* lower ifindex (macvtap), 0 if none */
	uint32_t ifgroup;		/* IFLA_GROUP, the link group */

	/* IFLA_TUN_* */
	bool has_owner, has_group;
	uint32_t owner, group;
	bool pi, vnet_hdr, persist, multi_queue;
	/* Attached now (macvtap: the tx queues, attached or not). */
	uint32_t queues, disabled_queues;

	/* IFLA_MACVLAN_* */
	uint32_t macvlan_mode;
	uint32_t nsrcmacs;		/* source mode: as the kernel counts */
	uint8_t srcmacs[LINK_SRCMACS_MAX][6];	/* the first of them */

	/* IFLA_BR_* of a bridge */
	bool vlan_filtering;
	bool has_default_pvid;		/* only with CONFIG_BRIDGE_VLAN_FILTERING */
	uint16_t default_pvid;		/* 0: new ports join no VLAN */

	bool apply_mark;		/* IFLA_IFALIAS is APPLY_MARK */
};

/* Fields of link_change that are set. */
enum {
	LC_MAC = 1 << 0,
	LC_MTU = 1 << 1,
	LC_TXQLEN = 1 << 2,
	LC_UP = 1 << 3,		/* @up says which way */
	LC_MASTER = 1 << 4,	/* @master 0 releases */
	LC_MODE = 1 << 5,	/* macvtap only: @macvlan_mode */
	LC_SRCMACS = 1 << 6,	/* macvtap in source mode: the whole list */
	LC_MARK = 1 << 7,	/* apply's alias (APPLY_MARK) on, or off */
};

/* Everything that one RTM_NEWLINK can change on an existing link. */
struct link_change {
	unsigned int mask;
	uint8_t mac[6];
	uint32_t mtu;
	uint32_t txqlen;
	bool up;
	int master;
	uint32_t macvlan_mode;
	uint32_t nsrcmacs;
	uint8_t srcmacs[LINK_SRCMACS_MAX][6];
	bool mark;
};

bool link_managed(const struct link_info *li);
const char *link_kind_name(enum link_kind kind);

/*
 * The rtnetlink transport of links: these take ctx for its socket, and,
 * like nl_request, return 0 or -errno with the kernel's text left in
 * ctx->extack for the caller's err_sys (see err.h).
 */

/* -ENODEV if there is no such link. */
int link_get(struct ctx *ctx, const char *name, struct link_info *li);
/*
 * While set, link_get answers from @v (@n links sorted by name, as one
 * dump gave them) instead of asking the kernel: apply checks a thousand
 * lines against one dump. NULL stops it.
 */
void link_cache_set(struct ctx *ctx, const struct link_info *v, size_t n);
/* The link named @name among @n links sorted by name, or NULL. */
const struct link_info *link_find(const struct link_info *v, size_t n,
				  const char *name);
int link_get_index(struct ctx *ctx, int ifindex, struct link_info *li);
/* The ifindex of @name (SIOCGIFINDEX), or -errno. */
int link_index(struct ctx *ctx, const char *name);
/*
 * Calls @fn for every link in the kernel's order (ifindex order since
 * Linux 6.6, by hash bucket before); stops at its first non-zero.
 */
int link_dump(struct ctx *ctx,
	      int (*fn)(const struct link_info *li, void *data), void *data);
/*
 * The same dump, handed over whole: @*v (free() it) holds @*n links, in
 * the kernel's order; NULL and 0 on an error.
 */
int link_dump_all(struct ctx *ctx, struct link_info **v, size_t *n);
/*
 * One RTM_NEWLINK on the link @ifindex (or, if @ifindex is 0, the link
 * named @name). The kernel (do_setlink) applies address and MTU, then
 * the up flag, then the master: address and MTU are in place before the
 * link joins a bridge, which keeps the bridge's own address and MTU
 * still. On failure the attributes applied before it stay applied.
 */
int link_change(struct ctx *ctx, int ifindex, const char *name,
		const struct link_change *ch);
/*
 * The change that undoes @ch on a link that was @old. A macvtap that
 * leaves source mode loses its source MACs: the undo gives them back.
 */
void link_change_inverse(const struct link_info *old,
			 const struct link_change *ch,
			 struct link_change *undo);
int link_del(struct ctx *ctx, int ifindex);

/*
 * Many links at once, pipelined (nl_pipeline): @err[i] gets each one's
 * result, 0 or -errno (-ENODEV: no such link); the return value is
 * for the pipeline itself.
 */
int link_get_many(struct ctx *ctx, size_t n, const char *const *names,
		  struct link_info *li, int *err);
/* Puts link @ifindex[i] into link group @group[i]. */
int link_set_group_many(struct ctx *ctx, size_t n, const int *ifindex,
			const uint32_t *group, int *err);
/*
 * Deletes every link of @group in one RTM_DELLINK: the kernel
 * unregisters them together (unregister_netdevice_many: one RCU grace
 * period for all). -ENODEV if the group is empty.
 */
int link_del_group(struct ctx *ctx, uint32_t group);
/*
 * The number of ports of the bridge @master, asked narrowly: a dump
 * that the kernel filters by IFLA_MASTER, so only the ports come back.
 */
int link_count_ports(struct ctx *ctx, int master, unsigned int *n);
/* Name of @ifindex into @buf; "" and -ENODEV if it does not exist. */
int link_name(struct ctx *ctx, int ifindex, char buf[IFNAMSIZ]);

/* Creates a macvtap link; fills @li from the kernel's answer. */
int link_new_macvtap(struct ctx *ctx, const char *name, int lower,
		     uint32_t mode, const struct link_change *ch,
		     struct link_info *li);

#endif
