#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fault injection: each command made to fail at every system call it
# makes, in turn, and killed at each (tests/fault/inject.sh says how and
# what is checked). One namespace per case, brought back to the case's
# start whenever a run changed it. Each test prints its counts
# ("# CASE: N calls, N injections, N held; kills: ...").
#
# Against the normal build only: the sanitizers' own system calls would
# be injected too, and the ASan run of the other files covers the code.

load test_helper/common

INJECT=$BATS_TEST_DIRNAME/fault/inject.sh
COOKIE=$BATS_TEST_DIRNAME/helpers/netns-cookie
FDR=$BATS_TEST_DIRNAME/helpers/fd-report
CLIENT=$BATS_TEST_DIRNAME/helpers/helper-client

setup() {
	common_setup
	need_cmd strace
	if ldd "$TAPCTL" 2>/dev/null | grep -q libasan; then
		skip "fault injection runs against the normal build"
	fi
	[[ -x $COOKIE && -x $FDR && -x $CLIENT ]] ||
		fail "tests/helpers not built: run make check"
	ip -n "$NS" link add br0 type bridge
	ip -n "$NS" link set br0 up
	ip -n "$NS" link add v0 type veth peer name v1
	ip -n "$NS" link set v0 up
}

teardown() {
	local c
	if [[ -n ${NS:-} && -e /run/netns/$NS ]]; then
		c=$(ip netns exec "$NS" "$COOKIE")
		rm -rf "/run/tapctl/netns-$c" "/dev/tapctl/netns-$c"
	fi
	common_teardown
}

# Shell text: the private macvtap nodes of the namespace it runs in.
forget_nodes() {
	printf 'c=$(%q); rm -rf "/run/tapctl/netns-$c" "/dev/tapctl/netns-$c"' "$COOKIE"
}

# inject OPTIONS -- WORDS: the driver over this test's namespace; its
# counts go to the TAP output, and to the file's total.
inject() {
	run "$INJECT" -n "$NS" -t "$TAPCTL" "$@"
	printf '%s\n' "$output" | grep '^# ' >&3
	printf '%s\n' "$output" | grep '^# .*injections' >> "$BATS_FILE_TMPDIR/counts"
	assert_success
}

teardown_file() {
	[[ -s $BATS_FILE_TMPDIR/counts ]] &&
		awk '{ for (i = 1; i < NF; i++) {
			if ($(i + 1) ~ /^injections,?$/) runs += $i
			if ($(i + 1) ~ /^held;?$/) held += $i } }
		END { printf "# all cases: %d injections, %d held\n", runs, held }' \
			"$BATS_FILE_TMPDIR/counts" >&3
	common_teardown_file
}

# ------------------------------------------------------------------ add

# Since add makes a tap persistent right after TUNSETIFF (before its link
# settings, so that a batch of adds into a bridge stays fast), a kill
# after that leaves it with the settings made so far: reported.
@test "fault: add a tap with every setting" {
	inject -s "add tap" -k report -r 'ip link del t0' -- \
		add t0 --user 65534 --group 100 --mac 02:00:00:00:00:07 \
		--mtu 1400 --txqueuelen 100 --bridge br0 --isolated \
		--vnet-hdr --multi-queue
}

@test "fault: add a tun from a %d template" {
	inject -s "add tun%d" -k report -r 'ip link del tun0' -- \
		add 'tun%d' --tun --pi --user 65534 --mtu 1300 --txqueuelen 50 --up
}

@test "fault: add a macvtap with every setting" {
	# A kill between the link's creation and its node's owner leaves
	# the link: no one request makes both (the man page says so).
	inject -s "add macvtap" -k report \
		-r "ip link del mvt0; $(forget_nodes)" -- \
		add mvt0 --macvtap v0 --mode vepa --mac 02:00:00:00:00:08 \
		--mtu 1400 --txqueuelen 100 --up --user 65534 --group 100
}

# ------------------------------------------------------------------ set

@test "fault: set on a tap, every setting" {
	local mk='ip tuntap add t0 mode tap user 1000 group 1000 &&
		ip link set t0 address 02:00:00:00:00:01 mtu 1500 txqueuelen 1000'
	nsx sh -c "$mk"
	inject -s "set tap" -k report -r "ip link del t0; $mk" -- \
		set t0 --user 65534 --group 100 --mac 02:00:00:00:00:09 \
		--mtu 1400 --txqueuelen 100 --bridge br0 --isolated
}

@test "fault: add a macvtap in source mode" {
	inject -s "add macvtap source" -k report \
		-r "ip link del mvt0; $(forget_nodes)" -- \
		add mvt0 --macvtap v0 --mode source --source-mac 02:00:00:00:03:01 \
		--source-mac 02:00:00:00:03:02 --mac 02:00:00:00:03:00
}

@test "fault: set on a macvtap, every setting" {
	local mk="ip link add link v0 name mvt0 address 02:00:00:00:00:02 type macvtap mode bridge"
	nsx sh -c "$mk"
	inject -s "set macvtap" -k report \
		-r "ip link del mvt0; $(forget_nodes); $mk" -- \
		set mvt0 --mode private --mac 02:00:00:00:00:0a --mtu 1300 \
		--txqueuelen 200 --up --user 65534 --group 100
}

# ------------------------------------------------------------------ del

@test "fault: del of several names" {
	local mk='ip tuntap add t0 mode tap && ip tuntap add t1 mode tap user 1000 &&
		ip link set t0 address 02:00:00:00:01:00 &&
		ip link set t1 address 02:00:00:00:01:01 master br0 &&
		ip link add link v0 name mvt0 address 02:00:00:00:01:02 type macvtap mode bridge'
	nsx sh -c "$mk"
	# The devices go in one kernel batch, after a request that gathers
	# them: a kill in between leaves them all, but not all as they were
	# (the man page says so).
	inject -s "del" -k report \
		-r "ip link del t0; ip link del t1; ip link del mvt0; $(forget_nodes); $mk" -- \
		del t0 t1 mvt0
}

# ------------------------------------------------------------------ exec

@test "fault: exec --create, a transient tap" {
	inject -s "exec --create tap" -e '^tapctl: ' -r 'ip link del t9' -- \
		exec --create t9 --mtu 1400 --mac 02:00:00:00:00:0b --bridge br0 \
		-- "$FDR" 3
}

@test "fault: exec --create, a transient macvtap" {
	# tapctl stays as the parent and deletes the link when PROGRAM
	# ends: a kill in between leaves it (the man page says so).
	inject -s "exec --create macvtap" -k report \
		-r "ip link del m9; $(forget_nodes)" -- \
		exec --create m9 --macvtap v0 --mode vepa --mac 02:00:00:00:00:0c -- true
}

# ----------------------------------------------------------------- batch

@test "fault: a batch" {
	local b=$BATS_TEST_TMPDIR/batch
	cat > "$b" <<-EOF
		add b0 --mtu 1400 --user 65534 --mac 02:00:00:00:00:0e
		set b0 --txqueuelen 100 --bridge br0
		add bm0 --macvtap v0 --mac 02:00:00:00:00:0d
		del b0
	EOF
	inject -s "batch" -k report -b "$b" \
		-r "ip link del b0; ip link del bm0; $(forget_nodes)" -- -b "$b"
}

# --------------------------------------------------------- bridge-helper

@test "fault: bridge-helper" {
	local conf=$BATS_TEST_TMPDIR/bridge.conf
	printf 'allow br0\n' > "$conf"
	# qemu-bridge-helper's messages, not tapctl's: anything on stderr.
	TAPCTL_BRIDGE_CONF=$conf inject -s "bridge-helper" -e . \
		-r 'for l in /sys/class/net/tap*; do ip link del "${l##*/}"; done' -- \
		"$CLIENT" @T@ bridge-helper --use-vnet --br=br0 --fd=%fd
}

# ----------------------------------------------------------------- apply

@test "fault: apply, two devices to create and one to change" {
	local f=$BATS_TEST_TMPDIR/devices.conf
	local mk='ip tuntap add a2 mode tap user 1000 &&
		ip link set a2 address 02:00:00:00:02:02 mtu 1500'
	nsx sh -c "$mk"
	cat > "$f" <<-EOF
		a0 --mtu 1400 --mac 02:00:00:00:02:00 --bridge br0 --user 65534
		a1 --macvtap v0 --mode vepa --mac 02:00:00:00:02:01
		a2 --mtu 1300 --txqueuelen 200
	EOF
	# A kill between two of its requests leaves the ones before done.
	inject -s "apply" -k report \
		-r "ip link del a0; ip link del a1; ip link del a2; $(forget_nodes); $mk" -- \
		apply "$f"
}
