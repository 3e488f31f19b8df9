#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tapctl while others change links at the same time: two batches racing
# over the same names, and a changer that never stops while tapctl lists
# and adds. Every result must be right and every later request unharmed.

load test_helper/common

# Fewer under ASan, which makes each request several times slower.
race_n() { [[ $TAPCTL == *asan* ]] && echo 200 || echo 1000; }

# The lines of $1 that are not "tapctl: FILE:LINE: CMD NAME: $2".
unexpected() { grep -v -E "^tapctl: [^ ]+:[0-9]+: (add|del) r[0-9]+: $2\$" "$1" || true; }

@test "race: two batches add, then delete, the same names, one forwards, one backwards" {
	local n fwd bwd
	n=$(race_n)
	ip -n "$NS" link add br0 type bridge
	fwd=$BATS_TEST_TMPDIR/fwd bwd=$BATS_TEST_TMPDIR/bwd
	seq 1 "$n" | sed 's/.*/add r& -u 1000 --bridge br0/' >"$fwd"
	tac "$fwd" >"$bwd"
	tpc -q --force -b "$fwd" 2>"$BATS_TEST_TMPDIR/e1" & p1=$!
	tpc -q --force -b "$bwd" 2>"$BATS_TEST_TMPDIR/e2" & p2=$!
	wait $p1 || true
	wait $p2 || true
	assert_equal "$(unexpected "$BATS_TEST_TMPDIR/e1" 'a device of this name already exists')" ""
	assert_equal "$(unexpected "$BATS_TEST_TMPDIR/e2" 'a device of this name already exists')" ""
	# Every name made exactly once between the two, and whole.
	assert_equal "$(cat "$BATS_TEST_TMPDIR/e1" "$BATS_TEST_TMPDIR/e2" | wc -l)" "$n"
	run -0 nsx ip -d -j link show type tun
	assert_equal "$(jq '[.[] | select(.ifname | test("^r[0-9]+$"))] | length' <<<"$output")" "$n"
	assert_equal "$(jq '[.[] | select(.master == "br0" and (.flags | index("UP")))] | length' <<<"$output")" "$n"
	# ip prints the owner as a user name: sysfs has the number.
	assert_equal "$(nsx sh -c 'cat /sys/class/net/r*/owner' | grep -c '^1000$')" "$n"

	sed -i 's/^add \(r[0-9]*\).*/del \1/' "$fwd" "$bwd"
	tpc -q --force -b "$fwd" 2>"$BATS_TEST_TMPDIR/e1" & p1=$!
	tpc -q --force -b "$bwd" 2>"$BATS_TEST_TMPDIR/e2" & p2=$!
	wait $p1 || true
	wait $p2 || true
	assert_equal "$(unexpected "$BATS_TEST_TMPDIR/e1" 'no such device')" ""
	assert_equal "$(unexpected "$BATS_TEST_TMPDIR/e2" 'no such device')" ""
	assert_equal "$(ip -n "$NS" -j link show | jq -r '[.[].ifname] | join(" ")')" "lo br0"
	# Deleted once each: every name failed in at most one of the two.
	assert_equal "$(cat "$BATS_TEST_TMPDIR/e1" "$BATS_TEST_TMPDIR/e2" | sed 's/.*del //' | sort | uniq -d)" ""
}

# Lines for ip -batch that add and delete veth pairs (which list never
# shows), a change every few milliseconds, for ever: a link dump that
# takes more than one message is often interrupted (NLM_F_DUMP_INTR), and
# tapctl must read it to its end and make it again.
changes() {
	local i=0
	while :; do
		echo "link add cx$i type veth peer name cy$i"
		echo "link del cx$i"
		i=$(((i + 1) % 50))
		sleep 0.01
	done
}

@test "race: list and add stay right while links change all the time" {
	local n=300 i
	[[ $TAPCTL == *asan* ]] && n=100
	seq 1 "$n" | sed 's/.*/tuntap add dev r& mode tap/' | nsx ip -batch -
	# $! is ip itself; the loop ends on its next write after ip goes.
	# Not nsx: a function is a subshell, and killing it would leave ip
	# (and the loop that feeds it) running after the test.
	changes 3>&- | ip netns exec "$NS" ip -force -batch - >/dev/null 2>&1 3>&- &
	local changer=$!
	defer kill "$changer"
	# The changer is running before the first list.
	for ((i = 0; i < 50; i++)); do
		ip -n "$NS" link show type veth | grep -q cx && break
		sleep 0.05
	done
	# (Not i: a loop variable that bats' run clobbers.)
	for _ in $(seq 1 20); do
		run -0 --separate-stderr tpc -j list
		assert_equal "$stderr" ""
		assert_equal "$(jq '[.[].ifname] | unique | length' <<<"$output")" "$n"
		assert_equal "$(jq length <<<"$output")" "$n"
	done
	# One process: every list and add of the batch right, none spoiled
	# by an earlier one (the socket is never left with stale replies).
	for ((i = 1; i <= 100; i++)); do
		echo "add s$i"
		echo "list r$i"
		echo "list s$i"
	done >"$BATS_TEST_TMPDIR/b"
	run -0 --separate-stderr tpc -q -b "$BATS_TEST_TMPDIR/b"
	assert_equal "$stderr" ""
	# ip reads its dump once, interrupted or not: the changes stop
	# before the count that checks tapctl's adds.
	kill "$changer"
	wait "$changer" || true
	run -0 --separate-stderr nsx ip -j link show type tun
	assert_equal "$stderr" ""
	assert_equal "$(jq '[.[] | select(.ifname | test("^s[0-9]+$"))] | length' <<<"$output")" 100
}
