# Helpers for scenarios that read `dmaguard status --json` (busybox has no
# JSON parser): source /vm/status-json.sh.

# Walk `dmaguard status --json` (one line) object by object: split at '{';
# a group object starts {"group":N, a device object {"device":"NAME"; the
# blocker object follows a piece ending in "blocker": and is skipped;
# "ungrouped":[ ends the groups. (busybox awk: index(), no '{' in regexes.)
DG_JSON_AWK='
function starts(s, pre) { return index(s, pre) == 1 }
function ends(s, suf) { return length(s) >= length(suf) && substr(s, length(s) - length(suf) + 1) == suf }
# the string value of "key":"..." in s, or dflt
function strval(s, key, dflt,   i, r) {
	i = index(s, "\"" key "\":\"")
	if (!i) return dflt
	r = substr(s, i + length(key) + 4)
	return substr(r, 1, index(r, "\"") - 1)
}
# the bare value (number, true, false) of "key": in s, or dflt
function numval(s, key, dflt,   i, r) {
	i = index(s, "\"" key "\":")
	if (!i) return dflt
	r = substr(s, i + length(key) + 3)
	i = index(r, ","); if (i) r = substr(r, 1, i - 1)
	return r
}
'

# "N: DEV DEV ..." per group in order, then "-: DEV ..." for the ungrouped.
json_groups() {
	awk "$DG_JSON_AWK"'
	function flush() { if (g != "") print g ":" devs; devs = "" }
	{
		n = split($0, part, "{")
		for (i = 2; i <= n; i++) {
			p = "{" part[i]
			if (starts(p, "{\"group\":")) {
				flush(); g = numval(p, "group", "?")
			} else if (starts(p, "{\"device\":\"") && !ends(prev, "\"blocker\":")) {
				devs = devs " " strval(p, "device", "?")
			}
			if (index(p, "\"ungrouped\":[")) { flush(); g = "-" }
			prev = p
		}
	}
	END { flush() }'
}

# "DEV DRIVER" per device ("-" when unbound), blockers skipped.
json_drivers() {
	awk "$DG_JSON_AWK"'
	{
		n = split($0, part, "{")
		for (i = 2; i <= n; i++) {
			p = "{" part[i]
			if (starts(p, "{\"device\":\"") && !ends(prev, "\"blocker\":"))
				print strval(p, "device", "?") " " strval(p, "driver", "-")
			prev = p
		}
	}'
}

# "owner=... pid=... comm=... source=... viable=... blocker=DEV/DRIVER" of group N
json_group_summary() {
	awk -v want="$1" "$DG_JSON_AWK"'
	{
		n = split($0, part, "{")
		for (i = 2; i <= n; i++) {
			p = "{" part[i]
			if (!starts(p, "{\"group\":" want ","))
				continue
			b = "-"
			if (ends(p, "\"blocker\":"))
				b = strval(part[i + 1], "device", "?") "/" strval(part[i + 1], "driver", "?")
			print "owner=" strval(p, "owner", "?") " pid=" numval(p, "owner_pid", "-") \
			      " comm=" strval(p, "owner_comm", "-") " source=" strval(p, "owner_source", "?") \
			      " viable=" numval(p, "viable", "?") " blocker=" b
		}
	}'
}
