#!/usr/bin/env bash
# run-verify-benchmark.sh — JMH benchmark of a full model verification of a compressed image
# (harness/src/test/java/org/erofssim/bench/VerifyBenchmark.java): mount, walk, decompress and
# SHA-256 every file of an LZ4 image built in @Setup with the installed mkfs.erofs.
#
# Usage:  bench/run-verify-benchmark.sh [JMH options]   e.g.  -p recipe=-zlz4hc,-C65536 -p MiB=16 -f 2
#
# Same mechanics as run-mount-benchmark.sh, on the harness module (the generated tree comes from
# the testkit, which the model's tests cannot use): compiles the test classes of harness and the
# modules it needs (the JMH annotation processor generates the harness there), asks Maven for the
# test classpath, then runs the benchmark in a plain JVM (JMH forks its own). Never part of
# `./mvnw verify`. MAVEN_ARGS=-o builds offline once dependencies are cached. Needs mkfs.erofs (erofs-utils) on PATH.
# Read the score (ms/op) against the tree size it prints, and against `fsck.erofs --extract`
# of the same image on the same machine.
set -euo pipefail
root=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
./mvnw -q -B -pl harness -am test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cp="harness/target/test-classes:harness/target/classes:$(cat harness/target/bench.classpath)"
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Derofssim.root="$root" -cp "$cp" org.erofssim.bench.VerifyBenchmark "$@"
