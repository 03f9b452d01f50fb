# Debian's prometheus-node-exporter serves dmaguard's metrics on
# localhost:9100 from the file `run --metrics-file` keeps in its textfile
# directory, set up with the drop-in of dmaguard(8) METRICS: its parser
# takes the file (node_textfile_scrape_error 0), the policy is there with
# its SHA-256, and a denied bind moves dmaguard_events_total by one.
# Needs prometheus-node-exporter in the image (PACKAGES, tests/vm/lib/system.py).
PROM=/var/lib/prometheus/node-exporter/dmaguard.prom
DENY='dmaguard_events_total{reason="rule",type="bind",verdict="deny"}'

[ -x /usr/bin/prometheus-node-exporter ] ||
	fail "prometheus-node-exporter is not in the image (PACKAGES in tests/vm/lib/system.py)"

# scraped SERIES: its value as node_exporter serves it (labels sorted by name)
scraped() {
	busybox wget -q -O - http://127.0.0.1:9100/metrics 2>/dev/null |
		awk -v s="$1" '$1 == s { print $2 }'
}

scraped_is() {
	[ "$(scraped "$1")" = "$2" ]
}

mkdir -p /etc/systemd/system/dmaguard.service.d
cat >/etc/systemd/system/dmaguard.service.d/metrics.conf <<EOF
[Service]
ExecStart=
ExecStart=/usr/sbin/dmaguard run --policy /etc/dmaguard/policy.conf --json --metrics-file $PROM
ReadWritePaths=/var/lib/prometheus/node-exporter
EOF
expect_ok systemctl daemon-reload
expect_ok systemctl restart dmaguard.service
expect_ok systemctl is-active prometheus-node-exporter.service
wait_secs 60 scraped_is dmaguard_enforcement_pinned 1 ||
	fail "node_exporter does not serve dmaguard_enforcement_pinned 1: $(ls -l "$PROM" 2>&1)"
expect_eq "$(stat -c '%a %U' "$PROM")" "644 root" "mode and owner of $PROM"
expect_eq "$(scraped 'node_textfile_scrape_error')" 0 "node_exporter's textfile scrape error"
expect_eq "$(scraped dmaguard_daemon_streaming)" 1 "daemon streaming, as node_exporter serves it"
sum=$(sha256sum /etc/dmaguard/policy.conf | cut -d' ' -f1)
busybox wget -q -O - http://127.0.0.1:9100/metrics | grep '^dmaguard_policy_info' >/tmp/info
expect_out "*sha256=\"$sum\"*" cat /tmp/info

# a denied bind (the policy denied one at boot already): one more deny,
# within a rewrite and a scrape
before=$(scraped "$DENY")
expect_ne "$before" "" "the deny counter at localhost:9100"
expect_coldplug_done
expect_write_fail /sys/bus/pci/drivers/e1000/bind "$SHARED_A"
wait_secs 30 scraped_is "$DENY" "$((before + 1))" ||
	fail "node_exporter serves $DENY $(scraped "$DENY"), not $((before + 1))"
log "ok: $DENY went from $before to $((before + 1)) at localhost:9100"
