package org.erofssim.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckoutTest {
    @Test void findsTheCheckoutWithItsFixtures() {
        Path root = Checkout.root();
        assertThat(root.resolve("pom.xml")).isRegularFile();
        assertThat(root.resolve("fixtures/scenarios")).isDirectory();
        assertThat(Checkout.image("plain.erofs")).isRegularFile().startsWith(Checkout.images());
        assertThat(Checkout.crafted().resolve("SHA256SUMS")).isRegularFile();
    }

    @Test void imageBytesAreTheFileAndAFreshCopyEachCall() throws IOException {
        byte[] onDisk = Files.readAllBytes(Checkout.images().resolve("plain.erofs"));
        byte[] first = Checkout.imageBytes("plain.erofs");
        assertThat(first).isEqualTo(onDisk);
        first[1024] ^= (byte) 0xff; // a test edits its copy in place (here: the superblock's magic)
        byte[] second = Checkout.imageBytes("plain.erofs");
        assertThat(second).isNotSameAs(first).isEqualTo(onDisk);
        assertThatThrownBy(() -> Checkout.imageBytes("no-such-image.erofs")).isInstanceOf(UncheckedIOException.class);
    }

    @Test void aPropertyWithoutFixturesFallsBackToTheFolderAbove(@TempDir Path elsewhere) {
        String saved = System.getProperty(Checkout.PROPERTY);
        try {
            System.setProperty(Checkout.PROPERTY, elsewhere.toString());
            Path root = Checkout.root();
            assertThat(root).isNotEqualTo(elsewhere);
            assertThat(Files.isDirectory(root.resolve("fixtures/images"))).isTrue();
        } finally {
            if (saved == null) {
                System.clearProperty(Checkout.PROPERTY);
            } else {
                System.setProperty(Checkout.PROPERTY, saved);
            }
        }
    }
}
