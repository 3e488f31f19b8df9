// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the pure validators in src/parse.c: parse_ifname,
 * parse_mac, parse_u32 and the macvtap mode names.  Besides what ASan and
 * UBSan catch, each input is checked against an independent model of the
 * rule (the kernel's, for interface names), so that a validator that
 * accepts what the kernel refuses, or refuses a valid value, aborts.
 *
 * Input: byte 0 picks the function (and for parse_u32 the range), the
 * rest, cut at its first NUL, is the string.
 *
 * -DFUZZ_SKIP_REPORTED relaxes the checks for the deviations already
 * reported (see fuzz/README.md), to fuzz past them until they are fixed.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include "parse.h"

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "parse_fuzz: " __VA_ARGS__);	\
			fputc('\n', stderr);				\
			abort();					\
		}							\
	} while (0)

/* The kernel's isspace() (lib/ctype.c): C white space plus 0xa0. */
static bool kernel_isspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

/*
 * net/core/dev.c: dev_valid_name(), and for a name holding '%' the rule
 * of __dev_alloc_name() (one %d, no other '%').  Without a template, a
 * '%' can never name an existing or a new device.
 */
static bool kernel_valid_name(const char *s, bool template)
{
	const char *p, *pct;

	if (!*s || strlen(s) >= IFNAMSIZ)
		return false;
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (p = s; *p; p++) {
		if (*p == '/' || *p == ':')
			return false;
#ifdef FUZZ_SKIP_REPORTED
		if ((unsigned char)*p == 0xa0)
			continue;
#endif
		if (kernel_isspace((unsigned char)*p))
			return false;
	}
	pct = strchr(s, '%');
	if (pct && (!template || pct[1] != 'd' || strchr(pct + 2, '%')))
		return false;
	return true;
}

static void check_ifname(const char *s)
{
	const char *why = NULL;
	int t, ret;

	for (t = 0; t < 2; t++) {
		ret = parse_ifname(s, t, &why);
		CHECK(ret == 0 || ret == -EINVAL, "parse_ifname returned %d", ret);
		CHECK(!ret || (why && *why), "parse_ifname: no reason given");
		CHECK(!ret == kernel_valid_name(s, t),
		      "parse_ifname(\"%s\", %d) = %d, kernel says %s", s, t,
		      ret, kernel_valid_name(s, t) ? "valid" : "invalid");
	}
}

static int hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void check_mac(const char *s)
{
	uint8_t mac[6] = { 0 }, ref[6] = { 0 };
	bool ok = strlen(s) == 17;
	const char *why = NULL;
	char buf[18];
	int i, ret;

	for (i = 0; ok && i < 17; i++) {
		if (i % 3 == 2)
			ok = s[i] == ':';
		else
			ok = hexdigit(s[i]) >= 0;
	}
	for (i = 0; ok && i < 6; i++)
		ref[i] = (uint8_t)(hexdigit(s[3 * i]) << 4 | hexdigit(s[3 * i + 1]));
	if (ok)
		ok = !(ref[0] & 1) && (ref[0] | ref[1] | ref[2] | ref[3] | ref[4] | ref[5]);

	ret = parse_mac(s, mac, &why);
	CHECK(ret == 0 || ret == -EINVAL, "parse_mac returned %d", ret);
	CHECK(!ret == ok, "parse_mac(\"%s\") = %d, model says %s", s, ret,
	      ok ? "valid" : "invalid");
	if (ret) {
		CHECK(why && *why, "parse_mac: no reason given");
		return;
	}
	CHECK(!memcmp(mac, ref, 6), "parse_mac(\"%s\"): wrong bytes", s);
	/* What list prints must read back as the same address. */
	parse_format_mac(mac, buf);
	for (i = 0; i < 17; i++)
		CHECK(buf[i] == (s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 'a' : s[i]),
		      "parse_format_mac: \"%s\" printed as \"%s\"", s, buf);
}

static const struct {
	uint32_t min, max;
} ranges[] = {
	{ 0, UINT32_MAX },
	{ 68, 65535 },			/* --mtu */
	{ 0, UINT32_MAX - 1 },		/* uid, gid: -1 means "none" */
	{ 1, 256 },			/* --queues */
	{ 0, 0 },
	{ UINT32_MAX, UINT32_MAX },
	{ 3, 1023 },			/* --fd */
	{ 10, 9 },			/* empty range: nothing fits */
};

static void check_u32(const char *s, unsigned int sel)
{
	uint32_t min = ranges[sel % 8].min, max = ranges[sel % 8].max;
	uint32_t out = 0xdeadbeef;
	unsigned long long v = 0;
	bool digits = *s != '\0', big = false;
	const char *p;
	int ret, want;

	/* Strict decimal, saturating so that overflow reads as big. */
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9') {
			digits = false;
			break;
		}
		if (v > UINT32_MAX)
			big = true;
		else
			v = v * 10 + (unsigned long long)(*p - '0');
	}
	if (v > UINT32_MAX)
		big = true;
	if (!digits)
		want = -EINVAL;
	else if (big || v < min || v > max)
		want = -ERANGE;
	else
		want = 0;
#ifdef FUZZ_SKIP_REPORTED
	/* Reported: more than 10 characters is -EINVAL whatever they are. */
	if (digits && strlen(s) > 10)
		want = -EINVAL;
#endif

	ret = parse_u32(s, min, max, &out);
	CHECK(ret == want, "parse_u32(\"%s\", %u, %u) = %d, model says %d", s,
	      min, max, ret, want);
	if (!ret)
		CHECK(out == v, "parse_u32(\"%s\") gave %u", s, out);
	else
		CHECK(out == 0xdeadbeef, "parse_u32(\"%s\") wrote its output on failure", s);
}

static void check_mode(const char *s)
{
	static const char *const names[] = {
		"bridge", "vepa", "private", "passthru", "source",
	};
	uint32_t mode = 0;
	bool known = false;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		known |= !strcmp(s, names[i]);
	ret = parse_macvtap_mode(s, &mode);
	CHECK(!ret == known, "parse_macvtap_mode(\"%s\") = %d", s, ret);
	if (!ret)
		CHECK(!strcmp(parse_macvtap_mode_name(mode), s),
		      "mode \"%s\" named back as \"%s\"", s,
		      parse_macvtap_mode_name(mode));
	else
		CHECK(ret == -EINVAL, "parse_macvtap_mode returned %d", ret);
	/* Any value the kernel reports must print as something. */
	CHECK(parse_macvtap_mode_name((uint32_t)strlen(s) << (s[0] & 7)) != NULL,
	      "parse_macvtap_mode_name returned NULL");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int sel;
	size_t len;
	char *s;

	if (size < 1)
		return 0;
	sel = data[0];
	len = strnlen((const char *)data + 1, size - 1);
	/* An exact-size copy: ASan sees any read past the terminator. */
	s = malloc(len + 1);
	if (!s)
		return 0;
	memcpy(s, data + 1, len);
	s[len] = '\0';

	switch (sel % 4) {
	case 0:
		check_ifname(s);
		break;
	case 1:
		check_mac(s);
		break;
	case 2:
		check_u32(s, sel / 4);
		break;
	case 3:
		check_mode(s);
		break;
	}
	free(s);
	return 0;
}
