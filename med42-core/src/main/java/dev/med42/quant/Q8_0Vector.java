package dev.med42.quant;

import static dev.med42.quant.Blocks.fp16;
import static dev.med42.quant.VectorLanes.B256;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.LE;
import static dev.med42.quant.VectorLanes.dot32;
import static dev.med42.quant.VectorLanes.evenBytes;
import static dev.med42.quant.VectorLanes.hsum8;
import static dev.med42.quant.VectorLanes.oddBytes;
import static dev.med42.quant.VectorLanes.toFloats;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;

/** {@link Q8_0#dot} with the Vector API, bit for bit. */
final class Q8_0Vector {
    private Q8_0Vector() {}

    static float dot(MemorySegment data, long row, Activations x, int token) {
        int blocks = x.columns() / 32;
        short[] qs = x.qs;
        float[] scales = x.d;
        int q = token * x.columns();
        int s = token * blocks;
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < blocks; b++, q += 32) {
            long block = row + (long) b * Q8_0.BLOCK_BYTES;
            float d = fp16(data, block) * scales[s + b];
            ShortVector w =
                    ByteVector.fromMemorySegment(B256, data, block + 2, LE).reinterpretAsShorts();
            acc = toFloats(dot32(evenBytes(w), oddBytes(w), qs, q)).fma(FloatVector.broadcast(F256, d), acc);
        }
        return hsum8(acc);
    }
}
