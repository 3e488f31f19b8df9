#!/usr/bin/env bats
# The docs follow the code: every command and option that the binary's own
# --help shows must be in the man page and in both completions, and the
# man page and completions must pass their linters.

load test_helper/common

TOP=$BATS_TEST_DIRNAME/..
MAN_IN=$TOP/man/tapctl.8.in
BASH_COMPLETION=$TOP/completions/tapctl.bash
ZSH_COMPLETION=$TOP/completions/_tapctl

# Commands with a grammar of their own (tunctl's, qemu-bridge-helper's):
# documented, but they have no --help to read options from.
LEGACY=" bridge-helper tunctl "

# The commands that "tapctl --help" lists.
help_commands() {
	"$TAPCTL" --help | awk '/^Commands:/ { on = 1; next }
		on && NF == 0 { exit }
		on { print $1 }'
}

# The options that "tapctl [CMD] --help" lists, one per line: long ones
# (--mtu) and short ones (-u). Nothing when CMD has no --help yet.
help_options() {
	"$TAPCTL" "$@" --help 2>/dev/null |
		grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z0-9-]*' |
		grep -oE -- '(^| )--?[a-zA-Z][a-z0-9-]*' | tr -d ' ' | sort -u
}

# The man page as plain words: roff hyphens, font changes and zero-width
# escapes removed, so that \fB\-\-mtu\fP reads --mtu.
man_text() {
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' "$MAN_IN"
}

# The entry of CMD under COMMANDS in man_text: its .TP tag (the grammar)
# and body, up to the next command's tag (.RS/.RE nest option lists).
man_block() {
	man_text | awk -v c="$1" '
		/^\.SH/ { in_cmds = ($0 == ".SH COMMANDS"); next }
		!in_cmds { next }
		/^\.RS/ { depth++ }
		/^\.RE/ { depth-- }
		tag && depth == 0 { split($0, w, " "); cur = w[1] }
		{ tag = ($0 == ".TP") }
		cur == c { print }'
}

# The tag lines (what .TP and .TQ describe) in the text on stdin.
man_tags() {
	awk 'tag { print } { tag = ($0 == ".TP" || $0 == ".TQ") }'
}

# True if the word (an option) appears on its own in the text $2.
has_word() {
	[[ $'\n'$2$'\n' =~ [^a-zA-Z0-9-]$1[^a-zA-Z0-9-] ]]
}

# The zsh specs that apply to CMD: its case branch, plus add's options
# when the branch includes them.
zsh_specs() {
	local block
	block=$(awk -v c="$1" '
		!on && $0 ~ "^ *\\((.*\\|)?" c "(\\|.*)?\\)$" { on = 1 }
		on { print }
		on && /;;/ { exit }' "$ZSH_COMPLETION")
	printf '%s\n' "$block"
	if [[ $block == *'$add_opts'* ]]; then
		sed -n '/^  add_opts=(/,/^  )/p' "$ZSH_COMPLETION"
	fi
}

# True if a zsh spec for the option is in the text $2: --mtu=[, --up[,
# {-u+,--user=}, {-h,--help}.
zsh_has_spec() {
	local re="[^a-zA-Z0-9-]$1(=-?\\[|=\\}|\\+?\\[|\\+,|,|\\})"
	[[ $'\n'$2 =~ $re ]]
}

# bash completion of LINE (cursor at its end) into COMPREPLY.
bash_complete() {
	local line="$TAPCTL ${1#tapctl }"
	if ! declare -F _tapctl >/dev/null; then
		[[ -r /usr/share/bash-completion/bash_completion ]] ||
			skip "bash-completion is not installed"
		# shellcheck disable=SC1091
		source /usr/share/bash-completion/bash_completion
		# shellcheck disable=SC1090
		source "$BASH_COMPLETION"
		# compopt works only inside a real completion.
		compopt() { :; }
	fi
	read -ra COMP_WORDS <<<"$line"
	[[ $line == *[[:space:]] ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	_tapctl "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}" || true
}

in_reply() {
	local w
	for w in "${COMPREPLY[@]}"; do
		[[ $w == "$1" ]] && return 0
	done
	return 1
}

@test "docs: the help output these checks read is there" {
	run -0 help_commands
	assert_line add
	assert_line del
	assert_line set
	assert_line list
	run -0 help_options add
	assert_line --mtu
	assert_line -- -u
	run -0 help_options
	assert_line --netns
	assert_line -- -n
}

@test "docs: every command in tapctl --help is in the man page" {
	local c missing=""
	for c in $(help_commands); do
		# A command is the first word of a .TP tag under COMMANDS.
		man_text | awk -v c="$c" '
			/^\.SH/ { in_cmds = ($0 ~ /^\.SH COMMANDS/) }
			in_cmds && tag { split($0, w, / /); if (w[1] == c) found = 1 }
			{ tag = ($0 == ".TP") }
			END { exit !found }' || missing+=" $c"
	done
	# The alias shares list's tag.
	man_text | grep -q '^list .*, show ' || missing+=" show"
	assert_equal "$missing" ""
}

@test "docs: every command in tapctl --help is completed by bash" {
	local c missing=""
	bash_complete "tapctl "
	for c in $(help_commands) show; do
		in_reply "$c" || missing+=" $c"
	done
	assert_equal "$missing" ""
}

@test "docs: every command in tapctl --help is completed by zsh" {
	local c missing=""
	for c in $(help_commands) show; do
		grep -qE "^ +'$c:" "$ZSH_COMPLETION" || missing+=" $c(describe)"
		grep -qE "^ +\\((.*\\|)?$c(\\|.*)?\\)\$" "$ZSH_COMPLETION" ||
			missing+=" $c(case)"
	done
	assert_equal "$missing" ""
}

@test "docs: every global option is in the man page and both completions" {
	local o missing="" man zsh
	man=$(man_text)
	zsh=$(<"$ZSH_COMPLETION")
	bash_complete "tapctl -"
	for o in $(help_options); do
		has_word "$o" "$man" || missing+=" man:$o"
		in_reply "$o" || missing+=" bash:$o"
		zsh_has_spec "$o" "$zsh" || missing+=" zsh:$o"
	done
	assert_equal "$missing" ""
}

@test "docs: every option of every command's --help is in the man page" {
	local c o missing="" block tags add_tags
	add_tags=$(man_block add | man_tags)
	for c in $(help_commands); do
		[[ $LEGACY != *" $c "* ]] || continue
		block=$(man_block "$c")
		[[ $block ]] || { missing+=" $c(no entry)"; continue; }
		tags=$(man_tags <<<"$block")
		for o in $(help_options "$c"); do
			# Said once for all commands, under COMMANDS.
			[[ $o != -h && $o != --help ]] || continue
			# An option of its own, or one of add's that the entry names
			# (set's and exec --create's).
			has_word "$o" "$tags" ||
				{ has_word "$o" "$block" && has_word "$o" "$add_tags"; } ||
				missing+=" $c:$o"
		done
	done
	run -0 man_text
	assert_output --partial $'.SH COMMANDS\nEvery command except\n.B tunctl\nand\n.B bridge-helper\nalso takes\n.BR -h ", " --help .'
	assert_equal "$missing" ""
}

@test "docs: every option of every command's --help is completed by bash" {
	local c o missing="" line
	for c in $(help_commands); do
		[[ $LEGACY != *" $c "* ]] || continue
		line="tapctl $c "
		# exec takes the options of add along with --create.
		[[ $c != exec ]] || line+="--create "
		bash_complete "$line-"
		for o in $(help_options "$c"); do
			in_reply "$o" || missing+=" $c:$o"
		done
	done
	assert_equal "$missing" ""
}

@test "docs: every option of every command's --help is completed by zsh" {
	local c o missing="" specs
	for c in $(help_commands); do
		[[ $LEGACY != *" $c "* ]] || continue
		specs=$(zsh_specs "$c")
		[[ $specs ]] || { missing+=" $c(no branch)"; continue; }
		for o in $(help_options "$c"); do
			zsh_has_spec "$o" "$specs" || missing+=" $c:$o"
		done
	done
	assert_equal "$missing" ""
}

@test "docs: the legacy grammars are documented and completed" {
	local o missing="" man specs
	man=$(man_text | sed -n '/^bridge-helper /,/^\.SH/p')
	specs=$(zsh_specs bridge-helper)
	bash_complete "tapctl bridge-helper --"
	for o in --use-vnet --br= --fd=; do
		[[ $man == *"$o"* ]] || missing+=" man:$o"
		in_reply "$o" || missing+=" bash:$o"
		[[ $specs == *"'$o"* ]] || missing+=" zsh:$o"
	done
	man=$(man_text | sed -n '/^tunctl /,/^\.SH/p')
	specs=$(zsh_specs tunctl)
	bash_complete "tapctl tunctl -"
	for o in -b -n -p -f -t -d -u -g; do
		has_word "$o" "$man" || missing+=" man:tunctl$o"
		in_reply "$o" || missing+=" bash:tunctl$o"
		zsh_has_spec "$o" "$specs" || missing+=" zsh:tunctl$o"
	done
	assert_equal "$missing" ""
}

@test "docs: the TAPCTL_* variables of the code are under ENVIRONMENT" {
	local v missing="" env code
	env=$(man_text | sed -n '/^\.SH ENVIRONMENT$/,/^\.SH /p')
	code=$(grep -ohE '"TAPCTL_[A-Z][A-Z_]*"' "$TOP"/src/*.[ch] | tr -d '"' |
		sort -u)
	[[ $code == *TAPCTL_FD* ]]
	for v in $code; do
		[[ $'\n'$env$'\n' =~ [^A-Za-z0-9_]$v[^A-Za-z0-9_] ]] ||
			missing+=" man:$v"
	done
	# And none that the code does not know.
	for v in $(grep -oE 'TAPCTL_[A-Z][A-Z_]*' <<<"$env" | sort -u); do
		[[ $'\n'$code$'\n' == *$'\n'$v$'\n'* ]] || missing+=" code:$v"
	done
	assert_equal "$missing" ""
}

@test "docs: the man page names the version placeholder and the sections" {
	run -0 head -1 "$MAN_IN"
	assert_output '.TH TAPCTL 8 "" "tapctl @VERSION@"'
	local s missing=""
	for s in NAME SYNOPSIS DESCRIPTION "GLOBAL OPTIONS" COMMANDS OUTPUT \
		"EXIT STATUS" ENVIRONMENT FILES PRIVILEGE NOTES EXAMPLES \
		"SEE ALSO"; do
		grep -qx "\\.SH $s" "$MAN_IN" || missing+=" $s"
	done
	assert_equal "$missing" ""
}

@test "docs: groff -man -ww -z finds nothing to warn about" {
	need_cmd groff
	sed 's/@VERSION@/0.0/' "$MAN_IN" >"$BATS_TEST_TMPDIR/tapctl.8"
	run -0 groff -man -ww -z "$BATS_TEST_TMPDIR/tapctl.8"
	assert_output ""
}

@test "docs: mandoc -Tlint finds nothing to warn about" {
	need_cmd mandoc
	sed 's/@VERSION@/0.0/' "$MAN_IN" >"$BATS_TEST_TMPDIR/tapctl.8"
	run mandoc -Tlint "$BATS_TEST_TMPDIR/tapctl.8"
	# The date is left empty on purpose so that it never goes stale.
	run grep -v 'WARNING: missing date, using "": TH$' <<<"$output"
	assert_output ""
}

@test "docs: shellcheck passes the bash completion" {
	need_cmd shellcheck
	run -0 shellcheck "$BASH_COMPLETION"
	assert_output ""
}

@test "docs: zsh parses the zsh completion" {
	need_cmd zsh
	run -0 zsh -n "$ZSH_COMPLETION"
	assert_output ""
	run -0 head -1 "$ZSH_COMPLETION"
	assert_output "#compdef tapctl"
}
