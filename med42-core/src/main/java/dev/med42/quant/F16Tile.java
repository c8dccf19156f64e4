package dev.med42.quant;

import static dev.med42.quant.Blocks.SHORT_LE;
import static dev.med42.quant.TileKernels.ROWS;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.LE;
import static dev.med42.quant.VectorLanes.S128;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.S2I;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * {@link FloatsVector#dotF16} for four rows and many tokens, bit for bit. There are no integer sums here: each output
 * must see the row kernel's own float operations in its order, four accumulators of eight lanes stepping through the
 * row 32 weights at a time, then its horizontal sum and tail. So the accumulators of every row and token are kept
 * between chunks of 256 weights; each chunk is converted to floats once for the whole token group.
 */
final class F16Tile {
    /** Weights converted at once, per row. */
    private static final int CHUNK = 256;

    private F16Tile() {}

    static void multiply(
            MemorySegment data,
            long rowBytes,
            int row,
            int rows,
            Activations x,
            int from,
            int to,
            float[] out,
            int outRows,
            TileKernels.Scratch s) {
        int columns = x.columns();
        int whole = columns / Floats.STEP * Floats.STEP;
        int tokens = to - from;
        float[] w = s.weights;
        float[] v = x.values;
        // per token and row, the row kernel's four accumulators a0..a3
        float[] acc = s.acc(4 * tokens);
        Arrays.fill(acc, 0, tokens * ROWS * 32, 0f);
        for (int c = 0; c < whole; c += CHUNK) {
            int n = Math.min(CHUNK, whole - c);
            for (int r = 0; r < ROWS; r++) {
                long start = (row + Math.min(r, rows - 1)) * rowBytes + 2L * c;
                for (int i = 0; i < n; i += 8) {
                    // as _mm256_cvtph_ps: the exponent rebased by a multiply with 2^112, infinities and NaNs apart
                    IntVector h = (IntVector) ShortVector.fromMemorySegment(S128, data, start + 2L * i, LE)
                            .convertShape(S2I, I256, 0);
                    IntVector m = h.and(0x7fff).lanewise(LSHL, 13);
                    m.reinterpretAsFloats()
                            .mul(0x1p112f)
                            .reinterpretAsInts()
                            .blend(m.or(0x7f800000), h.and(0x7c00).compare(EQ, 0x7c00))
                            .or(h.and(0x8000).lanewise(LSHL, 16))
                            .reinterpretAsFloats()
                            .intoArray(w, CHUNK * r + i);
                }
            }
            // two rows at a time: eight accumulators and four activation vectors stay in registers
            for (int p = 0; p < ROWS; p += 2) {
                int w0 = CHUNK * p;
                int w1 = CHUNK * (p + 1);
                for (int t = from; t < to; t++) {
                    int at = ((t - from) * ROWS + p) * 32;
                    FloatVector a0 = FloatVector.fromArray(F256, acc, at);
                    FloatVector a1 = FloatVector.fromArray(F256, acc, at + 8);
                    FloatVector a2 = FloatVector.fromArray(F256, acc, at + 16);
                    FloatVector a3 = FloatVector.fromArray(F256, acc, at + 24);
                    FloatVector b0 = FloatVector.fromArray(F256, acc, at + 32);
                    FloatVector b1 = FloatVector.fromArray(F256, acc, at + 40);
                    FloatVector b2 = FloatVector.fromArray(F256, acc, at + 48);
                    FloatVector b3 = FloatVector.fromArray(F256, acc, at + 56);
                    int xo = t * columns + c;
                    for (int i = 0; i < n; i += Floats.STEP) {
                        FloatVector x0 = FloatVector.fromArray(F256, v, xo + i);
                        FloatVector x1 = FloatVector.fromArray(F256, v, xo + i + 8);
                        FloatVector x2 = FloatVector.fromArray(F256, v, xo + i + 16);
                        FloatVector x3 = FloatVector.fromArray(F256, v, xo + i + 24);
                        a0 = FloatVector.fromArray(F256, w, w0 + i).fma(x0, a0);
                        a1 = FloatVector.fromArray(F256, w, w0 + i + 8).fma(x1, a1);
                        a2 = FloatVector.fromArray(F256, w, w0 + i + 16).fma(x2, a2);
                        a3 = FloatVector.fromArray(F256, w, w0 + i + 24).fma(x3, a3);
                        b0 = FloatVector.fromArray(F256, w, w1 + i).fma(x0, b0);
                        b1 = FloatVector.fromArray(F256, w, w1 + i + 8).fma(x1, b1);
                        b2 = FloatVector.fromArray(F256, w, w1 + i + 16).fma(x2, b2);
                        b3 = FloatVector.fromArray(F256, w, w1 + i + 24).fma(x3, b3);
                    }
                    a0.intoArray(acc, at);
                    a1.intoArray(acc, at + 8);
                    a2.intoArray(acc, at + 16);
                    a3.intoArray(acc, at + 24);
                    b0.intoArray(acc, at + 32);
                    b1.intoArray(acc, at + 40);
                    b2.intoArray(acc, at + 48);
                    b3.intoArray(acc, at + 56);
                }
            }
        }
        for (int t = from; t < to; t++) {
            for (int r = 0; r < rows; r++) {
                int a = ((t - from) * ROWS + r) * 32;
                // dotF16's t = a0.add(a2).add(a1.add(a3)), then its sum of the lanes
                float t0 = (acc[a] + acc[a + 16]) + (acc[a + 8] + acc[a + 24]);
                float t1 = (acc[a + 1] + acc[a + 17]) + (acc[a + 9] + acc[a + 25]);
                float t2 = (acc[a + 2] + acc[a + 18]) + (acc[a + 10] + acc[a + 26]);
                float t3 = (acc[a + 3] + acc[a + 19]) + (acc[a + 11] + acc[a + 27]);
                float t4 = (acc[a + 4] + acc[a + 20]) + (acc[a + 12] + acc[a + 28]);
                float t5 = (acc[a + 5] + acc[a + 21]) + (acc[a + 13] + acc[a + 29]);
                float t6 = (acc[a + 6] + acc[a + 22]) + (acc[a + 14] + acc[a + 30]);
                float t7 = (acc[a + 7] + acc[a + 23]) + (acc[a + 15] + acc[a + 31]);
                double sum = ((t0 + t4) + (t1 + t5)) + ((t2 + t6) + (t3 + t7));
                long rowStart = (row + r) * rowBytes;
                for (int i = whole; i < columns; i++) {
                    sum += FP16.toFloat(data.get(SHORT_LE, rowStart + 2L * i)) * v[t * columns + i];
                }
                out[t * outRows + row + r] = (float) sum;
            }
        }
    }
}
