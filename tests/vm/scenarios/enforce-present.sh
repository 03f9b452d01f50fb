# Late start: the kernel judges a binding only when it is made, so `run`
# judges the bindings already there once its policy is in force and writes
# one present event per binding the policy would deny, counted on the line
# before "enforcing". It never unbinds. A policy that allows everything
# reports none; --audit reports verdict audit; --all reports every binding.
. /vm/dmaguard.sh
group=$(group_of "$ISOLATED")
expect_eq "$(driver_of "$ISOLATED")" e1000e "driver of $ISOLATED before run"
bound=0
for d in /sys/bus/*/devices/*; do
	[ -e "$d/driver" ] && bound=$((bound + 1))
done
log "bound devices: $bound"

policy "mode enforce"
dg_start
expect_line "dmaguard run: $bound current bindings, none the policy would deny or audit" "$(cat "$DG_LOG")"
expect_no_event '"type":"present"' "present event under a policy that allows everything"
dg_stop

# restarted on the pins, a policy denying a device that is bound
policy "mode enforce
# the rule is on line 3
deny bind device=$ISOLATED driver=e1000e"
: >"$DG_EVENTS"
dg_start
expect_out '*reusing pinned enforcement*' cat "$DG_LOG"
expect_line "dmaguard run: $bound current bindings, 1 the policy would deny, 0 it audits (present events); dmaguard never unbinds" "$(cat "$DG_LOG")"
# written before "enforcing": there when dg_start returns
expect_eq "$(grep -c '"type":"present"' "$DG_EVENTS")" 1 "present events"
EVENT=$(grep '"type":"present"' "$DG_EVENTS")
expect_match "$EVENT" "{\"schema\":1,\"ts\":\"20*Z\",\"host\":\"$(uname -n)\",\"type\":\"present\",\"verdict\":\"deny\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:3\",\"device\":\"$ISOLATED\",\"id\":\"8086:10d3\",\"class\":\"0x020000\",\"group\":$group,\"driver\":\"e1000e\",\"dma\":\"kernel\"}" "present event"
expect_ok json-check -r -s <"$DG_EVENTS"
# left bound; a new binding is still denied, reported as a bind event
expect_eq "$(driver_of "$ISOLATED")" e1000e "driver of $ISOLATED under run"
expect_ok unbind "$ISOLATED"
expect_write_fail /sys/bus/pci/drivers/e1000e/bind "$ISOLATED" "$DENY_ERR"
expect_event "\"type\":\"bind\",\"verdict\":\"deny\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:3\",\"device\":\"$ISOLATED\"" "deny event"
dg_stop
# unbound now: nothing to report
: >"$DG_EVENTS"
dg_start
expect_line "dmaguard run: $((bound - 1)) current bindings, none the policy would deny or audit" "$(cat "$DG_LOG")"
expect_no_event '"type":"present"' "present event for an unbound device"
dg_stop

# audit: the same binding, verdict audit, and every binding with --all
policy "mode enforce"
dg_start
expect_write_ok /sys/bus/pci/drivers/e1000e/bind "$ISOLATED"
dg_stop
policy "deny bind device=$ISOLATED"
: >"$DG_EVENTS"
dg_start --audit --all
expect_line "dmaguard run: $bound current bindings, 0 the policy would deny, 1 it audits (present events); dmaguard never unbinds" "$(cat "$DG_LOG")"
expect_eq "$(grep -c '"type":"present"' "$DG_EVENTS")" "$bound" "present events with --all"
expect_eq "$(grep -c '"type":"present","verdict":"allow"' "$DG_EVENTS")" $((bound - 1)) "allowed present events"
expect_line "*\"type\":\"present\",\"verdict\":\"audit\",\"reason\":\"rule\",\"rule\":\"$DG_POLICY:1\",\"device\":\"$ISOLATED\",*" "$(cat "$DG_EVENTS")"
expect_ok json-check -r -s <"$DG_EVENTS"
expect_eq "$(driver_of "$ISOLATED")" e1000e "driver of $ISOLATED under run --audit"
dg_stop
