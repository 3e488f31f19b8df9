/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_PARSE_H
#define TAPCTL_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Pure validators. Each returns 0 or -EINVAL, and on failure points
 * *why at a static English reason suitable after "OPTION: "VALUE" ".
 */
int parse_ifname(const char *s, bool allow_template, const char **why);
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int parse_mac(const char *s, uint8_t mac[6], const char **why);
int parse_user(const char *s, uid_t *uid);
int parse_group(const char *s, gid_t *gid);
int parse_macvtap_mode(const char *s, uint32_t *mode);
const char *parse_macvtap_mode_name(uint32_t mode);
void parse_format_mac(const uint8_t mac[6], char buf[18]);
/* A locally administered unicast address from the kernel's random pool. */
int parse_random_mac(uint8_t mac[6]);

#define PARSE_MODES "bridge, vepa, private, passthru, source"

/* VLAN IDs 1-4094: 0 means "no VLAN" and 4095 is reserved (802.1Q). */
#define PARSE_VID_MIN 1
#define PARSE_VID_MAX 4094

/* A set of VLAN IDs, one bit each. */
struct vid_set {
	uint64_t w[64];
};

static inline bool vid_set_has(const struct vid_set *s, unsigned int vid)
{
	return vid < 4096 && (s->w[vid / 64] >> (vid % 64) & 1);
}

static inline void vid_set_add(struct vid_set *s, unsigned int vid)
{
	if (vid < 4096)
		s->w[vid / 64] |= (uint64_t)1 << (vid % 64);
}

static inline void vid_set_del(struct vid_set *s, unsigned int vid)
{
	if (vid < 4096)
		s->w[vid / 64] &= ~((uint64_t)1 << (vid % 64));
}

/* One VLAN ID, strict decimal in 1-4094. */
int parse_vid(const char *s, uint16_t *vid, const char **why);
/*
 * A comma-separated list of VLAN IDs and ranges ("10,20,100-110") added
 * to @set; a VID named twice counts once. On failure *bad points at the
 * element of @s that is wrong (it ends at the next ',' or the end).
 */
int parse_vlan_list(const char *s, struct vid_set *set, const char **why,
		    const char **bad);

#endif
