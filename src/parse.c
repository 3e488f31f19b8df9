// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <net/if.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <linux/if_link.h>

#include "compat.h"
#include "parse.h"

/* The kernel's dev_valid_name() plus its rule for %d templates. */
int parse_ifname(const char *s, bool allow_template, const char **why)
{
	const char *p, *pct;
	size_t len = strnlen(s, IFNAMSIZ);

	if (!len) {
		*why = "empty interface name";
		return -EINVAL;
	}
	if (len >= IFNAMSIZ) {
		*why = "interface name longer than 15 bytes";
		return -EINVAL;
	}
	if (!strcmp(s, ".") || !strcmp(s, "..")) {
		*why = "invalid interface name";
		return -EINVAL;
	}
	for (p = s; *p; p++) {
		/* The kernel's isspace() is Latin-1's: 0xa0 is a space too. */
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p) ||
		    (unsigned char)*p == 0xa0) {
			*why = "interface name contains '/', ':' or white space";
			return -EINVAL;
		}
	}
	pct = strchr(s, '%');
	if (pct) {
		if (!allow_template) {
			*why = "'%' is only allowed in a name template for add";
			return -EINVAL;
		}
		if (pct[1] != 'd' || strchr(pct + 2, '%')) {
			*why = "a name template holds at most one %d and no other '%'";
			return -EINVAL;
		}
	}
	return 0;
}

/* Strict decimal: no sign, no base prefix, no white space, no overflow. */
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	bool big = false;
	const char *p;

	if (!*s)
		return -EINVAL;
	/* Any number of digits is a number; past 2^32 it is out of range. */
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX) {
			big = true;
			v = UINT32_MAX + (uint64_t)1;
		}
	}
	if (big || v < min || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int parse_mac(const char *s, uint8_t mac[6], const char **why)
{
	int i;

	*why = "not a MAC address (expected six hex pairs: 02:00:00:00:00:01)";
	if (strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	if (mac[0] & 1) {
		*why = "a multicast MAC address cannot be assigned to an interface";
		return -EINVAL;
	}
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
		*why = "the all-zeros MAC address cannot be assigned";
		return -EINVAL;
	}
	return 0;
}

int parse_random_mac(uint8_t mac[6])
{
	ssize_t n;

	do
		n = getrandom(mac, 6, 0);
	while (n < 0 && errno == EINTR);
	if (n != 6)
		return n < 0 ? -errno : -EIO;
	mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02);
	return 0;
}

void parse_format_mac(const uint8_t mac[6], char buf[18])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	/* By hand: list formats one per row, and snprintf showed there. */
	for (i = 0; i < 6; i++) {
		buf[3 * i] = hex[mac[i] >> 4];
		buf[3 * i + 1] = hex[mac[i] & 15];
		buf[3 * i + 2] = i < 5 ? ':' : '\0';
	}
}

/* Numbers first, as ip(8) does; (uid_t)-1 is "no owner" to the kernel. */
int parse_user(const char *s, uid_t *uid)
{
	struct passwd *pw;
	uint32_t v;

	if (!parse_u32(s, 0, UINT32_MAX - 1, &v)) {
		*uid = v;
		return 0;
	}
	errno = 0;
	pw = getpwnam(s);
	if (!pw)
		return -EINVAL;
	*uid = pw->pw_uid;
	return 0;
}

int parse_group(const char *s, gid_t *gid)
{
	struct group *gr;
	uint32_t v;

	if (!parse_u32(s, 0, UINT32_MAX - 1, &v)) {
		*gid = v;
		return 0;
	}
	errno = 0;
	gr = getgrnam(s);
	if (!gr)
		return -EINVAL;
	*gid = gr->gr_gid;
	return 0;
}

static const struct {
	const char *name;
	uint32_t mode;
} modes[] = {
	{ "bridge", MACVLAN_MODE_BRIDGE },
	{ "vepa", MACVLAN_MODE_VEPA },
	{ "private", MACVLAN_MODE_PRIVATE },
	{ "passthru", MACVLAN_MODE_PASSTHRU },
	{ "source", MACVLAN_MODE_SOURCE },
};

int parse_macvtap_mode(const char *s, uint32_t *mode)
{
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (!strcmp(s, modes[i].name)) {
			*mode = modes[i].mode;
			return 0;
		}
	}
	return -EINVAL;
}

const char *parse_macvtap_mode_name(uint32_t mode)
{
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (modes[i].mode == mode)
			return modes[i].name;
	return "unknown";
}

int parse_vid(const char *s, uint16_t *vid, const char **why)
{
	uint32_t v;
	int ret = parse_u32(s, PARSE_VID_MIN, PARSE_VID_MAX, &v);

	if (ret == -ERANGE) {
		*why = "VLAN IDs are 1-4094";
		return -EINVAL;
	}
	if (ret) {
		*why = "not a VLAN ID (a decimal number 1-4094)";
		return -EINVAL;
	}
	*vid = (uint16_t)v;
	return 0;
}

/* The VID from @s up to @end. */
static int list_vid(const char *s, const char *end, uint16_t *vid,
		    const char **why)
{
	char buf[16];
	size_t n = (size_t)(end - s);

	if (!n) {
		*why = "a VLAN ID is missing (an empty element, or a range open at one end)";
		return -EINVAL;
	}
	if (n >= sizeof(buf)) {
		/* Only digits may make it this long: out of range, or junk. */
		*why = strspn(s, "0123456789") >= n ?
		       "VLAN IDs are 1-4094" :
		       "not a VLAN ID (a decimal number 1-4094)";
		return -EINVAL;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	return parse_vid(buf, vid, why);
}

int parse_vlan_list(const char *s, struct vid_set *set, const char **why,
		    const char **bad)
{
	struct vid_set add = { { 0 } };
	const char *p = s, *end, *dash;
	uint16_t lo, hi;
	unsigned int v;
	size_t i;

	for (;;) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		*bad = p;
		dash = memchr(p, '-', (size_t)(end - p));
		if (list_vid(p, dash ? dash : end, &lo, why) ||
		    (dash && list_vid(dash + 1, end, &hi, why)))
			return -EINVAL;
		if (!dash)
			hi = lo;
		if (hi < lo) {
			*why = "a range goes from the lower VID to the higher";
			return -EINVAL;
		}
		for (v = lo; v <= hi; v++)
			vid_set_add(&add, v);
		if (!*end)
			break;
		p = end + 1;
	}
	for (i = 0; i < ARRAY_SIZE(add.w); i++)
		set->w[i] |= add.w[i];
	return 0;
}
