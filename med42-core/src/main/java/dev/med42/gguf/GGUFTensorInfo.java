package dev.med42.gguf;

import dev.med42.quant.GGMLType;
import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a GGUF tensor table.
 *
 * @param name the GGUF tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param type the ggml type of the data
 * @param shape the dimensions as stored ({@code shape[0]} is the contiguous row length, ggml's ne[0])
 * @param offset the byte offset of the data, relative to the start of the data section
 * @param byteSize the bytes the data takes
 */
public record GGUFTensorInfo(String name, GGMLType type, long[] shape, long offset, long byteSize) {
    public GGUFTensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The number of dimensions (1 to 4). */
    public int rank() {
        return shape.length;
    }

    /** The length of one row, {@code shape[0]}. */
    public long rowLength() {
        return shape[0];
    }

    /** The number of rows: the product of every dimension but the first. */
    public long rows() {
        long rows = 1;
        for (int i = 1; i < shape.length; i++) {
            rows *= shape[i];
        }
        return rows;
    }

    public long elementCount() {
        return rowLength() * rows();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GGUFTensorInfo t
                && name.equals(t.name)
                && type == t.type
                && Arrays.equals(shape, t.shape)
                && offset == t.offset
                && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(shape), offset, byteSize);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape) + " @" + offset + " (" + byteSize + " bytes)";
    }
}
