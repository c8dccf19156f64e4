package dev.med42.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import org.junit.jupiter.api.Test;

class GGUFArrayTest {
    @Test
    void integers_widen_by_the_signedness_of_their_type() {
        assertThat(GGUFArray.of(GGUFValueType.UINT8, new byte[] {-1}).longs()).containsExactly(255);
        assertThat(GGUFArray.of(GGUFValueType.INT8, new byte[] {-1}).longs()).containsExactly(-1);
        assertThat(GGUFArray.of(GGUFValueType.UINT16, new short[] {-1}).longs()).containsExactly(65535);
        assertThat(GGUFArray.of(GGUFValueType.INT16, new short[] {-1}).longs()).containsExactly(-1);
        assertThat(GGUFArray.of(GGUFValueType.UINT32, new int[] {-1}).longs()).containsExactly(0xffffffffL);
        assertThat(GGUFArray.of(GGUFValueType.INT32, new int[] {-1}).longs()).containsExactly(-1);
        assertThat(GGUFArray.of(GGUFValueType.UINT64, new long[] {-1}).longs()).containsExactly(-1);
        assertThat(GGUFArray.of(GGUFValueType.UINT8, new byte[] {-1}).get(0)).isEqualTo(255L);
        assertThat(GGUFArray.of(GGUFValueType.INT16, new short[] {-2}).get(0)).isEqualTo(-2L);
    }

    @Test
    void ints_refuses_values_outside_the_int_range() {
        assertThat(GGUFArray.of(GGUFValueType.UINT16, new short[] {-1}).ints()).containsExactly(65535);
        assertThatThrownBy(
                        () -> GGUFArray.of(GGUFValueType.UINT32, new int[] {-1}).ints())
                .hasMessage("array element 0 does not fit an int: 4294967295");
        assertThatThrownBy(() ->
                        GGUFArray.of(GGUFValueType.UINT64, new long[] {-1}).ints())
                .hasMessage("array element 0 does not fit an int: 18446744073709551615");
    }

    @Test
    void floats_narrow_float64_and_other_types_are_refused() {
        assertThat(GGUFArray.of(GGUFValueType.FLOAT64, new double[] {0.5}).floats())
                .containsExactly(0.5f);
        GGUFArray strings = GGUFArray.of(GGUFValueType.STRING, new String[] {"a"});
        assertThatThrownBy(strings::floats).hasMessage("array of STRING where an array of float32 was expected");
        assertThatThrownBy(strings::longs).hasMessage("array of STRING where an array of integer was expected");
        assertThatThrownBy(strings::arrays).hasMessageContaining("array of STRING where an array of array");
        assertThatThrownBy(() -> strings.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void copies_its_elements_in_and_out() {
        String[] elements = {"a", "b"};
        GGUFArray array = GGUFArray.of(GGUFValueType.STRING, elements);
        elements[0] = "changed";
        array.strings()[1] = "changed";
        assertThat(array.strings()).containsExactly("a", "b");
        assertThatThrownBy(() -> GGUFArray.of(GGUFValueType.STRING, new String[] {null}))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void equal_by_type_and_elements() {
        GGUFArray nested = GGUFArray.of(
                GGUFValueType.ARRAY, new GGUFArray[] {GGUFArray.of(GGUFValueType.FLOAT32, new float[] {1f})});
        assertThat(nested)
                .isEqualTo(GGUFArray.of(
                        GGUFValueType.ARRAY, new GGUFArray[] {GGUFArray.of(GGUFValueType.FLOAT32, new float[] {1f})}))
                .hasSameHashCodeAs(GGUFArray.of(
                        GGUFValueType.ARRAY, new GGUFArray[] {GGUFArray.of(GGUFValueType.FLOAT32, new float[] {1f})}));
        assertThat(GGUFArray.of(GGUFValueType.UINT8, new byte[] {1}))
                .isNotEqualTo(GGUFArray.of(GGUFValueType.INT8, new byte[] {1}));
    }

    @Test
    void summarizes_long_arrays() {
        assertThat(GGUFArray.of(GGUFValueType.UINT64, new long[] {-1, 2})).hasToString("[18446744073709551615, 2]");
        assertThat(GGUFArray.of(GGUFValueType.STRING, Collections.nCopies(9, "").toArray(String[]::new)))
                .hasToString("[STRING × 9]");
    }
}
