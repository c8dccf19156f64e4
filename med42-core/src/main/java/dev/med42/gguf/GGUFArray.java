package dev.med42.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * A metadata array: its element type and its elements, held in a primitive array where the type allows
 * ({@code long[]} for every integer type, {@code float[]}, {@code double[]}, {@code boolean[]}), or as
 * {@code String[]} or {@code GGUFArray[]} (arrays may nest).
 */
public final class GGUFArray {
    private final GGUFValueType elementType;
    private final Object elements;
    private final int size;

    GGUFArray(GGUFValueType elementType, Object elements) {
        this.elementType = Objects.requireNonNull(elementType);
        this.elements = Objects.requireNonNull(elements);
        this.size = java.lang.reflect.Array.getLength(elements);
    }

    public GGUFValueType elementType() {
        return elementType;
    }

    public int size() {
        return size;
    }

    /** The elements of a string array. */
    public String[] strings() {
        return ((String[]) expect(GGUFValueType.STRING)).clone();
    }

    /** The elements of a float array (float32, or float64 narrowed). */
    public float[] floats() {
        if (elementType == GGUFValueType.FLOAT64) {
            double[] d = (double[]) elements;
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }
        return ((float[]) expect(GGUFValueType.FLOAT32)).clone();
    }

    /** The elements of an integer array of any width, as longs. */
    public long[] longs() {
        if (!elementType.isInteger()) {
            throw wrongType("integer");
        }
        return ((long[]) elements).clone();
    }

    /** The elements of an integer array of any width, as ints; a value outside the int range is an error. */
    public int[] ints() {
        long[] values = longs();
        int[] result = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] != (int) values[i] || (elementType == GGUFValueType.UINT64 && values[i] < 0)) {
                throw new IllegalArgumentException("array element " + i + " does not fit an int: " + values[i]);
            }
            result[i] = (int) values[i];
        }
        return result;
    }

    /** The elements of a nested array. */
    public GGUFArray[] arrays() {
        return ((GGUFArray[]) expect(GGUFValueType.ARRAY)).clone();
    }

    /** Element {@code i} boxed the way {@link GGUFValue} boxes a scalar. */
    public Object get(int i) {
        Objects.checkIndex(i, size);
        return switch (elements) {
            case long[] a -> a[i];
            case float[] a -> a[i];
            case double[] a -> a[i];
            case boolean[] a -> a[i];
            case Object[] a -> a[i];
            default -> throw new IllegalStateException("unexpected element storage " + elements.getClass());
        };
    }

    private Object expect(GGUFValueType type) {
        if (elementType != type) {
            throw wrongType(type.name().toLowerCase(java.util.Locale.ROOT));
        }
        return elements;
    }

    private IllegalArgumentException wrongType(String wanted) {
        return new IllegalArgumentException(
                "array of " + elementType + " where an array of " + wanted + " was expected");
    }

    /** A short summary such as {@code [STRING × 32000]}, or the elements themselves when there are few. */
    @Override
    public String toString() {
        if (size > 8) {
            return "[" + elementType + " × " + size + "]";
        }
        return switch (elements) {
            case long[] a -> Arrays.toString(a);
            case float[] a -> Arrays.toString(a);
            case double[] a -> Arrays.toString(a);
            case boolean[] a -> Arrays.toString(a);
            case Object[] a -> Arrays.toString(a);
            default -> elements.toString();
        };
    }
}
