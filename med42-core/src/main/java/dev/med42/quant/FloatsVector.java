package dev.med42.quant;

import static dev.med42.quant.Blocks.FLOAT_LE;
import static dev.med42.quant.Blocks.SHORT_LE;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.LE;
import static dev.med42.quant.VectorLanes.S128;
import static dev.med42.quant.VectorLanes.bf16ToFloats;
import static dev.med42.quant.VectorLanes.fp16ToFloats;
import static dev.med42.quant.VectorLanes.haddSum8;
import static dev.med42.quant.VectorLanes.hsum8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;

/** {@link Floats}' dot products with the Vector API, bit for bit. */
final class FloatsVector {
    private FloatsVector() {}

    static float dotF32(MemorySegment data, long row, Activations x, int token) {
        int columns = x.columns();
        int whole = columns / Floats.STEP * Floats.STEP;
        float[] v = x.values;
        int o = token * columns;
        FloatVector a0 = FloatVector.zero(F256);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int i = 0; i < whole; i += Floats.STEP) {
            long w = row + 4L * i;
            a0 = FloatVector.fromMemorySegment(F256, data, w, LE).fma(FloatVector.fromArray(F256, v, o + i), a0);
            a1 = FloatVector.fromMemorySegment(F256, data, w + 32, LE)
                    .fma(FloatVector.fromArray(F256, v, o + i + 8), a1);
            a2 = FloatVector.fromMemorySegment(F256, data, w + 64, LE)
                    .fma(FloatVector.fromArray(F256, v, o + i + 16), a2);
            a3 = FloatVector.fromMemorySegment(F256, data, w + 96, LE)
                    .fma(FloatVector.fromArray(F256, v, o + i + 24), a3);
        }
        float sum = haddSum8(a0.add(a2).add(a1.add(a3)));
        for (int i = whole; i < columns; i++) {
            sum = Math.fma(data.get(FLOAT_LE, row + 4L * i), v[o + i], sum);
        }
        return sum;
    }

    static float dotF16(MemorySegment data, long row, Activations x, int token) {
        int columns = x.columns();
        int whole = columns / Floats.STEP * Floats.STEP;
        float[] v = x.values;
        int o = token * columns;
        FloatVector a0 = FloatVector.zero(F256);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int i = 0; i < whole; i += Floats.STEP) {
            long w = row + 2L * i;
            a0 = fp16ToFloats(halves(data, w)).fma(FloatVector.fromArray(F256, v, o + i), a0);
            a1 = fp16ToFloats(halves(data, w + 16)).fma(FloatVector.fromArray(F256, v, o + i + 8), a1);
            a2 = fp16ToFloats(halves(data, w + 32)).fma(FloatVector.fromArray(F256, v, o + i + 16), a2);
            a3 = fp16ToFloats(halves(data, w + 48)).fma(FloatVector.fromArray(F256, v, o + i + 24), a3);
        }
        double sum = haddSum8(a0.add(a2).add(a1.add(a3)));
        for (int i = whole; i < columns; i++) {
            sum += FP16.toFloat(data.get(SHORT_LE, row + 2L * i)) * v[o + i];
        }
        return (float) sum;
    }

    static float dotBF16(MemorySegment data, long row, Activations x, int token) {
        int columns = x.columns();
        int whole = columns / Floats.STEP * Floats.STEP;
        float[] v = x.values;
        int o = token * columns;
        FloatVector a0 = FloatVector.zero(F256);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int i = 0; i < whole; i += Floats.STEP) {
            long w = row + 2L * i;
            a0 = bf16ToFloats(halves(data, w)).fma(FloatVector.fromArray(F256, v, o + i), a0);
            a1 = bf16ToFloats(halves(data, w + 16)).fma(FloatVector.fromArray(F256, v, o + i + 8), a1);
            a2 = bf16ToFloats(halves(data, w + 32)).fma(FloatVector.fromArray(F256, v, o + i + 16), a2);
            a3 = bf16ToFloats(halves(data, w + 48)).fma(FloatVector.fromArray(F256, v, o + i + 24), a3);
        }
        double sum = hsum8(a0.add(a2).add(a1.add(a3)));
        for (int i = whole; i < columns; i++) {
            sum += BF16.toFloat(data.get(SHORT_LE, row + 2L * i)) * v[o + i];
        }
        return (float) sum;
    }

    private static ShortVector halves(MemorySegment data, long offset) {
        return ShortVector.fromMemorySegment(S128, data, offset, LE);
    }
}
