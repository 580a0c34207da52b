package org.erofssim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.erofssim.cli.Main;

/**
 * The guest side of a boot: one JVM, many scenarios. {@code java -cp erofs-sim.jar
 * org.erofssim.cli.GuestBatch OUT.jsonl SCENARIO.json...} runs {@code erofs-sim observe} on each
 * scenario in turn (the live oracle of the guest's kernel) and appends one JSON line per
 * scenario: {@code {"scenario", "release", "exit", "outcome" (the contract outcome JSON, or
 * null), "error" (observe's one-line stderr, or null), "seconds"}}. Never throws.
 */
public final class GuestBatch {
    private GuestBatch() {}

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: GuestBatch OUT.jsonl SCENARIO.json...");
            System.exit(2);
        }
        ObjectMapper json = new ObjectMapper();
        Path out = Path.of(args[0]);
        String release;
        try {
            release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException e) {
            release = System.getProperty("os.version");
        }
        for (int i = 1; i < args.length; i++) {
            long t0 = System.nanoTime();
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            int rc = Main.run(new String[] {"observe", args[i]}, new PrintStream(o, true, StandardCharsets.UTF_8),
                    new PrintStream(e, true, StandardCharsets.UTF_8));
            ObjectNode line = json.createObjectNode();
            line.put("scenario", args[i]);
            line.put("release", release);
            line.put("exit", rc);
            String stdout = o.toString(StandardCharsets.UTF_8).strip();
            try {
                line.set("outcome", stdout.isEmpty() ? null : json.readTree(stdout));
            } catch (IOException ex) {
                line.put("outcome", stdout);
            }
            String stderr = e.toString(StandardCharsets.UTF_8).strip();
            line.put("error", stderr.isEmpty() ? null : stderr);
            line.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
            try {
                Files.writeString(out, json.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException ex) {
                System.err.println("GuestBatch: cannot write " + out + ": " + ex.getMessage());
                System.exit(74);
            }
            System.out.println("ERV-SCENARIO " + args[i] + " exit=" + rc);
        }
        System.exit(0);
    }
}
