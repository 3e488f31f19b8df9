// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

/*
 * The one executor: a plan (plan.h) carried out in ordered steps, each
 * change logged in the caller's undo log before it is made, so that
 * the log can put back whatever a failure left half done.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "brport.h"
#include "compat.h"
#include "ctx.h"
#include "holder.h"
#include "link.h"
#include "macvtap.h"
#include "plan.h"
#include "tun.h"

enum undo_type {
	UNDO_CLOSE,	/* a new tun/tap: closing its descriptor removes it */
	UNDO_DELETE,	/* a new link: RTM_DELLINK (and a macvtap's node) */
	UNDO_LINK,	/* an RTM_NEWLINK on an existing link: the inverse */
	UNDO_IDS,	/* TUNSETOWNER/TUNSETGROUP on an existing tun/tap */
	UNDO_PORT,	/* bridge-port settings of an existing port */
};

struct undo_entry {
	enum undo_type type;
	int fd;
	unsigned int mask;		/* UNDO_IDS: PLAN_OWNER, PLAN_GROUP */
	struct link_info li;		/* the link as it was */
	struct link_change ch;		/* UNDO_LINK */
	struct brport port;		/* UNDO_PORT: the settings before */
};

void undo_init(struct undo *u)
{
	memset(u, 0, sizeof(*u));
}

static struct undo_entry *undo_add(struct ctx *ctx, struct undo *u,
				   enum undo_type type)
{
	struct undo_entry *v;
	size_t cap;

	if (u->n == u->cap) {
		cap = u->cap ? 2 * u->cap : 8;
		v = realloc(u->v, cap * sizeof(*v));
		if (!v) {
			err_sys(ctx, -ENOMEM, "undo log");
			return NULL;
		}
		u->v = v;
		u->cap = cap;
	}
	v = &u->v[u->n++];
	memset(v, 0, sizeof(*v));
	v->type = type;
	v->fd = -1;
	return v;
}

static int attach(struct ctx *ctx, const struct link_info *li);

/* Best effort: the kernel cannot clear an owner or group once set. */
static void undo_ids(struct ctx *ctx, const struct undo_entry *e)
{
	int fd = attach(ctx, &e->li);

	if (fd < 0)
		return;
	if ((e->mask & PLAN_OWNER) && e->li.has_owner)
		tun_set_owner(fd, e->li.owner);
	if ((e->mask & PLAN_GROUP) && e->li.has_group)
		tun_set_group(fd, e->li.group);
	close(fd);
}

static void undo_one(struct ctx *ctx, struct undo_entry *e)
{
	switch (e->type) {
	case UNDO_CLOSE:
		close(e->fd);
		break;
	case UNDO_DELETE:
		if (!link_del(ctx, e->li.ifindex) && e->li.kind == LINK_MACVTAP)
			mvt_forget(ctx, &e->li);
		break;
	case UNDO_LINK:
		link_change(ctx, e->li.ifindex, NULL, &e->ch);
		break;
	case UNDO_IDS:
		undo_ids(ctx, e);
		break;
	case UNDO_PORT:
		brport_set(ctx, e->li.ifindex, &e->port);
		break;
	}
}

void undo_run(struct ctx *ctx, struct undo *u)
{
	/* err_* keep the first error: the cause, not the undo's. */
	while (u->n)
		undo_one(ctx, &u->v[--u->n]);
}

void undo_free(struct undo *u)
{
	free(u->v);
	undo_init(u);
}

/* One run of plan_exec. */
struct run {
	const struct plan *p;
	struct link_info dev;		/* the device before (existing) */
	bool exists;
	int fd;				/* attached descriptor, or -1 */
	size_t made;			/* the creation's log entry */
	bool linked;			/* the link step is done (macvtap) */
	bool settled;			/* ids and persistence set early */
	struct undo *u;
	struct plan_result *res;
};

/*
 * A descriptor that a process already holds on the device, duplicated
 * with pidfd_getfd(): the ioctls act on the device, not on the file, and
 * closing the duplicate leaves the holder attached.
 */
static int borrow(const struct link_info *li)
{
	struct holders h = { 0 };
	char name[IFNAMSIZ];
	size_t i;
	int fd = -EBUSY, ret;

	ret = holder_scan(&h, NULL, 0);
	for (i = 0; !ret && i < h.n && fd < 0; i++) {
		if (strcmp(h.v[i].ifname, li->ifname))
			continue;
		fd = holder_dup(h.v[i].pid, h.v[i].fd);
		/* The holder may have closed or reused it since the scan. */
		if (fd >= 0 && (tun_get_iff(fd, name, NULL) ||
				strcmp(name, li->ifname))) {
			close(fd);
			fd = -EBUSY;
		}
	}
	holder_free(&h);
	return ret ? ret : fd;
}

/*
 * Owner, group and persistence are ioctls on an attached descriptor.
 * Attaching as the first queue would overwrite the device's features
 * with ours, so it attaches with the device's own flags. A device in
 * use is not attached to: a single-queue one refuses (EBUSY), and a new
 * queue on a multi-queue one would take a share of its traffic until it
 * closes. The holder's own descriptor serves instead.
 */
static int attach(struct ctx *ctx, const struct link_info *li)
{
	char name[IFNAMSIZ];
	int fd = -EBUSY;

	memcpy(name, li->ifname, IFNAMSIZ);
	if (!(li->multi_queue && li->queues))
		fd = tun_open(name, tun_flags_of(li));
	if (fd == -EBUSY)
		fd = borrow(li);
	if (fd == -EBUSY || fd == -EPERM)
		return err_fail(ctx, fd,
				"the device is in use and its holder's descriptor cannot be borrowed: %s",
				strerror(-fd));
	if (fd < 0)
		return err_sys(ctx, fd, "attach");
	return fd;
}

/* The part of the plan that one RTM_NEWLINK carries. */
static void link_part(const struct plan *p, bool with_up,
		      struct link_change *ch)
{
	memset(ch, 0, sizeof(*ch));
	if (p->mask & PLAN_MAC) {
		ch->mask |= LC_MAC;
		memcpy(ch->mac, p->mac, 6);
	}
	if (p->mask & PLAN_MTU) {
		ch->mask |= LC_MTU;
		ch->mtu = p->mtu;
	}
	if (p->mask & PLAN_TXQLEN) {
		ch->mask |= LC_TXQLEN;
		ch->txqlen = p->txqlen;
	}
	if (p->mask & PLAN_MASTER) {
		ch->mask |= LC_MASTER;
		ch->master = p->master;
	}
	if (with_up && (p->mask & PLAN_UP)) {
		ch->mask |= LC_UP;
		ch->up = p->up;
	}
	if (p->mask & PLAN_MODE) {
		ch->mask |= LC_MODE;
		ch->macvlan_mode = p->mode;
	}
	if (p->mask & PLAN_MVT_SOURCE) {
		ch->mask |= LC_SRCMACS;
		ch->nsrcmacs = p->nsrcmacs;
		memcpy(ch->srcmacs, p->srcmacs, sizeof(ch->srcmacs));
	}
	if (p->mask & PLAN_MARK) {
		ch->mask |= LC_MARK;
		ch->mark = true;
	}
}

/*
 * Bridge-port settings must be in place before the port forwards: then
 * the up flag waits for them in a message of its own.
 */
static bool late_up(const struct plan *p)
{
	return (p->mask & PLAN_PORT_MASK) && (p->mask & PLAN_UP) && p->up;
}

/* The device joins a bridge it is not a port of yet. */
static bool joins(const struct run *r)
{
	const struct plan *p = r->p;

	return (p->mask & PLAN_MASTER) && p->master &&
	       (!r->exists || p->master != r->dev.master);
}

/*
 * A port that leaves its bridge (for none, or another) loses its VLANs
 * and isolation there. Logged before the link step, whose undo puts it
 * back in that bridge, so that they are given back after that.
 */
static int log_leave(struct ctx *ctx, struct run *r)
{
	struct undo_entry *e;
	struct brport old;
	int ret;

	if (!r->exists || !r->dev.master || !(r->p->mask & PLAN_MASTER) ||
	    r->p->master == r->dev.master)
		return 0;
	ret = brport_get(ctx, r->dev.ifindex, &old);
	if (ret == -ENOENT)
		return 0;	/* the port of a bond, say: nothing of ours */
	if (ret)
		return err_sys(ctx, ret, "read the bridge port");
	if (!(e = undo_add(ctx, r->u, UNDO_PORT)))
		return -ENOMEM;
	e->li = r->dev;
	e->port = old;
	return 0;
}

/* A bridge has at most BR_MAX_PORTS - 1 = 1023 ports. */
#define BR_PORTS 1023

/*
 * The kernel (do_setlink) brings a link up before it tries IFLA_MASTER,
 * and a full bridge refuses it only then (EXFULL). A new device is
 * undone whole; an existing one that was down would keep a trace undo
 * cannot take back (the default qdisc of a link that was up once). For
 * that one case only, the bridge is asked for its port count first,
 * narrowly (link_count_ports); everywhere else the kernel decides.
 */
static int check_room(struct ctx *ctx, const struct run *r)
{
	const struct plan *p = r->p;
	unsigned int n;
	int ret;

	if (!r->exists || (r->dev.flags & IFF_UP) || !(p->mask & PLAN_MASTER) ||
	    !p->master || p->master == r->dev.master ||
	    !(p->mask & PLAN_UP) || !p->up)
		return 0;
	if ((ret = link_count_ports(ctx, p->master, &n)))
		return err_sys(ctx, ret, "count the bridge's ports");
	return n >= BR_PORTS ? -EXFULL : 0;
}

/* Logs a change to an existing link before it is made. */
static int log_change(struct ctx *ctx, struct run *r,
		      const struct link_change *ch)
{
	struct undo_entry *e;

	if (!r->exists)
		return 0;	/* undoing the creation undoes this too */
	if (!(e = undo_add(ctx, r->u, UNDO_LINK)))
		return -ENOMEM;
	e->li = r->dev;
	link_change_inverse(&r->dev, ch, &e->ch);
	return 0;
}

static int send_change(struct ctx *ctx, struct run *r,
		       const struct link_change *ch)
{
	int ret;

	if (!ch->mask)
		return 0;
	if ((ret = log_change(ctx, r, ch)))
		return ret;
	/* The kernel applies attributes in turn and keeps the first. */
	return link_change(ctx, r->res->ifindex, r->res->ifname, ch);
}

/* What a failed link step was doing, in words. */
static int link_failed(struct ctx *ctx, const struct plan *p, int ret)
{
	const char *sp = p->master_name[0] ? " " : "";
	char step[64];

	/*
	 * br_add_if() has no extack for this, and "Exchange full" says
	 * little. A new device is undone: it is named as it was asked for.
	 */
	if (ret == -EXFULL && (p->mask & PLAN_MASTER) && p->master) {
		if (p->create)
			ctx_set_name(ctx, p->name);
		return err_fail(ctx, ret,
				"attach to bridge%s%s: the bridge is full (a bridge has at most 1023 ports)",
				sp, p->master_name);
	}
	if ((p->mask & PLAN_MASTER) && p->master)
		snprintf(step, sizeof(step), "configure and attach to bridge%s%s",
			 sp, p->master_name);
	else if ((p->mask & PLAN_MASTER) && (p->mask & PLAN_UP) && !p->up)
		snprintf(step, sizeof(step), "detach and bring down");
	else if (p->mask == PLAN_UP && p->up)
		snprintf(step, sizeof(step), "bring up");
	else
		snprintf(step, sizeof(step), "configure");
	return err_sys(ctx, ret, step);
}

static int create_tun(struct ctx *ctx, struct run *r)
{
	const struct plan *p = r->p;
	unsigned int flags = IFF_TUN_EXCL;
	struct undo_entry *e;
	char name[IFNAMSIZ];
	int fd;

	flags |= p->kind == LINK_TUN ? IFF_TUN : IFF_TAP;
	if (!p->pi)
		flags |= IFF_NO_PI;
	if (p->vnet_hdr)
		flags |= IFF_VNET_HDR;
	if (p->multi_queue)
		flags |= IFF_MULTI_QUEUE;
	memcpy(name, p->name, IFNAMSIZ);
	/*
	 * The device lives while our descriptor does, until TUNSETPERSIST:
	 * closing it is the undo of everything before.
	 */
	fd = tun_open(name, flags);
	if (fd == -EBUSY)
		return err_fail(ctx, fd, "a device of this name already exists");
	if (fd < 0)
		return err_sys(ctx, fd, p->kind == LINK_TUN ? "create tun"
							    : "create tap");
	if (!(e = undo_add(ctx, r->u, UNDO_CLOSE))) {
		close(fd);
		return -ENOMEM;
	}
	e->fd = r->fd = fd;
	ctx_set_name(ctx, name);
	memcpy(r->res->ifname, name, IFNAMSIZ);
	/* Every later step names the device by it: 0 would be no device. */
	if ((r->res->ifindex = link_index(ctx, name)) < 0)
		return err_sys(ctx, r->res->ifindex, "look up the new device");
	e->li.ifindex = r->res->ifindex;
	e->li.kind = p->kind;
	memcpy(e->li.ifname, name, IFNAMSIZ);
	r->made = e - r->u->v;
	return 0;
}

/*
 * A macvtap is made with its settings in one RTM_NEWLINK; the kernel
 * refuses a lower that cannot carry it, and the refusal is worded here
 * (the kernel says only EINVAL or EBUSY).
 */
static int create_macvtap(struct ctx *ctx, struct run *r)
{
	const struct plan *p = r->p;
	struct link_change ch;
	struct undo_entry *e;
	struct link_info li;
	int ret;

	link_part(p, !late_up(p), &ch);
	ret = link_new_macvtap(ctx, p->name, p->lower, p->mode, &ch, &li);
	if (ret == -EEXIST)
		return err_fail(ctx, ret, "a device of this name already exists");
	/* macvlan_port_create: another rx_handler owns the lower's frames. */
	if (ret == -EBUSY)
		return err_fail(ctx, ret,
				"--macvtap: \"%s\" cannot carry a macvtap: another driver takes its frames (is it a bridge or bond port?)",
				p->lower_name);
	if (ret == -EINVAL && mvt_explain_refusal(ctx, p->lower, p->lower_name,
						  p->mode))
		return ret;
	if (ret)
		return err_sys(ctx, ret, "create macvtap");
	if (!(e = undo_add(ctx, r->u, UNDO_DELETE))) {
		link_del(ctx, li.ifindex);
		return -ENOMEM;
	}
	e->li = li;
	r->made = e - r->u->v;
	r->linked = true;
	ctx_set_name(ctx, li.ifname);
	memcpy(r->res->ifname, li.ifname, IFNAMSIZ);
	r->res->ifindex = li.ifindex;
	return 0;
}

static int step_ids(struct ctx *ctx, struct run *r);
static int step_persist(struct ctx *ctx, struct run *r);

static int step_create(struct ctx *ctx, struct run *r)
{
	int ret;

	if (!r->p->create)
		return 0;
	if (r->p->kind == LINK_MACVTAP)
		return create_macvtap(ctx, r);
	if ((ret = create_tun(ctx, r)) || r->p->transient)
		return ret;
	/*
	 * A new persistent device: owner, group and persistence now, and
	 * our descriptor closed, before the link step brings it up in a
	 * bridge. The owner that undo cannot take back needs no later
	 * place here, as undo deletes the new device whole; and closing
	 * the descriptor of a port that is up would take its carrier down
	 * and have the bridge recompute its ports, O(ports) each time: a
	 * batch of adds into one bridge would grow quadratically.
	 */
	if ((ret = step_ids(ctx, r)) || (ret = step_persist(ctx, r)))
		return ret;
	r->settled = true;
	return 0;
}

static int step_attach(struct ctx *ctx, struct run *r)
{
	if (!r->exists || r->p->kind == LINK_MACVTAP ||
	    !(r->p->mask & (PLAN_OWNER | PLAN_GROUP | PLAN_PERSIST)))
		return 0;
	r->fd = attach(ctx, &r->dev);
	return r->fd < 0 ? r->fd : 0;
}

/*
 * One RTM_NEWLINK. The kernel (do_setlink) applies address and MTU,
 * then the up flag, then the master: address and MTU are in place
 * before the link joins a bridge, which keeps the bridge's own address
 * and MTU still.
 */
static int step_link(struct ctx *ctx, struct run *r)
{
	struct link_change ch;
	struct link_info li;
	int ret;

	/* A new macvtap had its settings in its creation, but an alias
	 * the kernel takes only from a change. */
	if (r->linked) {
		struct link_change mark = { .mask = LC_MARK, .mark = true };

		if (!(r->p->mask & PLAN_MARK))
			return 0;
		ret = send_change(ctx, r, &mark);
		return ret ? err_sys(ctx, ret, "mark") : 0;
	}
	if ((ret = check_room(ctx, r)) == -EXFULL)
		return link_failed(ctx, r->p, ret);
	if (ret)
		return ret;
	if ((ret = log_leave(ctx, r)))
		return ret;
	/*
	 * The descriptor of a new persistent tap was just closed, and the
	 * kernel takes its carrier down later (linkwatch): a port that
	 * joins with the old state is enabled, then disabled, each a walk
	 * over every port of the bridge. RTM_GETLINK brings the state up
	 * to date first (linkwatch_sync_dev, Linux 6.x; older kernels
	 * only answer): a batch of 1000 adds into a bridge costs 20% less.
	 */
	if (r->settled && joins(r) &&
	    (ret = link_get_index(ctx, r->res->ifindex, &li)))
		return err_sys(ctx, ret, "read the new device back");
	link_part(r->p, !late_up(r->p), &ch);
	/* A port that is up forwards as soon as it joins: it joins down. */
	if (late_up(r->p) && joins(r) && r->exists && (r->dev.flags & IFF_UP)) {
		ch.mask |= LC_UP;
		ch.up = false;
	}
	ret = send_change(ctx, r, &ch);
	return ret ? link_failed(ctx, r->p, ret) : 0;
}

/*
 * The bridge-port settings (PLAN_PORT_MASK: VLANs, isolation), once the
 * device is a port and before it goes up, so that it never forwards in
 * a VLAN it is not meant to (brport_set removes VLANs before it adds).
 * A port that stays in its bridge gets its old settings back on undo;
 * a new one, or one that just joined, leaves the bridge then.
 */
static int step_port(struct ctx *ctx, struct run *r)
{
	const struct plan *p = r->p;
	struct brport want = { 0 }, old;
	struct undo_entry *e;
	int ret;

	if (!(p->mask & PLAN_PORT_MASK))
		return 0;
	if (p->mask & PLAN_PORT_VLANS) {
		want.mask |= BRPORT_VLANS;
		want.vlans = p->vlans;
	}
	if (p->mask & PLAN_ISOLATED) {
		want.mask |= BRPORT_ISOLATED;
		want.isolated = p->isolated;
	}
	if (r->exists && !joins(r)) {
		if ((ret = brport_get(ctx, r->res->ifindex, &old)))
			return err_sys(ctx, ret, "read the bridge port");
		if (!(e = undo_add(ctx, r->u, UNDO_PORT)))
			return -ENOMEM;
		e->li = r->dev;
		e->port = old;
		e->port.mask &= want.mask;
	}
	return brport_set(ctx, r->res->ifindex, &want);
}

static int step_up(struct ctx *ctx, struct run *r)
{
	struct link_change ch = { .mask = LC_UP, .up = true };
	int ret;

	if (!late_up(r->p))
		return 0;
	ret = send_change(ctx, r, &ch);
	return ret ? err_sys(ctx, ret, "bring up") : 0;
}

static int step_ids(struct ctx *ctx, struct run *r)
{
	const struct plan *p = r->p;
	unsigned int ids = p->mask & (PLAN_OWNER | PLAN_GROUP);
	struct undo_entry *e;
	int ret;

	if (!ids || p->kind == LINK_MACVTAP || r->settled)
		return 0;
	if (r->exists) {
		if (!(e = undo_add(ctx, r->u, UNDO_IDS)))
			return -ENOMEM;
		e->li = r->dev;
		e->mask = ids;
	}
	if ((ids & PLAN_OWNER) && (ret = tun_set_owner(r->fd, p->owner)))
		return err_sys(ctx, ret, "TUNSETOWNER");
	if ((ids & PLAN_GROUP) && (ret = tun_set_group(r->fd, p->group)))
		return err_sys(ctx, ret, "TUNSETGROUP");
	return 0;
}

/* A macvtap is used through its character device: found or made, owned. */
static int step_node(struct ctx *ctx, struct run *r)
{
	const struct plan *p = r->p;
	const struct link_info *li;
	struct link_info now;
	char node[256];

	if (p->kind != LINK_MACVTAP)
		return 0;
	li = r->exists ? &r->dev : &r->u->v[r->made].li;
	/*
	 * The node is found by the link's MAC as it is now (mvt_dev tells
	 * a /sys of another namespace by it): the one the link step set.
	 */
	if (r->exists && (p->mask & PLAN_MAC)) {
		now = r->dev;
		memcpy(now.mac, p->mac, sizeof(now.mac));
		now.has_mac = true;
		li = &now;
	}
	if (p->mask & (PLAN_OWNER | PLAN_GROUP))
		return mvt_chown(ctx, li, p->mask & PLAN_OWNER, p->owner,
				 p->mask & PLAN_GROUP, p->group);
	return p->create ? mvt_node(ctx, li, node, sizeof(node)) : 0;
}

/* Last: --no-persist on a device nobody holds removes it at close. */
static int step_persist(struct ctx *ctx, struct run *r)
{
	const struct plan *p = r->p;
	struct undo_entry *e;
	int ret;

	if (p->kind == LINK_MACVTAP || r->settled)
		return 0;
	if (r->exists) {
		if ((p->mask & PLAN_PERSIST) &&
		    (ret = tun_set_persist(r->fd, p->persist)))
			return err_sys(ctx, ret, "TUNSETPERSIST");
		return 0;
	}
	if (p->transient) {
		r->res->fd = r->fd;
		r->fd = -1;	/* the log's, then the caller's */
		return 0;
	}
	if ((ret = tun_set_persist(r->fd, true)))
		return err_sys(ctx, ret, "TUNSETPERSIST");
	/* It outlives our descriptor now: undoing it is deleting it. */
	e = &r->u->v[r->made];
	e->type = UNDO_DELETE;
	close(e->fd);
	e->fd = r->fd = -1;
	return 0;
}

static const struct {
	enum plan_step step;
	int (*fn)(struct ctx *ctx, struct run *r);
} steps[] = {
	{ PLAN_STEP_CREATE, step_create },
	{ PLAN_STEP_ATTACH, step_attach },
	{ PLAN_STEP_LINK, step_link },
	{ PLAN_STEP_PORT, step_port },
	{ PLAN_STEP_UP, step_up },
	{ PLAN_STEP_IDS, step_ids },
	{ PLAN_STEP_NODE, step_node },
	{ PLAN_STEP_PERSIST, step_persist },
};

int plan_exec(struct ctx *ctx, const struct plan *p,
	      const struct link_info *dev, struct undo *u,
	      struct plan_result *res)
{
	struct plan_result local = { .fd = -1 };
	struct run r = { .p = p, .fd = -1, .u = u, .res = res ? res : &local };
	size_t i;
	int ret = 0;

	memset(r.res, 0, sizeof(*r.res));
	r.res->fd = -1;
	if (dev) {
		r.dev = *dev;
		r.exists = true;
		memcpy(r.res->ifname, dev->ifname, IFNAMSIZ);
		r.res->ifindex = dev->ifindex;
	}
	for (i = 0; i < ARRAY_SIZE(steps) && !ret; i++) {
		ret = steps[i].fn(ctx, &r);
		if (ret)
			r.res->step = steps[i].step;
	}
	/* An attached descriptor of an existing device is ours alone. */
	if (r.exists && r.fd >= 0)
		close(r.fd);
	return ret;
}

int plan_run(struct ctx *ctx, const struct plan *p,
	     const struct link_info *dev, struct plan_result *res)
{
	struct undo u;
	int ret;

	undo_init(&u);
	ret = plan_exec(ctx, p, dev, &u, res);
	if (ret)
		undo_run(ctx, &u);
	undo_free(&u);
	return ret;
}
