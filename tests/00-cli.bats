#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The command line itself: global options, help, version, unknown
# commands and options, option order, and what each does to the system.

load test_helper/common

@test "-h and --help print the usage on stdout, exit 0" {
	for opt in -h --help; do
		run -0 --separate-stderr "$TAPCTL" "$opt"
		assert_equal "$stderr" ""
		assert_line --index 0 "Usage: tapctl [OPTIONS] COMMAND [ARGS...]"
		for word in -n,\ --netns -j,\ --json -q,\ --quiet -b,\ --batch \
			--force -h,\ --help -V,\ --version; do
			assert_output --partial "  $word"
		done
		for cmd in "add NAME" "del NAME..." "set NAME" "list [-d] [NAME...]" \
			exec ifup ifdown bridge-helper tunctl; do
			assert_output --partial "  $cmd"
		done
		assert_output --partial "Run 'tapctl COMMAND --help'"
	done
}

@test "-V and --version print the version, exit 0" {
	run -0 --separate-stderr "$TAPCTL" -V
	assert_equal "$stderr" ""
	assert_output --regexp '^tapctl [0-9]+\.[0-9]+'
	assert_equal "${#lines[@]}" 1
	local v=$output
	run -0 "$TAPCTL" --version
	assert_output "$v"
}

@test "no command: usage on stderr, exit 2" {
	run -2 --separate-stderr "$TAPCTL"
	assert_output ""
	[[ $stderr == "Usage: tapctl [OPTIONS] COMMAND [ARGS...]"* ]]
}

@test "an unknown command: exit 2, its name in the message, nothing changed" {
	run -2 --separate-stderr tpc bogus tap0
	assert_output ""
	assert_equal "$stderr" 'tapctl: unknown command "bogus" (see tapctl --help)'
	# Exact names only: no prefix matching.
	run -2 --separate-stderr tpc ad tap0
	assert_equal "$stderr" 'tapctl: unknown command "ad" (see tapctl --help)'
	assert_only_lo
}

@test "an unknown global option: exit 2, nothing runs" {
	run -2 --separate-stderr tpc --bogus add tap0
	assert_output ""
	assert_equal "$stderr" "tapctl: --bogus: unknown option"
	run -2 --separate-stderr tpc -x add tap0
	assert_equal "$stderr" "tapctl: -x: unknown option"
	assert_only_lo
}

@test "a global option needs its argument" {
	run -2 --separate-stderr "$TAPCTL" -n
	assert_equal "$stderr" "tapctl: -n: missing argument"
	run -2 --separate-stderr "$TAPCTL" --batch
	assert_equal "$stderr" "tapctl: --batch: missing argument"
}

@test "an unknown command option: exit 2 with the option named, nothing made" {
	run -2 --separate-stderr tpc add tap0 --bogus
	assert_output ""
	assert_equal "$stderr" "tapctl: add: --bogus: unknown option"
	# No abbreviations either.
	run -2 --separate-stderr tpc add tap0 --mt 1400
	assert_equal "$stderr" "tapctl: add: --mt: unknown option"
	# A global option is not a command option.
	run -2 --separate-stderr tpc add tap0 -j
	assert_equal "$stderr" "tapctl: add: -j: unknown option"
	run -2 --separate-stderr tpc list -x
	assert_equal "$stderr" "tapctl: list: -x: unknown option"
	run -2 --separate-stderr tpc del tap0 --force
	assert_equal "$stderr" "tapctl: del: --force: unknown option"
	assert_only_lo
}

@test "a command option needs its argument; a missing NAME is a usage error" {
	run -2 --separate-stderr tpc add tap0 --mtu
	assert_equal "$stderr" "tapctl: add: --mtu: missing argument"
	run -2 --separate-stderr tpc add
	assert_equal "$stderr" "tapctl: add: missing NAME"
	run -2 --separate-stderr tpc add --mtu 1400
	assert_equal "$stderr" "tapctl: add: missing NAME"
	run -2 --separate-stderr tpc set
	assert_equal "$stderr" "tapctl: set: missing NAME"
	run -2 --separate-stderr tpc del
	assert_equal "$stderr" "tapctl: del: missing NAME"
	run -2 --separate-stderr tpc add tap0 tap1
	assert_equal "$stderr" 'tapctl: add tap0: unexpected argument "tap1"'
	assert_only_lo
}

@test "COMMAND --help: the command's options on stdout, exit 0, nothing done" {
	local common="-u, --user -g, --group --mac --mtu --txqueuelen --up --down --bridge --nobridge --mode"
	run -0 --separate-stderr tpc add --help
	assert_equal "$stderr" ""
	assert_line --index 0 "Usage: add NAME [OPTIONS]"
	for o in $common --tap --tun --macvtap --vnet-hdr --multi-queue --pi -h,; do
		assert_output --partial " $o"
	done
	refute_output --partial "--persist"

	run -0 --separate-stderr tpc set --help
	assert_line --index 0 "Usage: set NAME [OPTIONS]"
	for o in $common --persist --no-persist -h,; do
		assert_output --partial " $o"
	done
	for o in --tun --tap --vnet-hdr --multi-queue --pi --macvtap; do
		refute_output --partial " $o "
	done

	run -0 --separate-stderr tpc list --help
	assert_line --index 0 "Usage: list [NAME...]"
	assert_output --partial "-d, --details"
	run -0 tpc show --help
	assert_output --partial "-d, --details"

	run -0 --separate-stderr tpc del --help
	assert_line --index 0 "Usage: del NAME..."

	# --help wins wherever it stands: nothing is created or deleted.
	run -0 tpc add tap0 --mtu 1400 --help
	run -0 tpc add -h tap0
	assert_only_lo
	nsx ip tuntap add tap1 mode tap
	run -0 tpc del tap1 --help
	link_json tap1 >/dev/null
}

@test "options may come before or after NAME" {
	run -0 tpc add --mtu 1400 --txqueuelen 77 tap0
	assert_output "tap0"
	run -0 tpc add tap1 --mtu 1400 --txqueuelen 77
	assert_output "tap1"
	run -0 tpc add --mtu=1400 tap2 --txqueuelen=77
	for t in tap0 tap1 tap2; do
		assert_equal "$(link_field $t .mtu)" 1400
		assert_equal "$(link_field $t .txqlen)" 77
	done
	run -0 tpc set --mtu 1300 tap0 --up
	run -0 tpc set tap1 --up --mtu 1300
	for t in tap0 tap1; do
		assert_equal "$(link_field $t .mtu)" 1300
		assert_equal "$(link_field $t '.flags | index("UP") != null')" true
	done
	run -0 tpc list -d tap0
	run -0 tpc list tap0 -d
	assert_line --index 1 --regexp '^tap0 '
}

@test "POSIXLY_CORRECT does not stop options after NAME" {
	POSIXLY_CORRECT=1 run -0 tpc add tap0 --mtu 1400
	assert_equal "$(link_field tap0 .mtu)" 1400
}

@test "-q prints nothing on success, still reports errors" {
	run -0 --separate-stderr tpc -q add tap0
	assert_output ""
	assert_equal "$stderr" ""
	assert_equal "$(link_field tap0 .ifname)" tap0
	run -0 --separate-stderr tpc --quiet list
	assert_output ""
	# list -q: the exit status says whether the NAMEs are devices.
	run -0 --separate-stderr tpc -q list tap0
	assert_output ""
	run -1 --separate-stderr tpc -q list nosuch
	assert_output ""
	assert_equal "$stderr" "tapctl: list nosuch: no such device"
	run -1 --separate-stderr tpc -q add tap0
	assert_output ""
	assert_equal "$stderr" "tapctl: add tap0: a device of this name already exists"
}

@test "-j: add prints one JSON object, list an array, with the same keys" {
	run -0 --separate-stderr tpc -j add tap0 --mtu 1400
	assert_equal "$stderr" ""
	assert_equal "$(jq -r 'type' <<<"$output")" object
	assert_equal "$(jq -r '.ifname, .mtu' <<<"$output" | paste -sd ' ')" "tap0 1400"
	local addkeys=$(jq -c 'keys' <<<"$output")
	run -0 tpc --json list
	assert_equal "$(jq -r 'type' <<<"$output")" array
	assert_equal "$(jq -c '.[0] | keys' <<<"$output")" "$addkeys"
}

@test "-n NAME and -n PATH act inside that namespace" {
	run -0 "$TAPCTL" -n "$NS" add tap0
	assert_equal "$(link_field tap0 .ifname)" tap0
	run -0 "$TAPCTL" --netns "/run/netns/$NS" add tap1
	assert_equal "$(link_field tap1 .ifname)" tap1
	ip netns exec "$NS" sleep 1000 &
	local pid=$! want i
	defer kill "$pid"
	# Only once the sleep is inside does its /proc path mean the namespace;
	# before, it would be this one (the host's).
	want=$(stat -L -c %i "/run/netns/$NS")
	for ((i = 0; i < 50; i++)); do
		[[ $(stat -L -c %i "/proc/$pid/ns/net") == "$want" ]] && break
		sleep 0.1
	done
	assert_equal "$(stat -L -c %i "/proc/$pid/ns/net")" "$want"
	run -0 "$TAPCTL" -n "/proc/$pid/ns/net" add tap2
	assert_equal "$(link_field tap2 .ifname)" tap2
	run -0 "$TAPCTL" -n "$NS" list
	assert_equal "$(printf '%s\n' "${lines[@]:1}" | awk '{print $1}' | paste -sd ' ')" \
		"tap0 tap1 tap2"
	# Nothing of it in the namespace we run in.
	! ip link show tap0 2>/dev/null || fail "tap0 leaked into the test's namespace"
}

@test "-n errors: missing namespace exit 1, not a namespace exit 1, empty exit 2" {
	run -1 --separate-stderr "$TAPCTL" -n "tapctl-none-$$" list
	assert_equal "$stderr" "tapctl: --netns: cannot open /run/netns/tapctl-none-$$: No such file or directory"
	run -1 --separate-stderr "$TAPCTL" -n /etc/hostname add tap0
	assert_equal "$stderr" "tapctl: --netns: /etc/hostname: not a network namespace"
	run -2 --separate-stderr "$TAPCTL" -n "" list
	assert_equal "$stderr" "tapctl: --netns: empty name"
	assert_only_lo
}

@test "--force only with --batch; --batch takes no command" {
	run -2 --separate-stderr tpc --force add tap0
	assert_equal "$stderr" "tapctl: --force: only with --batch"
	run -2 --separate-stderr tpc -b /dev/null add tap0
	assert_equal "$stderr" 'tapctl: --batch: unexpected argument "add"'
	assert_only_lo
}

@test "show is list" {
	tpc add tap0 --mtu 1400 >/dev/null
	run -0 tpc list
	local l=$output
	run -0 tpc show
	assert_output "$l"
	run -0 tpc -j show tap0
	assert_equal "$(jq -r '.[0].ifname' <<<"$output")" tap0
}
