package dev.med42.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.med42.testing.TestTensors;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The tile kernels give every output the row kernel's bits, down to the largest sums the formats allow. */
class TileKernelsTest {
    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @ParameterizedTest
    @EnumSource(
            value = GGMLType.class,
            names = {"F16", "Q4_0", "Q8_0", "Q2_K", "Q4_K", "Q5_K", "Q6_K"})
    void random_blocks_give_the_row_kernels_bits(GGMLType type) {
        assumeTrue(TileKernels.tileKernel(type) != null, "no Vector API");
        int rows = 7;
        int columns = type == GGMLType.F16 ? 1064 : 1024; // F16: four chunks of 256, one of 32, a tail of 8
        int tokens = 9;
        MemorySegment w = TestTensors.random(type, rows, columns, 5);
        Activations x = Activations.forWeights(type, columns, tokens);
        x.quantize(TestTensors.gaussian(columns * tokens, 6), tokens);
        assertSameAsRowKernel(type, w, rows, x);
    }

    /**
     * Every weight and scale at the extreme of its range, every activation quant at ±127: the lane sums reach their
     * largest magnitude (16646144 for Q6_K, just below 2^24) and must still be exact.
     */
    @ParameterizedTest
    @EnumSource(
            value = GGMLType.class,
            names = {"Q4_0", "Q8_0", "Q2_K", "Q4_K", "Q5_K", "Q6_K"})
    void extreme_blocks_give_the_row_kernels_bits(GGMLType type) {
        assumeTrue(TileKernels.tileKernel(type) != null, "no Vector API");
        int rows = 5;
        int columns = 512;
        int tokens = 3;
        long bytes = rows * type.byteSize(columns);
        MemorySegment w = Arena.ofAuto().allocate(bytes);
        for (long block = 0; block < bytes; block += type.bytesPerBlock()) {
            switch (type) {
                case Q4_0 -> w.asSlice(block + 2, 16).fill((byte) 0); // every q - 8 = -8
                case Q8_0 -> w.asSlice(block + 2, 32).fill((byte) 0x80); // -128
                case Q2_K -> w.asSlice(block, 80).fill((byte) 0xff); // scales, mins 15, q 3
                case Q4_K -> w.asSlice(block + 4, 140).fill((byte) 0xff); // scales, mins 63, q 15
                case Q5_K -> w.asSlice(block + 4, 172).fill((byte) 0xff); // scales, mins 63, q 31
                case Q6_K -> {
                    w.asSlice(block, 192).fill((byte) 0); // q - 32 = -32
                    w.asSlice(block + 192, 16).fill((byte) 0x80); // scales -128
                }
                default -> throw new AssertionError(type);
            }
            int scale = type == GGMLType.Q6_K ? 208 : type == GGMLType.Q2_K ? 80 : 0;
            w.set(SHORT_LE, block + scale, Float.floatToFloat16(0.001f));
            if (type == GGMLType.Q4_K || type == GGMLType.Q5_K || type == GGMLType.Q2_K) {
                w.set(SHORT_LE, block + scale + 2, Float.floatToFloat16(0.002f));
            }
        }
        float[] input = new float[columns * tokens];
        for (int i = 0; i < input.length; i++) {
            input[i] = (i / columns) % 2 == 0 ? -1f : 1f; // every quant -127 or 127
        }
        Activations x = Activations.forWeights(type, columns, tokens);
        x.quantize(input, tokens);
        assertSameAsRowKernel(type, w, rows, x);
    }

    private static void assertSameAsRowKernel(GGMLType type, MemorySegment w, int rows, Activations x) {
        long rowBytes = type.byteSize(x.columns());
        float[] out = new float[rows * x.tokens()];
        TileKernels.Scratch scratch = new TileKernels.Scratch();
        TileKernels.TileKernel tile = TileKernels.tileKernel(type);
        for (int r = 0; r < rows; r += TileKernels.ROWS) {
            tile.multiply(w, rowBytes, r, Math.min(TileKernels.ROWS, rows - r), x, 0, x.tokens(), out, rows, scratch);
        }
        for (int t = 0; t < x.tokens(); t++) {
            for (int r = 0; r < rows; r++) {
                float expected = Kernels.rowKernel(type).dot(w, r * rowBytes, x, t);
                float scalar = Kernels.scalarRowKernel(type).dot(w, r * rowBytes, x, t);
                assertThat(out[t * rows + r]).as("row %d token %d", r, t).isEqualTo(expected);
                assertThat(scalar).as("scalar row %d token %d", r, t).isEqualTo(expected);
            }
        }
    }
}
