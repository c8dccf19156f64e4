package dev.med42.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model sharded by llama.cpp's gguf-split into {@code X-00001-of-00003.gguf}, … : each shard a complete
 * GGUF file with its own tensor table and data section, and the keys {@code split.no} (0-based), {@code
 * split.count} and {@code split.tensors.count}. The first shard holds the model's metadata; the others hold
 * only the split keys. Whichever shard is named, all are opened and checked against each other the way
 * llama.cpp's model loader checks them.
 */
final class GGUFSplit {
    static final String NO = "split.no";
    static final String COUNT = "split.count";
    static final String TENSORS_COUNT = "split.tensors.count";
    private static final Pattern SHARD_NAME = Pattern.compile("(.+)-(\\d{5})-of-(\\d{5})\\.gguf");

    private GGUFSplit() {}

    /**
     * Every shard of the model that {@code given} belongs to, in order, or just {@code given} when its
     * metadata says it is not split ({@code split.count} absent, 0 or 1, as llama.cpp reads it).
     */
    static List<GGUFShard> shards(GGUFShard given, Arena arena) throws IOException {
        if (!given.header().metadata().contains(COUNT)) {
            return List.of(given);
        }
        long count = integer(given, COUNT);
        if (count <= 1) {
            return List.of(given);
        }
        if (count > 0xffff) {
            throw given.error(given.keyOffset(COUNT), COUNT + " = " + count + " is more than a uint16 holds");
        }
        long index = integer(given, NO);
        if (index < 0 || index >= count) {
            throw given.error(given.keyOffset(NO), NO + " = " + index + " is not below " + COUNT + " = " + count);
        }
        String name = given.path().getFileName().toString();
        Matcher m = SHARD_NAME.matcher(name);
        String expected = String.format("-%05d-of-%05d.gguf", index + 1, count);
        if (!m.matches() || !name.endsWith(expected)) {
            throw given.error(
                    given.keyOffset(NO),
                    "this is shard " + (index + 1) + " of " + count
                            + " by its metadata, but its name does not end in " + expected
                            + ", so the other shards cannot be found");
        }
        var shards = new ArrayList<GGUFShard>();
        for (int i = 0; i < count; i++) {
            Path path = given.path().resolveSibling(String.format("%s-%05d-of-%05d.gguf", m.group(1), i + 1, count));
            if (i == index) {
                shards.add(given);
                continue;
            }
            if (!MappedParts.exists(path)) {
                throw new GGUFFormatException(
                        path, 0, "missing shard " + (i + 1) + " of " + count + " (named by " + name + ")");
            }
            GGUFShard shard = GGUFShard.open(path, arena);
            checkPlace(shard, i, count);
            shards.add(shard);
        }
        checkTensors(shards);
        return List.copyOf(shards);
    }

    /** A shard's own split.no and split.count must say where it belongs. */
    private static void checkPlace(GGUFShard shard, int index, long count) throws GGUFFormatException {
        long ownCount = integer(shard, COUNT);
        if (ownCount != count) {
            throw shard.error(
                    shard.keyOffset(COUNT), COUNT + " = " + ownCount + ", but the model has " + count + " shards");
        }
        long ownIndex = integer(shard, NO);
        if (ownIndex != index) {
            throw shard.error(
                    shard.keyOffset(NO),
                    NO + " = " + ownIndex + ", but this is shard " + (index + 1) + " of " + count + ", so it should be "
                            + index);
        }
    }

    /** No tensor may be in two shards, and the first shard's split.tensors.count must add up. */
    private static void checkTensors(List<GGUFShard> shards) throws GGUFFormatException {
        Map<String, GGUFShard> seen = new HashMap<>();
        for (GGUFShard shard : shards) {
            for (GGUFTensorInfo t : shard.header().tensors()) {
                GGUFShard other = seen.putIfAbsent(t.name(), shard);
                if (other != null) {
                    throw shard.error(
                            shard.header().tensorInfoOffsets().get(t.name()),
                            "duplicate tensor " + t.name() + ": shard "
                                    + other.path().getFileName() + " holds it too");
                }
            }
        }
        GGUFShard first = shards.getFirst();
        long expected = integer(first, TENSORS_COUNT);
        if (expected != seen.size()) {
            throw first.error(
                    first.keyOffset(TENSORS_COUNT),
                    TENSORS_COUNT + " = " + expected + ", but the " + shards.size() + " shards hold " + seen.size()
                            + " tensors");
        }
    }

    private static long integer(GGUFShard shard, String key) throws GGUFFormatException {
        GGUFValue value =
                shard.header().metadata().get(key).orElseThrow(() -> shard.error(0, "shard has no " + key + " key"));
        if (!value.type().isInteger()) {
            throw shard.error(shard.keyOffset(key), key + " is " + value.type() + ", expected an integer");
        }
        long n = (Long) value.value();
        if (n < 0 && value.type() == GGUFValueType.UINT64) {
            throw shard.error(shard.keyOffset(key), key + " = " + Long.toUnsignedString(n) + " is out of range");
        }
        return n;
    }
}
