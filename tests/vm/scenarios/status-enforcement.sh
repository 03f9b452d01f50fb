# status says what is in force, from the pins alone: nothing pinned (said
# plainly, the groups still listed); then the policy file with the SHA-256
# sha256sum computes and its size, mode and defaults, the rule count, the
# deny path and hooks with why, every attached program with the link id
# the kernel has for it, the streaming daemon's pid; once run stopped, no
# daemon and the same policy; a reload through a symbolic link shows the
# file it resolved to, the new hash and one reload more.
. /vm/dmaguard.sh

# status TEXT: the text block's line for KEY ("sha256"), the value after the key
status_value() {
	dmaguard status 2>/dev/null | sed -n "s/^  $1: *//p"
}

# --- nothing pinned
expect_ok dmaguard status
expect_line "enforcement: none pinned in $DG_PIN ('dmaguard run' pins it)"
expect_line "group $(group_of "$SHARED_A"): owner kernel*"
expect_out '*"enforcement":{"pin_dir":"/sys/fs/bpf/dmaguard","pinned":false},"groups":*' \
	dmaguard status --json
expect_out 'dmaguard_enforcement_pinned 0' dmaguard metrics

# --- a policy in force, the daemon streaming
policy "mode enforce
default open deny
deny bind device=$SHARED_A driver=e1000
allow bind driver=e1000*"
expect_ok unbind "$SHARED_A"
dg_start
sum=$(sha256sum "$DG_POLICY" | cut -d' ' -f1)
size=$(wc -c <"$DG_POLICY")
expect_ok dmaguard status
expect_line "enforcement: pinned in $DG_PIN (format 3, dmaguard *)"
expect_line "  policy: *$DG_POLICY, 2 rules (given as $DG_POLICY)"
expect_line "  sha256: *$sum ($size bytes)"
expect_line "  loaded: *Z, generation 1 (0 reloads)"
expect_line "  mode: *enforce; default bind allow, default open deny"
if grep -q 'deny hooks: BPF LSM' "$DG_LOG"; then
	expect_line "  deny path: *BPF LSM"
else
	expect_line "  deny path: *fmod_ret on security_\*() (bpf is not an active LSM)"
fi
if [ -e "$DG_PIN/links/use_default_domain_exit" ]; then
	expect_line "  hooks: *kernfs deny hook attached: a rule or the bind default denies a bind, in enforce mode"
	expect_line "* open gate attached: an open rule or the open default is not allow"
	# every group the kernel has (x86: 9; arm64, no ACS on its ports: 4)
	n=$(ls /sys/kernel/iommu_groups | wc -l)
	expect_line "  ownership: *the kernel's DMA-ownership API*; group owners from the pinned groups map ($n of $n groups)"
else
	expect_line "  hooks: *kernfs deny hook attached: always attached before 5.19*"
	expect_line "* open gate attached: always attached before 5.19*"
	expect_line "  ownership: *tracked by dmaguard (the kernel has no DMA-ownership API)*"
fi
expect_line "  daemon: *streaming events, pid $DG_PID"
expect_line "  events: *none"

# every attached program is listed with its link id, the id the kernel has for it
json=$(dmaguard status --json)
expect_match "$json" "*\"file\":\"$DG_POLICY\",\"sha256\":\"$sum\",\"size\":$size,*" "policy in JSON"
expect_match "$json" "*\"daemon\":{\"streaming\":true,\"pid\":$DG_PID,\"all\":false,\"audit\":false}*" \
	"daemon in JSON"
expect_match "$json" '*"hooks":?{"hook":"kernfs","attached":true,"wanted":true,*' "kernfs hook in JSON"
links=$(ls "$DG_PIN/links" | wc -l)
attached=$(printf '%s' "$json" | grep -o '"attached":true,"link_id":[0-9]*' | wc -l)
expect_eq "$attached" "$links" "programs with a link in status --json"
bpf-progs -l >/tmp/links 2>/dev/null
for name in probe_enter probe_exit unbind_exit; do
	id=$(printf '%s' "$json" |
		sed -n "s/.*\"name\":\"$name\",[^}]*\"link_id\":\([0-9]*\).*/\1/p")
	expect_ne "$id" "" "link id of $name"
	expect_ok grep -qx "$id $name" /tmp/links
	expect_line "  * $name *: link $id, prog *" "$(dmaguard status)"
done

# --- no daemon: the same policy, no pid
dg_stop
expect_eq "$(status_value daemon)" "none streaming (events wait in the ring buffer)" "daemon"
expect_eq "$(status_value sha256)" "$sum ($size bytes)" "sha256 with no daemon"
expect_out '*"daemon":{"streaming":false},*' dmaguard status --json

# --- a reload through a link: the file it resolved to, the new hash, one reload more
policy "mode audit
deny bind device=$SHARED_A driver=e1000"
ln -s "$DG_POLICY" /tmp/link.conf
expect_ok dmaguard reload --policy /tmp/link.conf
sum2=$(sha256sum "$DG_POLICY" | cut -d' ' -f1)
expect_ne "$sum2" "$sum" "hash of the new policy"
expect_ok dmaguard status
expect_line "  policy: *$DG_POLICY, 1 rules (given as /tmp/link.conf)"
expect_line "  sha256: *$sum2 ($(wc -c <"$DG_POLICY") bytes)"
expect_line "  loaded: *Z, generation 2 (1 reloads)"
expect_line "  mode: *audit; default bind allow, default open allow"
expect_out "dmaguard_policy_info{mode=\"audit\",default_bind=\"allow\",default_open=\"allow\",file=\"$DG_POLICY\",sha256=\"$sum2\"} 1" \
	dmaguard metrics
expect_out 'dmaguard_policy_reloads_total 1' dmaguard metrics

# --- unloaded: nothing pinned again
expect_ok dmaguard unload
expect_out "enforcement: none pinned in $DG_PIN*" dmaguard status
