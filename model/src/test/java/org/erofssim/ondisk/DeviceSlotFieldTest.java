package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("DeviceSlotField")
class DeviceSlotFieldTest {
    // spec §1.5 slot table (6.15+ split of the reserved bytes)
    @ParameterizedTest(name = "{0} is {2} bytes at offset {1}")
    @CsvSource({"TAG,0,64", "BLOCKS_LO,64,4", "UNIADDR_LO,68,4", "BLOCKS_HI,72,4", "UNIADDR_HI,76,2"})
    @DisplayName("offsets and widths match the spec")
    void spec(DeviceSlotField f, int offset, int width) {
        assertThat(f.offset()).isEqualTo(offset);
        assertThat(f.width()).isEqualTo(width);
    }

    @Test
    @DisplayName("all fields end before the 50 reserved bytes at 78 and fit in a 128-byte slot")
    void fits() {
        for (DeviceSlotField f : DeviceSlotField.values()) {
            assertThat(f.offset() + f.width()).isLessThanOrEqualTo(78);
        }
        assertThat(DeviceSlotField.TAG.isInteger()).isFalse();
        assertThat(DeviceSlotField.UNIADDR_HI.isInteger()).isTrue();
    }
}
