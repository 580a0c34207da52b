#!/usr/bin/env bash
# run-mount-benchmark.sh — JMH benchmark of MountModel.predict (model/src/test/java/org/erofssim/bench).
#
# Usage:  bench/run-mount-benchmark.sh [JMH options]     e.g.  -p image=multidev.erofs -f 2 -rf json
#
# Compiles the model's test classes (the JMH annotation processor generates the harness there),
# asks Maven for the test classpath, then runs the benchmark in a plain JVM (JMH forks its own).
# It is never part of `./mvnw verify`. MAVEN_ARGS=-o builds offline once dependencies are cached.
# Read the numbers as ratios against mount(2) and dump.erofs on the same machine (README, "Performance").
set -euo pipefail
root=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
./mvnw -q -B -pl model test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cp="model/target/test-classes:model/target/classes:$(cat model/target/bench.classpath)"
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Derofssim.root="$root" -cp "$cp" org.erofssim.bench.MountBenchmark "$@"
