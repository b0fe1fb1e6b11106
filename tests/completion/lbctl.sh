#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/completion/lbctl.sh: the bash completion of lbctl (completion/lbctl)
# on command lines, as bash-completion runs it: each case is a command line
# (the cursor at its end) and the words COMPREPLY must hold, in any order.
# `ip netns list` is a stub with two namespaces.  Run by scripts/pkg-check.
#
#   tests/completion/lbctl.sh [COMPLETION_FILE]
#
# Prints a line per failure and "completion: N passed, M failed".
set -euo pipefail

TOP=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
FILE=${1:-$TOP/completion/lbctl}
BC=/usr/share/bash-completion/bash_completion
[ -r "$BC" ] || { echo "completion: $BC missing: run scripts/deps (bash-completion)" >&2; exit 2; }

# bash-completion itself is not written for set -u.
set +eu
# shellcheck source=/dev/null
. "$BC"
# shellcheck source=completion/lbctl
. "$FILE"

# The namespaces a router would have.
ip() {
	if [ "$1 $2" = "netns list" ]; then
		printf '%s\n' 'blue (id: 0)' 'red'
	else
		command ip "$@"
	fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/lb.conf" "$tmp/other.conf"

passed=0 failed=0
# check LINE WORD...: completing LINE (split like bash does, a trailing
# space meaning a new empty word) gives exactly WORDs.
check() {
	local line=$1 got want
	shift
	COMP_LINE=$line COMP_POINT=${#line}
	# COMP_WORDS as readline splits them (its word breaks include ':')
	local IFS=$' \t\n'
	read -ra COMP_WORDS <<<"$line"
	[[ $line == *' ' ]] && COMP_WORDS+=('')
	# readline also splits at ':' (a run of them is one word), which
	# _init_completion -n : joins back
	local -a split=()
	local w rest
	for w in "${COMP_WORDS[@]}"; do
		rest=$w
		while [[ $rest =~ ^([^:]*)(:+)(.*)$ ]]; do
			[ -n "${BASH_REMATCH[1]}" ] && split+=("${BASH_REMATCH[1]}")
			split+=("${BASH_REMATCH[2]}")
			rest=${BASH_REMATCH[3]}
		done
		[ -n "$rest" ] || [ -z "$w" ] && split+=("$rest")
	done
	COMP_WORDS=("${split[@]}")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_lbctl lbctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ')
	if [ "$got" = "$want" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: '$line': got [${got% }], expected [${want% }]"
	fi
}

check "lbctl " show list stats monitor flows set-mode set-sched set-weights set vip path backend save restore help
check "lbctl s" show stats set-mode set-sched set-weights set save
check "lbctl m" monitor
check "lbctl --" --json --pretty --timestamp --netns --batch --version --help
check "lbctl -" -j --json -p --pretty -t --timestamp -n --netns -b --batch -V --version -h --help
check "lbctl -n " blue red
check "lbctl --netns r" red
check "lbctl -n blue -j " show list stats monitor flows set-mode set-sched set-weights set vip path backend save restore help
check "lbctl -t -j monitor " vip
check "lbctl monitor vip any " from proto port iif
check "lbctl stats " reset vip -w -c -o
check "lbctl stats reset " vip
check "lbctl stats reset vip 10.10.3.0/24 " from proto port iif
check "lbctl stats -o " text json prometheus
check "lbctl stats -w "
check "lbctl stats -w 1 " vip -c -o
check "lbctl stats -w 1 -c 3 vip 10.10.3.0/24 " -o from proto port iif
check "lbctl -n blue vip " add set del show list help
check "lbctl backend s" set show
check "lbctl set-mode " packet flow flowlet
check "lbctl set-mode flowlet " timeout vip
check "lbctl set-sched m" maglev
check "lbctl set-weights 1 3 " vip
check "lbctl set " flow-max timeout flowlet tcp tcp-syn tcp-close udp other
check "lbctl set flow-max 100 timeout tcp 300 " flowlet tcp-syn tcp-close udp other
check "lbctl vip add " any
check "lbctl vip add 10.0.0.100:8080 " from proto port iif mode sched timeout nat fwd
check "lbctl vip add 10.0.0.100:8080 proto tcp fwd " nat ipip gue
check "lbctl vip set 10.0.0.100:8080 " from proto port iif mode sched timeout
check "lbctl vip add 10.0.0.100:8080 proto " tcp udp sctp udplite dccp icmp icmpv6 any
check "lbctl vip add 10.0.0.100:8080 proto tcp " from port iif mode sched timeout nat fwd
check "lbctl vip add any mode " packet flow flowlet
check "lbctl vip add any mode flow sched " wrr maglev wlc
ifs=(/sys/class/net/l*)
check "lbctl vip add any iif l" "${ifs[@]##*/}"
check "lbctl vip del 10.10.3.0/24 " from proto port iif
check "lbctl path add 3 " mask weight vip
check "lbctl path set 3 mask " auto
check "lbctl path add 3 weight 3 vip 10.10.3.0/24 " mask from proto port iif
check "lbctl path set " id
check "lbctl path del id 4 " vip
check "lbctl flows " flush vip
check "lbctl show vip " any
check "lbctl show vip any " from proto port iif
check "lbctl backend add " vip
check "lbctl backend add 10.0.0.100:8080 " from proto port iif
check "lbctl backend add 10.0.0.100:8080 10.0.2.33:8033 " vip from proto port iif weight
check "lbctl backend set 10.0.0.100:8080 " id from proto port iif
check "lbctl backend del vip [fd00::100]:8080 " id from proto port iif
check "lbctl save "
check "lbctl restore " -f
cd "$tmp"
check "lbctl restore -f " lb.conf other.conf
check "lbctl -n red restore -f l" lb.conf
check "lbctl -b o" other.conf
check "lbctl --batch lb.conf "
cd "$TOP"

echo "completion: $passed passed, $failed failed"
[ "$failed" = 0 ]
