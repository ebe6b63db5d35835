#!/bin/sh
# bench/record/record.sh: re-records bench/traces/recorded/ from real programs.
# Host tool, never run by CI (the programs are Debian packages a fresh clone
# does not have). Needs gcc and, from Debian: lua5.4 tcc sed bc m4 gawk make
# diffutils coreutils (apt-get install -y lua5.4 tcc bc m4 gawk).
#
# Each program runs once with bench/record/mtrace.c preloaded; the log of the
# program's own process (the largest log: children such as make's shells are
# logged separately and dropped) goes to bench/record/to_rep.ts, which cuts the
# balanced windows of 32-64 KiB peak payload and writes them with their
# provenance into bench/traces/recorded/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
w="$here/workloads"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O2 -shared -fPIC -Wall -Wextra -o "$tmp/mtrace.so" "$here/mtrace.c" -ldl -lpthread
text=/usr/share/common-licenses/GPL-3
cp "$text" "$tmp/a.txt"
sed 's/the/THE/g; 200,260d' "$text" > "$tmp/b.txt"

# name|debian package|command line (run in $tmp, stdout discarded)
cat > "$tmp/programs" <<LIST
lua|lua5.4|lua5.4 $w/tables.lua a.txt
tcc|tcc|tcc -c $w/prog.c -o prog.o
sed|sed|sed -E -e 's/([a-z]+)ing/\\1ed/g' -e 's/[[:space:]]+/_/g' -e '/^_*\$/d' a.txt
bc|bc|bc -l $w/pi.bc
m4|m4|m4 $w/defs.m4
gawk|gawk|gawk -f $w/count.awk a.txt
make|make|make -n -f $w/rules.mk
diff|diffutils|diff -u a.txt b.txt
LIST

: > "$tmp/provenance"
while IFS='|' read -r name pkg cmd; do
    mkdir -p "$tmp/log"
    (cd "$tmp" && MTRACE_OUT="$tmp/log/$name" LD_PRELOAD="$tmp/mtrace.so" sh -c "exec $cmd" > /dev/null) || true
    log=$(ls -S "$tmp/log/$name".* | head -n 1)
    version=$(dpkg-query -W -f='${Version}' "$pkg")
    echo "$name|$pkg|$version|$cmd|$log" >> "$tmp/provenance"
done < "$tmp/programs"

cd "$root" && npx tsx bench/record/to_rep.ts --out bench/traces/recorded --date "$(date -u +%Y-%m-%d)" "$tmp/provenance"
