// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for src/parse.c: the validators behind every exit status 2. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <string.h>
#include <linux/if_link.h>

#include "parse.h"
#include "tap.h"

/* @s with control characters as \n, \t, \xNN: a TAP line is one line. */
static const char *shown(const char *s)
{
	static char buf[128];
	size_t n = 0;

	for (; *s && n < sizeof(buf) - 5; s++) {
		if (*s == '\n')
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\\n");
		else if (*s == '\t')
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\\t");
		else if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\\x%02x",
					      (unsigned char)*s);
		else
			buf[n++] = *s;
	}
	buf[n] = '\0';
	return buf;
}

static void test_ifname(void)
{
	static const char *const good[] = {
		"tap0", "a", "123456789012345", "tap-0_x.y", "..x", ".a",
		"t\xc3\xa9", "@", "eth0.100", "a\x85" "b",
	};
	static const struct {
		const char *s;
		const char *why;
	} bad[] = {
		{ "", "empty interface name" },
		{ "1234567890123456", "interface name longer than 15 bytes" },
		{ ".", "invalid interface name" },
		{ "..", "invalid interface name" },
		{ "a/b", "interface name contains '/', ':' or white space" },
		{ "a:b", "interface name contains '/', ':' or white space" },
		{ "a b", "interface name contains '/', ':' or white space" },
		{ "a\tb", "interface name contains '/', ':' or white space" },
		{ "a\nb", "interface name contains '/', ':' or white space" },
		{ "tap0 ", "interface name contains '/', ':' or white space" },
		{ "a\vb", "interface name contains '/', ':' or white space" },
		{ "a\rb", "interface name contains '/', ':' or white space" },
		{ "a\xa0" "b", "interface name contains '/', ':' or white space" },
	};
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		why = NULL;
		ok(parse_ifname(good[i], false, &why) == 0 && !why,
		   "ifname \"%s\" is valid", shown(good[i]));
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		is_int(parse_ifname(bad[i].s, true, &why), -EINVAL,
		       "ifname \"%s\" is rejected", shown(bad[i].s));
		is_str(why, bad[i].why, "  with the reason");
	}
}

static void test_template(void)
{
	const char *why = NULL;

	is_int(parse_ifname("tap%d", true, &why), 0, "tap%%d is a template for add");
	is_int(parse_ifname("%d", true, &why), 0, "%%d alone is a template");
	is_int(parse_ifname("a%db", true, &why), 0, "%%d may sit in the middle");
	is_int(parse_ifname("tap%d", false, &why), -EINVAL,
	       "a template is not a device name");
	is_str(why, "'%' is only allowed in a name template for add",
	       "  with the reason");
	why = NULL;
	is_int(parse_ifname("tap%s", true, &why), -EINVAL, "%%s is no template");
	is_str(why, "a name template holds at most one %d and no other '%'",
	       "  with the reason");
	is_int(parse_ifname("t%d%d", true, &why), -EINVAL, "two %%d are refused");
	is_int(parse_ifname("t%d%", true, &why), -EINVAL, "a stray %% is refused");
	is_int(parse_ifname("t%", true, &why), -EINVAL, "a trailing %% is refused");
	is_int(parse_ifname("12345678901234%d", true, &why), -EINVAL,
	       "a template is held to 15 bytes too");
}

static void test_u32(void)
{
	static const char *const bad[] = {
		"", "-1", "+1", " 1", "1 ", "0x10", "1e3", "1.5",
		"abc", "1a",
	};
	uint32_t v = 7;
	size_t i;

	is_int(parse_u32("0", 0, 10, &v), 0, "0 parses");
	is_int(v, 0, "  as 0");
	is_int(parse_u32("1500", 68, 65535, &v), 0, "1500 parses");
	is_int(v, 1500, "  as 1500");
	is_int(parse_u32("010", 0, 100, &v), 0, "010 parses");
	is_int(v, 10, "  as decimal 10, not octal 8");
	is_int(parse_u32("4294967295", 0, UINT32_MAX, &v), 0, "UINT32_MAX parses");
	is_int(v, UINT32_MAX, "  as UINT32_MAX");
	v = 7;
	is_int(parse_u32("4294967296", 0, UINT32_MAX, &v), -ERANGE,
	       "UINT32_MAX + 1 is out of range");
	is_int(parse_u32("9999999999", 0, UINT32_MAX, &v), -ERANGE,
	       "ten nines are out of range");
	is_int(parse_u32("99999999999", 68, 65535, &v), -ERANGE,
	       "eleven digits are a number out of range, not garbage");
	is_int(parse_u32("00000001400", 68, 65535, &v), 0,
	       "leading zeros do not count against the length");
	is_int((int)v, 1400, "00000001400 is 1400");
	is_int(parse_u32("123456789012345678901234567890", 0, UINT32_MAX, &v),
	       -ERANGE, "a very long number is out of range without overflow");
	is_int(parse_u32("67", 68, 65535, &v), -ERANGE, "below min is out of range");
	is_int(parse_u32("65536", 68, 65535, &v), -ERANGE,
	       "above max is out of range");
	is_int(parse_u32("68", 68, 65535, &v), 0, "min itself is in range");
	is_int(parse_u32("65535", 68, 65535, &v), 0, "max itself is in range");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 7;
		is_int(parse_u32(bad[i], 0, UINT32_MAX, &v), -EINVAL,
		       "\"%s\" is not strict decimal", bad[i]);
	}
	is_int(v, 7, "a rejected number leaves the output alone");
}

static void test_mac(void)
{
	static const char *const malformed[] = {
		"", "02:00:00:00:00", "02:00:00:00:00:01:02", "02-00-00-00-00-01",
		"0200.0000.0001", "2:0:0:0:0:1", "02:00:00:00:00:0g",
		"02:00:00:00:00:01 ", " 02:00:00:00:00:01", "020000000001",
		"02:00:00:00:00:001", "random",
	};
	const char *why;
	uint8_t mac[6];
	char buf[18];
	size_t i;

	is_int(parse_mac("02:00:00:00:00:01", mac, &why), 0, "a unicast MAC parses");
	parse_format_mac(mac, buf);
	is_str(buf, "02:00:00:00:00:01", "  and prints back");
	is_int(parse_mac("FE:54:00:AB:cd:Ef", mac, &why), 0, "hex digits in any case");
	parse_format_mac(mac, buf);
	is_str(buf, "fe:54:00:ab:cd:ef", "  print in lower case");
	is_int(parse_mac("00:00:00:00:00:01", mac, &why), 0,
	       "a MAC with leading zero bytes is fine");

	is_int(parse_mac("01:00:5e:00:00:01", mac, &why), -EINVAL,
	       "a multicast MAC is refused");
	is_str(why, "a multicast MAC address cannot be assigned to an interface",
	       "  with the reason");
	is_int(parse_mac("ff:ff:ff:ff:ff:ff", mac, &why), -EINVAL,
	       "the broadcast MAC is refused");
	is_str(why, "a multicast MAC address cannot be assigned to an interface",
	       "  as multicast");
	is_int(parse_mac("03:00:00:00:00:01", mac, &why), -EINVAL,
	       "bit 0 of the first byte makes it multicast");
	is_int(parse_mac("00:00:00:00:00:00", mac, &why), -EINVAL,
	       "the all-zeros MAC is refused");
	is_str(why, "the all-zeros MAC address cannot be assigned",
	       "  with the reason");
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		is_int(parse_mac(malformed[i], mac, &why), -EINVAL,
		       "\"%s\" is not a MAC", malformed[i]);
	}
	is_str(why, "not a MAC address (expected six hex pairs: 02:00:00:00:00:01)",
	       "  with the reason");
}

static void test_random_mac(void)
{
	uint8_t mac[6], first[6];
	int i, bad = 0, same = 0;

	is_int(parse_random_mac(first), 0, "a random MAC is made");
	for (i = 0; i < 200; i++) {
		if (parse_random_mac(mac) ||
		    (mac[0] & 0x01) || !(mac[0] & 0x02))
			bad++;
		same += !memcmp(mac, first, 6);
	}
	is_int(bad, 0, "200 random MACs are unicast and locally administered");
	ok(same < 2, "random MACs differ from each other");
}

static void test_user_group(void)
{
	const struct passwd *pw = getpwuid(65534);
	const struct group *gr = getgrgid(65534);
	uid_t uid = 7;
	gid_t gid = 7;

	is_int(parse_user("0", &uid), 0, "uid 0 parses");
	is_int(uid, 0, "  as 0");
	is_int(parse_user("123456", &uid), 0, "a uid without a passwd entry parses");
	is_int(uid, 123456, "  as that number");
	is_int(parse_user("root", &uid), 0, "user root resolves");
	is_int(uid, 0, "  to 0");
	if (pw) {
		is_int(parse_user(pw->pw_name, &uid), 0, "user %s resolves",
		       pw->pw_name);
		is_int(uid, 65534, "  to 65534");
	} else {
		skip(2, "no user with uid 65534");
	}
	is_int(parse_user("no-such-user-tapctl", &uid), -EINVAL,
	       "an unknown user name is refused");
	is_int(parse_user("4294967295", &uid), -EINVAL,
	       "uid -1 (no owner to the kernel) is refused");
	is_int(parse_user("", &uid), -EINVAL, "an empty user is refused");
	is_int(parse_user("-1", &uid), -EINVAL, "a negative uid is refused");

	is_int(parse_group("0", &gid), 0, "gid 0 parses");
	is_int(gid, 0, "  as 0");
	is_int(parse_group("root", &gid), 0, "group root resolves");
	is_int(gid, 0, "  to 0");
	if (gr) {
		is_int(parse_group(gr->gr_name, &gid), 0, "group %s resolves",
		       gr->gr_name);
		is_int(gid, 65534, "  to 65534");
	} else {
		skip(2, "no group with gid 65534");
	}
	is_int(parse_group("no-such-group-tapctl", &gid), -EINVAL,
	       "an unknown group name is refused");
	is_int(parse_group("4294967295", &gid), -EINVAL, "gid -1 is refused");
}

static void test_modes(void)
{
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
	static const char *const bad[] = {
		"", "Bridge", "br", "bridge ", "passthrough", "vepa2",
	};
	uint32_t mode;
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		mode = 0;
		ok(parse_macvtap_mode(modes[i].name, &mode) == 0 &&
		   mode == modes[i].mode, "mode %s parses", modes[i].name);
		is_str(parse_macvtap_mode_name(modes[i].mode), modes[i].name,
		       "  and names back");
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(parse_macvtap_mode(bad[i], &mode), -EINVAL,
		       "mode \"%s\" is refused (exact names only)", bad[i]);
	is_str(parse_macvtap_mode_name(0x80), "unknown",
	       "an unknown mode number is \"unknown\"");
}

static void test_vid(void)
{
	static const char *const bad[] = {
		"0", "4095", "4096", "abc", "", "+5", "-1", " 5", "5 ", "0x10",
		"99999999999999999999",
	};
	const char *why;
	uint16_t vid = 0;
	size_t i;

	ok(parse_vid("1", &vid, &why) == 0 && vid == 1, "VID 1 parses");
	ok(parse_vid("4094", &vid, &why) == 0 && vid == 4094, "VID 4094 parses");
	ok(parse_vid("010", &vid, &why) == 0 && vid == 10,
	   "VID 010 is decimal 10, not octal");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(parse_vid(bad[i], &vid, &why), -EINVAL,
		       "VID \"%s\" is refused", shown(bad[i]));
	parse_vid("4095", &vid, &why);
	is_str(why, "VLAN IDs are 1-4094", "4095 is out of range");
	parse_vid("abc", &vid, &why);
	is_str(why, "not a VLAN ID (a decimal number 1-4094)",
	       "abc is not a number");
}

static unsigned int vid_count(const struct vid_set *set)
{
	unsigned int v, n = 0;

	for (v = 0; v < 4096; v++)
		n += vid_set_has(set, v);
	return n;
}

static void test_vlan_list(void)
{
	static const struct {
		const char *s;
		size_t bad_at;
		const char *why;
	} bad[] = {
		{ "10-5", 0, "a range goes from the lower VID to the higher" },
		{ "0", 0, "VLAN IDs are 1-4094" },
		{ "10,4095", 3, "VLAN IDs are 1-4094" },
		{ "10,abc", 3, "not a VLAN ID (a decimal number 1-4094)" },
		{ "", 0, "a VLAN ID is missing (an empty element, or a range open at one end)" },
		{ "10,", 3, "a VLAN ID is missing (an empty element, or a range open at one end)" },
		{ ",10", 0, "a VLAN ID is missing (an empty element, or a range open at one end)" },
		{ "10,,20", 3, "a VLAN ID is missing (an empty element, or a range open at one end)" },
		{ "-5", 0, "a VLAN ID is missing (an empty element, or a range open at one end)" },
		{ "5-", 0, "a VLAN ID is missing (an empty element, or a range open at one end)" },
		{ "1-2-3", 0, "not a VLAN ID (a decimal number 1-4094)" },
		{ "10 ,20", 0, "not a VLAN ID (a decimal number 1-4094)" },
		{ "1-99999999999999999999", 0, "VLAN IDs are 1-4094" },
		{ "1-9999999999999999999x", 0, "not a VLAN ID (a decimal number 1-4094)" },
	};
	struct vid_set set;
	const char *why, *at;
	size_t i;

	memset(&set, 0, sizeof(set));
	ok(parse_vlan_list("10,20,100-110", &set, &why, &at) == 0,
	   "10,20,100-110 parses");
	ok(vid_set_has(&set, 10) && vid_set_has(&set, 20) &&
	   vid_set_has(&set, 100) && vid_set_has(&set, 105) &&
	   vid_set_has(&set, 110) && vid_count(&set) == 13,
	   "  to the 13 VIDs 10, 20, 100..110");
	ok(!vid_set_has(&set, 99) && !vid_set_has(&set, 111),
	   "  and not the VIDs around the range");
	memset(&set, 0, sizeof(set));
	ok(parse_vlan_list("1-4094", &set, &why, &at) == 0 &&
	   vid_count(&set) == 4094 && !vid_set_has(&set, 0) &&
	   !vid_set_has(&set, 4095), "1-4094 is every VID");
	memset(&set, 0, sizeof(set));
	ok(parse_vlan_list("30,30,25-35,7-7", &set, &why, &at) == 0 &&
	   vid_count(&set) == 12, "a VID named twice counts once");
	ok(parse_vlan_list("40", &set, &why, &at) == 0 &&
	   vid_set_has(&set, 40) && vid_set_has(&set, 30) &&
	   vid_count(&set) == 13, "a second list adds to the set");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&set, 0, sizeof(set));
		why = at = NULL;
		ok(parse_vlan_list(bad[i].s, &set, &why, &at) == -EINVAL &&
		   vid_count(&set) == 0, "list \"%s\" is refused, set untouched",
		   bad[i].s);
		is_str(why ? why : "", bad[i].why, "  because: %s", bad[i].why);
		is_int(at ? (long)(at - bad[i].s) : -1, (long)bad[i].bad_at,
		       "  at offset %zu", bad[i].bad_at);
	}
}

int main(void)
{
	test_ifname();
	test_template();
	test_u32();
	test_mac();
	test_random_mac();
	test_user_group();
	test_modes();
	test_vid();
	test_vlan_list();
	return done_testing();
}
