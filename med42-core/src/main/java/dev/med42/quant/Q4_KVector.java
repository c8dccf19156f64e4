package dev.med42.quant;

import static dev.med42.quant.Blocks.SHORT_LE;
import static dev.med42.quant.VectorLanes.B256;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.L128;
import static dev.med42.quant.VectorLanes.LE;
import static dev.med42.quant.VectorLanes.NIBBLE;
import static dev.med42.quant.VectorLanes.S256;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShuffle;

/** {@link Q4_K#dot} with the Vector API, bit for bit; the int8 lanes as {@link VectorLanes} describes. */
final class Q4_KVector {
    private static final VectorShuffle<Integer> SWAP_PAIRS = VectorShuffle.fromValues(I256, 1, 0, 3, 2, 5, 4, 7, 6);

    private Q4_KVector() {}

    static float dot(MemorySegment data, long row, Activations x, int token) {
        int blocks = x.columns() / 256;
        short[] qs = x.qs;
        short[] bsums = x.bsums;
        float[] scales = x.d;
        int q = token * x.columns();
        int bs = token * (x.columns() / 16);
        int s = token * blocks;
        FloatVector acc = FloatVector.zero(F256);
        // ggml's four acc_m lanes, each twice: lanes 2m and 2m + 1 hold lane m
        FloatVector accMins = acc;
        for (int b = 0; b < blocks; b++, q += 256, bs += 16) {
            long block = row + (long) b * Q4_K.BLOCK_BYTES;
            float d = scales[s + b] * Float.float16ToFloat(data.get(SHORT_LE, block));
            float dmin = -scales[s + b] * Float.float16ToFloat(data.get(SHORT_LE, block + 2));
            long sc = KScales.k4Scales(data, block + 4);
            long mins = KScales.k4Mins(data, block + 4);
            // acc_m lane m takes the mins of sub-blocks 2m, 2m + 1 times the sums of their 32 activation quants
            IntVector sums = ShortVector.fromArray(S256, bsums, bs)
                    .reinterpretAsInts()
                    .mul(0x10001)
                    .lanewise(ASHR, 16);
            IntVector minSums = ((IntVector) LongVector.broadcast(L128, mins)
                            .reinterpretAsBytes()
                            .convertShape(B2I, I256, 0))
                    .mul(sums);
            minSums = minSums.add(minSums.rearrange(SWAP_PAIRS));
            accMins = ((FloatVector) minSums.convert(I2F, 0)).fma(FloatVector.broadcast(F256, dmin), accMins);
            IntVector sum = IntVector.zero(I256);
            for (int j = 0, o = q; j < 4; j++, o += 64, sc >>>= 16) {
                // 32 bytes: sub-block 2j in the low nibbles, 2j + 1 in the high ones
                ShortVector w = ByteVector.fromMemorySegment(B256, data, block + 16 + 32 * j, LE)
                        .reinterpretAsShorts();
                IntVector low = w.and(NIBBLE)
                        .mul(ShortVector.fromArray(S256, qs, o))
                        .add(w.lanewise(LSHR, 8).and(NIBBLE).mul(ShortVector.fromArray(S256, qs, o + 16)))
                        .reinterpretAsInts();
                IntVector high = w.lanewise(LSHR, 4)
                        .and(NIBBLE)
                        .mul(ShortVector.fromArray(S256, qs, o + 32))
                        .add(w.lanewise(LSHR, 12).mul(ShortVector.fromArray(S256, qs, o + 48)))
                        .reinterpretAsInts();
                low = low.mul(0x10001).lanewise(ASHR, 16).mul((int) sc & 0xff);
                high = high.mul(0x10001).lanewise(ASHR, 16).mul((int) (sc >>> 8) & 0xff);
                sum = sum.add(low).add(high);
            }
            acc = ((FloatVector) sum.convert(I2F, 0)).fma(FloatVector.broadcast(F256, d), acc);
        }
        return ((acc.lane(0) + acc.lane(4)) + (acc.lane(2) + acc.lane(6)))
                + ((acc.lane(1) + acc.lane(5)) + (acc.lane(3) + acc.lane(7)))
                + ((accMins.lane(0) + accMins.lane(4)) + (accMins.lane(2) + accMins.lane(6)));
    }
}
