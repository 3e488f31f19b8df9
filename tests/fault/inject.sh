#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fault injection for one tapctl command (tests/95-fault.bats runs it).
#
#   inject.sh -n NS -t TAPCTL [-r RESTORE] [-k strict|report] [-m JQ]
#             [-e REGEX] [-b BATCH] [-s NAME] -- WORD...
#
# WORD... is the command run inside NS. Each WORD "@T@" stands for the
# traced tapctl (a script that runs TAPCTL under strace, so that it can be
# handed to a program such as helper-client); without one, "@T@" comes
# first. The command runs once under strace to list tapctl's system calls
# (the dynamic loader's are left out), then again once per occurrence K
# of each of them with strace -e inject=SYSCALL:error=EIO:when=K (also
# ENOBUFS and EINTR for the netlink send and receive calls), and once
# per occurrence killed there (signal=KILL). After each run:
#
#   - exit status 0: the namespace must equal what the uninjected run
#     left, and so must stdout;
#   - any other status: below 128 (tapctl never dies of a signal), a
#     line on stderr matching REGEX (default "^tapctl: "), and the
#     namespace exactly as before; with -b, the batch file BATCH, as
#     before or as after the batch's first lines (a batch stops at the
#     first failing line, or a failed read, and what is done stays);
#   - killed: the namespace as before or as after a whole run; with
#     -k report a state in between is counted but is no failure (where
#     the kernel cannot make the steps one).
#
# The namespace is its links (ip -d -j link, less timers; less the
# operstate and a bridge port's STP state, which follow the carrier by
# themselves, a moment after the last descriptor closes; and the qdisc,
# which a link gets when it first goes up and keeps),
# its bridge ports (bridge -d -j link) and its macvtap nodes (the /dev
# or private node of each macvtap, and tapctl's private directories of
# this namespace). RESTORE (shell text, run inside NS) brings it back to
# the state before the case whenever a run changed it. -m JQ filters a
# snapshot before it is compared with the uninjected run's (a random MAC,
# say); ifindexes are never compared then. Prints one summary line and
# every failure; exits 1 if any run failed.

set -u

ns='' tapctl='' restore=true kill_mode=strict mask=. name=case
msg='^tapctl: ' batch=''
while getopts n:t:r:k:m:s:e:b: opt; do
	case $opt in
	n) ns=$OPTARG ;;
	t) tapctl=$OPTARG ;;
	r) restore=$OPTARG ;;
	k) kill_mode=$OPTARG ;;
	m) mask=$OPTARG ;;
	s) name=$OPTARG ;;
	e) msg=$OPTARG ;;
	b) batch=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ ${1:-} == -- ]] && shift
[[ -n $ns && -n $tapctl && $# -gt 0 ]] || {
	echo "usage: inject.sh -n NS -t TAPCTL [-r RESTORE] [-k strict|report] [-m JQ] [-s NAME] -- WORD..." >&2
	exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
cookie_prog=$here/../helpers/netns-cookie
work=$(mktemp -d /tmp/tapctl-fault.XXXXXX) || exit 1
chmod 0755 "$work"
trap 'rm -rf "$work"' EXIT

# The traced tapctl: strace with the options of this run, from a file.
cat > "$work/traced" <<EOF
#!/bin/sh
exec strace -qq -o "$work/log" \$(cat "$work/opts") -- "$tapctl" "\$@"
EOF
chmod 0755 "$work/traced"

cmd=()
has_t=0
for w; do
	if [[ $w == @T@ ]]; then
		cmd+=("$work/traced")
		has_t=1
	else
		cmd+=("$w")
	fi
done
((has_t)) || cmd=("$work/traced" "${cmd[@]}")

# What tapctl may do, as far as it matters here. The loader's own calls
# (before the first call outside LOADER) are never injected.
TRACE=socket,bind,connect,setsockopt,getsockopt,sendto,sendmsg,recvmsg,recvfrom,ioctl,openat,read,write,mknodat,mkdirat,fchownat,fchmod,fchmodat,chmod,unlinkat,newfstatat,statfs,readlinkat,readlink,getdents64,setns,unshare,mount,umount2,pidfd_open,pidfd_getfd,dup2,dup3,fcntl,close_range,prctl,setresuid,setresgid,setgroups,capset,clone,clone3,wait4,kill,execve,socketpair,rt_sigprocmask,rt_sigaction,fstat,lstat,stat,access,faccessat2,getrandom
LOADER=' execve brk arch_prctl access openat newfstatat fstat read pread64 mmap mprotect close munmap set_tid_address set_robust_list rseq prlimit64 getrandom '
NETLINK=' sendto sendmsg recvmsg recvfrom '

cookie=$(ip netns exec "$ns" "$cookie_prog") || exit 1

# The state of the namespace, as JSON: [links, ports, nodes].
snap() {
	local nodes
	# shellcheck disable=SC2016 # for the inner shell
	nodes=$(ip netns exec "$ns" sh -c '
		for d in /sys/class/net/*/macvtap/tap*/dev; do
			[ -e "$d" ] || continue
			n=${d##*/macvtap/tap}; n=${n%/dev}
			if [ "$(stat -c %t:%T "/dev/tap$n" 2>/dev/null)" = \
			     "$(printf "%x:%x" $(tr : " " < "$d"))" ]; then
				stat -c "%n %a %u %g" "/dev/tap$n"
			fi
		done
		for r in /run/tapctl /dev/tapctl; do
			[ -d "$r/netns-$1" ] && find "$r/netns-$1" -printf "%p %m %U %G %y\n"
		done
		true' sh "$cookie")
	# Not jq, which takes longer to start than all the rest: ip's JSON
	# is one line, with its keys always in the same order.
	{
		ip -n "$ns" -d -j link show
		bridge -n "$ns" -d -j link show
		if [[ -n $nodes ]]; then
			printf '%s\n' "$nodes" | sed 's/.*/"&"/' | paste -sd, | sed 's/.*/[&]/'
		else
			echo '[]'
		fi
	} | grep . | sed -E '
		s/,"[a-z_]*(_timer|topology_change[a-z_]*)":[0-9.]+//g
		s/"[a-z_]*(_timer|topology_change[a-z_]*)":[0-9.]+,//g
		s/,"(operstate|qdisc|state)":"[A-Za-z_]+"//g
		s/"(operstate|qdisc|state)":"[A-Za-z_]+",//g
		s/"(LOWER_UP|NO-CARRIER|M-DOWN)",//g
		s/,"(LOWER_UP|NO-CARRIER|M-DOWN)"//g
		s/\["(LOWER_UP|NO-CARRIER|M-DOWN)"\]/[]/g' | paste -sd, | sed 's/.*/[&]/'
}

# A snapshot for comparison with the uninjected run's: no ifindexes (a
# device made again gets a new one), nor the numbers in node names.
norm() {
	jq -S -c "{links: .[0], ports: .[1], nodes: .[2]} |
		del(.. | objects | .ifindex) |
		.nodes |= map(gsub(\"tap[0-9]+\"; \"tapN\")) | $mask"
}

# run OPTS: the command with strace OPTS; sets rc, out, err.
run_cmd() {
	echo "$1" > "$work/opts"
	: > "$work/log"
	# A subshell, so that bash's "Killed" goes nowhere.
	(ip netns exec "$ns" "${cmd[@]}" > "$work/out" 2> "$work/err" < /dev/null
	 exit $?) 2> /dev/null
	rc=$?
}

restore_ns() {
	ip netns exec "$ns" sh -c "$restore" > /dev/null 2>&1
}

fail_msg() {
	failures=$((failures + 1))
	{
		echo "# HOLE $name: $1 ($2): exit $rc"
		sed 's/^/#   stderr: /' "$work/err"
		[[ -n ${3:-} ]] && printf '%s\n' "$3" | sed 's/^/#   /'
	} >&2
}

# --- the uninjected run, and the list of what to inject
restore_ns
base=$(snap)
run_cmd "-e trace=$TRACE -e signal=none"
if ((rc != 0)); then
	echo "# $name: the uninjected run failed (exit $rc):" >&2
	sed 's/^/#   /' "$work/err" >&2
	exit 1
fi
good_out=$(cat "$work/out")
good=$(snap | norm)
cp "$work/log" "$work/listing"
restore_ns
base=$(snap)
base0=$(norm <<< "$base")

# A batch that fails at line I leaves lines 1..I-1 done.
prefixes=()
if [[ -n $batch ]]; then
	nlines=$(wc -l < "$batch")
	# All of them too: a read of the file can fail after the last line.
	for ((i = 1; i <= nlines; i++)); do
		head -n "$i" "$batch" > "$work/prefix"
		ip netns exec "$ns" "$tapctl" -q -b "$work/prefix" > /dev/null 2>&1
		prefixes+=("$(snap | norm)")
		restore_ns
	done
	base=$(snap)
fi

# Whether the snapshot $1 is one a failure may leave.
as_before() {
	local n p
	[[ $1 == "$base" ]] && return 0
	((${#prefixes[@]})) || return 1
	n=$(norm <<< "$1")
	for p in "${prefixes[@]}"; do
		[[ $n == "$p" ]] && return 0
	done
	return 1
}

# One line per occurrence to inject: "SYSCALL K". Counting starts at
# the first call, the loader's too (strace's when=K does).
mapfile -t points < <(awk -v loader="$LOADER" '
	{
		if (!match($0, /^[a-z_0-9]+\(/))
			next
		sc = substr($0, 1, RLENGTH - 1)
		n[sc]++
		# The second execve is tapctl running PROGRAM: nothing after
		# it is tapctl'"'"'s.
		if (sc == "execve" && n[sc] > 1)
			exit
		if (!started && index(loader, " " sc " "))
			next
		started = 1
		if (sc == "execve")
			next
		print sc, n[sc]
	}' "$work/listing")

runs=0 held=0 failures=0 kills=0 whole=0 partial=0
for p in "${points[@]}"; do
	sc=${p% *} k=${p#* }
	errs=EIO
	[[ $NETLINK == *" $sc "* ]] && errs='EIO ENOBUFS EINTR'
	for e in $errs KILL; do
		if [[ $e == KILL ]]; then
			inj="inject=$sc:signal=KILL:when=$k"
		else
			inj="inject=$sc:error=$e:when=$k"
		fi
		run_cmd "-e trace=$sc -e signal=none -e $inj"
		runs=$((runs + 1))
		now=$(snap)
		ok=1
		if [[ $e == KILL ]]; then
			kills=$((kills + 1))
			if as_before "$now" || [[ $(norm <<< "$now") == "$good" ]]; then
				whole=$((whole + 1))
			else
				partial=$((partial + 1))
				if [[ $kill_mode == strict ]]; then
					ok=0
					fail_msg "$sc #$k" "$e" "half-made: $(diff <(jq . <<< "$base") <(jq . <<< "$now") | head -20)"
				fi
			fi
		elif ((rc == 0)); then
			if [[ $(norm <<< "$now") != "$good" ]]; then
				ok=0
				fail_msg "$sc #$k" "$e" "succeeded, but not as the uninjected run: $(diff <(jq . <<< "$good") <(norm <<< "$now" | jq .) | head -20)"
			elif [[ $(cat "$work/out") != "$good_out" ]]; then
				ok=0
				fail_msg "$sc #$k" "$e" "succeeded, but printed: $(head -3 "$work/out")"
			fi
		else
			if ((rc >= 128)); then
				ok=0
				fail_msg "$sc #$k" "$e" "died of signal $((rc - 128))"
			elif ! grep -Eq -- "$msg" "$work/err"; then
				ok=0
				fail_msg "$sc #$k" "$e" "no message matching $msg"
			fi
			if grep -q '^signal=' "$work/out"; then
				ok=0
				fail_msg "$sc #$k" "$e" "the helper died: $(grep '^signal=' "$work/out")"
			fi
			if ! as_before "$now"; then
				ok=0
				fail_msg "$sc #$k" "$e" "failed, and the namespace changed: $(diff <(jq . <<< "$base") <(jq . <<< "$now") | head -20)"
			fi
		fi
		((ok)) && held=$((held + 1))
		if [[ $now != "$base" ]]; then
			restore_ns
			base=$(snap)
			if [[ $(norm <<< "$base") != "$base0" ]]; then
				fail_msg "restore after $sc #$k" "$e" "RESTORE did not bring the namespace back: $(diff <(jq . <<< "$base0") <(norm <<< "$base" | jq .) | head -20)"
				break 2
			fi
		fi
	done
done

echo "# $name: ${#points[@]} calls, $runs injections, $held held; kills: $kills, $whole left the namespace whole or as before, $partial in between"
((failures == 0))
