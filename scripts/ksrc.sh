# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# The cached kernel tree the UML kernels are built from (scripts/kunit,
# scripts/uml): Debian's linux-source-6.12 unpacked once into $CACHE, with
# this checkout linked in as net/lb (the top-level Kbuild and Kconfig).
# Builds go to O= directories beside it, so no object lands in the work tree.
#
# Source it after setting TOP (this checkout), CACHE and BUILD (the O=
# directory), then call ksrc_prepare NAME (NAME prefixes its messages). It
# sets SRC and returns holding two locks for the caller's lifetime: the
# tree's, shared, so that runs of the same checkout (a plain and a --debug
# KUnit run, a UML e2e run) can overlap, while unpacking and relinking
# happen only under the exclusive lock, when no run is using the tree; and
# BUILD's, exclusive, one run per build directory.

KSRC_TARBALL=${LB_KSRC_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
KSRC_NAME=linux-source-6.12

# shellcheck disable=SC2016 # $(CONFIG_LB) is make's, not the shell's
ksrc_ready() {
	[ -d "$SRC" ] && [ "$(cat "$SRC.stamp" 2>/dev/null)" = "$ksrc_stamp" ] &&
	[ "$(readlink "$SRC/net/lb")" = "$TOP" ] &&
	grep -qx 'obj-$(CONFIG_LB) += lb/' "$SRC/net/Makefile" &&
	grep -qx 'source "net/lb/Kconfig"' "$SRC/net/Kconfig"
}

ksrc_setup() {
	local name=$1 t0
	# --- kernel source: unpack once per tarball ---------------------------
	if [ "$(cat "$SRC.stamp" 2>/dev/null)" != "$ksrc_stamp" ] || [ ! -d "$SRC" ]; then
		echo "$name: unpacking $KSRC_TARBALL into $CACHE (once) ..."
		t0=$SECONDS
		# Every build made from the old tree goes with it.
		rm -rf "$SRC" "$SRC.stamp" "$CACHE"/uml-build* "$CACHE/uml-e2e" \
			"$CACHE/.unpack"
		mkdir -p "$CACHE/.unpack"
		tar -xJf "$KSRC_TARBALL" -C "$CACHE/.unpack"
		mv "$CACHE/.unpack/$KSRC_NAME" "$SRC"
		rmdir "$CACHE/.unpack"
		echo "$ksrc_stamp" >"$SRC.stamp"
		echo "$name: unpacked in $((SECONDS - t0)) s"
	fi
	# --- hook lb into the cached tree as net/lb (idempotent) --------------
	ln -sfn "$TOP" "$SRC/net/lb"
	# shellcheck disable=SC2016 # $(CONFIG_LB) is make's, not the shell's
	grep -qx 'obj-$(CONFIG_LB) += lb/' "$SRC/net/Makefile" ||
		echo 'obj-$(CONFIG_LB) += lb/' >>"$SRC/net/Makefile"
	if ! grep -qx 'source "net/lb/Kconfig"' "$SRC/net/Kconfig"; then
		# Inside "if NET", after the other protocol families.
		grep -q '^endif   # if NET$' "$SRC/net/Kconfig" || {
			echo "$name: net/Kconfig has no 'endif   # if NET' line: cannot hook lb" >&2
			exit 2
		}
		sed -i 's|^endif   # if NET$|source "net/lb/Kconfig"\n\n&|' \
			"$SRC/net/Kconfig"
	fi
}

ksrc_prepare() {
	local name=$1
	[ -r "$KSRC_TARBALL" ] || {
		echo "$name: $KSRC_TARBALL missing: run scripts/deps (linux-source-6.12)" >&2
		exit 2
	}
	[[ -f $TOP/Kbuild && -f $TOP/Kconfig ]] || {
		echo "$name: $TOP has no Kbuild/Kconfig" >&2
		exit 2
	}
	SRC=$CACHE/$KSRC_NAME
	ksrc_stamp="$(stat -L -c '%s %Y' "$KSRC_TARBALL") $(dpkg-query -W \
		-f '${Version}' $KSRC_NAME 2>/dev/null || true)"
	exec 8>"$CACHE/.lock"
	flock -s 8
	if ! ksrc_ready; then
		flock -u 8
		flock -n -x 8 || { echo "$name: waiting for other runs using $CACHE ..." >&2
			flock -x 8; }
		ksrc_setup "$name"
		flock -s 8
	fi
	mkdir -p "$BUILD"
	exec 9>"$BUILD.lock"
	flock -n 9 || { echo "$name: waiting for another run using $BUILD ..." >&2
		flock 9; }
	# The objects of net/lb depend on files reached through the symlink:
	# when the link now points at another checkout, its sources may be
	# older than the objects, so drop them and let make rebuild.
	if [ "$(cat "$BUILD/.lb-src" 2>/dev/null)" != "$TOP" ]; then
		rm -rf "$BUILD/net/lb"
		echo "$TOP" >"$BUILD/.lb-src"
	fi
}
