# SPDX-License-Identifier: GPL-2.0
#
# kscan: user-facing targets. `make help` lists them.
#
# The kernel build directory is KDIR if given, else the running kernel's
# /lib/modules/$(uname -r)/build, else the newest installed one.

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; \
	  if [ -d $$d ]; then echo $$d; \
	  else ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1; fi)
# The kernel release KDIR builds for (the lab boots the same one): the name
# of its /lib/modules directory where it has one, since Debian's headers say
# the upstream release (6.1.192) to `make kernelrelease`, not 6.1.0-N-amd64.
KVER ?= $(if $(filter /lib/modules/%/build,$(KDIR)),\
	$(patsubst /lib/modules/%/build,%,$(KDIR)),\
	$(shell [ -n "$(KDIR)" ] && make -s -C $(KDIR) kernelrelease 2>/dev/null))

CC ?= gcc
CFLAGS ?= -O2 -g
KSCAN_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -pthread -Iinclude \
	-DKSCAN_VERSION='"$(VERSION)"' \
	$(shell pkg-config --cflags libnl-genl-3.0 libnl-route-3.0 libxdp libbpf 2>/dev/null)
KSCAN_LDLIBS := $(shell pkg-config --libs libnl-genl-3.0 libnl-route-3.0 libxdp libbpf 2>/dev/null) -pthread
# kscanctl itself is linked statically by default: one self-contained binary
# to copy onto a fleet of workers, and a start 4x faster in the TCG lab
# (27 ms against 110 ms: the dynamic loader's work is emulated), where the
# lifecycle tests start it thousands of times. KSCANCTL_STATIC=0 links it
# against the shared libraries (distribution packages). glibc's linker notes
# about getaddrinfo() and getprotobyname() (NSS) come from libnl helpers
# kscanctl never calls (nl_addr_info, nl_str2ip_proto); they are filtered.
KSCANCTL_STATIC ?= 1
ifeq ($(KSCANCTL_STATIC),1)
KSCANCTL_LDFLAGS := -static
KSCANCTL_LDLIBS := $(shell pkg-config --static --libs libnl-genl-3.0 libnl-route-3.0 libxdp libbpf 2>/dev/null) -pthread
else
KSCANCTL_LDFLAGS :=
KSCANCTL_LDLIBS := $(KSCAN_LDLIBS)
endif

BUILD := build
USER_SRCS := $(wildcard user/*.c)
# The XDP program (user/bpf/), compiled for BPF with BTF and built into
# kscanctl by user/bpf/kscan_rx_obj.S (.incbin): no side file to install.
CLANG ?= clang
BPF_CFLAGS := -O2 -g -target bpf -Wall -Werror \
	-I/usr/include/$(shell $(CC) -dumpmachine) -Iuser/bpf
BPF_OBJ := $(BUILD)/user/bpf/kscan_rx.bpf.o
USER_OBJS := $(USER_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/user/bpf/kscan_rx_obj.o
# Everything but main() is linkable into the host unit tests.
USER_LIB_OBJS := $(filter-out $(BUILD)/user/main.o,$(USER_OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:%.c=$(BUILD)/%)
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(TOOL_SRCS:%.c=$(BUILD)/%)
HEADERS := $(wildcard include/kscan/*.h include/uapi/linux/*.h user/*.h \
	user/bpf/*.h tests/unit/*.h)

PHONY_TOOLS := tools tools-test
.PHONY: all module user $(PHONY_TOOLS) deps check unit kunit selftests lab-selftest dkms \
	dkms-install demo bench install clean help debug-kernel debug-lab torture

all: module user tools

help:
	@echo "make [all]        build kmod/kscan.ko and user/kscanctl"
	@echo "make deps         install the Debian packages kscan needs (idempotent)"
	@echo "make check        every test: unit, kunit, dkms, lab, selftests, debug lab, torture"
	@echo "make torture      trust cases, netlink fuzzer, lifecycle chaos on the debug kernel"
	@echo "make demo         boot the lab VM and run a real scan in it"
	@echo "make bench        kscan's send rate against pktgen, zmap and masscan (lab VM)"
	@echo "make dkms-install install the module with DKMS (KVER=... for another kernel)"
	@echo "make install      install kscanctl and the shipped configuration"

deps:
	@tests/deps.sh

module:
	@if [ -z "$(KDIR)" ] || [ ! -d "$(KDIR)" ]; then \
		echo "kscan: no kernel build directory (KDIR); run 'make deps' or pass KDIR=" >&2; \
		exit 1; fi
	@echo "kscan: building kscan.ko against $(KDIR)"
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 KSCAN_WERROR=y modules

user: user/kscanctl

user/kscanctl: $(USER_OBJS)
	@echo "$(CC) $(KSCANCTL_LDFLAGS) -o $@ ..."
	@$(CC) $(CFLAGS) $(LDFLAGS) $(KSCANCTL_LDFLAGS) -o $@ $^ $(KSCANCTL_LDLIBS) \
		2>$@.ld-log; rc=$$?; \
		grep -v -e "statically linked applications requires at runtime" \
			-e "in function .nl_\(addr_info\|ip_proto2str\|str2ip_proto\)'" \
			$@.ld-log >&2; \
		rm -f $@.ld-log; exit $$rc

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(KSCAN_CFLAGS) -c -o $@ $<

$(BPF_OBJ): user/bpf/kscan_rx.bpf.c user/bpf/kscan_rx.h
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c -o $@ $<

$(BUILD)/user/bpf/kscan_rx_obj.o: user/bpf/kscan_rx_obj.S $(BPF_OBJ)
	@mkdir -p $(dir $@)
	$(CC) -DKSCAN_RX_BPF_OBJ='"$(BPF_OBJ)"' -c -o $@ $<

$(BUILD)/tests/unit/%: tests/unit/%.c $(USER_LIB_OBJS) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(KSCAN_CFLAGS) -Iuser -o $@ $< $(USER_LIB_OBJS) \
		$(KSCAN_LDLIBS) -lcmocka

# Test tools (the capture checker) link like the unit tests.
$(BUILD)/tests/tools/%: tests/tools/%.c $(USER_LIB_OBJS) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(KSCAN_CFLAGS) -Iuser -o $@ $< $(USER_LIB_OBJS) \
		$(KSCAN_LDLIBS)

tools: $(TOOL_BINS)

# Host-only checks of the capture checker itself: no traffic.
tools-test: user/kscanctl $(TOOL_BINS)
	@tests/tools/pcap-check-test.sh user/kscanctl $(BUILD)/tests/tools/kscan-pcap-check

unit: $(UNIT_BINS)
	@tests/unit/run $(UNIT_BINS)

kunit:
	@tests/kunit/run

# The lab's own tests (does it catch a WARN?), then the kselftests in it.
lab-selftest: all
	@tests/vm/selftest

# Debian's kernel lacks netdevsim: netdevsim_build.sh builds one (cached).
NETDEVSIM_KO = $$(selftests/kscan/netdevsim_build.sh)

selftests: all
	@KSCAN_NETDEVSIM_KO=$(NETDEVSIM_KO) \
		tests/vm/run --timeout=1800 -- make -s -C selftests/kscan run_base

# The debug lab kernel (KASAN, UBSAN, lockdep, kmemleak; built once and
# cached, ~15 min cold) and its own test: does the lab catch each kind of bug?
debug-kernel:
	@tests/vm/debug-kernel/build

debug-lab: all debug-kernel
	@tests/vm/debug-selftest

# The trust cases, the netlink fuzzer and the lifecycle chaos on it.
torture: all debug-kernel
	@tests/vm/run --kernel=debug --timeout=3600 -- \
		env KSCAN_SELFTEST_TIMEOUT=1500 make -s -C selftests/kscan run_torture

dkms-install:
	@tests/dkms.sh install $(KVER)

dkms:
	@tests/dkms.sh check $(KVER)

check:
	@tests/deps.sh
	@$(MAKE) -s all
	@tests/check.sh

demo:
	@tests/deps.sh
	@$(MAKE) -s all
	@tests/vm/run -- bash tests/demo/lab-demo.sh

bench:
	@tests/deps.sh
	@$(MAKE) -s all
	@tests/bench/run

install: user/kscanctl
	install -D -m 0755 user/kscanctl $(DESTDIR)/usr/local/sbin/kscanctl
	install -D -m 0644 etc/blocklist.conf $(DESTDIR)/etc/kscan/blocklist.conf
	install -D -m 0644 etc/kscan.conf $(DESTDIR)/etc/kscan/kscan.conf.example

clean:
	@if [ -n "$(KDIR)" ] && [ -d "$(KDIR)" ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -rf $(BUILD) user/kscanctl
