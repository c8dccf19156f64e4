package dev.med42.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.gguf.GGUFFuzzSeeds;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model file whose metadata claims what no real model does; found by fuzzing the GGUF reader (GGUFFileFuzzTest). */
class HostileMetadataTest {
    /** The finding's value: with the tiny model's 4 RoPE pairs, 4.5 billion table entries, which wrapped an int. */
    private static final int HUGE_CONTEXT = 1_124_073_536;

    @TempDir
    Path dir;

    @Test
    void a_huge_trained_context_costs_nothing_to_a_small_session() throws Exception {
        Path file = dir.resolve("huge-context.gguf");
        GGUFFuzzSeeds.tinyLlama()
                .putUInt32("llama.context_length", HUGE_CONTEXT)
                .write(file);
        try (LlamaModel model = LlamaModel.load(file, 1);
                LlamaSession session = model.newSession(4, KVCacheType.F16)) {
            assertThat(session.evaluate(new int[] {1, 2}))
                    .hasSize(model.config().vocabularySize());
            assertThat(model.rope(4).positions()).isEqualTo(4); // the session's context, not the trained one
        }
    }

    @Test
    void a_session_of_a_huge_trained_context_is_refused_by_name_rather_than_overflowing() throws Exception {
        Path file = dir.resolve("huge-context.gguf");
        GGUFFuzzSeeds.tinyLlama()
                .putUInt32("llama.context_length", HUGE_CONTEXT)
                .write(file);
        try (LlamaModel model = LlamaModel.load(file, 1)) {
            assertThatThrownBy(model::newSession)
                    .isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessage("context size " + HUGE_CONTEXT + " is too large for this model: one block's keys"
                            + " would be more than 2^31 values");
        }
    }
}
