/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_PLAN_H
#define TAPCTL_PLAN_H

/*
 * The middle of tapctl: parse -> plan -> execute with undo -> report.
 *
 * A command line of add, set or exec --create (and, later, one line of a
 * declaration file: same option table, same validation) becomes a
 * struct link_opts (linkopt.h, the options as typed), then ONE call,
 * plan_from_opts(), turns it into a struct plan: every check that can be
 * made before acting is made there, every name is resolved, every
 * default is chosen. Nothing edits a plan afterwards. ONE executor,
 * plan_exec(), carries a plan out and logs each change it made in an
 * undo log that its caller owns.
 *
 * A plan is a plain struct: a caller may copy one and clear bits of
 * @mask (e.g. `apply`, for the settings an existing device already has)
 * and execute the copy.
 */

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "brport.h"
#include "link.h"

struct ctx;
struct link_opts;

/* Bits of plan.mask: the settings to reach. */
enum {
	PLAN_OWNER	= 1u << 0,	/* @owner (tun/tap: TUNSETOWNER; macvtap: node) */
	PLAN_GROUP	= 1u << 1,	/* @group */
	PLAN_MAC	= 1u << 2,	/* @mac (see @mac_src) */
	PLAN_MTU	= 1u << 3,	/* @mtu (see @mtu_from_bridge) */
	PLAN_TXQLEN	= 1u << 4,	/* @txqlen */
	PLAN_UP		= 1u << 5,	/* @up says which way */
	PLAN_MASTER	= 1u << 6,	/* @master (bridge ifindex), 0 detaches */
	PLAN_MODE	= 1u << 7,	/* macvtap: @mode (always set on create) */
	PLAN_PERSIST	= 1u << 8,	/* tun/tap on an existing device: @persist */
	PLAN_MARK	= 1u << 9,	/* apply's mark, the alias APPLY_MARK */

	/*
	 * The bridge-port settings: carried out by one step after the
	 * device joined its bridge and before it goes up (see plan_exec).
	 * --pvid, --vlan and --novlan all set the port's whole VLAN set,
	 * @vlans; the bits say which of them were given.
	 */
	PLAN_PVID	= 1u << 16,	/* @vlans.pvid */
	PLAN_VLANS	= 1u << 17,	/* @vlans: the tagged ones */
	PLAN_NOVLAN	= 1u << 18,	/* @vlans: the bridge's default alone */
	PLAN_ISOLATED	= 1u << 19,	/* @isolated */
	PLAN_PORT_MASK	= 0x0fu << 16,
	PLAN_PORT_VLANS	= PLAN_PVID | PLAN_VLANS | PLAN_NOVLAN,

	/* macvtap in source mode: @srcmacs, the whole list (link step). */
	PLAN_MVT_SOURCE	= 1u << 20,
};

/* Where plan.mac comes from, for a caller that compares plans. */
enum plan_mac_src {
	PLAN_MAC_GIVEN,		/* --mac ADDR */
	PLAN_MAC_RANDOM,	/* --mac random, drawn at validation */
	PLAN_MAC_BRIDGE,	/* the bridge-join rule: first byte 0xfe */
};

/* One device: what to create, and the settings to reach. */
struct plan {
	/* The device. */
	bool create;			/* false: an existing device */
	enum link_kind kind;		/* LINK_TUN, LINK_TAP or LINK_MACVTAP */
	char name[IFNAMSIZ];		/* create: name or one-%d template */
	int ifindex;			/* existing: the device; create: 0 */
	bool vnet_hdr, multi_queue, pi;	/* create tun/tap: IFF_* flags */
	int lower;			/* create macvtap: lower ifindex */
	char lower_name[IFNAMSIZ];
	bool transient;			/* create: no TUNSETPERSIST (exec) */

	/* The settings, each guarded by its PLAN_* bit in @mask. */
	unsigned int mask;
	uid_t owner;
	gid_t group;
	uint8_t mac[6];
	enum plan_mac_src mac_src;
	uint32_t mtu;
	bool mtu_from_bridge;		/* not given: the bridge's MTU */
	uint32_t txqlen;
	bool up;
	int master;			/* bridge ifindex, 0 = no bridge */
	char master_name[IFNAMSIZ];	/* for messages */
	uint32_t mode;			/* MACVLAN_MODE_* */
	bool persist;

	/* Bridge-port settings (PLAN_PORT_MASK). */
	struct brport_vlans vlans;	/* the port's VLAN set, exactly */
	bool isolated;

	/* PLAN_MVT_SOURCE: a source-mode macvtap's MACs, each once. */
	uint32_t nsrcmacs;
	uint8_t srcmacs[LINK_SRCMACS_MAX][6];
};

/*
 * Validation: the options @o of add, set or exec --create (as typed)
 * for the existing device @dev (set; NULL to create) become the plan
 * @p. All of it happens here: syntax, exclusive options, users and
 * groups, the privileged-mode policy (priv_*), the bridge and the lower
 * link, the MTU range, the random MAC and the bridge-join rule
 * (plan_join_bridge). Records the error in ctx (exit status 2 for
 * invalid input).
 */
int plan_from_opts(struct ctx *ctx, const struct link_opts *o,
		   const struct link_info *dev, struct plan *p);

/*
 * The syntax checks of plan_from_opts alone (no kernel state), so that
 * invalid input is reported as such even when the device does not
 * exist (set checks this before looking the device up).
 */
int plan_check_syntax(struct ctx *ctx, const struct link_opts *o);

/*
 * The one bridge-join rule, for every command that puts a device into
 * a bridge (add, set, exec --create, ifup, bridge-helper): the device
 * goes up; its MTU becomes the bridge's unless @p has PLAN_MTU already
 * (then it must be in the device's range, else -ERANGE with a message);
 * a tap without PLAN_MAC that is not a port of @br yet gets its own
 * address (@dev's; a random one for a new device) with the first byte
 * 0xfe, so that it never is the bridge's lowest and the bridge keeps
 * its address. The bridge's port limit is left to the kernel (EXFULL),
 * which plan_exec words; only an existing device that is down, which
 * the kernel would bring up before refusing it, has the bridge's ports
 * counted first, narrowly (link_count_ports).
 */
int plan_join_bridge(struct ctx *ctx, struct plan *p,
		     const struct link_info *dev, const struct link_info *br);

/*
 * The bridge-port options of @o alone (--pvid, --vlan, --novlan,
 * --isolated, --no-isolated: syntax, the privileged-mode policy) into
 * @p, for the device @dev as a port of @br (NULL: the bridge @dev is a
 * port of, if any). For ifup, which finds its bridge its own way.
 */
int plan_port(struct ctx *ctx, const struct link_opts *o,
	      const struct link_info *dev, const struct link_info *br,
	      struct plan *p);

/*
 * A plan for the existing device @dev that changes nothing yet (mask 0);
 * its creation fields (kind, flags, lower) are the device's own, so a
 * caller can compare it with a plan to create.
 */
void plan_for_device(struct plan *p, const struct link_info *dev);

/*
 * The undo log. The caller owns it: one command replays it when its
 * plan fails; apply may execute many plans into one log and replay it
 * when any of them fails. Entries are replayed newest first.
 */
struct undo_entry;
struct undo {
	struct undo_entry *v;
	size_t n, cap;
};

void undo_init(struct undo *u);
/*
 * Puts back everything the log holds, newest first, and empties it.
 * Errors of the undo are recorded only if none was (err_* keep the
 * first), so the cause of the failure stays what is reported.
 */
void undo_run(struct ctx *ctx, struct undo *u);
/*
 * Forgets the log (the changes stay: the commit). A transient device's
 * descriptor that plan_exec handed out in plan_result.fd is the
 * caller's from then on. After a failure call undo_run first.
 */
void undo_free(struct undo *u);

/* The steps of plan_exec, in order (plan_result.step names a failed one). */
enum plan_step {
	PLAN_STEP_NONE,
	PLAN_STEP_CREATE,	/* TUNSETIFF / RTM_NEWLINK macvtap */
	PLAN_STEP_ATTACH,	/* existing tun/tap: a descriptor for ioctls */
	PLAN_STEP_LINK,		/* one RTM_NEWLINK: mac, mtu, txqlen, mode,
				 * master (joins the bridge), up */
	PLAN_STEP_PORT,		/* bridge VLANs, isolation, after joining
				 * and before the link goes up */
	PLAN_STEP_UP,		/* up, when PLAN_STEP_PORT has work: then the
				 * link step leaves the up flag to this one */
	PLAN_STEP_IDS,		/* TUNSETOWNER/TUNSETGROUP */
	PLAN_STEP_NODE,		/* macvtap: the character device, its owner */
	PLAN_STEP_PERSIST,	/* TUNSETPERSIST */
};

struct plan_result {
	char ifname[IFNAMSIZ];	/* the final name (a %d resolved) */
	int ifindex;
	/*
	 * A transient tun/tap (plan.transient): its attached descriptor,
	 * whose close removes the device; -1 otherwise. While the undo
	 * log holds the creation, undo_run closes it.
	 */
	int fd;
	enum plan_step step;	/* on failure: the step that failed */
};

/*
 * The one executor: carries @p out on the device @dev (NULL when
 * @p->create), appending what it changed to @u. The kernel's refusals
 * are worded here (a full bridge, a lower that cannot carry the
 * macvtap). Returns 0 or -errno with the error recorded in ctx; on
 * failure the caller runs undo_run(@u). @res may be NULL.
 */
int plan_exec(struct ctx *ctx, const struct plan *p,
	      const struct link_info *dev, struct undo *u,
	      struct plan_result *res);

/*
 * The whole of one command: plan_exec with a log of its own, replayed
 * on failure.
 */
int plan_run(struct ctx *ctx, const struct plan *p,
	     const struct link_info *dev, struct plan_result *res);

/*
 * The settings of @p, a plan for the existing device @dev (whose bridge
 * port is @bp, NULL if it is none), that @dev does not have yet: the
 * PLAN_* bits of @p->mask worth carrying out. What cannot be compared is
 * left out: a random MAC (drawn when a device is made), the bridge's MTU
 * while the device stays in that bridge.
 */
struct brport;
unsigned int plan_differs(struct ctx *ctx, const struct plan *p,
			  const struct link_info *dev, const struct brport *bp);

/* The settings by their list -j names, in the order they are reported. */
struct plan_setting {
	unsigned int bit;
	const char *name;
};
extern const struct plan_setting plan_settings[];
extern const size_t plan_nsettings;

#endif
