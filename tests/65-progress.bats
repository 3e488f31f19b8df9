#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The progress line of a long batch, on a real terminal (tmux): shown
# while it runs, erased at the end; never with -q or when stderr is not a
# terminal.

load test_helper/common

setup() {
	common_setup
	need_cmd tmux
	TMUX_S=tapctl-$BATS_TEST_NUMBER-$$
	defer tmux kill-session -t "$TMUX_S"
	# Long enough to be seen: a second or more of adds.
	BATCH=$BATS_TEST_TMPDIR/batch
	local n=4000
	seq 1 "$n" | sed 's/.*/add p&/' >"$BATCH"
	N=$n
}

# Runs CMD in a fresh tmux window; DONE appears in it when CMD ends.
in_tmux() {
	tmux new-session -d -s "$TMUX_S" -x 150 -y 20 \
		"$*; echo DONE-\$?; sleep 600"
}

pane() { tmux capture-pane -p -t "$TMUX_S"; }

# Polls the pane (bounded): until it shows $1.
wait_pane() {
	local k
	for ((k = 0; k < 600; k++)); do
		[[ $(pane) == *"$1"* ]] && return 0
		sleep 0.05
	done
	pane >&2
	fail "the pane never showed \"$1\""
}

@test "progress: a long batch shows DONE/TOTAL and a rate, then erases it" {
	in_tmux ip netns exec "$NS" "$TAPCTL" -b "$BATCH" ">/dev/null"
	wait_pane "/$N ("
	run -0 pane
	assert_output --regexp "tapctl: [0-9]+/$N \([0-9]+%\), [0-9]+/s"
	wait_pane DONE-0
	run -0 pane
	refute_output --partial "tapctl:"
	assert_equal "$(ip -n "$NS" -j link show type tun | jq length)" "$N"
}

@test "progress: from a pipe, DONE and the rate alone" {
	in_tmux cat "$BATCH" "|" ip netns exec "$NS" "$TAPCTL" -b - ">/dev/null"
	wait_pane "/s"
	run -0 pane
	assert_output --regexp "tapctl: [0-9]+, [0-9]+/s"
	wait_pane DONE-0
	run -0 pane
	refute_output --partial "tapctl:"
}

@test "progress: an error message is never glued to the line" {
	echo "add p1" >>"$BATCH"
	in_tmux ip netns exec "$NS" "$TAPCTL" --force -b "$BATCH" ">/dev/null"
	wait_pane DONE-1
	run -0 pane
	assert_line "tapctl: $BATCH:$((N + 1)): add p1: a device of this name already exists"
	refute_output --regexp "tapctl: [0-9]+/"
}

@test "progress: never with -q, never when stderr is not a terminal" {
	in_tmux ip netns exec "$NS" "$TAPCTL" -q -b "$BATCH"
	# While it runs, and after: no line (polled as long as it runs).
	local k
	for ((k = 0; k < 600; k++)); do
		run -0 pane
		[[ $output == *DONE-* ]] && break
		refute_output --partial "tapctl:"
		sleep 0.05
	done
	assert_output --partial DONE-0
	tmux kill-session -t "$TMUX_S"
	nsx ip -batch - <<<"$(sed 's/^add \(.*\)/link del \1/' "$BATCH")" 2>/dev/null ||
		ip netns exec "$NS" "$TAPCTL" -q del $(seq -f 'p%g' 1 "$N")
	# stderr to a file, from a terminal: the file holds nothing.
	in_tmux ip netns exec "$NS" "$TAPCTL" -b "$BATCH" ">/dev/null" "2>$BATS_TEST_TMPDIR/err"
	wait_pane DONE-0
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ""
	assert_equal "$(ip -n "$NS" -j link show type tun | jq length)" "$N"
}

@test "progress: a long apply shows DONE/TOTAL too, then erases it" {
	local conf=$BATS_TEST_TMPDIR/devices.conf
	sed 's/^add //' "$BATCH" >"$conf"
	in_tmux ip netns exec "$NS" "$TAPCTL" apply "$conf" ">/dev/null"
	wait_pane "/$N ("
	run -0 pane
	assert_output --regexp "tapctl: [0-9]+/$N \([0-9]+%\), [0-9]+/s"
	wait_pane DONE-0
	run -0 pane
	refute_output --partial "tapctl:"
	assert_equal "$(ip -n "$NS" -j link show type tun | jq length)" "$N"
	# -q: none; and --prune of them all is one kernel batch.
	tmux kill-session -t "$TMUX_S"
	: >"$BATS_TEST_TMPDIR/none.conf"
	in_tmux ip netns exec "$NS" "$TAPCTL" -q apply --prune "$BATS_TEST_TMPDIR/none.conf"
	wait_pane DONE-0
	run -0 pane
	refute_output --partial "tapctl:"
	assert_equal "$(ip -n "$NS" -j link show type tun | jq length)" 0
}
