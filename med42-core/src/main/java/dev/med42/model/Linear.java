package dev.med42.model;

import dev.med42.gguf.GGUFTensorInfo;
import dev.med42.quant.GGMLType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** TEMPORARY: an F32-only weight matrix until the quant kernels land. */
final class Linear {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    final GGMLType type;
    final int rows;
    final int cols;
    final MemorySegment data;

    Linear(GGUFTensorInfo info, MemorySegment data) {
        this.type = info.type();
        this.cols = (int) info.rowLength();
        this.rows = (int) info.rows();
        this.data = data;
    }

    /** out[t][r] = W[r] · x[t] for t < n. */
    void apply(float[] x, int n, float[] out) {
        for (int t = 0; t < n; t++) {
            for (int r = 0; r < rows; r++) {
                long base = (long) r * cols * 4;
                double s = 0;
                for (int c = 0; c < cols; c++) {
                    s += data.get(F32, base + 4L * c) * x[t * cols + c];
                }
                out[t * rows + r] = (float) s;
            }
        }
    }

    void row(int r, float[] out, int offset) {
        long base = (long) r * cols * 4;
        for (int c = 0; c < cols; c++) {
            out[offset + c] = data.get(F32, base + 4L * c);
        }
    }
}
