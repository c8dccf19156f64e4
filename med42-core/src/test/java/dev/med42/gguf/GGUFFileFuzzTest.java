package dev.med42.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.med42.model.KVCacheType;
import dev.med42.model.LlamaModel;
import dev.med42.model.LlamaSession;
import dev.med42.tokenizer.TokenDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzz targets for the GGUF reader: whatever bytes a downloaded file holds, {@link GGUFFile#open} either opens it,
 * with every tensor's data readable, or fails with a {@link GGUFFormatException} that names the file and an offset
 * inside it; and {@link LlamaModel#load} on a file that opens either gives a model that evaluates tokens and whose
 * tokenizer encodes and decodes, or fails with a format error. Anything else that escapes (an index error, an OutOfMemoryError, a hang) is a finding.
 *
 * <p>In a normal build each target runs its seed corpus, {@code GGUFFileFuzzTestInputs/<method>/} (the corpus
 * generator is {@link GGUFFuzzSeeds}); {@code JAZZER_FUZZ=1} fuzzes (see docs/robustness.md). The bytes are written to
 * real files, since the reader maps files: one file, raw parts cut at fuzzed points, or two gguf-split shards.
 */
class GGUFFileFuzzTest {
    private static final Path DIR = temporaryDirectory();

    /** One plain file. */
    @FuzzTest
    void plainFile(byte[] bytes) {
        Path path = write("model.gguf", bytes);
        openOrReject(path, path, bytes.length);
    }

    /**
     * Raw parts {@code raw.gguf-split-a, -b, -c}: the bytes cut at two fuzzed points (the last eight bytes of the input,
     * as FuzzedDataProvider reads them), opened by the stem or by any part.
     */
    @FuzzTest
    void rawParts(FuzzedDataProvider data) {
        int first = data.consumeInt();
        int second = data.consumeInt();
        int opened = data.consumeInt(0, 3);
        byte[] bytes = data.consumeRemainingAsBytes();
        int a = Math.floorMod(first, bytes.length + 1);
        int b = Math.floorMod(second, bytes.length + 1);
        int[] cuts = {0, Math.min(a, b), Math.max(a, b), bytes.length};
        List<Path> parts = List.of(
                DIR.resolve("raw.gguf-split-a"), DIR.resolve("raw.gguf-split-b"), DIR.resolve("raw.gguf-split-c"));
        for (int i = 0; i < 3; i++) {
            write(parts.get(i).getFileName().toString(), Arrays.copyOfRange(bytes, cuts[i], cuts[i + 1]));
        }
        Path stem = DIR.resolve("raw.gguf");
        openOrReject(opened == 3 ? stem : parts.get(opened), stem, bytes.length);
    }

    /**
     * Two gguf-split shards, {@code shard-00001-of-00002.gguf} and {@code shard-00002-of-00002.gguf}: the bytes cut at a
     * fuzzed point (the last four bytes of the input), either shard opened (the byte before them).
     */
    @FuzzTest
    void shards(FuzzedDataProvider data) {
        int cut = data.consumeInt();
        boolean second = data.consumeBoolean();
        byte[] bytes = data.consumeRemainingAsBytes();
        int at = Math.floorMod(cut, bytes.length + 1);
        Path one = write("shard-00001-of-00002.gguf", Arrays.copyOfRange(bytes, 0, at));
        Path two = write("shard-00002-of-00002.gguf", Arrays.copyOfRange(bytes, at, bytes.length));
        openOrReject(second ? two : one, null, bytes.length);
    }

    /**
     * Opens {@code path}, reads the first and last byte of every tensor, then loads it as a model and evaluates two
     * tokens; or checks that the failure is a precise format error. {@code logical} is the file errors must name
     * (null: any of the shards), {@code size} the bytes in all its files.
     */
    private static void openOrReject(Path path, Path logical, long size) {
        try (GGUFFile file = GGUFFile.open(path)) {
            for (GGUFTensorInfo t : file.tensors()) {
                MemorySegment data = file.tensorData(t);
                assertThat(data.byteSize()).isEqualTo(t.byteSize());
                data.get(ValueLayout.JAVA_BYTE, 0);
                data.get(ValueLayout.JAVA_BYTE, data.byteSize() - 1);
            }
            assertThat(file.metadata().asMap()).isNotNull();
            assertThat(file.toString()).isNotEmpty();
        } catch (GGUFFormatException e) {
            assertPrecise(e, logical, size);
            return;
        } catch (IOException e) {
            throw new AssertionError("an I/O error other than a format error: " + e, e);
        }
        try (LlamaModel model = LlamaModel.load(path, 1);
                LlamaSession session = model.newSession(4, KVCacheType.F16)) {
            int vocabulary = model.config().vocabularySize();
            float[] logits = session.evaluate(new int[] {0, vocabulary - 1});
            assertThat(logits).hasSize(vocabulary);
            var decoder = new TokenDecoder(model.tokenizer());
            decoder.accept(0);
            decoder.accept(vocabulary - 1);
            decoder.flush();
            try {
                model.tokenizer().encode("Hi </s> \u00e9\uD83E\uDE7A", true, true);
            } catch (IllegalArgumentException e) {
                // Documented: a vocabulary with neither a piece nor a byte token for some byte.
                assertThat(e.getMessage()).startsWith("cannot encode byte");
            }
        } catch (GGUFFormatException e) {
            assertPrecise(e, logical, size);
        } catch (IOException e) {
            throw new AssertionError("an I/O error other than a format error: " + e, e);
        }
    }

    private static void assertPrecise(GGUFFormatException e, Path logical, long size) {
        if (logical != null) {
            assertThat(e.file()).as(e.getMessage()).isEqualTo(logical);
        }
        assertThat(e.offset()).as(e.getMessage()).isBetween(0L, size);
        assertThat(e.getMessage()).startsWith(e.file() + ": at byte " + e.offset());
    }

    private static Path write(String name, byte[] bytes) {
        try {
            return Files.write(DIR.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("gguf-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void deleteFiles() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(DIR);
    }
}
