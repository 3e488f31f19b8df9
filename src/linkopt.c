// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "linkopt.h"
#include "opt.h"

enum {
	LO_USER = 1000, LO_GROUP, LO_MAC, LO_MTU, LO_TXQLEN, LO_UP, LO_DOWN,
	LO_BRIDGE, LO_NOBRIDGE, LO_TAP, LO_TUN, LO_MACVTAP, LO_MODE,
	LO_VNET_HDR, LO_MQ, LO_PI, LO_PERSIST, LO_NO_PERSIST, LO_PVID, LO_VLAN,
	LO_NOVLAN, LO_ISOLATED, LO_NO_ISOLATED, LO_SRCMAC,
};

const struct poptOption linkopt_port[] = {
	{ "pvid", 0, POPT_ARG_STRING, NULL, LO_PVID,
	  "bridge port: untagged frames join VLAN VID, which leaves untagged",
	  "VID" },
	{ "vlan", 0, POPT_ARG_STRING, NULL, LO_VLAN,
	  "bridge port: the VLANs it carries tagged (10,20,100-110)", "LIST" },
	{ "isolated", 0, POPT_ARG_NONE, NULL, LO_ISOLATED,
	  "bridge port isolation: forward only to ports not isolated", NULL },
	{ "no-isolated", 0, POPT_ARG_NONE, NULL, LO_NO_ISOLATED,
	  "end bridge port isolation", NULL },
	POPT_TABLEEND
};

const struct poptOption linkopt_common[] = {
	{ "user", 'u', POPT_ARG_STRING, NULL, LO_USER,
	  "owner: only this user may attach without CAP_NET_ADMIN",
	  "USER|UID" },
	{ "group", 'g', POPT_ARG_STRING, NULL, LO_GROUP,
	  "group: only its members may attach without CAP_NET_ADMIN",
	  "GROUP|GID" },
	{ "mac", 0, POPT_ARG_STRING, NULL, LO_MAC,
	  "MAC address, or random (locally administered)", "ADDR|random" },
	{ "mtu", 0, POPT_ARG_STRING, NULL, LO_MTU,
	  "MTU (with --bridge, the bridge's by default)", "N" },
	{ "txqueuelen", 0, POPT_ARG_STRING, NULL, LO_TXQLEN,
	  "transmit queue length", "N" },
	{ "up", 0, POPT_ARG_NONE, NULL, LO_UP, "bring the link up", NULL },
	{ "down", 0, POPT_ARG_NONE, NULL, LO_DOWN, "take the link down",
	  NULL },
	{ "bridge", 0, POPT_ARG_STRING, NULL, LO_BRIDGE,
	  "attach to bridge BR (implies --up; a tap gets a MAC starting fe:)",
	  "BR" },
	{ "nobridge", 0, POPT_ARG_NONE, NULL, LO_NOBRIDGE,
	  "detach from its bridge", NULL },
	{ "mode", 0, POPT_ARG_STRING, NULL, LO_MODE,
	  "macvtap mode: bridge (default), vepa, private, passthru, source",
	  "MODE" },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)linkopt_port, 0, NULL,
	  NULL },
	{ "source-mac", 0, POPT_ARG_STRING, NULL, LO_SRCMAC,
	  "macvtap --mode source: take frames from MAC (repeat for more)",
	  "MAC" },
	POPT_TABLEEND
};

const struct poptOption linkopt_add[] = {
	{ "tap", 0, POPT_ARG_NONE, NULL, LO_TAP, "a tap device (default)",
	  NULL },
	{ "tun", 0, POPT_ARG_NONE, NULL, LO_TUN, "a tun device", NULL },
	{ "macvtap", 0, POPT_ARG_STRING, NULL, LO_MACVTAP,
	  "a macvtap link on top of LOWER", "LOWER" },
	{ "vnet-hdr", 0, POPT_ARG_NONE, NULL, LO_VNET_HDR,
	  "IFF_VNET_HDR", NULL },
	{ "multi-queue", 0, POPT_ARG_NONE, NULL, LO_MQ, "IFF_MULTI_QUEUE",
	  NULL },
	{ "pi", 0, POPT_ARG_NONE, NULL, LO_PI, "packet information header",
	  NULL },
	POPT_TABLEEND
};

const struct poptOption linkopt_set[] = {
	{ "persist", 0, POPT_ARG_NONE, NULL, LO_PERSIST, "make persistent",
	  NULL },
	{ "no-persist", 0, POPT_ARG_NONE, NULL, LO_NO_PERSIST,
	  "make transient: gone with its last descriptor", NULL },
	{ "novlan", 0, POPT_ARG_NONE, NULL, LO_NOVLAN,
	  "bridge port: back to the bridge's default VLAN alone", NULL },
	POPT_TABLEEND
};

/* The long name of the option @val in @t (recursing into includes). */
static const char *name_in(const struct poptOption *t, int val)
{
	const char *n;

	for (; t->longName || t->shortName || t->argInfo; t++) {
		if ((t->argInfo & POPT_ARG_MASK) == POPT_ARG_INCLUDE_TABLE) {
			if ((n = name_in(t->arg, val)))
				return n;
		} else if (t->val == val) {
			return t->longName;
		}
	}
	return NULL;
}

static const char *name_of(int val)
{
	const char *n = name_in(linkopt_common, val);

	if (!n)
		n = name_in(linkopt_add, val);
	return n ? n : name_in(linkopt_set, val);
}

/* --vlan given again adds its list to the first. */
static void take_vlan(struct link_opts *o, poptContext pc)
{
	char *prev = o->vlan, *next = NULL;

	o->vlan = NULL;
	opt_take(pc, &o->vlan);
	if (prev && o->vlan) {
		if (asprintf(&next, "%s,%s", prev, o->vlan) < 0) {
			next = NULL;
			o->oom = true;
		}
		free(o->vlan);
		o->vlan = next;
	}
	free(prev);
}

static void take_srcmac(struct link_opts *o, poptContext pc)
{
	char **v = realloc(o->srcmac, (o->nsrcmac + 1) * sizeof(*v));

	if (!v) {
		o->oom = true;
		return;
	}
	o->srcmac = v;
	v[o->nsrcmac] = NULL;
	opt_take(pc, &v[o->nsrcmac]);
	if (v[o->nsrcmac])
		o->nsrcmac++;
}

int linkopt_handle(struct link_opts *o, poptContext pc, int val)
{
	if (!o->first)
		o->first = name_of(val);
	switch (val) {
	case LO_USER: opt_take(pc, &o->user); break;
	case LO_GROUP: opt_take(pc, &o->group); break;
	case LO_MAC: opt_take(pc, &o->mac); break;
	case LO_MTU: opt_take(pc, &o->mtu); break;
	case LO_TXQLEN: opt_take(pc, &o->txqlen); break;
	case LO_BRIDGE: opt_take(pc, &o->bridge); break;
	case LO_MACVTAP: opt_take(pc, &o->macvtap); break;
	case LO_MODE: opt_take(pc, &o->mode); break;
	case LO_UP: o->up = true; break;
	case LO_DOWN: o->down = true; break;
	case LO_NOBRIDGE: o->nobridge = true; break;
	case LO_TAP: o->tap = true; break;
	case LO_TUN: o->tun = true; break;
	case LO_VNET_HDR: o->vnet_hdr = true; break;
	case LO_MQ: o->multi_queue = true; break;
	case LO_PI: o->pi = true; break;
	case LO_PERSIST: o->persist = true; break;
	case LO_NO_PERSIST: o->no_persist = true; break;
	case LO_PVID: opt_take(pc, &o->pvid); break;
	case LO_VLAN: take_vlan(o, pc); break;
	case LO_NOVLAN: o->novlan = true; break;
	case LO_ISOLATED: o->isolated = true; break;
	case LO_NO_ISOLATED: o->no_isolated = true; break;
	case LO_SRCMAC: take_srcmac(o, pc); break;
	default: return 0;
	}
	return 1;
}

void linkopt_free(struct link_opts *o)
{
	free(o->user);
	free(o->group);
	free(o->mac);
	free(o->mtu);
	free(o->txqlen);
	free(o->bridge);
	free(o->macvtap);
	free(o->mode);
	free(o->pvid);
	free(o->vlan);
	while (o->nsrcmac)
		free(o->srcmac[--o->nsrcmac]);
	free(o->srcmac);
	o->srcmac = NULL;
}

