package org.erofssim.block;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A block device over an image is a loop device: whole 512-byte sectors only (loop_set_size)")
class LoopRoundingTest {
    @Test void aTailShorterThanASectorIsNotPartOfTheDevice() {
        byte[] image = new byte[1088];
        image[1030] = 7;
        image[1087] = 9;
        Node.BlockDevice dev = new Node.BlockDevice(ImageBytes.of(image), null, true, 512, false);
        assertThat(dev.capacity()).isEqualTo(1024);
        byte[] b = new byte[64];
        assertThat(dev.bytes().read(1024, b, 0, 64)).as("nothing past the device's end").isZero();
        assertThat(dev.bytes().read(1000, b, 0, 64)).isEqualTo(24);
        assertThat(new Node.RegularFile(ImageBytes.of(image), BackingFs.EXT4).bytes().size())
                .as("a file-backed mount reads the whole file").isEqualTo(1088);
    }

    @Test void wholeSectorsAreKeptAsTheyAre() {
        ImageBytes whole = ImageBytes.of(new byte[4096]);
        assertThat(whole.loopRounded()).isSameAs(whole);
        assertThat(new Node.BlockDevice(null, null, true, 512, false).capacity()).isZero();
    }
}
