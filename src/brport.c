// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "brport.h"
#include "compat.h"
#include "ctx.h"
#include "nl.h"

void brport_vlans_make(struct brport_vlans *v, uint16_t pvid,
		       const struct vid_set *tagged)
{
	memset(v, 0, sizeof(*v));
	if (tagged)
		v->member = *tagged;
	if (pvid) {
		v->pvid = pvid;
		vid_set_add(&v->member, pvid);
		vid_set_add(&v->untagged, pvid);
	}
}

bool brport_vlan_tagged(const struct brport_vlans *v, unsigned int vid)
{
	return vid_set_has(&v->member, vid) && !vid_set_has(&v->untagged, vid);
}

bool brport_vlans_equal(const struct brport_vlans *a,
			const struct brport_vlans *b)
{
	return a->pvid == b->pvid &&
	       !memcmp(&a->member, &b->member, sizeof(a->member)) &&
	       !memcmp(&a->untagged, &b->untagged, sizeof(a->untagged));
}

/* BRIDGE_VLAN_INFO_* of @vid in @v, a member. */
static uint16_t vlan_flags(const struct brport_vlans *v, unsigned int vid)
{
	uint16_t flags = 0;

	if (vid == v->pvid)
		flags |= BRIDGE_VLAN_INFO_PVID;
	if (vid_set_has(&v->untagged, vid))
		flags |= BRIDGE_VLAN_INFO_UNTAGGED;
	return flags;
}

/* ------------------------------------------------------------- reading */

static void add_vlan(struct brport_vlans *v, unsigned int lo, unsigned int hi,
		     uint16_t flags)
{
	unsigned int vid;

	for (vid = lo; vid <= hi; vid++) {
		if (vid < PARSE_VID_MIN || vid > PARSE_VID_MAX)
			continue;
		vid_set_add(&v->member, vid);
		if (flags & BRIDGE_VLAN_INFO_UNTAGGED)
			vid_set_add(&v->untagged, vid);
		if (flags & BRIDGE_VLAN_INFO_PVID)
			v->pvid = (uint16_t)vid;
	}
}

/*
 * IFLA_AF_SPEC of an AF_BRIDGE message: IFLA_BRIDGE_VLAN_INFO entries,
 * one per VLAN, or (RTEXT_FILTER_BRVLAN_COMPRESSED) a RANGE_BEGIN entry
 * followed by its RANGE_END, the flags those of the range's first.
 */
static void parse_afspec(const struct nlattr *spec, struct brport_vlans *v)
{
	const struct bridge_vlan_info *vi, *begin = NULL;
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, spec) {
		if (mnl_attr_get_type(a) != IFLA_BRIDGE_VLAN_INFO ||
		    mnl_attr_get_payload_len(a) < sizeof(*vi))
			continue;
		vi = mnl_attr_get_payload(a);
		if (vi->flags & BRIDGE_VLAN_INFO_RANGE_BEGIN) {
			begin = vi;
		} else if ((vi->flags & BRIDGE_VLAN_INFO_RANGE_END) && begin) {
			add_vlan(v, begin->vid, vi->vid, begin->flags);
			begin = NULL;
		} else {
			add_vlan(v, vi->vid, vi->vid, vi->flags);
			begin = NULL;
		}
	}
}

static int protinfo_cb(const struct nlattr *a, void *data)
{
	struct brport *bp = data;

	if (mnl_attr_get_type(a) == IFLA_BRPORT_ISOLATED &&
	    mnl_attr_validate(a, MNL_TYPE_U8) >= 0) {
		bp->isolated = mnl_attr_get_u8(a);
		bp->mask |= BRPORT_ISOLATED;
	}
	return MNL_CB_OK;
}

static int ifla_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, IFLA_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case IFLA_MASTER:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_OK;
		break;
	case IFLA_PROTINFO:
	case IFLA_AF_SPEC:
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
			return MNL_CB_OK;
		break;
	default:
		return MNL_CB_OK;
	}
	tb[type] = a;
	return MNL_CB_OK;
}

/*
 * One message of the AF_BRIDGE dump into @bp; 0 for a bridge port, 1
 * for anything else (the bridge itself reports its own VLANs).
 */
static int parse_port(const struct nlmsghdr *nlh, int *ifindex,
		      struct brport *bp)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1] = { NULL };

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi) ||
	    ifi->ifi_family != AF_BRIDGE ||
	    mnl_attr_parse(nlh, sizeof(*ifi), ifla_cb, tb) < 0 ||
	    !tb[IFLA_MASTER] ||
	    (int)mnl_attr_get_u32(tb[IFLA_MASTER]) == ifi->ifi_index)
		return 1;
	memset(bp, 0, sizeof(*bp));
	*ifindex = ifi->ifi_index;
	if (tb[IFLA_PROTINFO])
		mnl_attr_parse_nested(tb[IFLA_PROTINFO], protinfo_cb, bp);
	/* No IFLA_AF_SPEC: a kernel without VLAN filtering, no VLANs. */
	if (tb[IFLA_AF_SPEC])
		parse_afspec(tb[IFLA_AF_SPEC], &bp->vlans);
	bp->mask |= BRPORT_VLANS;
	return 0;
}

struct dump_data {
	int (*fn)(int ifindex, const struct brport *bp, void *data);
	void *data;
	int ret;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_data *dd = data;
	struct brport bp;
	int ifindex;

	if (dd->ret || parse_port(nlh, &ifindex, &bp))
		return MNL_CB_OK;
	dd->ret = dd->fn(ifindex, &bp, dd->data);
	return MNL_CB_OK;
}

/*
 * AF_BRIDGE has no RTM_GETLINK for one link (the kernel answers such a
 * request as AF_UNSPEC, without VLANs): a dump it is, which lists only
 * bridges and their ports.
 */
int brport_dump(struct ctx *ctx,
		int (*fn)(int ifindex, const struct brport *bp, void *data),
		void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct dump_data dd = { fn, data, 0 };
	struct ifinfomsg *ifi;
	int ret;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_DUMP;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_BRIDGE;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_BRVLAN_COMPRESSED);
	ret = nl_request(ctx, nlh, dump_cb, &dd);
	return ret ? ret : dd.ret;
}

struct get_data {
	int ifindex;
	struct brport *bp;
	bool found;
};

static int get_cb(int ifindex, const struct brport *bp, void *data)
{
	struct get_data *gd = data;

	if (ifindex != gd->ifindex)
		return 0;
	*gd->bp = *bp;
	gd->found = true;
	return 0;
}

int brport_get(struct ctx *ctx, int ifindex, struct brport *bp)
{
	struct get_data gd;
	int ret;

	memset(bp, 0, sizeof(*bp));
	gd.ifindex = ifindex;
	gd.bp = bp;
	gd.found = false;
	ret = brport_dump(ctx, get_cb, &gd);
	if (ret)
		return ret;
	return gd.found ? 0 : -ENOENT;
}

/* ------------------------------------------------------------- writing */

static struct nlmsghdr *port_msg(char *buf, uint16_t type, int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = type;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_BRIDGE;
	ifi->ifi_index = ifindex;
	return nlh;
}

static void put_entry(struct nlmsghdr *nlh, unsigned int vid, uint16_t flags)
{
	struct bridge_vlan_info vi = { .flags = flags, .vid = (uint16_t)vid };

	mnl_attr_put(nlh, IFLA_BRIDGE_VLAN_INFO, sizeof(vi), &vi);
}

/*
 * The VIDs in @which as IFLA_BRIDGE_VLAN_INFO entries with their flags
 * in @v (none if @v is NULL); runs of VIDs with the same flags become
 * one range, which the kernel refuses for the PVID. At most 2047 single
 * entries of 8 bytes: the message fits NL_BUFSIZE.
 */
static void put_vlans(struct nlmsghdr *nlh, const struct vid_set *which,
		      const struct brport_vlans *v)
{
	struct nlattr *spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	unsigned int vid, end;
	uint16_t flags;

	for (vid = PARSE_VID_MIN; vid <= PARSE_VID_MAX; vid = end + 1) {
		end = vid;
		if (!vid_set_has(which, vid))
			continue;
		flags = v ? vlan_flags(v, vid) : 0;
		while (!(flags & BRIDGE_VLAN_INFO_PVID) && end < PARSE_VID_MAX &&
		       vid_set_has(which, end + 1) &&
		       (v ? vlan_flags(v, end + 1) : 0) == flags)
			end++;
		if (end == vid) {
			put_entry(nlh, vid, flags);
		} else {
			put_entry(nlh, vid, flags | BRIDGE_VLAN_INFO_RANGE_BEGIN);
			put_entry(nlh, end, flags | BRIDGE_VLAN_INFO_RANGE_END);
		}
	}
	mnl_attr_nest_end(nlh, spec);
}

static bool vid_set_empty(const struct vid_set *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(s->w); i++)
		if (s->w[i])
			return false;
	return true;
}

static int set_isolated(struct ctx *ctx, int ifindex, bool on)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = port_msg(buf, RTM_SETLINK, ifindex);
	struct nlattr *info;
	int ret;

	/* br_setlink reads a protinfo without NLA_F_NESTED as a port state. */
	info = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
	info->nla_type |= NLA_F_NESTED;
	mnl_attr_put_u8(nlh, IFLA_BRPORT_ISOLATED, on);
	mnl_attr_nest_end(nlh, info);
	ret = nl_request(ctx, nlh, NULL, NULL);
	return ret ? err_sys(ctx, ret, "set bridge port isolation") : 0;
}

static int send_vlans(struct ctx *ctx, uint16_t type, int ifindex,
		      const struct vid_set *which, const struct brport_vlans *v)
{
	static char buf[NL_BUFSIZE];
	struct nlmsghdr *nlh = port_msg(buf, type, ifindex);
	int ret;

	put_vlans(nlh, which, v);
	ret = nl_request(ctx, nlh, NULL, NULL);
	if (ret)
		return err_sys(ctx, ret, type == RTM_DELLINK ?
			       "remove bridge port VLANs" :
			       "add bridge port VLANs");
	return 0;
}

/*
 * The VLANs to remove (in @cur, not in @want) and those to add or whose
 * flags change. A VLAN sent again with other flags takes them as sent,
 * and a new PVID takes the place of the old one.
 */
static int set_vlans(struct ctx *ctx, int ifindex,
		     const struct brport_vlans *want)
{
	struct vid_set del = { { 0 } }, add = { { 0 } };
	struct brport cur;
	unsigned int vid;
	int ret;

	ret = brport_get(ctx, ifindex, &cur);
	if (ret)
		return err_sys(ctx, ret, "read bridge port VLANs");
	for (vid = PARSE_VID_MIN; vid <= PARSE_VID_MAX; vid++) {
		bool in_cur = vid_set_has(&cur.vlans.member, vid);

		if (!vid_set_has(&want->member, vid)) {
			if (in_cur)
				vid_set_add(&del, vid);
		} else if (!in_cur ||
			   vlan_flags(&cur.vlans, vid) != vlan_flags(want, vid)) {
			vid_set_add(&add, vid);
		}
	}
	if (!vid_set_empty(&del) &&
	    (ret = send_vlans(ctx, RTM_DELLINK, ifindex, &del, NULL)))
		return ret;
	if (!vid_set_empty(&add) &&
	    (ret = send_vlans(ctx, RTM_SETLINK, ifindex, &add, want)))
		return ret;
	return 0;
}

int brport_set(struct ctx *ctx, int ifindex, const struct brport *want)
{
	int ret;

	if ((want->mask & BRPORT_ISOLATED) &&
	    (ret = set_isolated(ctx, ifindex, want->isolated)))
		return ret;
	if ((want->mask & BRPORT_VLANS) &&
	    (ret = set_vlans(ctx, ifindex, &want->vlans)))
		return ret;
	return 0;
}
