package dev.med42.quant;

import static dev.med42.quant.Blocks.INT_LE;

import java.lang.foreign.MemorySegment;

/**
 * The 6-bit sub-block scales of the K-quants, unpacked from their 12 bytes the way ggml's AVX2 kernels do (its
 * {@code utmp} and {@code aux} words). Each method returns eight values as the eight bytes of a long, value {@code j}
 * in byte {@code j}: {@link #at} reads one back.
 */
final class KScales {
    private static final int KMASK1 = 0x3f3f3f3f;
    private static final int KMASK2 = 0x0f0f0f0f;
    private static final int KMASK3 = 0x03030303;

    private KScales() {}

    /** Value {@code j} (0..7) of a packed long. */
    static int at(long packed, int j) {
        return (int) (packed >>> (8 * j)) & 0xff;
    }

    /**
     * Q4_K and Q5_K: the scales of the eight sub-blocks of 32 (ggml's {@code get_scale_min_k4} {@code d}). The
     * first four are the low 6 bits of bytes 0..3; the others take 4 bits from bytes 8..11 and 2 from the top of
     * bytes 0..3.
     */
    static long k4Scales(MemorySegment data, long offset) {
        int u0 = data.get(INT_LE, offset);
        int u2 = data.get(INT_LE, offset + 8);
        int low = u0 & KMASK1;
        int high = (u2 & KMASK2) | (((u0 >>> 6) & KMASK3) << 4);
        return pack(low, high);
    }

    /** Q4_K and Q5_K: the mins of the eight sub-blocks ({@code get_scale_min_k4} {@code m}). */
    static long k4Mins(MemorySegment data, long offset) {
        int u1 = data.get(INT_LE, offset + 4);
        int u2 = data.get(INT_LE, offset + 8);
        int low = u1 & KMASK1;
        int high = ((u2 >>> 4) & KMASK2) | (((u1 >>> 6) & KMASK3) << 4);
        return pack(low, high);
    }

    /**
     * Q3_K: the scales of sub-blocks 0..7 of 16 values, before ggml subtracts 32. Low 4 bits from the low nibbles of
     * bytes 0..7, high 2 bits from bytes 8..11.
     */
    static long q3Scales0to7(MemorySegment data, long offset) {
        int a0 = data.get(INT_LE, offset);
        int a1 = data.get(INT_LE, offset + 4);
        int a2 = data.get(INT_LE, offset + 8);
        return pack((a0 & KMASK2) | ((a2 & KMASK3) << 4), (a1 & KMASK2) | (((a2 >>> 2) & KMASK3) << 4));
    }

    /** Q3_K: the scales of sub-blocks 8..15, from the high nibbles of bytes 0..7 and bytes 8..11. */
    static long q3Scales8to15(MemorySegment data, long offset) {
        int a0 = data.get(INT_LE, offset);
        int a1 = data.get(INT_LE, offset + 4);
        int a2 = data.get(INT_LE, offset + 8);
        return pack(
                ((a0 >>> 4) & KMASK2) | (((a2 >>> 4) & KMASK3) << 4),
                ((a1 >>> 4) & KMASK2) | (((a2 >>> 6) & KMASK3) << 4));
    }

    private static long pack(int low, int high) {
        return (low & 0xffffffffL) | ((long) high << 32);
    }
}
