#!/usr/bin/env bash
# run-ratio-benchmark.sh — JMH: the model against the running kernel and erofs-utils on the same
# LZ4 image and the same machine, reported as ratios
# (harness/src/test/java/org/erofssim/bench/RatioBenchmark.java). op=mount: one prediction vs one
# live observation (sandbox, mount(2), umount) vs `dump.erofs -s`; op=verify: the same with every
# file read and hashed vs `fsck.erofs --extract`. Ends with a table of kernel/model and
# erofs-utils/model. Needs root for the kernel column, erofs-utils on PATH. Never part of
# `./mvnw verify`.
#
# Usage:  sudo bench/run-ratio-benchmark.sh [JMH options]   e.g.  -p op=verify -p MiB=8 -f 2
set -euo pipefail
root=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
./mvnw -q -B -pl harness -am install -DskipTests
./mvnw -q -B -pl harness test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cp="harness/target/test-classes:harness/target/classes:$(cat harness/target/bench.classpath)"
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Derofssim.root="$root" -cp "$cp" org.erofssim.bench.RatioBenchmark "$@"
