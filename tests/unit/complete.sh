#!/bin/bash
# Print what bash completes at the end of a dmaguard command line, one
# candidate a line (sorted), the way an interactive bash calls the completion:
#   tests/unit/complete.sh COMPLETION_FILE 'dmaguard run --po'
# Words split at blanks and at "=" (readline's COMP_WORDBREAKS does both).
# Exits 77 when the bash-completion package is not installed.
lib=/usr/share/bash-completion/bash_completion
[ -r "$lib" ] || exit 77
# shellcheck source=/dev/null
. "$lib" || exit 1
# shellcheck source=/dev/null
. "$1" || exit 1

COMP_LINE=$2
COMP_POINT=${#COMP_LINE}
COMP_WORDS=()
read -ra blank_words <<<"$COMP_LINE"
for w in "${blank_words[@]}"; do
	while [[ $w == *=* ]]; do
		[[ ${w%%=*} ]] && COMP_WORDS+=("${w%%=*}")
		COMP_WORDS+=("=")
		w=${w#*=}
	done
	[[ $w ]] && COMP_WORDS+=("$w")
done
# a blank at the end starts a new, empty word
[[ $COMP_LINE == *[[:blank:]] ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMPREPLY=()
_dmaguard dmaguard "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
((${#COMPREPLY[@]} == 0)) || printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
