# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Helpers for the tun/tap tests (10-add, 11-del, 12-list, 20-set,
# 60-batch), loaded after common:  load test_helper/tun
#
#   need_probe             fail unless tests/helpers/tun-attach is built
#   hold NAME [FLAGS...]   tun-attach NAME FLAGS hold, inside $NS, in the
#                          background; returns once it holds the device
#                          and sets HOLD_PID (teardown kills it with $NS)
#   links                  the link names of $NS, in ifindex order
#   tun_data NAME          "type pi vnet_hdr multi_queue persist" from ip -d -j
#   is_up NAME             true|false: the admin state
#   bridge_with_port BR    bridge BR, up, with one port (veth BR-p) whose
#                          MAC fc:00:00:00:00:01 a random port MAC would
#                          almost always undercut

TUN_ATTACH=$BATS_TEST_DIRNAME/helpers/tun-attach

need_probe() {
	[[ -x $TUN_ATTACH ]] || fail "$TUN_ATTACH is missing: run make check"
}

hold() {
	local out i
	need_probe
	out=$(mktemp "$BATS_TEST_TMPDIR/hold.XXXXXX")
	ip netns exec "$NS" "$TUN_ATTACH" "$@" hold >"$out" 2>&1 &
	HOLD_PID=$!
	for ((i = 0; i < 100; i++)); do
		grep -q '^holding$' "$out" && return 0
		kill -0 "$HOLD_PID" 2>/dev/null || break
		sleep 0.05
	done
	cat "$out" >&2
	fail "tun-attach $* did not attach"
}

links() { ip -n "$NS" -j link show | jq -r '[.[].ifname] | join(" ")'; }

tun_data() {
	link_field "$1" '.linkinfo.info_data | [.type, .pi, .vnet_hdr, .multi_queue, .persist] | map(tostring) | join(" ")'
}

is_up() { link_field "$1" '.flags | index("UP") != null'; }

bridge_with_port() {
	ip -n "$NS" link add "$1" type bridge
	ip -n "$NS" link add "$1-p" type veth peer name "$1-q"
	ip -n "$NS" link set "$1-p" address fc:00:00:00:00:01 master "$1" up
	ip -n "$NS" link set "$1" up
}

# traced OUT CMD...: CMD inside $NS under strace -f (options in
# $STRACE_OPTS), the trace in OUT. LeakSanitizer cannot run under ptrace,
# so an ASan tapctl gets detect_leaks=0 here (the last value wins).
traced() {
	local out=$1
	shift
	need_cmd strace
	# shellcheck disable=SC2086
	nsx env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq $STRACE_OPTS -o "$out" "$@"
}
