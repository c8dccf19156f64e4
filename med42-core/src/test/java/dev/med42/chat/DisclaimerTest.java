package dev.med42.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.med42.chat.Disclaimer.Position;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DisclaimerTest {
    private static final Disclaimer NOTE = new Disclaimer("Not medical advice.", Position.AFTER_ANSWER);

    @Test
    void the_default_is_on_after_the_answer_and_says_what_the_model_card_says() {
        assertThat(Disclaimer.DEFAULT.position()).isEqualTo(Position.AFTER_ANSWER);
        assertThat(Disclaimer.DEFAULT.enabled()).isTrue();
        assertThat(Disclaimer.DEFAULT_TEXT)
                .contains("not a substitute for professional medical advice")
                .contains("may be wrong")
                .contains("clinician");
    }

    @Test
    void after_the_answer_it_follows_a_blank_line() {
        assertThat(NOTE.apply("Rest and fluids.")).isEqualTo("Rest and fluids.\n\nNot medical advice.");
        assertThat(NOTE.opening()).isEmpty();
        assertThat(NOTE.closing()).isEqualTo("\n\nNot medical advice.");
    }

    @Test
    void before_the_answer_a_blank_line_follows_it() {
        Disclaimer before = NOTE.withPosition(Position.BEFORE_ANSWER);

        assertThat(before.apply("Rest and fluids.")).isEqualTo("Not medical advice.\n\nRest and fluids.");
        assertThat(before.opening()).isEqualTo("Not medical advice.\n\n");
        assertThat(before.closing()).isEmpty();
    }

    @Test
    void in_metadata_only_it_leaves_the_text_alone_but_stays_enabled() {
        Disclaimer metadata = NOTE.withPosition(Position.METADATA_ONLY);

        assertThat(metadata.apply("Rest and fluids.")).isEqualTo("Rest and fluids.");
        assertThat(metadata.enabled()).isTrue();
        assertThat(metadata.text()).isEqualTo("Not medical advice.");
    }

    @Test
    void off_means_no_text_anywhere() {
        assertThat(Disclaimer.OFF.apply("Rest.")).isEqualTo("Rest.");
        assertThat(Disclaimer.OFF.enabled()).isFalse();
        assertThat(Disclaimer.OFF.text()).isEmpty();
        assertThat(NOTE.withPosition(Position.OFF)).isEqualTo(Disclaimer.OFF);
        assertThat(new Disclaimer("ignored", Position.OFF)).isEqualTo(Disclaimer.OFF);
    }

    @Test
    void blank_text_is_an_error_so_that_it_is_only_switched_off_on_purpose() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Disclaimer("  ", Position.AFTER_ANSWER))
                .withMessageContaining("position OFF");
    }

    @ParameterizedTest
    @EnumSource(Position.class)
    void strip_undoes_apply_at_every_position(Position position) {
        Disclaimer disclaimer = NOTE.withPosition(position);
        String answer = "Rest and fluids.\nSee a doctor if the fever lasts.";

        assertThat(disclaimer.strip(disclaimer.apply(answer))).isEqualTo(answer);
    }

    @Test
    void strip_cleans_an_answer_stored_under_another_position_setting() {
        String before = NOTE.withPosition(Position.BEFORE_ANSWER).apply("Rest.");

        assertThat(NOTE.strip(before)).isEqualTo("Rest.");
    }

    @Test
    void strip_tolerates_whitespace_that_a_store_trimmed_or_added() {
        assertThat(NOTE.strip("Rest.\nNot medical advice.  \n")).isEqualTo("Rest.");
        assertThat(NOTE.strip("\nNot medical advice. Rest.")).isEqualTo("Rest.");
    }

    @Test
    void strip_leaves_an_answer_without_the_notice_unchanged() {
        assertThat(NOTE.strip("  Rest.  ")).isEqualTo("  Rest.  ");
        assertThat(NOTE.strip("Rest. Not medical advice. Drink water."))
                .isEqualTo("Rest. Not medical advice. Drink water.");
        assertThat(Disclaimer.OFF.strip("Rest.\n\nNot medical advice.")).isEqualTo("Rest.\n\nNot medical advice.");
    }

    @Test
    void an_empty_answer_with_its_notice_strips_to_empty() {
        assertThat(NOTE.strip(NOTE.apply(""))).isEmpty();
    }
}
