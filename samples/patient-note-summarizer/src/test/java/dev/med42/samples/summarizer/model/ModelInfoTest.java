package dev.med42.samples.summarizer.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.model.LlamaModel;
import dev.med42.samples.summarizer.DemoModel;
import org.junit.jupiter.api.Test;

class ModelInfoTest {
    @Test
    void the_bundled_demo_model_is_not_med42() {
        try (LlamaModel model = DemoModel.load()) {
            ModelInfo info = ModelInfo.of(model, 512);

            assertThat(info.name()).isEqualTo("tiny-synthetic-llama2vocab");
            assertThat(info.file()).isEqualTo("llama2vocab-tiny-Q4_K_M.gguf");
            assertThat(info.architecture()).isEqualTo("llama");
            assertThat(info.vocabularySize()).isEqualTo(32000);
            assertThat(info.contextSize()).isEqualTo(512);
            assertThat(info.med42()).isFalse();
            assertThat(info.demo()).isTrue();
        }
    }

    @Test
    void a_llama2_model_named_med42_in_its_metadata_or_its_file_name_is_med42() {
        assertThat(ModelInfo.isMed42("m42-health_med42-70b", "model.gguf", "llama", 32000))
                .isTrue();
        // TheBloke's files: general.name "LLaMA v2", written by llama.cpp's converter for any 4096-context model.
        assertThat(ModelInfo.isMed42("LLaMA v2", "med42-70b.Q4_K_M.gguf", "llama", 32000))
                .isTrue();
        assertThat(ModelInfo.isMed42("LLaMA v2", "MED42-70B.Q6_K.gguf-split-a", "llama", 32000))
                .isTrue();
    }

    @Test
    void other_models_are_not_med42() {
        assertThat(ModelInfo.isMed42("LLaMA v2", "llama-2-70b.Q4_K_M.gguf", "llama", 32000))
                .as("another Llama-2")
                .isFalse();
        assertThat(ModelInfo.isMed42("med42-v2-8b", "med42-v2-8b.gguf", "llama", 128256))
                .as("another vocabulary")
                .isFalse();
        assertThat(ModelInfo.isMed42("med42", "med42.gguf", "gpt2", 32000))
                .as("another architecture")
                .isFalse();
    }
}
