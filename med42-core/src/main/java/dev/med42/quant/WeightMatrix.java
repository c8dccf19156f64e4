package dev.med42.quant;

import dev.med42.gguf.GGUFFile;
import dev.med42.gguf.GGUFTensorInfo;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A 2-D weight tensor as the matrix products read it: {@code rows} rows of {@code columns} weights of one ggml type,
 * each row a whole number of blocks, stored row after row in {@code data} (usually the mapped GGUF bytes).
 *
 * @param name the tensor name, for messages
 * @param type the ggml type of the weights
 * @param rows the number of rows (ggml's {@code ne[1]}): the outputs of a product
 * @param columns the weights per row (ggml's {@code ne[0]}): the inputs of a product
 * @param data {@code rows * rowBytes()} bytes
 */
public record WeightMatrix(String name, GGMLType type, int rows, int columns, MemorySegment data) {
    public WeightMatrix {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        if (!type.isSupported()) {
            throw new UnsupportedOperationException(name + ": no kernels for " + type);
        }
        if (rows <= 0 || columns <= 0) {
            throw new IllegalArgumentException(name + ": empty matrix " + rows + " x " + columns);
        }
        long expected = Math.multiplyExact(rows, type.byteSize(columns));
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes for " + rows + " rows of "
                    + columns + " " + type + " weights, expected " + expected);
        }
    }

    /**
     * The matrix of a 2-D tensor of {@code file}.
     *
     * @throws IllegalArgumentException when the tensor is not 2-D or too large for int indices
     */
    public static WeightMatrix of(GGUFFile file, GGUFTensorInfo tensor) {
        if (tensor.rank() != 2) {
            throw new IllegalArgumentException(tensor.name() + " is not a matrix: " + tensor);
        }
        return new WeightMatrix(
                tensor.name(),
                tensor.type(),
                Math.toIntExact(tensor.rows()),
                Math.toIntExact(tensor.rowLength()),
                file.tensorData(tensor));
    }

    /** The bytes of one row. */
    public long rowBytes() {
        return type.byteSize(columns);
    }

    /** Writes row {@code row} as floats to {@code out[offset..offset + columns)}: an embedding lookup. */
    public void dequantizeRow(int row, float[] out, int offset) {
        Objects.checkIndex(row, rows);
        Kernels.dequantize(type, data, row * rowBytes(), out, offset, columns);
    }
}
