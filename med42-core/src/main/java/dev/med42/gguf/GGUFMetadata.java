package dev.med42.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.SequencedMap;

/**
 * The key/value metadata of a GGUF file, in file order, with typed lookups. Integer lookups accept every
 * integer width because writers disagree (counts are uint32 in some files, uint64 in others). A value of
 * the wrong kind is an {@link IllegalArgumentException} naming the key.
 */
public final class GGUFMetadata {
    private final SequencedMap<String, GGUFValue> values;

    public GGUFMetadata(SequencedMap<String, GGUFValue> values) {
        this.values = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(values));
    }

    /** Every entry, in file order. */
    public SequencedMap<String, GGUFValue> asMap() {
        return values;
    }

    public boolean contains(String key) {
        return values.containsKey(key);
    }

    public Optional<GGUFValue> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public Optional<String> getString(String key) {
        return typed(key, "a string", v -> v.type() == GGUFValueType.STRING).map(v -> (String) v.value());
    }

    /** An integer of any width; a uint64 above {@link Long#MAX_VALUE} is an error. */
    public OptionalLong getInteger(String key) {
        Optional<GGUFValue> value = typed(key, "an integer", v -> v.type().isInteger());
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        long n = (Long) value.get().value();
        if (value.get().type() == GGUFValueType.UINT64 && n < 0) {
            throw new IllegalArgumentException("metadata key " + key + " is too large: " + Long.toUnsignedString(n));
        }
        return OptionalLong.of(n);
    }

    /** A float32 or float64 (integers are accepted too, as some writers store whole numbers that way). */
    public OptionalDouble getNumber(String key) {
        Optional<GGUFValue> value =
                typed(key, "a number", v -> v.type().isFloat() || v.type().isInteger());
        return value.map(v -> OptionalDouble.of(
                        v.value() instanceof Long n && v.type() == GGUFValueType.UINT64 && n < 0
                                ? n + 0x1p64 // the bits of a uint64 above Long.MAX_VALUE
                                : ((Number) v.value()).doubleValue()))
                .orElse(OptionalDouble.empty());
    }

    public Optional<Boolean> getBoolean(String key) {
        return typed(key, "a bool", v -> v.type() == GGUFValueType.BOOL).map(v -> (Boolean) v.value());
    }

    public Optional<GGUFArray> getArray(String key) {
        return typed(key, "an array", v -> v.type() == GGUFValueType.ARRAY).map(v -> (GGUFArray) v.value());
    }

    private Optional<GGUFValue> typed(String key, String wanted, java.util.function.Predicate<GGUFValue> ok) {
        GGUFValue value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!ok.test(value)) {
            throw new IllegalArgumentException("metadata key " + key + " is " + value.type() + ", expected " + wanted);
        }
        return Optional.of(value);
    }

    public int size() {
        return values.size();
    }

    @Override
    public String toString() {
        return "GGUFMetadata" + values.keySet();
    }
}
