package dev.med42.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import org.junit.jupiter.api.Test;

class Med42ChatRequestParametersTest {
    private final Med42ChatRequestParameters defaults = Med42ChatRequestParameters.builder()
            .temperature(0.7)
            .maxOutputTokens(100)
            .minP(0.05)
            .repeatPenalty(1.1)
            .repeatLastN(64)
            .seed(7)
            .build();

    @Test
    void should_take_every_value_that_the_overriding_parameters_set() {
        Med42ChatRequestParameters request = Med42ChatRequestParameters.builder()
                .temperature(0.2)
                .minP(0.1)
                .seed(42)
                .build();

        Med42ChatRequestParameters merged = defaults.overrideWith(request);

        assertThat(merged.temperature()).isEqualTo(0.2);
        assertThat(merged.maxOutputTokens()).isEqualTo(100);
        assertThat(merged.minP()).isEqualTo(0.1);
        assertThat(merged.repeatPenalty()).isEqualTo(1.1);
        assertThat(merged.repeatLastN()).isEqualTo(64);
        assertThat(merged.seed()).isEqualTo(42);
    }

    @Test
    void should_keep_the_med42_values_when_common_parameters_override_them() {
        ChatRequestParameters request =
                ChatRequestParameters.builder().topK(10).maxOutputTokens(5).build();

        Med42ChatRequestParameters merged = defaults.overrideWith(request);

        assertThat(merged.topK()).isEqualTo(10);
        assertThat(merged.maxOutputTokens()).isEqualTo(5);
        assertThat(merged.minP()).isEqualTo(0.05);
        assertThat(merged.seed()).isEqualTo(7);
    }

    @Test
    void should_stay_med42_parameters_when_merged_into_common_defaults() {
        ChatRequestParameters common = DefaultChatRequestParameters.builder()
                .temperature(0.5)
                .topP(0.9)
                .build();

        ChatRequestParameters merged = common.overrideWith(
                Med42ChatRequestParameters.builder().temperature(0.1).minP(0.2).build());

        assertThat(merged).isInstanceOf(Med42ChatRequestParameters.class);
        assertThat(merged.temperature()).isEqualTo(0.1);
        assertThat(merged.topP()).isEqualTo(0.9);
        assertThat(((Med42ChatRequestParameters) merged).minP()).isEqualTo(0.2);
    }

    @Test
    void should_keep_its_own_values_when_defaulted_by_others() {
        Med42ChatRequestParameters request =
                Med42ChatRequestParameters.builder().seed(1).build();

        Med42ChatRequestParameters merged = request.defaultedBy(defaults);

        assertThat(merged.seed()).isEqualTo(1);
        assertThat(merged.temperature()).isEqualTo(0.7);
        assertThat(merged.repeatPenalty()).isEqualTo(1.1);
    }

    @Test
    void should_compare_the_med42_values_too() {
        Med42ChatRequestParameters same =
                Med42ChatRequestParameters.builder().overrideWith(defaults).build();
        Med42ChatRequestParameters otherSeed = Med42ChatRequestParameters.builder()
                .overrideWith(defaults)
                .seed(8)
                .build();

        assertThat(same).isEqualTo(defaults).hasSameHashCodeAs(defaults);
        assertThat(otherSeed).isNotEqualTo(defaults);
        assertThat(defaults.toString()).contains("minP=0.05", "repeatPenalty=1.1", "repeatLastN=64", "seed=7");
    }
}
