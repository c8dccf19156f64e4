package dev.med42.quant;

import static dev.med42.quant.Blocks.FLOAT_LE;
import static dev.med42.quant.Blocks.SHORT_LE;
import static dev.med42.quant.VectorLanes.D256;
import static dev.med42.quant.VectorLanes.F128;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.LE;
import static dev.med42.quant.VectorLanes.S128;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.F2D;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.S2I;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/** {@link Floats}' dot products with the Vector API, bit for bit. */
final class FloatsVector {
    private FloatsVector() {}

    static float dotF32(MemorySegment data, long row, Activations x, int token) {
        int columns = x.columns();
        int whole = columns / Floats.F32_STEP * Floats.F32_STEP;
        float[] v = x.values;
        int o = token * columns;
        DoubleVector a0 = DoubleVector.zero(D256);
        DoubleVector a1 = a0;
        DoubleVector a2 = a0;
        DoubleVector a3 = a0;
        for (int i = 0; i < whole; i += Floats.F32_STEP) {
            long w = row + 4L * i;
            a0 = ((DoubleVector)
                            FloatVector.fromMemorySegment(F128, data, w, LE).convertShape(F2D, D256, 0))
                    .fma((DoubleVector) FloatVector.fromArray(F128, v, o + i).convertShape(F2D, D256, 0), a0);
            a1 = ((DoubleVector) FloatVector.fromMemorySegment(F128, data, w + 16, LE)
                            .convertShape(F2D, D256, 0))
                    .fma(
                            (DoubleVector)
                                    FloatVector.fromArray(F128, v, o + i + 4).convertShape(F2D, D256, 0),
                            a1);
            a2 = ((DoubleVector) FloatVector.fromMemorySegment(F128, data, w + 32, LE)
                            .convertShape(F2D, D256, 0))
                    .fma(
                            (DoubleVector)
                                    FloatVector.fromArray(F128, v, o + i + 8).convertShape(F2D, D256, 0),
                            a2);
            a3 = ((DoubleVector) FloatVector.fromMemorySegment(F128, data, w + 48, LE)
                            .convertShape(F2D, D256, 0))
                    .fma(
                            (DoubleVector)
                                    FloatVector.fromArray(F128, v, o + i + 12).convertShape(F2D, D256, 0),
                            a3);
        }
        DoubleVector t = a0.add(a2).add(a1.add(a3));
        double sum = (t.lane(0) + t.lane(2)) + (t.lane(1) + t.lane(3));
        for (int i = whole; i < columns; i++) {
            sum = Math.fma((double) data.get(FLOAT_LE, row + 4L * i), v[o + i], sum);
        }
        return (float) sum;
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
        // halves widen exactly as _mm256_cvtph_ps: the exponent is rebased by a multiply with 2^112, which also
        // normalizes subnormals; infinities and NaNs get the float exponent
        for (int i = 0; i < whole; i += Floats.STEP) {
            long w = row + 2L * i;
            IntVector h0 =
                    (IntVector) ShortVector.fromMemorySegment(S128, data, w, LE).convertShape(S2I, I256, 0);
            IntVector h1 = (IntVector)
                    ShortVector.fromMemorySegment(S128, data, w + 16, LE).convertShape(S2I, I256, 0);
            IntVector h2 = (IntVector)
                    ShortVector.fromMemorySegment(S128, data, w + 32, LE).convertShape(S2I, I256, 0);
            IntVector h3 = (IntVector)
                    ShortVector.fromMemorySegment(S128, data, w + 48, LE).convertShape(S2I, I256, 0);
            IntVector m0 = h0.and(0x7fff).lanewise(LSHL, 13);
            IntVector m1 = h1.and(0x7fff).lanewise(LSHL, 13);
            IntVector m2 = h2.and(0x7fff).lanewise(LSHL, 13);
            IntVector m3 = h3.and(0x7fff).lanewise(LSHL, 13);
            a0 = m0.reinterpretAsFloats()
                    .mul(0x1p112f)
                    .reinterpretAsInts()
                    .blend(m0.or(0x7f800000), h0.and(0x7c00).compare(EQ, 0x7c00))
                    .or(h0.and(0x8000).lanewise(LSHL, 16))
                    .reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F256, v, o + i), a0);
            a1 = m1.reinterpretAsFloats()
                    .mul(0x1p112f)
                    .reinterpretAsInts()
                    .blend(m1.or(0x7f800000), h1.and(0x7c00).compare(EQ, 0x7c00))
                    .or(h1.and(0x8000).lanewise(LSHL, 16))
                    .reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F256, v, o + i + 8), a1);
            a2 = m2.reinterpretAsFloats()
                    .mul(0x1p112f)
                    .reinterpretAsInts()
                    .blend(m2.or(0x7f800000), h2.and(0x7c00).compare(EQ, 0x7c00))
                    .or(h2.and(0x8000).lanewise(LSHL, 16))
                    .reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F256, v, o + i + 16), a2);
            a3 = m3.reinterpretAsFloats()
                    .mul(0x1p112f)
                    .reinterpretAsInts()
                    .blend(m3.or(0x7f800000), h3.and(0x7c00).compare(EQ, 0x7c00))
                    .or(h3.and(0x8000).lanewise(LSHL, 16))
                    .reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F256, v, o + i + 24), a3);
        }
        FloatVector t = a0.add(a2).add(a1.add(a3));
        double sum = ((t.lane(0) + t.lane(4)) + (t.lane(1) + t.lane(5)))
                + ((t.lane(2) + t.lane(6)) + (t.lane(3) + t.lane(7)));
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
            a0 = ((IntVector) ShortVector.fromMemorySegment(S128, data, w, LE).convertShape(S2I, I256, 0))
                    .lanewise(LSHL, 16)
                    .reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F256, v, o + i), a0);
            a1 = ((IntVector) ShortVector.fromMemorySegment(S128, data, w + 16, LE)
                            .convertShape(S2I, I256, 0))
                    .lanewise(LSHL, 16)
                    .reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F256, v, o + i + 8), a1);
            a2 = ((IntVector) ShortVector.fromMemorySegment(S128, data, w + 32, LE)
                            .convertShape(S2I, I256, 0))
                    .lanewise(LSHL, 16)
                    .reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F256, v, o + i + 16), a2);
            a3 = ((IntVector) ShortVector.fromMemorySegment(S128, data, w + 48, LE)
                            .convertShape(S2I, I256, 0))
                    .lanewise(LSHL, 16)
                    .reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F256, v, o + i + 24), a3);
        }
        FloatVector t = a0.add(a2).add(a1.add(a3));
        double sum = ((t.lane(0) + t.lane(4)) + (t.lane(2) + t.lane(6)))
                + ((t.lane(1) + t.lane(5)) + (t.lane(3) + t.lane(7)));
        for (int i = whole; i < columns; i++) {
            sum += BF16.toFloat(data.get(SHORT_LE, row + 2L * i)) * v[o + i];
        }
        return (float) sum;
    }
}
