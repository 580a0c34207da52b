package org.erofssim.oracle;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An erofs kernel-log line about one superblock, in either format the modelled releases print:
 * {@code erofs (device X): msg} (6.13 and later: 90655ee279b2) or {@code erofs: (device X): msg}
 * (before it). {@code X} is the superblock's {@code s_id}: a block device's name
 * ({@code loopN}), {@code erofs} for a file-backed or fscache superblock, or, from 7.x on, a
 * file-backed superblock's anonymous device number {@code 0:N}.
 *
 * <p>Contract rule (docs/spec/harness-contract.md, "Device names in log lines"): the contract's
 * log writes a loop device as the scenario's bdev node name and an anonymous {@code 0:N} as
 * {@code 0:*}, the way the outcome's {@code superblock.dev} writes an anonymous device.
 *
 * @param prefix the text up to and including {@code (device }
 * @param device the {@code s_id} as the kernel printed it
 * @param rest   the text after the closing parenthesis (starting with {@code ":"})
 */
record DeviceLine(String prefix, String device, String rest) {
    private static final Pattern LINE = Pattern.compile("^(erofs:? \\(device )([^)]*)\\)(.*)$", Pattern.DOTALL);
    /** {@code 0:N} as the kernel prints it, or {@code 0:*} as the contract writes it (a mapped line). */
    private static final Pattern ANON = Pattern.compile("0:(\\d+|\\*)");

    /** The line's parts, or null when it is no erofs device line. */
    static DeviceLine parse(String message) {
        Matcher m = LINE.matcher(message);
        return m.matches() ? new DeviceLine(m.group(1), m.group(2), m.group(3)) : null;
    }

    /** A superblock without a block device: {@code erofs}, or an anonymous {@code 0:N} (7.x file-backed). */
    boolean fileBacked() {
        return device.equals("erofs") || anonymous();
    }

    /** The device is an anonymous {@code 0:N} (7.x names file-backed superblocks so). */
    boolean anonymous() {
        return ANON.matcher(device).matches();
    }

    /** The line with the device written as {@code name}. */
    String withDevice(String name) {
        return prefix + name + ")" + rest;
    }
}
