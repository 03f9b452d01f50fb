# bash completion for dmaguard(8)                          -*- shell-script -*-
#
# Installed as share/bash-completion/completions/dmaguard, where
# bash-completion loads it the first time dmaguard is completed.
# The commands and options below are the binary's own (the command table in
# user/cmd_help.c, each command's struct option table in user/cmd_*.c):
# tests/unit/test_completion.c fails when the two differ.

# _dmaguard_files [-d]: complete files (directories only, with -d) under
# either API: bash-completion 2.12 renamed _filedir.
_dmaguard_files()
{
	if declare -F _comp_compgen_filedir >/dev/null; then
		_comp_compgen_filedir "$@"
	else
		_filedir "$@"
	fi
}

# _dmaguard_words WORDS: the words of WORDS that start with the current one
_dmaguard_words()
{
	mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur")
}

_dmaguard()
{
	# comp_args and split are set by bash-completion's initialisation
	# shellcheck disable=SC2034
	local cur prev words cword split was_split comp_args
	if declare -F _comp_initialize >/dev/null; then
		_comp_initialize -s -- "$@" || return
	else
		_init_completion -s || return
		[[ $split == true ]] && was_split=1
	fi

	local commands='status metrics check generate run load reload unload version help'

	if ((cword == 1)); then
		if [[ $cur == -* ]]; then
			_dmaguard_words '--help -h --version'
		else
			_dmaguard_words "$commands"
		fi
		return
	fi

	# Each command's options; a trailing = marks one that takes a value.
	# --help is every command's (user/cli.c) and is added below.
	local command=${words[1]} opts
	case $command in
	status) opts='--json --sysfs= --policy= --pin-dir=' ;;
	metrics) opts='--pin-dir=' ;;
	check) opts='--sysfs=' ;;
	generate) opts='--by= --scope= --default= --sysfs=' ;;
	run) opts='--policy= --audit --json --all --output= --journal --pin-dir= --metrics-file=' ;;
	load) opts='--policy= --audit --pin-dir=' ;;
	reload) opts='--policy= --pin-dir=' ;;
	unload) opts='--pin-dir=' ;;
	version) opts='' ;;
	help) opts='' ;;
	*) return ;;
	esac

	case $prev in
	--policy | --output | --metrics-file)
		_dmaguard_files
		return
		;;
	--sysfs | --pin-dir)
		_dmaguard_files -d
		return
		;;
	--by)
		_dmaguard_words 'id device'
		return
		;;
	--scope)
		_dmaguard_words 'present pci all'
		return
		;;
	--default)
		_dmaguard_words 'allow audit deny'
		return
		;;
	--help | -h)
		return
		;;
	esac
	[[ $was_split ]] && return

	if [[ $cur == -* ]]; then
		opts=${opts//=/}
		_dmaguard_words "$opts --help"
		return
	fi

	# The positional arguments before this word (an option's value is not one).
	local i npos=0
	for ((i = 2; i < cword; i++)); do
		case ${words[i]} in
		--*=*) ;;
		-*) [[ " $opts " == *" ${words[i]}= "* ]] && ((i++)) ;;
		*) ((npos++)) ;;
		esac
	done

	case $command,$npos in
	check,0)
		_dmaguard_files
		return
		;;
	help,0)
		_dmaguard_words "$commands"
		return
		;;
	esac
	# no argument wanted here: the options, as for a word starting "-"
	_dmaguard_words "${opts//=/} --help"
} &&
	complete -F _dmaguard dmaguard

# ex: filetype=sh
