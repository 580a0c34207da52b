package org.erofssim.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.erofssim.oracle.Kmsg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostKernelTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "BUG: unable to handle page fault for address: ffffc90000a3f000",
        "WARNING: CPU: 1 PID: 4242 at fs/erofs/zdata.c:1234 z_erofs_decompress_queue+0x1/0x2",
        "Oops: 0000 [#1] PREEMPT SMP NOPTI",
        "general protection fault, probably for non-canonical address 0xdead000000000100",
        "kernel BUG at fs/erofs/data.c:42!",
        "UBSAN: shift-out-of-bounds in fs/erofs/super.c:300:20",
        "INFO: task mount:1234 blocked for more than 120 seconds.",
        "list_add corruption. prev->next should be next"})
    void kernelTroubleIsRecognised(String line) {
        assertThat(HostKernel.isTrouble(line)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "erofs (device loop0): bogus dirent @ nid 41",
        "erofs (device erofs): mounted with root inode @ nid 36.",
        "loop0: detected capacity change from 0 to 96",
        "EXT4-fs (sda1): warning: mounting fs with errors"})
    void ordinaryLinesAreNot(String line) {
        assertThat(HostKernel.isTrouble(line)).isFalse();
    }

    @Test
    void troubleKeepsTheTroubleLinesOfTheWindowInOrder() {
        List<Kmsg.Record> window = List.of(new Kmsg.Record(6, 10, "loop0: detected capacity change from 0 to 96"),
                new Kmsg.Record(4, 11, "WARNING: CPU: 0 PID: 7 at fs/erofs/super.c:1 x+0x1/0x2"),
                new Kmsg.Record(6, 12, "erofs (device loop0): mounted with root inode @ nid 36."),
                new Kmsg.Record(0, 13, "Oops: 0000 [#1] SMP"));
        assertThat(HostKernel.trouble(window)).containsExactly("WARNING: CPU: 0 PID: 7 at fs/erofs/super.c:1 x+0x1/0x2",
                "Oops: 0000 [#1] SMP");
        assertThat(HostKernel.trouble(List.of())).isEmpty();
    }
}
