// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>

#include "apply.h"
#include "compat.h"
#include "ctx.h"
#include "link.h"
#include "nl.h"

bool link_managed(const struct link_info *li)
{
	return li->kind == LINK_TUN || li->kind == LINK_TAP ||
	       li->kind == LINK_MACVTAP;
}

const char *link_kind_name(enum link_kind kind)
{
	switch (kind) {
	case LINK_TUN:
		return "tun";
	case LINK_TAP:
		return "tap";
	case LINK_MACVTAP:
		return "macvtap";
	default:
		return "other";
	}
}

/*
 * Attribute policy: unknown types are skipped, known ones validated.
 * A loop, not mnl_attr_parse(): a callback and three library calls for
 * each of the fifty-odd attributes of a link were most of a dump's
 * parsing.
 */
static void keep(const struct nlattr *a, int max, const uint8_t *types,
		 const struct nlattr **tb)
{
	uint16_t type = mnl_attr_get_type(a);

	if (type > max || !types[type] ||
	    mnl_attr_validate(a, (enum mnl_attr_data_type)types[type]) < 0)
		return;
	tb[type] = a;
}

/*
 * A validated (NUL-terminated) string attribute into @dst, which the
 * caller zeroed: cut to @size - 1 bytes, without snprintf (once per link
 * of a dump).
 */
static void copy_str(char *dst, size_t size, const struct nlattr *a)
{
	const char *s = mnl_attr_get_str(a);

	memcpy(dst, s, strnlen(s, size - 1));
}

/*
 * mnl_attr_for_each() with the end found once, not once per attribute:
 * a link dump walks some fifty thousand attributes per thousand links.
 */
static void keep_all(const void *start, const void *end, int max,
		     const uint8_t *types, const struct nlattr **tb)
{
	const struct nlattr *a = start;

	for (; mnl_attr_ok(a, (int)((const char *)end - (const char *)a));
	     a = mnl_attr_next(a))
		keep(a, max, types, tb);
}

static void parse_nested(const struct nlattr *nest, int max,
			 const uint8_t *types, const struct nlattr **tb)
{
	keep_all(mnl_attr_get_payload(nest),
		 (const char *)nest + mnl_attr_get_len(nest), max, types, tb);
}

static const uint8_t ifla_types[IFLA_MAX + 1] = {
	[IFLA_IFNAME] = MNL_TYPE_NUL_STRING,
	[IFLA_ADDRESS] = MNL_TYPE_BINARY,
	[IFLA_MTU] = MNL_TYPE_U32,
	[IFLA_MIN_MTU] = MNL_TYPE_U32,
	[IFLA_MAX_MTU] = MNL_TYPE_U32,
	[IFLA_TXQLEN] = MNL_TYPE_U32,
	[IFLA_CARRIER] = MNL_TYPE_U8,
	[IFLA_MASTER] = MNL_TYPE_U32,
	[IFLA_LINK] = MNL_TYPE_U32,
	[IFLA_OPERSTATE] = MNL_TYPE_U8,
	[IFLA_NUM_TX_QUEUES] = MNL_TYPE_U32,
	[IFLA_LINKINFO] = MNL_TYPE_NESTED,
	[IFLA_GROUP] = MNL_TYPE_U32,
	[IFLA_IFALIAS] = MNL_TYPE_NUL_STRING,
};

static const uint8_t info_types[IFLA_INFO_MAX + 1] = {
	[IFLA_INFO_KIND] = MNL_TYPE_NUL_STRING,
	[IFLA_INFO_DATA] = MNL_TYPE_NESTED,
};

static const uint8_t tun_types[IFLA_TUN_MAX + 1] = {
	[IFLA_TUN_OWNER] = MNL_TYPE_U32,
	[IFLA_TUN_GROUP] = MNL_TYPE_U32,
	[IFLA_TUN_TYPE] = MNL_TYPE_U8,
	[IFLA_TUN_PI] = MNL_TYPE_U8,
	[IFLA_TUN_VNET_HDR] = MNL_TYPE_U8,
	[IFLA_TUN_PERSIST] = MNL_TYPE_U8,
	[IFLA_TUN_MULTI_QUEUE] = MNL_TYPE_U8,
	[IFLA_TUN_NUM_QUEUES] = MNL_TYPE_U32,
	[IFLA_TUN_NUM_DISABLED_QUEUES] = MNL_TYPE_U32,
};

static const uint8_t macvlan_types[IFLA_MACVLAN_MAX + 1] = {
	[IFLA_MACVLAN_MODE] = MNL_TYPE_U32,
	[IFLA_MACVLAN_MACADDR_COUNT] = MNL_TYPE_U32,
	[IFLA_MACVLAN_MACADDR_DATA] = MNL_TYPE_NESTED,
};

static const uint8_t br_types[IFLA_BR_MAX + 1] = {
	[IFLA_BR_VLAN_FILTERING] = MNL_TYPE_U8,
	[IFLA_BR_VLAN_DEFAULT_PVID] = MNL_TYPE_U16,
};

static void parse_tun(const struct nlattr *data, struct link_info *li)
{
	const struct nlattr *tb[IFLA_TUN_MAX + 1] = { NULL };

	parse_nested(data, IFLA_TUN_MAX, tun_types, tb);
	li->kind = LINK_TAP;
	if (tb[IFLA_TUN_TYPE] && mnl_attr_get_u8(tb[IFLA_TUN_TYPE]) == IFF_TUN)
		li->kind = LINK_TUN;
	if (tb[IFLA_TUN_OWNER]) {
		li->has_owner = true;
		li->owner = mnl_attr_get_u32(tb[IFLA_TUN_OWNER]);
	}
	if (tb[IFLA_TUN_GROUP]) {
		li->has_group = true;
		li->group = mnl_attr_get_u32(tb[IFLA_TUN_GROUP]);
	}
	li->pi = tb[IFLA_TUN_PI] && mnl_attr_get_u8(tb[IFLA_TUN_PI]);
	li->vnet_hdr = tb[IFLA_TUN_VNET_HDR] &&
		       mnl_attr_get_u8(tb[IFLA_TUN_VNET_HDR]);
	li->persist = tb[IFLA_TUN_PERSIST] &&
		      mnl_attr_get_u8(tb[IFLA_TUN_PERSIST]);
	li->multi_queue = tb[IFLA_TUN_MULTI_QUEUE] &&
			  mnl_attr_get_u8(tb[IFLA_TUN_MULTI_QUEUE]);
	/*
	 * The kernel reports queue counts only for multi_queue devices; a
	 * single-queue one has carrier exactly while its queue is attached.
	 */
	li->queues = !li->multi_queue && li->carrier;
	if (tb[IFLA_TUN_NUM_QUEUES])
		li->queues = mnl_attr_get_u32(tb[IFLA_TUN_NUM_QUEUES]);
	if (tb[IFLA_TUN_NUM_DISABLED_QUEUES])
		li->disabled_queues =
			mnl_attr_get_u32(tb[IFLA_TUN_NUM_DISABLED_QUEUES]);
}

static int mac_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 6);
}

/* The kernel lists source MACs in its hash order: sorted here. */
static void parse_macvlan(const struct nlattr *data, struct link_info *li)
{
	const struct nlattr *mv[IFLA_MACVLAN_MAX + 1] = { NULL };
	const struct nlattr *a;

	parse_nested(data, IFLA_MACVLAN_MAX, macvlan_types, mv);
	if (mv[IFLA_MACVLAN_MODE])
		li->macvlan_mode = mnl_attr_get_u32(mv[IFLA_MACVLAN_MODE]);
	if (!mv[IFLA_MACVLAN_MACADDR_DATA])
		return;
	mnl_attr_for_each_nested(a, mv[IFLA_MACVLAN_MACADDR_DATA]) {
		if (mnl_attr_get_type(a) != IFLA_MACVLAN_MACADDR ||
		    mnl_attr_get_payload_len(a) != 6)
			continue;
		if (li->nsrcmacs < LINK_SRCMACS_MAX)
			memcpy(li->srcmacs[li->nsrcmacs], mnl_attr_get_payload(a), 6);
		li->nsrcmacs++;
	}
	qsort(li->srcmacs, li->nsrcmacs < LINK_SRCMACS_MAX ? li->nsrcmacs :
	      LINK_SRCMACS_MAX, sizeof(li->srcmacs[0]), mac_cmp);
	if (mv[IFLA_MACVLAN_MACADDR_COUNT] &&
	    mnl_attr_get_u32(mv[IFLA_MACVLAN_MACADDR_COUNT]) > li->nsrcmacs)
		li->nsrcmacs = mnl_attr_get_u32(mv[IFLA_MACVLAN_MACADDR_COUNT]);
}

static void parse_bridge(const struct nlattr *data, struct link_info *li)
{
	const struct nlattr *tb[IFLA_BR_MAX + 1] = { NULL };

	parse_nested(data, IFLA_BR_MAX, br_types, tb);
	li->vlan_filtering = tb[IFLA_BR_VLAN_FILTERING] &&
			     mnl_attr_get_u8(tb[IFLA_BR_VLAN_FILTERING]);
	if (tb[IFLA_BR_VLAN_DEFAULT_PVID]) {
		li->has_default_pvid = true;
		li->default_pvid = mnl_attr_get_u16(tb[IFLA_BR_VLAN_DEFAULT_PVID]);
	}
}

static void parse_linkinfo(const struct nlattr *linkinfo, struct link_info *li)
{
	const struct nlattr *tb[IFLA_INFO_MAX + 1] = { NULL };

	parse_nested(linkinfo, IFLA_INFO_MAX, info_types, tb);
	if (!tb[IFLA_INFO_KIND])
		return;
	copy_str(li->info_kind, sizeof(li->info_kind), tb[IFLA_INFO_KIND]);
	if (!strcmp(li->info_kind, "tun")) {
		li->kind = LINK_TAP;
		if (tb[IFLA_INFO_DATA])
			parse_tun(tb[IFLA_INFO_DATA], li);
	} else if (!strcmp(li->info_kind, "macvtap") ||
		   !strcmp(li->info_kind, "macvlan")) {
		/* A macvlan's mode matters to a macvtap on the same lower. */
		if (!strcmp(li->info_kind, "macvtap")) {
			li->kind = LINK_MACVTAP;
			li->persist = true;
			li->queues = li->num_tx_queues;
		}
		if (tb[IFLA_INFO_DATA])
			parse_macvlan(tb[IFLA_INFO_DATA], li);
	} else if (!strcmp(li->info_kind, "bridge")) {
		li->is_bridge = true;
		if (tb[IFLA_INFO_DATA])
			parse_bridge(tb[IFLA_INFO_DATA], li);
	}
}

static int parse_link(const struct nlmsghdr *nlh, struct link_info *li)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1] = { NULL };

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return -EBADMSG;
	keep_all(mnl_nlmsg_get_payload_offset(nlh, sizeof(*ifi)),
		 mnl_nlmsg_get_payload_tail(nlh), IFLA_MAX, ifla_types, tb);
	if (!tb[IFLA_IFNAME])
		return -EBADMSG;
	memset(li, 0, sizeof(*li));
	li->ifindex = ifi->ifi_index;
	li->type = ifi->ifi_type;
	li->flags = ifi->ifi_flags;
	copy_str(li->ifname, sizeof(li->ifname), tb[IFLA_IFNAME]);
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6) {
		li->has_mac = true;
		memcpy(li->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), 6);
	}
	if (tb[IFLA_MTU])
		li->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_MIN_MTU])
		li->min_mtu = mnl_attr_get_u32(tb[IFLA_MIN_MTU]);
	if (tb[IFLA_MAX_MTU])
		li->max_mtu = mnl_attr_get_u32(tb[IFLA_MAX_MTU]);
	if (tb[IFLA_TXQLEN])
		li->txqlen = mnl_attr_get_u32(tb[IFLA_TXQLEN]);
	/* Before IFLA_LINKINFO: a tun/tap's queue count comes from it. */
	if (tb[IFLA_CARRIER])
		li->carrier = mnl_attr_get_u8(tb[IFLA_CARRIER]);
	if (tb[IFLA_MASTER])
		li->master = (int)mnl_attr_get_u32(tb[IFLA_MASTER]);
	if (tb[IFLA_LINK])
		li->link = (int)mnl_attr_get_u32(tb[IFLA_LINK]);
	if (tb[IFLA_GROUP])
		li->ifgroup = mnl_attr_get_u32(tb[IFLA_GROUP]);
	if (tb[IFLA_OPERSTATE])
		li->operstate = mnl_attr_get_u8(tb[IFLA_OPERSTATE]);
	if (tb[IFLA_NUM_TX_QUEUES])
		li->num_tx_queues = mnl_attr_get_u32(tb[IFLA_NUM_TX_QUEUES]);
	if (tb[IFLA_LINKINFO])
		parse_linkinfo(tb[IFLA_LINKINFO], li);
	li->apply_mark = tb[IFLA_IFALIAS] &&
			 !strcmp(mnl_attr_get_str(tb[IFLA_IFALIAS]), APPLY_MARK);
	return 0;
}

static struct nlmsghdr *getlink_msg(char *buf, int ifindex, const char *name,
				    bool dump)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = dump ? NLM_F_DUMP : 0;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	/* Statistics are most of each message and never used here. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return nlh;
}

struct get_data {
	struct link_info *li;
	int ret;
};

static int get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct get_data *gd = data;

	gd->ret = parse_link(nlh, gd->li);
	return MNL_CB_OK;
}

static int get(struct ctx *ctx, int ifindex, const char *name,
	       struct link_info *li)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct get_data gd = { li, -ENODEV };
	int ret;

	ret = nl_request(ctx, getlink_msg(buf, ifindex, name, false), get_cb,
			 &gd);
	if (ret == -ENODEV || ret == -ENOENT) {
		/* Not an error worth the kernel's text: the caller words it. */
		ctx->extack[0] = '\0';
		return -ENODEV;
	}
	return ret ? ret : gd.ret;
}

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct link_info *)elem)->ifname);
}

const struct link_info *link_find(const struct link_info *v, size_t n,
				  const char *name)
{
	return bsearch(name, v, n, sizeof(*v), cmp_name);
}

void link_cache_set(struct ctx *ctx, const struct link_info *v, size_t n)
{
	ctx->cache = v;
	ctx->ncache = n;
}

int link_get(struct ctx *ctx, const char *name, struct link_info *li)
{
	const struct link_info *hit;

	if (ctx->cache) {
		hit = link_find(ctx->cache, ctx->ncache, name);
		if (!hit)
			return -ENODEV;
		*li = *hit;
		return 0;
	}
	return get(ctx, 0, name, li);
}

int link_get_index(struct ctx *ctx, int ifindex, struct link_info *li)
{
	return get(ctx, ifindex, NULL, li);
}

int link_index(struct ctx *ctx, const char *name)
{
	struct ifreq ifr;
	int ret;

	if ((ret = nl_open(ctx)))
		return ret;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	/* Any socket answers the device ioctls: no socket of its own. */
	if (ioctl(mnl_socket_get_fd(ctx->nl), SIOCGIFINDEX, &ifr) < 0)
		return -errno;
	return ifr.ifr_ifindex > 0 ? ifr.ifr_ifindex : -ENODEV;
}

int link_name(struct ctx *ctx, int ifindex, char buf[IFNAMSIZ])
{
	struct link_info li = { 0 };
	int ret;

	buf[0] = '\0';
	ret = link_get_index(ctx, ifindex, &li);
	if (!ret)
		memcpy(buf, li.ifname, IFNAMSIZ);
	return ret;
}

/*
 * A dump is gathered whole before @fn sees any of it: a run that links
 * changing under it interrupted (NLM_F_DUMP_INTR) is thrown away and
 * made again, so @fn only ever sees one consistent picture.
 */
struct dump_data {
	struct link_info *v;
	size_t n, cap;
	int ret;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_data *dd = data;
	struct link_info *v;
	size_t cap;

	if (dd->n == dd->cap) {
		cap = dd->cap ? 2 * dd->cap : 64;
		v = realloc(dd->v, cap * sizeof(*v));
		if (!v) {
			dd->ret = -ENOMEM;
			return MNL_CB_STOP;
		}
		dd->v = v;
		dd->cap = cap;
	}
	if (!parse_link(nlh, &dd->v[dd->n]))
		dd->n++;
	return MNL_CB_OK;
}

static void dump_reset(void *data)
{
	struct dump_data *dd = data;

	dd->n = 0;
	dd->ret = 0;
}

int link_dump_all(struct ctx *ctx, struct link_info **v, size_t *n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct dump_data dd = { NULL, 0, 0, 0 };
	int ret;

	ret = nl_dump(ctx, getlink_msg(buf, 0, NULL, true), dump_cb, &dd,
		      dump_reset);
	if (!ret)
		ret = dd.ret;
	if (ret) {
		free(dd.v);
		dd.v = NULL;
		dd.n = 0;
	}
	*v = dd.v;
	*n = dd.n;
	return ret;
}

int link_dump(struct ctx *ctx,
	      int (*fn)(const struct link_info *li, void *data), void *data)
{
	struct link_info *v;
	size_t i, n;
	int ret;

	ret = link_dump_all(ctx, &v, &n);
	for (i = 0; !ret && i < n; i++)
		ret = fn(&v[i], data);
	free(v);
	return ret;
}

/*
 * macvlan_changelink applies the mode first, then the source list:
 * MACVLAN_MACADDR_SET flushes the old list and adds the new, in the one
 * message that also makes the link a source-mode one.
 */
static void put_macvlan(struct nlmsghdr *nlh, const struct link_change *ch)
{
	struct nlattr *list;
	uint32_t i;

	if (ch->mask & LC_MODE)
		mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, ch->macvlan_mode);
	if (!(ch->mask & LC_SRCMACS))
		return;
	mnl_attr_put_u32(nlh, IFLA_MACVLAN_MACADDR_MODE, MACVLAN_MACADDR_SET);
	list = mnl_attr_nest_start(nlh, IFLA_MACVLAN_MACADDR_DATA);
	for (i = 0; i < ch->nsrcmacs && i < LINK_SRCMACS_MAX; i++)
		mnl_attr_put(nlh, IFLA_MACVLAN_MACADDR, 6, ch->srcmacs[i]);
	mnl_attr_nest_end(nlh, list);
}

struct ports_data {
	int master;
	unsigned int n;
};

static int ports_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ports_data *pd = data;
	struct link_info li;

	/* A kernel that does not filter sends every link: count ports. */
	if (!parse_link(nlh, &li) && li.master == pd->master)
		pd->n++;
	return MNL_CB_OK;
}

static void ports_reset(void *data)
{
	struct ports_data *pd = data;

	pd->n = 0;
}

int link_count_ports(struct ctx *ctx, int master, unsigned int *n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ports_data pd = { master, 0 };
	struct nlmsghdr *nlh = getlink_msg(buf, 0, NULL, true);
	int ret;

	/* rtnl_dump_ifinfo filters by IFLA_MASTER: only the ports come. */
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	ret = nl_dump(ctx, nlh, ports_cb, &pd, ports_reset);
	*n = pd.n;
	return ret;
}

static void put_change(struct nlmsghdr *nlh, struct ifinfomsg *ifi,
		       const struct link_change *ch)
{
	if (ch->mask & LC_MAC)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, ch->mac);
	if (ch->mask & LC_MTU)
		mnl_attr_put_u32(nlh, IFLA_MTU, ch->mtu);
	if (ch->mask & LC_TXQLEN)
		mnl_attr_put_u32(nlh, IFLA_TXQLEN, ch->txqlen);
	if (ch->mask & LC_MASTER)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)ch->master);
	/* As ip does, without the NUL; an empty one removes the alias. */
	if (ch->mask & LC_MARK)
		mnl_attr_put(nlh, IFLA_IFALIAS,
			     ch->mark ? strlen(APPLY_MARK) : 0, APPLY_MARK);
	if (ch->mask & LC_UP) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = ch->up ? IFF_UP : 0;
	}
	if (ch->mask & (LC_MODE | LC_SRCMACS)) {
		struct nlattr *linkinfo, *data;

		linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "macvtap");
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		put_macvlan(nlh, ch);
		mnl_attr_nest_end(nlh, data);
		mnl_attr_nest_end(nlh, linkinfo);
	}
}

int link_change(struct ctx *ctx, int ifindex, const char *name,
		const struct link_change *ch)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if (!ch->mask)
		return 0;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (!ifindex)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	put_change(nlh, ifi, ch);
	return nl_request(ctx, nlh, NULL, NULL);
}

void link_change_inverse(const struct link_info *old,
			 const struct link_change *ch, struct link_change *undo)
{
	memset(undo, 0, sizeof(*undo));
	undo->mask = ch->mask;
	memcpy(undo->mac, old->mac, 6);
	undo->mtu = old->mtu;
	undo->txqlen = old->txqlen;
	undo->up = old->flags & IFF_UP;
	undo->master = old->master;
	undo->macvlan_mode = old->macvlan_mode;
	undo->mark = old->apply_mark;
	if (!old->has_mac)
		undo->mask &= ~(unsigned int)LC_MAC;
	/* Out of source mode the kernel refuses a list (and has none). */
	undo->mask &= ~(unsigned int)LC_SRCMACS;
	if (old->macvlan_mode == MACVLAN_MODE_SOURCE &&
	    (ch->mask & (LC_MODE | LC_SRCMACS))) {
		undo->mask |= LC_SRCMACS;
		undo->nsrcmacs = old->nsrcmacs;
		memcpy(undo->srcmacs, old->srcmacs, sizeof(undo->srcmacs));
	}
}

/*
 * One RTM_DELLINK: of the link @ifindex, or of every link of *@group.
 * Never a group by default: group 0 holds every link.
 */
static int del_msg(struct ctx *ctx, int ifindex, const uint32_t *group)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_DELLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (group)
		mnl_attr_put_u32(nlh, IFLA_GROUP, *group);
	return nl_request(ctx, nlh, NULL, NULL);
}

int link_del(struct ctx *ctx, int ifindex)
{
	return del_msg(ctx, ifindex, NULL);
}

static int echo_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_info *li = data;

	if (nlh->nlmsg_type == RTM_NEWLINK)
		parse_link(nlh, li);
	return MNL_CB_OK;
}

/*
 * The create request failed with @ret, but perhaps only its answer was
 * lost (a receive failed): the kernel then made the link all the same.
 * Asks the kernel, on a fresh socket (the lost answer may still be on
 * the old one), whether a macvtap @name on @lower is there now: it can
 * only be ours, as the request was exclusive. Returns 0 with @li filled
 * if so, else @ret. A template's name is unknown: @ret.
 */
static int created_anyway(struct ctx *ctx, const char *name, int lower,
			  int ret, struct link_info *li)
{
	struct link_info now = { 0 };
	char extack[sizeof(ctx->extack)];

	if (ret == -EEXIST || strchr(name, '%'))
		return ret;
	memcpy(extack, ctx->extack, sizeof(extack));
	nl_close(ctx);
	if (link_get(ctx, name, &now) || now.kind != LINK_MACVTAP ||
	    now.link != lower) {
		memcpy(ctx->extack, extack, sizeof(extack));
		return ret;
	}
	*li = now;
	return 0;
}

int link_new_macvtap(struct ctx *ctx, const char *name, int lower,
		     uint32_t mode, const struct link_change *ch,
		     struct link_info *li)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct nlattr *linkinfo, *data;
	struct link_change c = *ch;
	int ret;

	/* NLM_F_ECHO: the kernel's answer names what a %d became. */
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)lower);
	/* Mode and source MACs go in the one IFLA_LINKINFO below. */
	c.mask &= ~(unsigned int)(LC_MODE | LC_SRCMACS | LC_MARK);
	put_change(nlh, ifi, &c);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "macvtap");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	c.mask = LC_MODE | (ch->mask & LC_SRCMACS);
	c.macvlan_mode = mode;
	put_macvlan(nlh, &c);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);

	memset(li, 0, sizeof(*li));
	ret = nl_request(ctx, nlh, echo_cb, li);
	if (ret)
		return created_anyway(ctx, name, lower, ret, li);
	if (!li->ifindex && !strchr(name, '%'))
		return link_get(ctx, name, li);
	return li->ifindex ? 0 : -EPROTO;
}

struct many {
	size_t n;
	const char *const *names;
	const int *ifindex;
	const uint32_t *group;
	struct link_info *li;
	int *err;
};

static struct nlmsghdr *get_build(void *data, size_t i, char *buf)
{
	struct many *m = data;

	return getlink_msg(buf, 0, m->names[i], false);
}

static int get_msg(void *data, size_t i, const struct nlmsghdr *nlh)
{
	struct many *m = data;

	if (parse_link(nlh, &m->li[i]))
		m->err[i] = -EBADMSG;
	return 0;
}

static int many_done(void *data, size_t i, int err)
{
	struct many *m = data;

	if (err == -ENOENT)
		err = -ENODEV;
	if (!m->err[i])
		m->err[i] = err;
	return 0;
}

int link_get_many(struct ctx *ctx, size_t n, const char *const *names,
		  struct link_info *li, int *err)
{
	static const struct nl_pipe ops = { get_build, get_msg, many_done };
	struct many m = { n, names, NULL, NULL, li, err };
	size_t i;

	for (i = 0; i < n; i++) {
		err[i] = 0;
		li[i].ifindex = 0;
	}
	return nl_pipeline(ctx, n, &ops, &m);
}

static struct nlmsghdr *group_build(void *data, size_t i, char *buf)
{
	struct many *m = data;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = m->ifindex[i];
	mnl_attr_put_u32(nlh, IFLA_GROUP, m->group[i]);
	return nlh;
}

int link_set_group_many(struct ctx *ctx, size_t n, const int *ifindex,
			const uint32_t *group, int *err)
{
	static const struct nl_pipe ops = { group_build, NULL, many_done };
	struct many m = { n, NULL, ifindex, group, NULL, err };
	size_t i;

	for (i = 0; i < n; i++)
		err[i] = 0;
	return nl_pipeline(ctx, n, &ops, &m);
}

int link_del_group(struct ctx *ctx, uint32_t group)
{
	return del_msg(ctx, 0, &group);
}
