#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs the Python binding's unittest suite against the built library.
# Environment (set by "make check", AM_TESTS_ENVIRONMENT): PYTHON3, top_srcdir,
# LD_LIBRARY_PATH (the built libcontiv first), SANITIZERS, CC.
set -u

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${PYTHON3:=python3}"

PYTHONPATH="$top_srcdir/bindings/python:$here${PYTHONPATH:+:$PYTHONPATH}"
PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH PYTHONDONTWRITEBYTECODE

# The library is sanitizer-instrumented if configure said so, or if it needs
# the ASan runtime (SANITIZERS may be empty when configure does not substitute
# it).
lib="${LIBCONTIV_LIBDIR:-${top_builddir:-$top_srcdir}/libcontiv/.libs}/libcontiv.so.1"
if [ "${SANITIZERS:-}" != yes ] && [ -f "$lib" ] && grep -q 'libasan\.so' "$lib"; then
	SANITIZERS=yes
fi
export SANITIZERS

if [ "${SANITIZERS:-no}" = yes ]; then
	# The library is built with ASan/UBSan and the interpreter is not: the
	# sanitizer runtimes must be loaded first. Python's own allocations are
	# not leak-checked.
	cc=${CC:-cc}
	asan=$($cc -print-file-name=libasan.so 2>/dev/null)
	ubsan=$($cc -print-file-name=libubsan.so 2>/dev/null)
	case "$asan:$ubsan" in
	/*:/*) ;;
	*)
		echo "SKIP: $cc does not know libasan.so/libubsan.so, cannot preload them into $PYTHON3"
		exit 77 ;;
	esac
	if [ ! -e "$asan" ] || [ ! -e "$ubsan" ]; then
		echo "SKIP: sanitizer runtimes $asan $ubsan not found, cannot preload them into $PYTHON3"
		exit 77
	fi
	LD_PRELOAD="$asan:$ubsan${LD_PRELOAD:+:$LD_PRELOAD}"
	ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
	export LD_PRELOAD ASAN_OPTIONS
fi

# Arguments name the test modules to run (default: all).
[ $# -gt 0 ] || set -- test_contiv test_store test_master_client test_policy
exec "$PYTHON3" -m unittest -v "$@"
