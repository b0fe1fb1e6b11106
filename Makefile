# SPDX-License-Identifier: GPL-2.0
#
#   make                  lb.ko for KDIR (kmod/lb.ko) and lbctl
#   make KDIR=/lib/modules/<ver>/build
#   make modules-all      lb.ko for every installed Debian kernel, W=1 -Werror
#   make lint             checkpatch --strict, sparse and shellcheck
#   make check            everything: builds, lint, KUnit, e2e in VMs
#   make demo             the seed experiment: table, CSV/JSON, PNG (demo/demo)
#   make demo DEMO_ARGS=--quick      (any demo/demo option)
#   make demo SCENARIO=service       seed 002: lb as an L4 load balancer
#                                    (demo/service; DEMO_ARGS too)
#   make bench            what lb costs the router, against iptables, nftables
#                         and ECMP in one VM run, plus the KUnit hook bench:
#                         table, CSV/JSON, PNG (bench/bench)
#   make bench BENCH_ARGS=--quick    (any bench/bench option; make check
#                                    runs --quick to prove the bench works)
#   make deb              Debian packages lb-dkms and lbctl into build/deb/
#   make pkg-check        lintian on them, the man pages and what they
#                         cover, the bash completion (scripts/pkg-check)
#   make dkms-install     the module's source in /usr/src/lb-VERSION, then
#                         dkms add, build, install (root); rebuilt for every
#                         new kernel.  make dkms-uninstall: the reverse
#   make dkms-build       build it as DKMS would, for every kernel, in build/
#   make fuzz             the fuzzers e2e 85 and 86 run in the VM (tests/fuzz:
#                         nlfuzz for netlink, pktfuzz for frames)
#   make stress           the fuzzing of make check, many times longer
#   make uml              the e2e tests that need KASAN, lockdep, kmemleak
#                         and fault injection, in User-Mode Linux (scripts/uml)
#   make coverage         lines of kmod/ the e2e tests run, per file (gcov,
#                         under scripts/uml: scripts/coverage)
#   make kunit | e2e | deps | clean

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
KERNELS ?= $(sort $(notdir $(patsubst %/build,%,$(wildcard /lib/modules/*/build))))
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(addsuffix /build,$(addprefix /lib/modules/,$(lastword $(KERNELS)))))
KVER_OF = $(notdir $(patsubst %/build,%,$(1)))
BUILD := $(TOP)/build
MODSRC := Kbuild Kconfig VERSION kmod include tests/kunit

.PHONY: all module modules-all sparse lbctl lint check kunit e2e deps demo bench clean \
	deb pkg-check dkms-install dkms-uninstall dkms-build

all: module lbctl

# Each kernel gets its own shadow tree of symlinks, so objects for 6.1 and
# 6.12 never mix and the source tree stays clean.
define shadow
	rm -rf $(BUILD)/$(1) && mkdir -p $(BUILD)/$(1)/tests
	cd $(TOP) && for p in $(MODSRC); do \
		cp -as $(TOP)/$$p $(BUILD)/$(1)/$$p; done
	cp $(TOP)/Makefile $(BUILD)/$(1)/Makefile
endef

module:
	@test -n "$(KDIR)" || { echo "no kernel headers: run scripts/deps" >&2; exit 1; }
	$(call shadow,$(call KVER_OF,$(KDIR)))
	$(MAKE) -C $(KDIR) M=$(BUILD)/$(call KVER_OF,$(KDIR)) CONFIG_LB=m $(KFLAGS) modules
	cp $(BUILD)/$(call KVER_OF,$(KDIR))/lb.ko kmod/lb.ko

# make lint's sparse pass (C=2: every file checked) in a shadow tree of
# its own, refreshed instead of rebuilt, so that gcc compiles only what
# changed; -Werror, so that a file with a warning is never left compiled
# and its warning is printed again on the next run.
sparse:
	@test -n "$(KDIR)" || { echo "no kernel headers: run scripts/deps" >&2; exit 1; }
	mkdir -p $(BUILD)/lint-$(call KVER_OF,$(KDIR))/tests
	cd $(TOP) && for p in $(MODSRC); do \
		cp -asfT $(TOP)/$$p $(BUILD)/lint-$(call KVER_OF,$(KDIR))/$$p; done
	cp $(TOP)/Makefile $(BUILD)/lint-$(call KVER_OF,$(KDIR))/Makefile
	$(MAKE) -C $(KDIR) M=$(BUILD)/lint-$(call KVER_OF,$(KDIR)) CONFIG_LB=m \
		C=2 KCFLAGS=-Werror modules

# Zero warnings with W=1 against every installed kernel.
modules-all:
	@test -n "$(KERNELS)" || { echo "no kernel headers: run scripts/deps" >&2; exit 1; }
	set -e; for k in $(KERNELS); do \
		$(MAKE) --no-print-directory module KDIR=/lib/modules/$$k/build \
			KFLAGS="W=1 KCFLAGS=-Werror"; \
		cp $(BUILD)/$$k/lb.ko $(BUILD)/lb-$$k.ko; done

lbctl:
	$(MAKE) -C userspace/lbctl

lint:
	scripts/lint

kunit:
	scripts/kunit

e2e: modules-all lbctl deb fuzz
	scripts/e2e -j 2

.PHONY: fuzz stress uml coverage
fuzz:
	$(MAKE) -C tests/fuzz

# Longer than make check's: 5 million malformed packets through the hooks
# (KUnit; 3 x 100000 more under KASAN, lockdep and kmemleak, each boot
# with its own seed and all the suites, so that the last one, lb_kmemleak,
# scans for what they leaked), per kernel 500000 netlink requests and
# 1.5 million frames (e2e 85, 86) and 500 unload cycles (e2e 45).  Hours,
# not minutes.
stress: modules-all lbctl deb fuzz
	scripts/kunit --filter 'lb_fuzz*' -- --kernel_args=lb.fuzz_packets=5000000
	for i in 1 2 3; do scripts/kunit --debug -- \
		--kernel_args=lb.fuzz_packets=100000 || exit 1; done
	E2E_NLFUZZ=400000 E2E_NLFUZZ_RACE=50000 E2E_NLFUZZ_USER=20000 \
		E2E_PKTFUZZ=1000000 scripts/e2e --timeout 3600 85 86
	E2E_CYCLES=500 scripts/e2e --timeout 7200 45
	E2E_FAILNTH_ALL=1 E2E_CYCLES=200 E2E_PKTFUZZ=300000 \
		scripts/e2e --kernel uml --timeout 7200 $(UML_TESTS)

# The unload cycles, fault injection and both fuzzers, in scripts/uml's
# kernel: what Debian's kernels run without sanitizers or cannot inject.
# Shorter than in the VMs (UML with KASAN and lockdep: an unload cycle
# takes 8.5 s, a netlink request 5 ms): 10 cycles, 20 000 + 5 000 + 5 000
# netlink requests, 50 000 frames.
UML_TESTS := 45 48 85 86
UML_KNOBS := E2E_CYCLES=10 E2E_NLFUZZ=20000 E2E_NLFUZZ_RACE=5000 \
	E2E_NLFUZZ_USER=5000 E2E_PKTFUZZ=50000
uml: lbctl fuzz
	$(UML_KNOBS) scripts/e2e --kernel uml $(UML_TESTS)

coverage: lbctl fuzz deb
	scripts/coverage

deps:
	scripts/deps

deb:
	scripts/deb

pkg-check:
	scripts/pkg-check

dkms-install:
	scripts/dkms install

dkms-uninstall:
	scripts/dkms uninstall

dkms-build:
	scripts/dkms build

SCENARIO ?= paths
demo: deps
	$(if $(filter-out paths service,$(SCENARIO)),$(error SCENARIO is paths (seed 000, the default) or service (seed 002)))
	demo/demo $(if $(filter service,$(SCENARIO)),--service) $(DEMO_ARGS)

bench: deps
	bench/bench $(BENCH_ARGS)

check: deps
	$(MAKE) modules-all
	$(MAKE) lbctl
	$(MAKE) lint
	$(MAKE) deb
	$(MAKE) pkg-check
	scripts/kunit
	scripts/kunit --debug
	bench/bench --quick
	$(MAKE) fuzz
	scripts/e2e -j 2
	$(UML_KNOBS) scripts/e2e --kernel uml $(UML_TESTS)

clean:
	rm -rf $(BUILD) kmod/lb.ko
	$(MAKE) -C userspace/lbctl clean
	$(MAKE) -C tests/fuzz clean
