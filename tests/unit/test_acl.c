// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * acl.c against qemu-bridge-helper's parse_acl_file() and decision:
 * every expected message and verdict below was observed from QEMU 7.2's
 * /usr/lib/qemu/qemu-bridge-helper with the same file.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "tap.h"

static char dir[] = "/tmp/test_acl.XXXXXX";

struct run {
	struct acl acl;
	int ret;
	char *msgs;
	size_t msglen;
};

/* Parses @len bytes of @text as the main file; messages into r->msgs. */
static void run_buf(struct run *r, unsigned int flags, const char *text,
		    size_t len)
{
	FILE *diagf = open_memstream(&r->msgs, &r->msglen);
	FILE *f = fmemopen((void *)text, len, "r");

	if (!diagf || !f)
		abort();
	acl_init(&r->acl, flags, diagf);
	r->ret = acl_load_stream(&r->acl, f);
	fclose(f);
	fclose(diagf);
}

static void run_str(struct run *r, unsigned int flags, const char *text)
{
	run_buf(r, flags, text, strlen(text));
}

static void run_file(struct run *r, unsigned int flags, const char *path)
{
	FILE *diagf = open_memstream(&r->msgs, &r->msglen);

	if (!diagf)
		abort();
	acl_init(&r->acl, flags, diagf);
	r->ret = acl_load(&r->acl, path);
	fclose(diagf);
}

static void done(struct run *r)
{
	acl_free(&r->acl);
	free(r->msgs);
	memset(r, 0, sizeof(*r));
}

static bool bridge(struct run *r, const char *name)
{
	return acl_allows(&r->acl, ACL_BRIDGE, name);
}

static bool lower(struct run *r, const char *name)
{
	return acl_allows(&r->acl, ACL_LINK, name);
}

static char *path(const char *name)
{
	static char buf[4][128];
	static int i;
	char *p = buf[i++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
	return p;
}

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(path(name), "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		abort();
}

static void test_decisions(void)
{
	struct run r;

	run_str(&r, 0, "");
	ok(!r.ret && !bridge(&r, "br0") && !bridge(&r, ""),
	   "an empty file parses and denies everything");
	done(&r);

	run_str(&r, 0, "allow br0\n");
	ok(!r.ret && bridge(&r, "br0") && !bridge(&r, "br1") &&
	   !bridge(&r, "br"), "allow NAME allows exactly NAME");
	done(&r);

	run_str(&r, 0, "allow all\n");
	ok(bridge(&r, "br0") && bridge(&r, "virbr7"), "allow all allows any bridge");
	done(&r);

	run_str(&r, 0, "allow all\ndeny br0\n");
	ok(!bridge(&r, "br0") && bridge(&r, "br1"), "deny after allow all wins");
	done(&r);

	run_str(&r, 0, "deny br0\nallow all\n");
	ok(!bridge(&r, "br0") && bridge(&r, "br1"), "deny before allow all still wins");
	done(&r);

	run_str(&r, 0, "deny all\nallow br0\n");
	ok(!bridge(&r, "br0"), "deny all beats allow NAME");
	done(&r);

	run_str(&r, 0, "allow br0\ndeny br0\nallow br0\n");
	ok(!bridge(&r, "br0"), "one deny beats any number of allows");
	done(&r);

	run_str(&r, 0, "deny br1\n");
	ok(!bridge(&r, "br0"), "deny only: the default is still deny");
	done(&r);

	run_str(&r, 0, "allow ALL\n");
	ok(!r.ret && !bridge(&r, "br0") && bridge(&r, "ALL"),
	   "ALL is a bridge name, not the keyword");
	done(&r);

	run_str(&r, 0, "allow \n");
	ok(!r.ret && bridge(&r, "") && !bridge(&r, "br0"),
	   "an empty argument is a rule for the empty name");
	done(&r);

	/* Upstream never checks bridge names beyond their length. */
	run_str(&r, 0, "allow a/b:c\n");
	ok(!r.ret && bridge(&r, "a/b:c") && !bridge(&r, "a"),
	   "a name the kernel would refuse is kept and compared as is");
	done(&r);
}

static void test_syntax(void)
{
	struct run r;

	run_str(&r, 0, "# allow br0\n   # allow br1\n\t#x\n\n \t \r\n");
	ok(!r.ret && r.acl.n == 0 && !r.msglen, "comments and blank lines");
	done(&r);

	run_str(&r, 0, "allow br0 # note\n");
	ok(!r.ret && !bridge(&r, "br0") && bridge(&r, "br0 # note"),
	   "no inline comments: the rest of the line is the name");
	done(&r);

	run_str(&r, 0, "allow\tbr0\n");
	ok(!r.ret && bridge(&r, "br0"), "a tab separates when there is no space");
	done(&r);

	run_str(&r, 0, "  allow  \t br0 \t\r\n");
	ok(!r.ret && bridge(&r, "br0"), "spaces around the name are stripped");
	done(&r);

	run_str(&r, 0, "allow br0\r\n");
	ok(!r.ret && bridge(&r, "br0"), "CRLF line ends");
	done(&r);

	run_str(&r, 0, "allow br0");
	ok(!r.ret && bridge(&r, "br0"), "a last line without a newline counts");
	done(&r);

	/* The quirk: the first ' ' anywhere is the separator. */
	run_str(&r, 0, "\tallow\tbr1  \n");
	is_int(r.ret, -EINVAL, "tab-separated with trailing spaces is an error");
	is_str(r.msgs, "Unknown command `allow\tbr1'\n", "... with upstream's message");
	done(&r);

	run_str(&r, 0, "allow\n");
	is_int(r.ret, -EINVAL, "a command without argument is an error");
	is_str(r.msgs, "Invalid config line:\n  allow\n\n",
	       "... printed with the raw line and its newline");
	done(&r);

	run_str(&r, 0, "  allow\n");
	is_str(r.msgs, "Invalid config line:\n    allow\n\n",
	       "... leading white space included");
	done(&r);

	run_str(&r, 0, "allow\fbr0\n");
	is_str(r.msgs, "Invalid config line:\n  allow\fbr0\n\n",
	       "a form feed is white space but no separator");
	done(&r);

	run_str(&r, 0, "\vallow br0\n");
	is_str(r.msgs, "Unknown command `\vallow'\n",
	       "a vertical tab is not white space (g_ascii_isspace)");
	done(&r);

	run_str(&r, 0, "permit br0\n");
	is_int(r.ret, -EINVAL, "an unknown command is an error");
	is_str(r.msgs, "Unknown command `permit'\n", "... with its message");
	done(&r);

	run_str(&r, 0, "Allow br0\n");
	is_str(r.msgs, "Unknown command `Allow'\n", "commands are case-sensitive");
	done(&r);

	run_str(&r, 0, "allow br0\nbogus\nallow br1\n");
	ok(r.ret == -EINVAL && r.acl.n == 1,
	   "parsing stops at the first bad line of the main file");
	done(&r);
}

static void test_lengths(void)
{
	char *text;
	struct run r;

	run_str(&r, 0, "allow abcdefghijklmno\n");
	ok(!r.ret && bridge(&r, "abcdefghijklmno"), "a 15-byte name is fine");
	done(&r);

	run_str(&r, 0, "deny abcdefghijklmnop\nallow all\n");
	is_int(r.ret, -EINVAL, "a 16-byte name is an error");
	is_str(r.msgs, "name `abcdefghijklmnop' too long: 16\n", "... with its message");
	done(&r);

	run_str(&r, 0, "frobnicate abcdefghijklmnopqrstu\n");
	is_str(r.msgs, "name `abcdefghijklmnopqrstu' too long: 21\n",
	       "the length is checked before the command");
	done(&r);

	/* fgets() with a 4096-byte buffer: 4095 bytes, then the rest. */
	text = malloc(8192);
	if (!text)
		abort();
	memset(text, '#', 4095);
	strcpy(text + 4095, "allow br0\n");
	run_str(&r, 0, text);
	ok(!r.ret && bridge(&r, "br0"),
	   "a 4095-byte comment ends the piece; the rest is a line of its own");
	done(&r);

	memset(text, '#', 4094);
	strcpy(text + 4094, "allow br0\n");
	run_str(&r, 0, text);
	is_str(r.msgs, "Unknown command `llow'\n",
	       "a longer line is cut after 4095 bytes");
	done(&r);

	memcpy(text, "allow", 5);
	memset(text + 5, ' ', 5000);
	strcpy(text + 5005, "br0\n");
	run_str(&r, 0, text);
	ok(r.ret == -EINVAL && r.acl.n == 1 && bridge(&r, ""),
	   "a long run of spaces: an empty name, then a bad piece");
	done(&r);
	free(text);

	run_buf(&r, 0, "allow br0\0junk\nallow br1\n", 25);
	ok(!r.ret && bridge(&r, "br0") && bridge(&r, "br1") &&
	   !bridge(&r, "br0junk"), "a NUL byte ends the line's text");
	done(&r);
}

static void test_files(void)
{
	struct run r;
	char text[512];

	run_file(&r, 0, path("missing.conf"));
	ok(r.ret == -ENOENT && !r.msglen,
	   "a missing main file fails without a message");
	done(&r);

	write_file("inc-allow", "allow br0\n");
	snprintf(text, sizeof(text), "include %s\n", path("inc-allow"));
	write_file("main", text);
	run_file(&r, 0, path("main"));
	ok(!r.ret && bridge(&r, "br0") && !bridge(&r, "br1"), "include");
	done(&r);

	snprintf(text, sizeof(text), "include %s\nallow br1\n", path("nonexistent"));
	write_file("main", text);
	run_file(&r, 0, path("main"));
	ok(!r.ret && !r.msglen && bridge(&r, "br1"),
	   "a missing include is silently ignored");
	done(&r);

	write_file("inc-bad", "allow br0\nbogus\nallow br1\n");
	snprintf(text, sizeof(text), "include %s\nallow br2\n", path("inc-bad"));
	write_file("main", text);
	run_file(&r, 0, path("main"));
	ok(!r.ret, "an error inside an include does not fail the main file");
	is_str(r.msgs, "Invalid config line:\n  bogus\n\n", "... but is printed");
	ok(bridge(&r, "br0") && !bridge(&r, "br1") && bridge(&r, "br2"),
	   "... and ends that include only: rules before it stay");
	done(&r);

	write_file("inc-deny", "deny all\n");
	snprintf(text, sizeof(text), "allow br0\ninclude  \t%s \n", path("inc-deny"));
	write_file("main", text);
	run_file(&r, 0, path("main"));
	ok(!r.ret && !bridge(&r, "br0"), "a deny in an include wins");
	done(&r);

	snprintf(text, sizeof(text), "allow br0\ninclude %s\n", path("loop"));
	write_file("loop", text);
	run_file(&r, 0, path("loop"));
	ok(!r.ret && bridge(&r, "br0") && r.acl.n == 1,
	   "a file that includes itself is read once");
	done(&r);

	snprintf(text, sizeof(text), "include %s\ninclude %s\nallow br1\n",
		 path("b"), path("b"));
	write_file("a", text);
	snprintf(text, sizeof(text), "include %s\nallow br2\n", path("a"));
	write_file("b", text);
	run_file(&r, 0, path("a"));
	ok(!r.ret && bridge(&r, "br1") && bridge(&r, "br2") && r.acl.n == 2,
	   "a loop through two files, included twice, is read once each");
	done(&r);

	write_file("d3", "allow br3\n");
	snprintf(text, sizeof(text), "include %s\nallow br2\n", path("d3"));
	write_file("d2", text);
	snprintf(text, sizeof(text), "include %s\nallow br1\n", path("d2"));
	write_file("d1", text);
	FILE *diagf = open_memstream(&r.msgs, &r.msglen);
	acl_init(&r.acl, 0, diagf);
	r.acl.max_depth = 1;
	r.ret = acl_load(&r.acl, path("d1"));
	fclose(diagf);
	ok(!r.ret && bridge(&r, "br1") && bridge(&r, "br2") && !bridge(&r, "br3"),
	   "includes deeper than max_depth are ignored");
	done(&r);

	snprintf(text, sizeof(text), "allow br0\ninclude %s\nallow br1\n", dir);
	write_file("main", text);
	run_file(&r, 0, path("main"));
	ok(!r.ret && bridge(&r, "br0") && bridge(&r, "br1"),
	   "including a directory reads nothing and is no error");
	done(&r);
}

static void test_links(void)
{
	struct run r;

	run_str(&r, 0, "allow-link eth0\n");
	is_str(r.msgs, "Unknown command `allow-link'\n",
	       "bridge.conf has no allow-link");
	done(&r);

	run_str(&r, ACL_F_LINKS, "allow-link eth0\nallow br0\n");
	ok(!r.ret && lower(&r, "eth0") && !lower(&r, "eth1") && !lower(&r, "br0") &&
	   bridge(&r, "br0") && !bridge(&r, "eth0"),
	   "acl.conf: link rules and bridge rules are separate");
	done(&r);

	run_str(&r, ACL_F_LINKS, "allow all\n");
	ok(!lower(&r, "eth0"), "allow all is about bridges only");
	done(&r);

	run_str(&r, ACL_F_LINKS, "allow-link all\ndeny-link eth1\ndeny all\n");
	ok(lower(&r, "eth0") && !lower(&r, "eth1") && !bridge(&r, "br0"),
	   "allow-link all, deny-link NAME wins, deny all leaves links alone");
	done(&r);

	run_str(&r, ACL_F_LINKS, "deny-link all\nallow-link eth0\n");
	ok(!lower(&r, "eth0"), "deny-link all wins");
	done(&r);

	run_str(&r, ACL_F_LINKS, "allow-link abcdefghijklmnop\n");
	is_str(r.msgs, "name `abcdefghijklmnop' too long: 16\n",
	       "link names have the same length limit");
	done(&r);
}

int main(void)
{
	char cmd[64];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_decisions();
	test_syntax();
	test_lengths();
	test_files();
	test_links();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		diag("could not remove %s", dir);
	return done_testing();
}
