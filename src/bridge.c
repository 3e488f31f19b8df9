// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include "bridge.h"
#include "ctx.h"
#include "link.h"
#include "nl.h"

int br_get(struct ctx *ctx, const char *name, struct link_info *br)
{
	int ret;

	/* The kernel reads an empty IFLA_IFNAME as "no name given". */
	if (!*name)
		return -ENODEV;
	ret = link_get(ctx, name, br);
	if (ret)
		return ret;
	return br->is_bridge ? 0 : -EOPNOTSUPP;
}

struct route_pick {
	bool found;
	int oif;
	uint32_t metric;
};

static int rta_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, RTA_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case RTA_TABLE:
	case RTA_OIF:
	case RTA_PRIORITY:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_OK;
		break;
	case RTA_MULTIPATH:
		if (mnl_attr_get_payload_len(a) < sizeof(struct rtnexthop))
			return MNL_CB_OK;
		break;
	default:
		return MNL_CB_OK;
	}
	tb[type] = a;
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[RTA_MAX + 1] = { NULL };
	const struct rtnexthop *nh;
	struct route_pick *pick = data;
	uint32_t table, metric;
	int oif = 0;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return MNL_CB_OK;
	if (rtm->rtm_dst_len || rtm->rtm_type != RTN_UNICAST ||
	    (rtm->rtm_flags & RTM_F_CLONED))
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*rtm), rta_cb, tb) < 0)
		return MNL_CB_OK;
	table = tb[RTA_TABLE] ? mnl_attr_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	if (table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	if (tb[RTA_OIF]) {
		oif = (int)mnl_attr_get_u32(tb[RTA_OIF]);
	} else if (tb[RTA_MULTIPATH]) {
		nh = mnl_attr_get_payload(tb[RTA_MULTIPATH]);
		if (nh->rtnh_len >= sizeof(*nh))
			oif = nh->rtnh_ifindex;
	}
	if (oif <= 0)
		return MNL_CB_OK;
	metric = tb[RTA_PRIORITY] ? mnl_attr_get_u32(tb[RTA_PRIORITY]) : 0;
	/* The kernel prefers the lowest metric; the dump is in no order. */
	if (!pick->found || metric < pick->metric) {
		pick->found = true;
		pick->oif = oif;
		pick->metric = metric;
	}
	return MNL_CB_OK;
}

static void route_reset(void *data)
{
	struct route_pick *pick = data;

	pick->found = false;
}

static int default_oif(struct ctx *ctx, unsigned char family, int *oif)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct route_pick pick = { false, 0, 0 };
	struct rtmsg *rtm;
	int ret;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	ret = nl_dump(ctx, nlh, route_cb, &pick, route_reset);
	if (ret)
		return ret;
	*oif = pick.found ? pick.oif : 0;
	return 0;
}

int br_default(struct ctx *ctx, struct link_info *br, char via[IFNAMSIZ])
{
	int oif, ret;

	via[0] = '\0';
	ret = default_oif(ctx, AF_INET, &oif);
	if (!ret && !oif)
		ret = default_oif(ctx, AF_INET6, &oif);
	if (ret)
		return ret;
	if (!oif)
		return -ENOENT;
	ret = link_get_index(ctx, oif, br);
	if (ret)
		return ret;
	memcpy(via, br->ifname, IFNAMSIZ);
	if (br->is_bridge)
		return 0;
	/*
	 * A port of a bridge: the guest belongs on the same segment as the
	 * host's uplink, which is that bridge. (A VLAN or macvlan on top
	 * of a bridge is not followed: which segment is meant is unclear.)
	 */
	if (br->master) {
		ret = link_get_index(ctx, br->master, br);
		if (ret)
			return ret == -ENODEV ? -EOPNOTSUPP : ret;
		if (br->is_bridge)
			return 0;
	}
	return -EOPNOTSUPP;
}
