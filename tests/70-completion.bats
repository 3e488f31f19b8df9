#!/usr/bin/env bats
# bash completion (completions/tapctl.bash) driven as bash drives it:
# COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT set, _tapctl called, COMPREPLY
# compared with what the system says independently (compgen, /sys, ls).

load test_helper/common

COMPLETION=$BATS_TEST_DIRNAME/../completions/tapctl.bash

# Loads bash-completion and our completion into the test's shell.
load_completion() {
	[[ -r /usr/share/bash-completion/bash_completion ]] ||
		skip "bash-completion is not installed"
	# shellcheck disable=SC1091
	source /usr/share/bash-completion/bash_completion
	# shellcheck disable=SC1090
	source "$COMPLETION"
	# compopt only works inside a real completion: record what is asked.
	COMPOPT=()
	compopt() { COMPOPT+=("$*"); }
}

# Completes LINE with the cursor at its end, splitting words as bash does
# (white space, and '=' as a word of its own); the command word is $TAPCTL.
complete_line() {
	local line="$TAPCTL ${1#tapctl }" w
	local -a words=()
	read -ra ws <<<"$line"
	for w in "${ws[@]}"; do
		while [[ $w == *=* ]]; do
			[[ ${w%%=*} ]] && words+=("${w%%=*}")
			words+=("=")
			w=${w#*=}
		done
		[[ $w ]] && words+=("$w")
	done
	[[ $line == *[[:space:]] ]] && words+=("")
	COMP_WORDS=("${words[@]}")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMP_TYPE=9
	COMP_KEY=9
	COMPREPLY=()
	COMPOPT=()
	# Like bash, ignore the function's status: COMPREPLY is the answer.
	_tapctl "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}" || true
}

# Asserts that COMPREPLY holds exactly the given words, in any order.
assert_reply() {
	local got want
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort -u)
	want=$(printf '%s\n' "$@" | sort -u)
	assert_equal "$got" "$want"
}

# Asserts that COMPREPLY holds the given word.
assert_reply_has() {
	local w
	for w in "${COMPREPLY[@]}"; do
		[[ $w == "$1" ]] && return 0
	done
	fail "\"$1\" is not among: ${COMPREPLY[*]}"
}

refute_reply_has() {
	local w
	for w in "${COMPREPLY[@]}"; do
		[[ $w != "$1" ]] || fail "\"$1\" should not be among: ${COMPREPLY[*]}"
	done
}

# A few devices of each kind, and a bridge, in the test's namespace.
make_devices() {
	ip -n "$NS" link add v0 type veth peer name v1
	ip -n "$NS" link add br0 type bridge
	run -0 tpc add tap0
	run -0 tpc add tun0 --tun
	run -0 tpc add mvt0 --macvtap v0
	nsx test -e /sys/class/net/tap0/tun_flags
	nsx test -e /sys/class/net/tun0/tun_flags
	nsx test -d /sys/class/net/mvt0/macvtap
}

@test "completion: registered for tapctl" {
	load_completion
	run -0 complete -p tapctl
	assert_output "complete -F _tapctl tapctl"
}

@test "completion: commands at word 1" {
	load_completion
	complete_line "tapctl "
	assert_reply add apply del set list show exec ifup ifdown bridge-helper tunctl
	complete_line "tapctl s"
	assert_reply set show
	complete_line "tapctl bri"
	assert_reply bridge-helper
}

@test "completion: commands after global options and their values" {
	load_completion
	complete_line "tapctl -j -n $NS -q "
	assert_reply add apply del set list show exec ifup ifdown bridge-helper tunctl
	complete_line "tapctl --netns=$NS --json i"
	assert_reply ifup ifdown
}

@test "completion: global options" {
	load_completion
	complete_line "tapctl -"
	assert_reply -n --netns -j --json -q --quiet -b --batch --force \
		-h --help -V --version
	complete_line "tapctl --n"
	assert_reply --netns
}

@test "completion: -n offers the names in /run/netns" {
	load_completion
	# Other namespaces come and go: check only the test's own.
	complete_line "tapctl -n "
	assert_reply_has "$NS"
	complete_line "tapctl --netns ${NS%-*}"
	assert_reply_has "$NS"
}

@test "completion: -b offers files" {
	load_completion
	touch "$BATS_TEST_TMPDIR/batch-a" "$BATS_TEST_TMPDIR/batch-b" \
		"$BATS_TEST_TMPDIR/other"
	complete_line "tapctl -b $BATS_TEST_TMPDIR/bat"
	assert_reply "$BATS_TEST_TMPDIR/batch-a" "$BATS_TEST_TMPDIR/batch-b"
}

@test "completion: add options" {
	load_completion
	complete_line "tapctl add tap0 --"
	assert_reply --tap --tun --macvtap --mode --vnet-hdr --multi-queue --pi \
		--user --group --mac --mtu --txqueuelen --up --down --bridge \
		--nobridge --pvid --vlan --isolated --no-isolated --source-mac --help
	complete_line "tapctl add tap0 -"
	assert_reply_has -u
	assert_reply_has -g
	assert_reply_has -h
	complete_line "tapctl add --mu"
	assert_reply --multi-queue
}

@test "completion: --mode offers the five macvtap modes" {
	load_completion
	complete_line "tapctl add mvt0 --macvtap eth0 --mode "
	assert_reply bridge vepa private passthru source
	complete_line "tapctl add mvt0 --mode=pa"
	assert_reply passthru
	complete_line "tapctl set mvt0 --mode v"
	assert_reply vepa
}

@test "completion: --user, --group, --setuid, --setgid: users and groups" {
	load_completion
	complete_line "tapctl add tap0 --user "
	assert_reply $(compgen -u)
	complete_line "tapctl add tap0 -u ro"
	assert_reply $(compgen -u -- ro)
	assert_reply_has root
	complete_line "tapctl set tap0 --group "
	assert_reply $(compgen -g)
	complete_line "tapctl set tap0 -g ro"
	assert_reply $(compgen -g -- ro)
	complete_line "tapctl exec --setuid no"
	assert_reply $(compgen -u -- no)
	complete_line "tapctl exec --setgid=ro"
	assert_reply $(compgen -g -- ro)
}

@test "completion: device names come from tapctl list in the -n namespace" {
	load_completion
	make_devices
	complete_line "tapctl -n $NS del "
	assert_reply tap0 tun0 mvt0
	complete_line "tapctl -n $NS del tap0 "
	assert_reply tap0 tun0 mvt0
	complete_line "tapctl --netns $NS list t"
	assert_reply tap0 tun0
	complete_line "tapctl --netns=$NS show m"
	assert_reply mvt0
	complete_line "tapctl -n $NS set "
	assert_reply tap0 tun0 mvt0
	complete_line "tapctl -n $NS exec --fd 4 "
	assert_reply tap0 tun0 mvt0
	# ifup and ifdown refuse anything but a tap.
	complete_line "tapctl -n $NS ifdown "
	assert_reply tap0
	complete_line "tapctl -n $NS ifup --bridge br0 "
	assert_reply tap0
	complete_line "tapctl -n $NS tunctl -d "
	assert_reply tap0 tun0 mvt0
	# The host's namespace has none of them.
	complete_line "tapctl del "
	refute_reply_has tap0
	refute_reply_has mvt0
}

@test "completion: a missing namespace completes nothing, quietly" {
	load_completion
	run -0 complete_line "tapctl -n no-such-ns-$$ del "
	assert_output ""
	complete_line "tapctl -n no-such-ns-$$ del "
	assert_reply
}

@test "completion: set takes one device, then options" {
	load_completion
	make_devices
	complete_line "tapctl -n $NS set tap0 "
	assert_reply --user --group --mac --mtu --txqueuelen --up --down \
		--bridge --nobridge --mode --persist --no-persist --pvid --vlan \
		--novlan --isolated --no-isolated --source-mac --help -u -g -h
	complete_line "tapctl -n $NS set --mtu 1400 tap0 --pe"
	assert_reply --persist
	# An option's value is not the device.
	complete_line "tapctl -n $NS set --mtu 1400 "
	assert_reply tap0 tun0 mvt0
}

@test "completion: --bridge offers the bridges of the -n namespace" {
	load_completion
	make_devices
	ip -n "$NS" link add br1 type bridge
	complete_line "tapctl -n $NS add tap9 --bridge "
	assert_reply br0 br1
	complete_line "tapctl -n $NS set tap0 --bridge=br"
	assert_reply br0 br1
	complete_line "tapctl -n $NS ifup --bridge "
	assert_reply br0 br1
}

@test "completion: --bridge offers bridges from /sys inside a namespace" {
	load_completion
	make_devices
	run -0 nsx bash -c "
		source /usr/share/bash-completion/bash_completion
		source '$COMPLETION'
		TAPCTL='$TAPCTL'
		$(declare -f complete_line)
		complete_line 'tapctl add tap9 --bridge '
		printf '%s\n' \"\${COMPREPLY[@]}\""
	assert_output "br0"
}

@test "completion: --macvtap offers every link of the namespace" {
	load_completion
	make_devices
	complete_line "tapctl -n $NS add mvt1 --macvtap "
	assert_reply $(nsx ls /sys/class/net)
	# ip -o shows a veth as "v1@v0": the name is only "v1".
	assert_reply_has v1
	assert_reply_has br0
}

@test "completion: list options" {
	load_completion
	complete_line "tapctl list -"
	assert_reply -d --details -h --help
	complete_line "tapctl show --"
	assert_reply --details --help
}

@test "completion: exec options, add options only with --create" {
	load_completion
	complete_line "tapctl exec --"
	assert_reply --fd --queues --vhost --vnet-hdr --no-vnet-hdr --create \
		--setuid --setgid --help --
	complete_line "tapctl exec --create --"
	assert_reply_has --macvtap
	assert_reply_has --multi-queue
	assert_reply_has --bridge
	assert_reply_has --fd
	complete_line "tapctl exec --create --macvtap eth0 --mode "
	assert_reply bridge vepa private passthru source
	complete_line "tapctl exec --create --user ro"
	assert_reply $(compgen -u -- ro)
	complete_line "tapctl exec --create -g ro"
	assert_reply $(compgen -g -- ro)
}

@test "completion: exec completes the program after --" {
	load_completion
	complete_line "tapctl exec tap0 -- bas"
	assert_reply_has bash
	complete_line "tapctl exec --fd 4 tap0 -- bas"
	assert_reply_has bash
}

@test "completion: bridge-helper speaks qemu-bridge-helper's options" {
	load_completion
	make_devices
	complete_line "tapctl bridge-helper --"
	assert_reply --use-vnet --br= --fd=
	complete_line "tapctl bridge-helper --b"
	assert_reply --br=
	assert_equal "${COMPOPT[*]}" "-o nospace"
	complete_line "tapctl -n $NS bridge-helper --use-vnet --br="
	assert_reply br0
}

@test "completion: tunctl's options" {
	load_completion
	complete_line "tapctl tunctl -"
	assert_reply -b -n -p -f -t -d -u -g
	complete_line "tapctl tunctl -u ro"
	assert_reply $(compgen -u -- ro)
	complete_line "tapctl tunctl -g ro"
	assert_reply $(compgen -g -- ro)
}

# zsh: an interactive zsh -f on a pseudo-terminal (zsh/zpty) with our
# completion in fpath; LINE and a TAB are typed, and the listing that zsh
# prints is the answer. "tapctl" on PATH is $TAPCTL.
zsh_complete() {
	need_cmd zsh
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -sf "$TAPCTL" "$BATS_TEST_TMPDIR/bin/tapctl"
	cat >"$BATS_TEST_TMPDIR/complete.zsh" <<'ZSH'
# Every step waits for zsh to say that it is done, never for time: a
# marker when the line editor starts reading a line (characters typed
# before it does are read by the terminal's cooked mode, and a TAB then
# may not complete), and one when the completion has been listed.
zmodload zsh/zpty || exit 1
zpty z zsh -f -i || exit 1
zpty -w z "PS1='' PROMPT_EOL_MARK=''; PATH=${(q)2}:\$PATH"
# The dump, shared by the file's tests, saves compinit's scan of fpath.
zpty -w z "fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -d ${(q)4}"
zpty -w z "zstyle ':completion:*' format '<%d>'; LISTMAX=10000"
zpty -w z "unsetopt automenu listambiguous"
# The quotes keep the typed text from matching what zsh prints.
zpty -w z "zle-line-init() { print -rn -- '@@ZL''E@@' }; zle -N zle-line-init"
zpty -w z "t-complete() { zle complete-word; zle -R; print -rn -- '@@LIS''TED@@' }"
zpty -w z "zle -N t-complete; bindkey '^I' t-complete; print @@RE''ADY@@"
zpty -r z out '*@@READY@@*@@ZLE@@' || exit 1
zpty -w -n z "$3"$'\t'
zpty -r z out '*@@LISTED@@' || exit 1
all=$out
# ^U drops the line.
zpty -w z $'\x15'"print @@DO''NE@@"
zpty -r z out '*@@DONE@@*' || exit 1
zpty -d z
all+=$out
print -r -- "${all//$'\r'/}"
ZSH
	run -0 timeout 60 zsh -f "$BATS_TEST_TMPDIR/complete.zsh" \
		"$BATS_TEST_DIRNAME/../completions" "$BATS_TEST_TMPDIR/bin" "$1" \
		"$BATS_FILE_TMPDIR/zcompdump"
	# The words of the listing, one per line: terminal escapes and white
	# space separate them.
	output=$(sed 's/\x1b\[[0-9;?]*[a-zA-Z]/\n/g; s/\x07//g' <<<"$output" |
		tr -s ' \t' '\n\n')
	mapfile -t lines <<<"$output"
}

@test "zsh completion: commands with their descriptions" {
	zsh_complete "tapctl "
	assert_line "<tapctl"
	local c
	for c in add del set list show exec ifup ifdown bridge-helper tunctl; do
		assert_line "$c"
	done
}

@test "zsh completion: add options and --mode values" {
	zsh_complete "tapctl add tap0 --"
	local o
	for o in --tap --tun --macvtap --mode --vnet-hdr --multi-queue --pi \
		--user --group --mac --mtu --txqueuelen --up --down --bridge \
		--nobridge --help; do
		assert_line -- "$o"
	done
	refute_line -- --persist
	zsh_complete "tapctl add mvt0 --macvtap eth0 --mode "
	for o in bridge vepa private passthru source; do
		assert_line "$o"
	done
}

@test "zsh completion: device names and bridges of the -n namespace" {
	make_devices
	ip -n "$NS" link add br1 type bridge
	zsh_complete "tapctl -n $NS del "
	assert_line "<tun/tap/macvtap"
	assert_line tap0
	assert_line tun0
	assert_line mvt0
	refute_line v0
	zsh_complete "tapctl -n $NS set tap0 --bridge "
	assert_line br0
	assert_line br1
	refute_line v0
	refute_line lo
	# The one tap is inserted, not listed: tun0 and mvt0 are not offered.
	zsh_complete "tapctl -n $NS ifup "
	assert_line tap0
	refute_line tun0
	refute_line mvt0
}
