# dmaguard build. Everything generated goes under build/ (O= to change).
# `make V=1` shows the full commands.

# ARCH: the kernel's name for the target, x86 (the default) or arm64.
# `make ARCH=arm64` cross-builds on an x86-64 host with Debian's cross
# toolchain and multiarch :arm64 libraries (`make deps`), into build/arm64/.
ARCH		?= x86
ifeq ($(ARCH),x86)
TRIPLET		:= x86_64-linux-gnu
DEB_ARCH	:= amd64
O		?= build
else ifeq ($(ARCH),arm64)
TRIPLET		:= aarch64-linux-gnu
DEB_ARCH	:= arm64
O		?= build/arm64
else
$(error ARCH=$(ARCH): known are x86 and arm64)
endif
# Cross-compile when the target is not the build machine.
ifneq ($(TRIPLET),$(shell $(or $(HOST_CC),gcc) -dumpmachine))
CROSS_COMPILE	?= $(TRIPLET)-
endif
ifeq ($(origin CC),default)
CC		:= $(CROSS_COMPILE)gcc
endif
CLANG		?= clang
BPFTOOL		?= bpftool

# Debian's libbpf is a plain dependency (see `make deps`); the loader is linked
# statically so one binary runs on every host and inside the test VMs.
WARN		:= -Wall -Wextra -Werror
CFLAGS		?= -O2 -g
ALL_CFLAGS	:= $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -Iinclude -I$(O) -MMD -MP
LDLIBS		:= -lbpf -lelf -lz -lzstd
LDFLAGS_STATIC	:= -static
# BPF_PROG() hands every program a ctx it may not use, and hook arguments
# are declared whether used or not: unused parameters are by design there.
BPF_CFLAGS	:= -target bpf -g -O2 $(WARN) -Wno-unused-parameter -D__TARGET_ARCH_$(ARCH) \
		   -Ivmlinux -Iinclude -I/usr/include/$(TRIPLET) \
		   -MMD -MP
SAN_CFLAGS	:= -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=all
VERSION		:= $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# TEST_FORMAT=1: the VM tests' "older build" (tests/vm/README.md): this tree
# with the format one lower and a changed config layout, for upgrade-*.sh
# to take over. Never installed.
ifeq ($(TEST_FORMAT),1)
FORMAT_DEFS	:= -DDMAGUARD_TEST_FORMAT
VERSION		:= $(VERSION)-testfmt
endif
# TEST_GLOBALS=1: the VM tests' "other build": this tree, same format, its
# BPF globals laid out otherwise, as two releases of one format may have
# them (attack-gate-other-build.sh). Never installed.
ifneq ($(TEST_GLOBALS),)
FORMAT_DEFS	+= -DDMAGUARD_TEST_GLOBALS=$(TEST_GLOBALS)
VERSION		:= $(VERSION)-testglobals$(TEST_GLOBALS)
endif
ALL_CFLAGS	+= $(FORMAT_DEFS)
BPF_CFLAGS	+= $(FORMAT_DEFS)

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# maps.bpf.o, which defines every map, goes first: bookworm's libbpf linker
# misplaces the relocations of an object linked before it that uses a map.
BPF_SRCS	:= bpf/maps.bpf.c $(filter-out bpf/maps.bpf.c,$(sort $(wildcard bpf/*.bpf.c)))
BPF_OBJS	:= $(patsubst bpf/%.bpf.c,$(O)/bpf/%.bpf.o,$(BPF_SRCS))
USER_SRCS	:= $(wildcard user/*.c)
USER_OBJS	:= $(patsubst user/%.c,$(O)/user/%.o,$(USER_SRCS))
# Everything but main() is linked into the unit tests too, built with sanitizers.
LIB_SRCS	:= $(filter-out user/main.c,$(USER_SRCS))
SAN_OBJS	:= $(patsubst user/%.c,$(O)/san/user/%.o,$(LIB_SRCS))
UNIT_SRCS	:= $(wildcard tests/unit/test_*.c)
UNIT_BINS	:= $(patsubst tests/unit/%.c,$(O)/tests/unit/%,$(UNIT_SRCS))

.PHONY: all clean deps check unit vm vm-arm64 demo bench bench-scan fuzz install deb system FORCE
.DELETE_ON_ERROR:
.SECONDARY:

all: $(O)/dmaguard

$(O)/bpf/%.bpf.o: bpf/%.bpf.c | $(O)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# All BPF objects are linked into one, so one skeleton owns every program and map.
$(O)/dmaguard.bpf.o: $(BPF_OBJS)
	$(call msg,GEN-OBJ,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(O)/dmaguard.skel.h: $(O)/dmaguard.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name dmaguard_bpf > $@

# Which BPF object this build embeds: the loader writes it into the set's
# .rodata, so a set is known to be this very object's (set_object.c).
$(O)/dmaguard_object.h: $(O)/dmaguard.bpf.o
	$(call msg,GEN,$@)
	$(Q)printf '#define DG_OBJECT_ID 0x%sULL\n' "$$(sha256sum $< | cut -c1-16)" > $@

# Only the loader includes the skeleton, but every object may include
# generated headers, so build the skeleton first.
$(O)/user/%.o: user/%.c $(O)/dmaguard.skel.h $(O)/dmaguard_object.h | $(O)/user
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -DDMAGUARD_VERSION='"$(VERSION)"' -c $< -o $@

$(O)/dmaguard: $(USER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS_STATIC) $^ $(LDLIBS) -o $@

$(O)/san/user/%.o: user/%.c $(O)/dmaguard.skel.h $(O)/dmaguard_object.h | $(O)/san/user
	$(call msg,CC-SAN,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_CFLAGS) -DDMAGUARD_VERSION='"$(VERSION)"' -c $< -o $@

$(O)/tests/unit/%: tests/unit/%.c tests/unit/unit.h tests/unit/cli_capture.h tests/unit/topology_lookup.h tests/unit/tmp_tree.h $(SAN_OBJS) | $(O)/tests/unit
	$(call msg,CC-TEST,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_CFLAGS) -Itests/unit -Iuser $< $(SAN_OBJS) $(LDLIBS) -o $@

# The rule-index differential test the VM runs (tests/vm/match): the
# enforcing programs' rules.bpf.o and maps, with a test-run entry point.
MATCH_DIR	:= $(O)/tests/vm/match
$(MATCH_DIR)/match_test.bpf.o: tests/vm/match/match_test.bpf.c | $(MATCH_DIR)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Ibpf -c $< -o $@

$(MATCH_DIR)/match_test.o: $(O)/bpf/maps.bpf.o $(O)/bpf/rules.bpf.o $(MATCH_DIR)/match_test.bpf.o
	$(call msg,GEN-OBJ,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(MATCH_DIR)/match_test.skel.h: $(MATCH_DIR)/match_test.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name match_test_bpf > $@

$(MATCH_DIR)/match-diff: tests/vm/match/match_diff.c $(MATCH_DIR)/match_test.skel.h \
		$(filter-out $(O)/user/main.o,$(USER_OBJS))
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Ibpf -Iuser -Itests/unit -I$(MATCH_DIR) $(LDFLAGS_STATIC) \
		$< $(filter-out $(O)/user/main.o,$(USER_OBJS)) $(LDLIBS) -o $@

# mkhost SHAPE DIR: a synthetic sysfs tree of a real host shape (tests/unit/host_shape.h)
$(O)/tests/bench/mkhost: tests/bench/mkhost.c tests/unit/host_shape.h | $(O)/tests/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit $< -o $@

$(O)/bpf $(O)/user $(O)/san/user $(O)/tests/unit $(O)/tests/bench $(MATCH_DIR):
	$(Q)mkdir -p $@

deps:
	$(Q)tests/deps.sh

unit: $(UNIT_BINS)
	$(Q)tests/unit/run.sh $(UNIT_BINS)

# The kernel matrix: KERNELS=bookworm for one suite; unset, every suite
# (tests/vm/lib/kernels.py DEFAULT_SUITES holds the one default).

vm: $(O)/dmaguard $(O)/oldfmt/dmaguard $(O)/otherbuild/dmaguard $(MATCH_DIR)/match-diff
	$(Q)VM_ARCH=$(ARCH) O=$(O) tests/vm/run.sh

# The arm64 lane: the cross-built binaries on Debian's arm64 kernels in
# QEMU's virt machine with its SMMUv3 (tests/vm/README.md).
vm-arm64:
	$(Q)$(MAKE) --no-print-directory ARCH=arm64 vm

# The older build the upgrade scenarios start from (/bin/dmaguard-old in the VM).
$(O)/oldfmt/dmaguard: FORCE
	$(Q)$(MAKE) -s --no-print-directory O=$(O)/oldfmt TEST_FORMAT=1 $@

# The same format's other build (/bin/dmaguard-other in the VM).
$(O)/otherbuild/dmaguard: FORCE
	$(Q)$(MAKE) -s --no-print-directory O=$(O)/otherbuild TEST_GLOBALS=1 $@

FORCE:

check: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/check.sh $(MAKE)

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/vm/demo.sh

# the boot figure boots the system lane's image, which needs the package
bench: deb
	$(Q)$(MAKE) --no-print-directory all bench-scan
	$(Q)tests/bench/run.sh

# the offline scan's CPU against lspci's on a synthetic host (no VM)
bench-scan: $(O)/dmaguard $(O)/tests/bench/mkhost
	$(Q)tests/bench/scan.py $(O)

FUZZ_SECONDS	?= 60
FUZZ_SRCS	:= user/policy.c user/policy_attr.c user/policy_index.c user/policy_load.c user/idname.c user/sha256.c \
		   user/trusted_path.c user/util.c
$(O)/fuzz/fuzz_policy: tests/fuzz/fuzz_policy.c $(FUZZ_SRCS) user/policy.h
	$(Q)mkdir -p $(@D)
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(WARN) -g -O1 -D_GNU_SOURCE -Iinclude -Iuser \
		-fsanitize=fuzzer,address,undefined $< $(FUZZ_SRCS) -o $@

fuzz: deps $(O)/fuzz/fuzz_policy
	$(Q)mkdir -p $(O)/fuzz/corpus
	$(Q)$(O)/fuzz/fuzz_policy -max_total_time=$(FUZZ_SECONDS) \
		$(O)/fuzz/corpus tests/fuzz/corpus

PREFIX		?= /usr/local
# where `make install` puts the systemd unit (empty: no unit)
UNITDIR		?= $(PREFIX)/lib/systemd/system
# where `make install` puts the initramfs-tools hook and init-top script
# (empty: none); initramfs-tools reads /etc/initramfs-tools and, for
# packages, /usr/share/initramfs-tools
INITRAMFSDIR	?= /etc/initramfs-tools
# where bash-completion looks for a command's completion on first use
COMPLETIONDIR	?= $(PREFIX)/share/bash-completion/completions
# The man pages name installed paths as the defaults (under /usr/local),
# the unit names the binary as /usr/sbin/dmaguard: install writes each with
# the PREFIX and UNITDIR it is installed under.
MAN_PATHS	= $(if $(UNITDIR),-e 's|/usr/local/lib/systemd/system/|$(UNITDIR)/|g') \
		   -e 's|/usr/local/|$(PREFIX)/|g'
install: $(O)/dmaguard
	install -D -m 0755 $(O)/dmaguard $(DESTDIR)$(PREFIX)/sbin/dmaguard
	install -d $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/share/man/man5
	sed $(MAN_PATHS) docs/dmaguard.8 >$(DESTDIR)$(PREFIX)/share/man/man8/dmaguard.8
	sed $(MAN_PATHS) docs/dmaguard.policy.5 \
		>$(DESTDIR)$(PREFIX)/share/man/man5/dmaguard.policy.5
	chmod 0644 $(DESTDIR)$(PREFIX)/share/man/man8/dmaguard.8 \
		$(DESTDIR)$(PREFIX)/share/man/man5/dmaguard.policy.5
	install -D -m 0644 examples/policy.conf \
		$(DESTDIR)$(PREFIX)/share/doc/dmaguard/examples/policy.conf
	install -D -m 0644 examples/logrotate.conf \
		$(DESTDIR)$(PREFIX)/share/doc/dmaguard/examples/logrotate.conf
	install -D -m 0644 completion/dmaguard.bash $(DESTDIR)$(COMPLETIONDIR)/dmaguard
	$(if $(UNITDIR),sed 's|/usr/sbin/|$(PREFIX)/sbin/|g' systemd/dmaguard.service \
		| install -D -m 0644 /dev/stdin $(DESTDIR)$(UNITDIR)/dmaguard.service)
	$(if $(INITRAMFSDIR),sed 's|^DMAGUARD=/usr/sbin/|DMAGUARD=$(PREFIX)/sbin/|' \
		initramfs-tools/hooks/dmaguard \
		| install -D -m 0755 /dev/stdin $(DESTDIR)$(INITRAMFSDIR)/hooks/dmaguard)
	$(if $(INITRAMFSDIR),install -D -m 0755 initramfs-tools/scripts/init-top/dmaguard \
		$(DESTDIR)$(INITRAMFSDIR)/scripts/init-top/dmaguard)

# `make deb ARCH=arm64` cross-builds the arm64 package.
DEB_CROSS	:= $(if $(filter-out amd64,$(DEB_ARCH)),-a$(DEB_ARCH))
# The Debian package (debian/), built from a copy of the checked-out files in
# $(O)/deb/, where the .deb lands too.
deb:
	$(Q)tests/deps.sh
	$(Q)rm -rf $(O)/deb && mkdir -p $(O)/deb/src
	$(Q)git ls-files -co --exclude-standard | while read -r f; do \
		[ -e "$$f" ] && cp --parents -a "$$f" $(O)/deb/src; done; true
	$(Q)cd $(O)/deb/src && dpkg-buildpackage -b -us -uc $(DEB_CROSS) >../build.log 2>&1 || \
		{ tail -30 ../build.log; echo "deb: failed (log: $(O)/deb/build.log)"; exit 1; }
	$(Q)lintian --fail-on error $(O)/deb/*.changes
	$(Q)dpkg-deb -x $(O)/deb/dmaguard_*_*.deb $(O)/deb/root
	$(Q)systemd-analyze verify --man=no --root=$(O)/deb/root /lib/systemd/system/dmaguard.service
	$(Q)ls $(O)/deb/*.deb

# The system lane: a Debian userspace with the package installed (tests/vm/system.sh).
system: deb
	$(Q)tests/vm/system.sh

clean:
	$(Q)rm -rf $(O)

-include $(wildcard $(O)/bpf/*.d $(O)/user/*.d $(O)/san/user/*.d $(O)/tests/unit/*.d \
		     $(MATCH_DIR)/*.d)
