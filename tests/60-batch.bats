#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tapctl -b FILE | -b -: many commands, one process, one netlink socket.

load test_helper/common
load test_helper/tun

batch_file() {
	BATCH=$BATS_TEST_TMPDIR/batch
	cat >"$BATCH"
}

@test "-b FILE: commands one per line, # comments and blank lines" {
	bridge_with_port br0
	batch_file <<-'EOF'
	# make a few devices
	add t1 --mtu 1400

	   add t2 --tun   # a trailing comment
	add "t3" -u 65534 --bridge br0
	set t1 --up --txqueuelen 9
	list t1
	del t2
	EOF
	run -0 --separate-stderr tpc -b "$BATCH"
	assert_equal "$stderr" ""
	assert_line --index 0 t1
	assert_line --index 1 t2
	assert_line --index 2 t3
	assert_line --index 3 --regexp '^NAME +TYPE'
	assert_line --index 4 --regexp '^t1 +tap '
	assert_equal "${#lines[@]}" 5
	assert_equal "$(links)" "lo br0 br0-q br0-p t1 t3"
	assert_equal "$(link_field t1 .mtu) $(link_field t1 .txqlen) $(is_up t1)" "1400 9 true"
	assert_equal "$(link_field t3 .master) $(sysfs t3 owner)" "br0 65534"
}

@test "-b -: commands from standard input" {
	run -0 tpc -b - <<<$'add t1\nadd t2 --mtu 1300\n'
	assert_output $'t1\nt2'
	assert_equal "$(link_field t2 .mtu)" 1300
	run -0 tpc --batch - </dev/null
	assert_output ""
}

@test "-b stops at the first failing line: FILE:LINE in the message, its status" {
	tpc add t2 >/dev/null
	batch_file <<-'EOF'
	add t1
	# line 2
	add t2
	add t3
	EOF
	run -1 --separate-stderr tpc -b "$BATCH"
	assert_output "t1"
	assert_equal "$stderr" "tapctl: $BATCH:3: add t2: a device of this name already exists"
	assert_equal "$(links)" "lo t2 t1"
	# A usage error stops it too, with exit 2.
	run -2 --separate-stderr tpc -b - <<<$'add t4\nadd t5 --mtu big\nadd t6'
	assert_equal "$stderr" 'tapctl: -:2: add t5: --mtu: "big" is not a decimal number'
	assert_equal "$(links)" "lo t2 t1 t4"
	run -2 --separate-stderr tpc -b - <<<$'bogus t7\nadd t7'
	assert_equal "$stderr" 'tapctl: -:1: unknown command "bogus" (see tapctl --help)'
	assert_no_link t7
}

@test "-b --force: goes on past failing lines, reports each, exit 1" {
	tpc add t2 >/dev/null
	batch_file <<-'EOF'
	add t1
	add t2
	add bad/name
	bogus
	set nosuch --up
	add t3
	EOF
	run -1 --separate-stderr tpc --force -b "$BATCH"
	assert_output $'t1\nt3'
	assert_equal "$stderr" "tapctl: $BATCH:2: add t2: a device of this name already exists
tapctl: $BATCH:3: add bad/name: interface name contains '/', ':' or white space
tapctl: $BATCH:4: unknown command \"bogus\" (see tapctl --help)
tapctl: $BATCH:5: set nosuch: no such device"
	assert_equal "$(links)" "lo t2 t1 t3"
	# Only usage errors: still 1 with --force.
	run -1 tpc -b - --force <<<$'add t4 --mtu x'
	# Nothing failing: 0.
	run -0 tpc --force -b - <<<$'add t5'
}

@test "-b: one process, one netlink socket, whatever the number of lines" {
	need_cmd strace
	for i in $(seq 1 40); do echo "add t$i --mtu 1400 --up"; done >"$BATS_TEST_TMPDIR/b"
	echo "list" >>"$BATS_TEST_TMPDIR/b"
	for i in $(seq 1 40); do echo "set t$i --mtu 1300"; done >>"$BATS_TEST_TMPDIR/b"
	echo "del $(seq -f 't%g' 1 20 | paste -sd ' ')" >>"$BATS_TEST_TMPDIR/b"
	STRACE_OPTS="-e trace=socket,clone,clone3,fork,vfork,execve" run -0 traced "$BATS_TEST_TMPDIR/st" "$TAPCTL" -b "$BATS_TEST_TMPDIR/b"
	run grep -c 'socket(AF_NETLINK' "$BATS_TEST_TMPDIR/st"
	assert_output 1
	run grep -cE '^[0-9]+ +(clone|clone3|fork|vfork)\(' "$BATS_TEST_TMPDIR/st"
	assert_output 0
	run grep -c 'execve(' "$BATS_TEST_TMPDIR/st"
	assert_output 1
	assert_equal "$(ip -n "$NS" -j link show | jq '[.[] | select(.mtu == 1300)] | length')" 20
}

@test "-b with -n, -j and -q" {
	run -0 tpcn -b - <<<$'add t1\nadd t2'
	assert_equal "$(links)" "lo t1 t2"
	# -j: each line's output is its own JSON document.
	run -0 tpc -j -b - <<<$'add t3\nlist t1 t2\nlist t3'
	assert_equal "$(jq -s -c 'map(type)' <<<"$output")" '["object","array","array"]'
	assert_equal "$(jq -s -r '.[1] | map(.ifname) | join(" ")' <<<"$output")" "t1 t2"
	run -0 --separate-stderr tpc -q -b - <<<$'add t4\nlist'
	assert_output ""
	assert_equal "$stderr" ""
	link_json t4 >/dev/null
}

@test "-b: exec and bridge-helper are not for batches; --help does not end one" {
	run -2 --separate-stderr tpc -b - <<<$'exec t1 -- true\nadd t1'
	assert_equal "$stderr" "tapctl: -:1: exec: not available in batch mode"
	assert_only_lo
	run -2 --separate-stderr tpc -b - <<<$'bridge-helper --br=br0 --fd=3'
	assert_equal "$stderr" "tapctl: -:1: bridge-helper: not available in batch mode"
	run -0 tpc -b - <<<$'add --help\nadd t1'
	assert_line --index 0 "Usage: add NAME [OPTIONS]"
	assert_line --index -1 t1
	link_json t1 >/dev/null
}

@test "-b: a file that cannot be read is exit 1, nothing run" {
	run -1 --separate-stderr tpc -b "$BATS_TEST_TMPDIR/none"
	assert_equal "$stderr" "tapctl: $BATS_TEST_TMPDIR/none: No such file or directory"
	run -1 --separate-stderr tpc -b "$BATS_TEST_TMPDIR"
	assert_equal "$stderr" "tapctl: $BATS_TEST_TMPDIR: Is a directory"
	assert_only_lo
}

@test "-b: consecutive del lines in one kernel batch; the failing one is the last to run" {
	need_cmd strace
	local i
	for i in $(seq 1 8); do tpc -q add "t$i"; done
	batch_file <<-EOF
	del t1
	del t2 t3
	# a comment between them
	del t2
	del t4
	add t9
	del t5
	EOF
	run -1 --separate-stderr tpc -b "$BATCH"
	# Line 4: t2 went with line 2, as if the lines ran one by one.
	assert_equal "$stderr" "tapctl: $BATCH:4: del t2: no such device"
	assert_equal "$(links)" "lo t4 t5 t6 t7 t8"
	# --force: past it; the lines before and after a failing one go.
	batch_file <<-EOF
	del t4
	del nosuch t6
	del t5 t7
	del bad/name
	del t8
	EOF
	STRACE_OPTS="-e trace=sendto" run -1 traced "$BATS_TEST_TMPDIR/st" \
		"$TAPCTL" --force -b "$BATCH"
	assert_line "tapctl: $BATCH:2: del nosuch: no such device"
	assert_line "tapctl: $BATCH:4: del bad/name: interface name contains '/', ':' or white space"
	assert_equal "$(links)" "lo t6"
	run grep -c 'nlmsg_type=RTM_DELLINK' "$BATS_TEST_TMPDIR/st"
	assert_output 1
	# A usage error stops a batch with exit 2, the lines before it done.
	tpc -q add u1
	tpc -q add u2
	run -2 --separate-stderr tpc -b - <<<$'del u1\ndel --bogus u2\ndel u2'
	assert_equal "$stderr" "tapctl: -:2: del: --bogus: unknown option"
	assert_equal "$(links)" "lo t6 u2"
}

@test "-b -: a del line is not held back for lines not yet written" {
	tpc -q add t1
	tpc -q add t2
	# The writer sends the second line only once the first took effect.
	run -0 --separate-stderr tpc -b - < <(
		echo "del t1"
		for ((k = 0; k < 100; k++)); do
			ip -n "$NS" link show dev t1 >/dev/null 2>&1 || break
			sleep 0.05
		done
		# Still there after 5 s: held back, and the batch must fail.
		ip -n "$NS" link show dev t1 >/dev/null 2>&1 && echo "held-back"
		echo "del t2"
	)
	assert_equal "$stderr" ""
	assert_only_lo
}
