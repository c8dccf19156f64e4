package dev.med42.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SamplingParametersTest {

    @Test
    void defaults_are_llama_cpps() {
        SamplingParameters p = SamplingParameters.defaults();

        assertThat(p.temperature()).isEqualTo(0.8);
        assertThat(p.topK()).isEqualTo(40);
        assertThat(p.topP()).isEqualTo(0.95);
        assertThat(p.minP()).isEqualTo(0.05);
        assertThat(p.repeatPenalty()).isEqualTo(1.0);
        assertThat(p.repeatLastN()).isEqualTo(64);
        assertThat(p.frequencyPenalty()).isZero();
        assertThat(p.presencePenalty()).isZero();
        assertThat(p.seed()).isEqualTo(-1);
        assertThat(p.greedy()).isFalse();
    }

    @Test
    void withers_change_only_their_own_value() {
        SamplingParameters p = SamplingParameters.DEFAULTS
                .withTemperature(0.2)
                .withTopK(5)
                .withTopP(0.5)
                .withMinP(0.1)
                .withRepeatPenalty(1.1)
                .withRepeatLastN(-1)
                .withFrequencyPenalty(0.3)
                .withPresencePenalty(-0.4)
                .withSeed(42);

        assertThat(p).isEqualTo(new SamplingParameters(0.2, 5, 0.5, 0.1, 1.1, -1, 0.3, -0.4, 42));
        assertThat(SamplingParameters.DEFAULTS.withSeed(7).withSeed(-1)).isEqualTo(SamplingParameters.DEFAULTS);
    }

    @Test
    void zero_or_negative_temperature_means_greedy() {
        assertThat(SamplingParameters.DEFAULTS.withTemperature(0).greedy()).isTrue();
        assertThat(SamplingParameters.DEFAULTS.withTemperature(-1).greedy()).isTrue();
        assertThat(SamplingParameters.DEFAULTS.withTemperature(1e-6).greedy()).isFalse();
    }

    @Test
    void the_off_values_and_range_ends_are_accepted() {
        SamplingParameters p = SamplingParameters.DEFAULTS
                .withTopK(0)
                .withTopP(1)
                .withMinP(0)
                .withRepeatLastN(0)
                .withSeed(0);

        assertThat(p.withTopP(0).withMinP(1).withRepeatLastN(-1).withSeed(Long.MAX_VALUE))
                .isNotNull();
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad(p -> p.withTemperature(Double.NaN), "temperature must be a finite number, got NaN"),
                bad(p -> p.withTemperature(Double.POSITIVE_INFINITY), "temperature must be a finite number"),
                bad(p -> p.withTopK(-1), "topK must be >= 0 (0 = off), got -1"),
                bad(p -> p.withTopP(1.01), "topP must be in [0, 1] (1 = off), got 1.01"),
                bad(p -> p.withTopP(-0.1), "topP must be in [0, 1]"),
                bad(p -> p.withTopP(Double.NaN), "topP must be in [0, 1]"),
                bad(p -> p.withMinP(2), "minP must be in [0, 1] (0 = off), got 2.0"),
                bad(p -> p.withMinP(Double.NaN), "minP must be in [0, 1]"),
                bad(p -> p.withRepeatPenalty(0), "repeatPenalty must be > 0 (1 = off), got 0.0"),
                bad(p -> p.withRepeatPenalty(Double.NaN), "repeatPenalty must be a finite number"),
                bad(p -> p.withRepeatLastN(-2), "repeatLastN must be >= -1 (0 = off, -1 = context size), got -2"),
                bad(p -> p.withFrequencyPenalty(Double.NEGATIVE_INFINITY), "frequencyPenalty must be a finite"),
                bad(p -> p.withPresencePenalty(Double.NaN), "presencePenalty must be a finite"),
                bad(p -> p.withSeed(-2), "seed must be >= 0, or -1 for a random seed, got -2"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void out_of_range_values_are_rejected_with_a_clear_message(
            UnaryOperator<SamplingParameters> change, String message) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> change.apply(SamplingParameters.DEFAULTS))
                .withMessageStartingWith(message);
    }

    private static Arguments bad(UnaryOperator<SamplingParameters> change, String message) {
        return Arguments.of(change, message);
    }
}
