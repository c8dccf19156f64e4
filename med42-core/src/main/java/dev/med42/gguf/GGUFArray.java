package dev.med42.gguf;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * A metadata array: its element type and its elements. The elements are held as compactly as the file holds
 * them, so the heap copy of a metadata array is no larger than its bytes in the file: {@code byte[]} for
 * UINT8 and INT8, {@code short[]} for the 16-bit types, {@code int[]} for the 32-bit integers, {@code
 * long[]} for the 64-bit ones, {@code float[]}, {@code double[]}, {@code boolean[]}, {@code String[]}, or
 * {@code GGUFArray[]} (arrays may nest). Immutable.
 */
public final class GGUFArray {
    private final GGUFValueType elementType;
    private final Object elements;
    private final int size;

    /** Trusted: {@code elements} is already the storage type of {@code elementType} and not shared. */
    GGUFArray(GGUFValueType elementType, Object elements) {
        this.elementType = Objects.requireNonNull(elementType);
        this.elements = Objects.requireNonNull(elements);
        this.size = java.lang.reflect.Array.getLength(elements);
    }

    /**
     * An array of {@code elementType} holding a copy of {@code elements}, which must be the storage type
     * named in the class comment, e.g. {@code of(UINT32, new int[] {1, 2})} or {@code of(STRING, new
     * String[] {"a"})}. Integer elements are taken as bits: {@code (byte) 0xff} is 255 in a UINT8 array.
     */
    public static GGUFArray of(GGUFValueType elementType, Object elements) {
        Class<?> storage = switch (elementType) {
            case UINT8, INT8 -> byte[].class;
            case UINT16, INT16 -> short[].class;
            case UINT32, INT32 -> int[].class;
            case UINT64, INT64 -> long[].class;
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case BOOL -> boolean[].class;
            case STRING -> String[].class;
            case ARRAY -> GGUFArray[].class;
        };
        if (storage != elements.getClass()) {
            throw new IllegalArgumentException("an array of " + elementType + " is stored as " + storage.getSimpleName()
                    + ", not " + elements.getClass().getSimpleName());
        }
        Object copy = switch (elements) {
            case byte[] a -> a.clone();
            case short[] a -> a.clone();
            case int[] a -> a.clone();
            case long[] a -> a.clone();
            case float[] a -> a.clone();
            case double[] a -> a.clone();
            case boolean[] a -> a.clone();
            case Object[] a -> {
                Arrays.stream(a).forEach(e -> Objects.requireNonNull(e, "array element"));
                yield a.clone();
            }
            default -> throw new AssertionError("storage checked above");
        };
        return new GGUFArray(elementType, copy);
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

    /**
     * The elements of an integer array of any width, as longs: signed types sign-extended, unsigned ones
     * zero-extended (a UINT64 above {@link Long#MAX_VALUE} keeps its bits).
     */
    public long[] longs() {
        long[] result = new long[size];
        switch (elements) {
            case byte[] a when elementType == GGUFValueType.UINT8 -> Arrays.setAll(result, i -> a[i] & 0xffL);
            case byte[] a -> Arrays.setAll(result, i -> a[i]);
            case short[] a when elementType == GGUFValueType.UINT16 -> Arrays.setAll(result, i -> a[i] & 0xffffL);
            case short[] a -> Arrays.setAll(result, i -> a[i]);
            case int[] a when elementType == GGUFValueType.UINT32 -> Arrays.setAll(result, i -> a[i] & 0xffffffffL);
            case int[] a -> Arrays.setAll(result, i -> a[i]);
            case long[] a -> System.arraycopy(a, 0, result, 0, size);
            default -> throw wrongType("integer");
        }
        return result;
    }

    /** The elements of an integer array of any width, as ints; a value outside the int range is an error. */
    public int[] ints() {
        long[] values = longs();
        int[] result = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            boolean beyondLong = elementType == GGUFValueType.UINT64 && values[i] < 0;
            if (values[i] != (int) values[i] || beyondLong) {
                throw new IllegalArgumentException("array element " + i + " does not fit an int: "
                        + (elementType == GGUFValueType.UINT64 ? Long.toUnsignedString(values[i]) : values[i]));
            }
            result[i] = (int) values[i];
        }
        return result;
    }

    /** The elements of a nested array. */
    public GGUFArray[] arrays() {
        return ((GGUFArray[]) expect(GGUFValueType.ARRAY)).clone();
    }

    /** Element {@code i} boxed the way {@link GGUFValue} boxes a scalar (every integer as a {@link Long}). */
    public Object get(int i) {
        Objects.checkIndex(i, size);
        return switch (elements) {
            case byte[] a -> elementType == GGUFValueType.UINT8 ? a[i] & 0xffL : (long) a[i];
            case short[] a -> elementType == GGUFValueType.UINT16 ? a[i] & 0xffffL : (long) a[i];
            case int[] a -> elementType == GGUFValueType.UINT32 ? a[i] & 0xffffffffL : (long) a[i];
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
            throw wrongType(type.name().toLowerCase(Locale.ROOT));
        }
        return elements;
    }

    private IllegalArgumentException wrongType(String wanted) {
        return new IllegalArgumentException(
                "array of " + elementType + " where an array of " + wanted + " was expected");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GGUFArray a && elementType == a.elementType && Objects.deepEquals(elements, a.elements);
    }

    @Override
    public int hashCode() {
        return 31 * elementType.hashCode() + Arrays.deepHashCode(new Object[] {elements});
    }

    /** A short summary such as {@code [STRING × 32000]}, or the elements themselves when there are few. */
    @Override
    public String toString() {
        if (size > 8) {
            return "[" + elementType + " × " + size + "]";
        }
        var s = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            Object e = get(i);
            s.append(i > 0 ? ", " : "")
                    .append(elementType == GGUFValueType.UINT64 ? Long.toUnsignedString((Long) e) : e);
        }
        return s.append(']').toString();
    }
}
