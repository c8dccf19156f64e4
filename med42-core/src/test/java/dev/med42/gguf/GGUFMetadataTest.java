package dev.med42.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;

class GGUFMetadataTest {
    private final GGUFMetadata metadata = new GGUFMetadata(new LinkedHashMap<>(new GGUFWriter()
            .putUInt32("count.u32", 7)
            .putUInt64("count.u64", -1L)
            .putFloat32("eps", 1e-5f)
            .putString("name", "med42")
            .putBool("flag", true)
            .metadata()));

    @Test
    void integers_of_any_width_and_numbers_of_any_kind() {
        assertThat(metadata.getInteger("count.u32")).hasValue(7);
        assertThat(metadata.getNumber("count.u32")).hasValue(7);
        assertThat(metadata.getNumber("eps").orElseThrow()).isEqualTo(1e-5f);
        assertThat(metadata.getNumber("count.u64")).hasValue(0x1p64);
        assertThatThrownBy(() -> metadata.getInteger("count.u64"))
                .hasMessage("metadata key count.u64 is too large: 18446744073709551615");
    }

    @Test
    void a_value_of_the_wrong_kind_is_an_error_naming_the_key() {
        assertThatThrownBy(() -> metadata.getString("count.u32"))
                .hasMessage("metadata key count.u32 is UINT32, expected a string");
        assertThatThrownBy(() -> metadata.getArray("name"))
                .hasMessage("metadata key name is STRING, expected an array");
        assertThat(metadata.getBoolean("flag")).hasValue(true);
        assertThat(metadata.getString("missing")).isEmpty();
        assertThat(metadata.asMap().keySet()).containsExactly("count.u32", "count.u64", "eps", "name", "flag");
    }
}
