#!/bin/sh
# Captures the dump.erofs and fsck.erofs output that DumpErofsTest and DumpErofsGenerationsTest parse,
# from each erofs-utils generation on the same images: the system's 1.5 (Debian bookworm) and the
# pinned builds of .ci/build-erofs-utils 1.8.6 and 1.9.4 (~/.cache/erofs-sim/erofs-utils/VERSION).
# Run from this folder: sh capture.sh   (no root needed; rewrites the *.txt files here)
set -eu
cache=${EROFSSIM_CACHE:-$HOME/.cache/erofs-sim}/erofs-utils
here=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TZ=UTC LC_ALL=C
unset SOURCE_DATE_EPOCH || true
mkdir -p "$work/src/d"
seq 1 3000 > "$work/src/a"
echo hi > "$work/src/d/b"
ln -s a "$work/src/l"
touch -d @0 "$work/src/a" "$work/src/d/b" "$work/src/d" "$work/src"
# image A: erofs-utils 1.5, read by all three generations
mkfs.erofs --quiet -T0 -Uef7f8e04-e3c3-4cf7-98cf-1650cb0265f2 -zlz4hc "$work/a.erofs" "$work/src"
# image B: erofs-utils 1.9.4 with 1.9 features (1.5 and 1.8.6 refuse it)
"$cache/1.9.4/bin/mkfs.erofs" --quiet -T0 -Uef7f8e04-e3c3-4cf7-98cf-1650cb0265f2 -b1024 -zlzma,level=6 -E48bit,fragments "$work/b.erofs" "$work/src"
# a bad superblock checksum: image A with bit 0 of the stored checksum (byte 1028) flipped
python3 -c "import sys; b=bytearray(open(sys.argv[1],'rb').read()); b[1028]^=1; open(sys.argv[2],'wb').write(b)" "$work/a.erofs" "$work/bad.erofs"
for v in 1.5 1.8.6 1.9.4; do
    if [ "$v" = 1.5 ]; then bin=/usr/bin; else bin=$cache/$v/bin; fi
    "$bin/dump.erofs" -s -S "$work/a.erofs" > "$here/a-$v-s-S.txt"
    "$bin/dump.erofs" --nid=36 --ls "$work/a.erofs" > "$here/a-$v-nid36-ls.txt"
    "$bin/dump.erofs" --path=/a -e "$work/a.erofs" > "$here/a-$v-path-a-e.txt"
    "$bin/fsck.erofs" "$work/bad.erofs" > "$here/bad-$v-fsck.txt" 2>&1 || true
done
"$cache/1.9.4/bin/dump.erofs" -s "$work/b.erofs" > "$here/b-1.9.4-s.txt"
"$cache/1.9.4/bin/dump.erofs" --path=/a -e "$work/b.erofs" > "$here/b-1.9.4-path-a-e.txt"
