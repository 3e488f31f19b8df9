# shellcheck shell=bash
# bash completion for tapctl(8)
# SPDX-License-Identifier: GPL-2.0-or-later

# Network namespace names, as ip netns makes them.
_tapctl_netns()
{
	local f
	for f in /run/netns/*; do
		[[ -e $f ]] && printf '%s\n' "${f##*/}"
	done
}

# Links, or bridges only with "bridge", of the namespace in $ns (if any).
_tapctl_links()
{
	local d
	if [[ $ns ]]; then
		# /sys shows our own namespace: ask ip for another one's links.
		ip -n "$ns" -o link show ${1:+type "$1"} 2>/dev/null |
			awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'
		return
	fi
	for d in /sys/class/net/*; do
		[[ -e $d ]] || continue
		[[ $1 != bridge || -d $d/bridge ]] || continue
		printf '%s\n' "${d##*/}"
	done
}

# Devices that tapctl manages: column 1 of "tapctl list" under the header;
# only those of the TYPE (column 2) in $1 if given.
_tapctl_devices()
{
	"$tapctl" ${ns:+-n "$ns"} list 2>/dev/null |
		awk -v type="$1" 'NR > 1 && (type == "" || $2 == type) { print $1 }'
}

_tapctl_reply()
{
	mapfile -t COMPREPLY < <(compgen "$@" -- "$cur")
}

_tapctl()
{
	local cur prev words cword split
	_init_completion -s || return

	local tapctl=$1 ns='' cmd='' i cmdi=0
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-n | --netns)
			ns=${words[i + 1]}
			((i++))
			;;
		--netns=*) ns=${words[i]#--netns=} ;;
		-b | --batch) ((i++)) ;;
		-*) ;;
		*)
			cmd=${words[i]}
			cmdi=$i
			break
			;;
		esac
	done

	if ((cmdi == 0)); then
		case $prev in
		-n | --netns)
			_tapctl_reply -W "$(_tapctl_netns)"
			return
			;;
		-b | --batch)
			_filedir
			return
			;;
		esac
		if [[ $cur == -* ]]; then
			_tapctl_reply -W '-n --netns -j --json -q --quiet -b --batch
				--force -h --help -V --version'
		else
			_tapctl_reply -W 'add apply del set list show exec ifup ifdown
				bridge-helper tunctl'
		fi
		return
	fi

	# Options that take a value, options that take none, and how many
	# device names the command takes (0, 1, or "*" for any number).
	local link_args='-u --user -g --group --mac --mtu --txqueuelen --bridge
		--mode --pvid --vlan --source-mac'
	local add_args="$link_args --macvtap"
	local add_flags='--tap --tun --vnet-hdr --multi-queue --pi --up --down
		--nobridge --isolated --no-isolated'
	local args='' flags='-h --help' ndev=0 devtype=''
	case $cmd in
	add)
		args=$add_args
		flags+=" $add_flags"
		;;
	set)
		args=$link_args
		flags+=' --up --down --nobridge --persist --no-persist --novlan
			--isolated --no-isolated'
		ndev=1
		;;
	del) ndev='*' ;;
	# apply takes declaration files, not devices.
	apply)
		flags+=' --dry-run --prune'
		ndev='file'
		;;
	list | show)
		flags+=' -d --details'
		ndev='*'
		;;
	exec)
		args='--fd --queues --setuid --setgid'
		flags+=' --vhost --vnet-hdr --no-vnet-hdr --create --'
		for ((i = cmdi + 1; i < cword; i++)); do
			if [[ ${words[i]} == --create ]]; then
				args+=" $add_args"
				flags+=" ${add_flags/--vnet-hdr /}"
				break
			fi
		done
		ndev=1
		;;
	# ifup and ifdown take taps only.
	ifup)
		args='--bridge --pvid --vlan'
		flags+=' --isolated --no-isolated'
		ndev=1
		devtype=tap
		;;
	ifdown)
		ndev=1
		devtype=tap
		;;
	bridge-helper)
		args='--br --fd'
		flags='--use-vnet'
		;;
	tunctl)
		args='-f -t -d -u -g'
		flags='-b -n -p'
		;;
	*) return ;;
	esac

	# The value of an option.
	if [[ " ${args//[$'\t\n']/ } " == *" $prev "* ]]; then
		case $cmd:$prev in
		tunctl:-f) _filedir ;;
		tunctl:-d) _tapctl_reply -W "$(_tapctl_devices)" ;;
		*:-u | *:--user | *:--setuid) _tapctl_reply -u ;;
		*:-g | *:--group | *:--setgid) _tapctl_reply -g ;;
		*:--bridge | *:--br) _tapctl_reply -W "$(_tapctl_links bridge)" ;;
		*:--macvtap) _tapctl_reply -W "$(_tapctl_links)" ;;
		*:--mode)
			_tapctl_reply -W 'bridge vepa private passthru source'
			;;
		*:--mac) _tapctl_reply -W 'random' ;;
		esac
		return
	fi
	[[ $split == true ]] && return

	# exec: everything after "--" is the program's command line.
	local n=0
	for ((i = cmdi + 1; i < cword; i++)); do
		if [[ $cmd == exec && ${words[i]} == -- ]]; then
			_command_offset $((i + 1))
			return
		fi
		if [[ " ${args//[$'\t\n']/ } " == *" ${words[i]} "* ]]; then
			((i++))
		elif [[ ${words[i]} != -* ]]; then
			((n++))
		fi
	done

	if [[ $ndev == file && $cur != -* ]]; then
		_filedir
		return
	fi
	if [[ $cur == -* || $ndev == 0 ]] || [[ $ndev == 1 && $n -ge 1 ]]; then
		if [[ $cmd == bridge-helper ]]; then
			_tapctl_reply -W '--use-vnet --br= --fd='
			[[ ${COMPREPLY[*]} == *= ]] && compopt -o nospace
		else
			_tapctl_reply -W "$flags $args"
		fi
		return
	fi
	_tapctl_reply -W "$(_tapctl_devices "$devtype")"
}

complete -F _tapctl tapctl
