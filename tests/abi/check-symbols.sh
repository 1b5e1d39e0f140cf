#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-symbols.sh [LIB.so SYMFILE HEADER...]
# check-symbols.sh --list-declarations HEADER...
#
# The ABI of libcontiv is three lists that must agree:
#   - the symbols the library exports (nm -D --defined-only),
#   - the version script libcontiv/libcontiv.sym,
#   - the functions declared in the public headers include/contiv/*.h.
# Checks:
#   a. every exported symbol starts with contiv_ and carries the version
#      LIBCONTIV_<n> of the .sym node that lists it;
#   b. exported == .sym == declared (names missing anywhere are listed);
#   c. every declared function has "Since: <n>" in the doc comment directly
#      before it, and <n> is the number of its .sym node;
#   d. names are sorted (LC_ALL=C) within each .sym node, none twice.
# Not exported, hence ignored: macros and static inline helpers.
#
# Without arguments it checks the built library against the source tree
# ($top_builddir, $top_srcdir, as "make check" sets them).
# --list-declarations prints "name since file:line" for each declaration
# (used by check-man.sh and handy for debugging).
set -eu

export LC_ALL=C
NM=${NM:-nm}
me=check-symbols

# Parse C headers: prints "name since file:line" for each function declared
# at file scope (since is "-" when the directly preceding doc comment has no
# "Since: N"). Comments, strings, preprocessor lines, struct/enum bodies,
# function bodies, typedefs and static functions are skipped. Declarations
# may span lines.
list_declarations() {
	awk '
	function flush_stmt(    s, name, n) {
		s = stmt
		# drop __attribute__((...)) and __extension__ (balanced parentheses)
		while ((n = index(s, "__attribute__")) > 0)
			s = substr(s, 1, n - 1) " " skip_parens(substr(s, n + 13))
		gsub(/[ \t\n]+/, " ", s)
		s = " " s " "
		gsub(/ (__extension__|extern) /, " ", s)
		sub(/^ +/, "", s)
		if (s !~ /^(typedef|static) /) {
			# a function declaration: the identifier before the first "("
			# (not "(*", which would be a function pointer variable)
			if (match(s, /[A-Za-z_][A-Za-z_0-9]* *\( *[^*]/)) {
				name = substr(s, RSTART, RLENGTH)
				sub(/ *\(.*/, "", name)
				printf "%s %s %s:%d\n", name, (stmt_doc ~ /(^|[^A-Za-z])Since: *[0-9]+/ ? since_of(stmt_doc) : "-"), FILENAME, stmt_line
			}
		}
		stmt = ""; stmt_doc = ""; stmt_line = 0; stmt_has_body = 0
	}
	function since_of(d,    t) {
		t = d
		sub(/.*Since: */, "", t)
		sub(/[^0-9].*/, "", t)
		return t
	}
	function skip_parens(s,    i, c, depth, started) {
		depth = 0; started = 0
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c == "(") { depth++; started = 1 }
			else if (c == ")") { depth--; if (started && depth == 0) return substr(s, i + 1) }
		}
		return ""
	}
	FNR == 1 { in_comment = 0; in_pp = 0; depth = 0; stmt = ""; stmt_doc = ""; last_doc = ""; doc_adjacent = 0; extern_c = 0 }
	{
		line = $0
		# preprocessor directives and their continuation lines
		if (in_pp || (!in_comment && line ~ /^[ \t]*#/)) {
			in_pp = (line ~ /\\$/)
			doc_adjacent = 0
			next
		}
		i = 1; n = length(line)
		while (i <= n) {
			c = substr(line, i, 1); c2 = substr(line, i, 2)
			if (in_comment) {
				if (c2 == "*/") {
					in_comment = 0; i += 2
					if (is_doc) { last_doc = comment; doc_adjacent = 1 } else doc_adjacent = 0
					continue
				}
				comment = comment c; i++; continue
			}
			if (c2 == "/*") {
				in_comment = 1; is_doc = (substr(line, i, 3) == "/**" && substr(line, i, 4) != "/**/")
				comment = ""; i += 2; continue
			}
			if (c2 == "//") break
			if (c == "\"" || c == "\047") {
				# skip a string or character literal
				q = c; i++
				while (i <= n && substr(line, i, 1) != q) { if (substr(line, i, 1) == "\\") i++; i++ }
				i++; if (depth == 0) stmt = stmt " \"\" "
				continue
			}
			if (c ~ /[ \t]/) { if (depth == 0) stmt = stmt c; i++; continue }
			# first significant character of a statement: remember its doc comment
			if (depth == 0 && stmt ~ /^[ \t\n]*$/) {
				stmt_doc = doc_adjacent ? last_doc : ""
				stmt_line = FNR
			}
			doc_adjacent = 0
			if (c == "{") {
				if (depth == 0 && stmt ~ /extern *"" *$/) {
					# extern "C" { is transparent
					stmt = ""; i++; extern_c++; continue
				}
				if (depth == 0 && stmt ~ /\)[ \t\n]*$/)
					stmt_has_body = 1	# a function definition
				depth++; i++; continue
			}
			if (c == "}") {
				if (depth == 0 && extern_c > 0) { extern_c--; i++; continue }
				depth--; i++
				if (depth == 0 && stmt_has_body) { stmt = ""; stmt_doc = ""; stmt_has_body = 0 }
				continue
			}
			if (depth > 0) { i++; continue }
			if (c == ";") { flush_stmt(); i++; continue }
			stmt = stmt c; i++
		}
		if (depth == 0 && stmt != "") stmt = stmt "\n"
	}
	' "$@"
}

# Parse a version script: prints "node name" for each global name, in file order.
list_symfile() {
	sed -e 's/#.*//' "$1" | awk '
	{ text = text $0 "\n" }
	END {
		gsub(/\/\*([^*]|\*+[^*\/])*\*+\//, " ", text)	# C comments
		n = split(text, tok, /[ \t\n]+/)
		node = ""; section = ""
		for (i = 1; i <= n; i++) {
			t = tok[i]
			if (t == "") continue
			while (t != "") {
				if (node == "") {
					if (match(t, /^[A-Za-z_][A-Za-z_0-9.]*/)) { node = substr(t, 1, RLENGTH); t = substr(t, RLENGTH + 1); section = "global"; continue }
					if (substr(t, 1, 1) == "{") { t = substr(t, 2); continue }
					t = substr(t, 2); continue
				}
				if (t ~ /^\{/) { t = substr(t, 2); continue }
				if (t ~ /^\}/) {
					# "} PARENT;" or "};" closes the node
					t = substr(t, 2)
					while (t !~ /;/ && i < n) t = t tok[++i]
					sub(/^[^;]*;/, "", t)
					node = ""; continue
				}
				if (match(t, /^(global|local):/)) { section = substr(t, 1, RLENGTH - 1); t = substr(t, RLENGTH + 1); continue }
				if (match(t, /^[^;]+;/)) {
					name = substr(t, 1, RLENGTH - 1); t = substr(t, RLENGTH + 1)
					if (section == "global") print node, name
					continue
				}
				# a name whose ";" is in the next token
				if (i < n) { t = t tok[++i]; continue }
				t = ""
			}
		}
	}'
}

if [ "${1:-}" = "--list-declarations" ]; then
	shift
	list_declarations "$@"
	exit 0
fi

if [ $# -ge 3 ]; then
	lib=$1 symfile=$2
	shift 2
else
	: "${top_srcdir:?top_srcdir is not set: run from make check or pass LIB SYMFILE HEADER...}"
	: "${top_builddir:=$top_srcdir}"
	lib=$top_builddir/libcontiv/.libs/libcontiv.so.1
	symfile=$top_srcdir/libcontiv/libcontiv.sym
	# public headers of the source tree, plus generated ones (version.h)
	set -- "$top_srcdir"/include/contiv/*.h
	for h in "$top_builddir"/include/contiv/*.h; do
		[ -e "$h" ] || continue
		[ -e "$top_srcdir/include/contiv/${h##*/}" ] || set -- "$@" "$h"
	done
fi

for f in "$lib" "$symfile" "$@"; do
	if [ ! -r "$f" ]; then
		echo "$me: FAIL: cannot read $f (is the library built?)" >&2
		exit 1
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-symbols.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
status=0
fail() {
	echo "$me: FAIL: $*" >&2
	status=1
}
# print_list FILE: the names of FILE, indented, on stderr
print_list() {
	sed 's/^/	/' "$1" >&2
}

# --- the three lists ---------------------------------------------------------

# Exported: "name version" ("-" if unversioned), without the version
# definitions (absolute symbols named after the nodes, e.g. "A LIBCONTIV_1").
# shellcheck disable=SC2086 # $NM may carry options (libtool's "nm -B")
if ! $NM -D --defined-only --with-symbol-versions "$lib" >"$tmp/nm.out" 2>"$tmp/nm.err"; then
	echo "$me: FAIL: $NM -D --defined-only $lib failed:" >&2
	cat "$tmp/nm.err" >&2
	exit 1
fi
awk '
	NF >= 2 {
		type = $(NF - 1); sym = $NF
		name = sym; ver = "-"
		if ((n = index(sym, "@")) > 0) {
			name = substr(sym, 1, n - 1); ver = substr(sym, n); sub(/^@+/, "", ver)
		}
		if (type == "A" && (ver == "-" || ver == name)) next	# version definition
		print name, ver
	}' "$tmp/nm.out" | sort -u >"$tmp/exported"
cut -d' ' -f1 "$tmp/exported" | sort -u >"$tmp/exported.names"

list_symfile "$symfile" >"$tmp/sym"
cut -d' ' -f2 "$tmp/sym" | sort >"$tmp/sym.all"
sort -u "$tmp/sym.all" >"$tmp/sym.names"

list_declarations "$@" >"$tmp/decl"
cut -d' ' -f1 "$tmp/decl" | sort >"$tmp/decl.all"
sort -u "$tmp/decl.all" >"$tmp/decl.names"

nexp=$(wc -l <"$tmp/exported.names")
nsym=$(wc -l <"$tmp/sym.names")
ndecl=$(wc -l <"$tmp/decl.names")
echo "$me: $lib: $nexp exported; $symfile: $nsym listed; $# headers: $ndecl declared"
if [ "$ndecl" -eq 0 ]; then
	fail "no function declarations found in the headers (parser broken?)"
fi

# --- a. prefix and versions --------------------------------------------------

grep -v '^contiv_' "$tmp/exported.names" >"$tmp/bad" || true
if [ -s "$tmp/bad" ]; then
	fail "exported symbols without the contiv_ prefix:"
	print_list "$tmp/bad"
fi
awk '$2 !~ /^LIBCONTIV_[0-9]+$/ { print $1 " (version: " $2 ")" }' "$tmp/exported" >"$tmp/bad"
if [ -s "$tmp/bad" ]; then
	fail "exported symbols without a LIBCONTIV_<n> version:"
	print_list "$tmp/bad"
fi
awk '$1 !~ /^LIBCONTIV_[0-9]+$/ { print $1 }' "$tmp/sym" | sort -u >"$tmp/bad"
if [ -s "$tmp/bad" ]; then
	fail "$symfile: node names must be LIBCONTIV_<n>:"
	print_list "$tmp/bad"
fi
# the version of each exported symbol is the node that lists it
awk 'NR == FNR { node[$2] = $1; next }
     ($1 in node) && $2 != node[$1] { print $1 " is exported as " $2 " but listed in " node[$1] }' \
	"$tmp/sym" "$tmp/exported" >"$tmp/bad"
if [ -s "$tmp/bad" ]; then
	fail "exported version differs from the .sym node:"
	print_list "$tmp/bad"
fi

# --- b. exported == .sym == declared -----------------------------------------

# compare A B: names in A missing from B
compare() {
	comm -23 "$tmp/$1.names" "$tmp/$2.names" >"$tmp/bad"
	if [ -s "$tmp/bad" ]; then
		fail "$3 ($(wc -l <"$tmp/bad")):"
		print_list "$tmp/bad"
	fi
}
compare decl exported "declared in the headers but not exported by the library"
compare sym exported "listed in ${symfile##*/} but not exported by the library"
compare exported decl "exported by the library but not declared in the headers"
compare exported sym "exported by the library but not listed in ${symfile##*/}"
compare decl sym "declared in the headers but not listed in ${symfile##*/}"
compare sym decl "listed in ${symfile##*/} but not declared in the headers"

uniq -d "$tmp/decl.all" >"$tmp/bad"
if [ -s "$tmp/bad" ]; then
	fail "functions declared more than once:"
	print_list "$tmp/bad"
fi

# --- c. Since: ---------------------------------------------------------------

awk '$2 == "-" { print $1 " (" $3 ")" }' "$tmp/decl" >"$tmp/bad"
if [ -s "$tmp/bad" ]; then
	fail "declarations without \"Since: N\" in the doc comment directly before them:"
	print_list "$tmp/bad"
fi
awk 'NR == FNR { node[$2] = $1; next }
     $2 != "-" && ($1 in node) && node[$1] != "LIBCONTIV_" $2 {
	print $1 " (" $3 ") says Since: " $2 " but is listed in " node[$1] }' \
	"$tmp/sym" "$tmp/decl" >"$tmp/bad"
if [ -s "$tmp/bad" ]; then
	fail "\"Since: N\" does not match the .sym node LIBCONTIV_N:"
	print_list "$tmp/bad"
fi

# --- d. .sym order -----------------------------------------------------------

uniq -d "$tmp/sym.all" >"$tmp/bad"
if [ -s "$tmp/bad" ]; then
	fail "$symfile: names listed more than once:"
	print_list "$tmp/bad"
fi
awk '$1 == node && $2 < prev { print $1 ": " $2 " comes after " prev }
     { node = $1; prev = $2 }' "$tmp/sym" >"$tmp/bad"
if [ -s "$tmp/bad" ]; then
	fail "$symfile: names not sorted (LC_ALL=C) within their node:"
	print_list "$tmp/bad"
fi

if [ "$status" -eq 0 ]; then
	echo "$me: PASS: exported, version script and headers agree ($nexp symbols)"
fi
exit "$status"
