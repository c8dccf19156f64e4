package dev.med42.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.med42.generate.StopStringMatcher.Output;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class StopStringMatcherTest {

    private static Output released(String text) {
        return new Output(text, null);
    }

    private static Output stoppedAt(String stop, String textBefore) {
        return new Output(textBefore, stop);
    }

    @Test
    void passes_everything_through_without_stop_strings() {
        StopStringMatcher matcher = new StopStringMatcher(List.of());

        assertThat(matcher.feed("<|prompter|>")).isEqualTo(released("<|prompter|>"));
        assertThat(matcher.flush()).isEmpty();
    }

    @Test
    void releases_text_that_cannot_start_a_stop_string_at_once() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("<|prompter|>"));

        assertThat(matcher.feed("Take aspirin")).isEqualTo(released("Take aspirin"));
        assertThat(matcher.feed(" daily.")).isEqualTo(released(" daily."));
    }

    @Test
    void holds_back_a_possible_start_until_it_is_decided() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("<|prompter|>"));

        assertThat(matcher.feed("if x <")).isEqualTo(released("if x "));
        assertThat(matcher.feed("|p")).isEqualTo(released(""));
        assertThat(matcher.feed("x")).isEqualTo(released("<|px"));
    }

    @Test
    void reports_a_stop_string_inside_one_piece_with_the_text_before_it() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("STOP"));

        Output output = matcher.feed("abc STOP def");

        assertThat(output).isEqualTo(stoppedAt("STOP", "abc "));
        assertThat(output.stopped()).isTrue();
        assertThat(released("abc").stopped()).isFalse();
        assertThat(matcher.flush()).isEmpty();
    }

    @Test
    void reports_a_stop_string_spread_over_several_pieces() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("<|prompter|>"));

        assertThat(matcher.feed("Done.\n<|pro")).isEqualTo(released("Done.\n"));
        assertThat(matcher.feed("mpt")).isEqualTo(released(""));
        assertThat(matcher.feed("er|>: next")).isEqualTo(stoppedAt("<|prompter|>", ""));
    }

    @Test
    void finds_a_stop_string_fed_one_character_at_a_time() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("\n\n###"));
        StringBuilder shown = new StringBuilder();
        Output last = null;
        for (char c : "Answer.\n\n###".toCharArray()) {
            last = matcher.feed(String.valueOf(c));
            shown.append(last.text());
        }

        assertThat(shown).hasToString("Answer.");
        assertThat(last.stopString()).isEqualTo("\n\n###");
    }

    @Test
    void releases_what_was_held_once_a_false_start_breaks_off() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("aab"));

        assertThat(matcher.feed("aa")).isEqualTo(released(""));
        assertThat(matcher.feed("a")).isEqualTo(released("a"));
        assertThat(matcher.feed("b")).isEqualTo(stoppedAt("aab", ""));
    }

    @Test
    void the_stop_string_that_ends_first_wins() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("abcd", "bc"));

        assertThat(matcher.feed("xabcd")).isEqualTo(stoppedAt("bc", "xa"));
    }

    @Test
    void the_longest_wins_when_several_end_together() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("cd", "bcd"));

        assertThat(matcher.feed("abcd")).isEqualTo(stoppedAt("bcd", "a"));
    }

    @Test
    void flush_releases_a_held_start_at_the_end_of_the_stream() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("<|prompter|>"));

        assertThat(matcher.feed("See a doctor <|pro")).isEqualTo(released("See a doctor "));
        assertThat(matcher.flush()).isEqualTo("<|pro");
        assertThat(matcher.flush()).isEmpty();
    }

    @Test
    void nothing_can_be_fed_after_a_stop() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("x"));
        matcher.feed("x");

        assertThatIllegalStateException().isThrownBy(() -> matcher.feed("y"));
    }

    @Test
    void an_empty_stop_string_is_rejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new StopStringMatcher(List.of("ok", "")))
                .withMessage("a stop string cannot be empty");
    }

    @Test
    void empty_pieces_change_nothing() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("ab"));

        assertThat(matcher.feed("")).isEqualTo(released(""));
        assertThat(matcher.feed("a")).isEqualTo(released(""));
        assertThat(matcher.feed("")).isEqualTo(released(""));
        assertThat(matcher.feed("b")).isEqualTo(stoppedAt("ab", ""));
    }

    @Test
    void works_with_characters_outside_the_basic_plane() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("🛑end"));

        assertThat(matcher.feed("ok 🩺 🛑")).isEqualTo(released("ok 🩺 "));
        assertThat(matcher.feed("en")).isEqualTo(released(""));
        assertThat(matcher.feed("d")).isEqualTo(stoppedAt("🛑end", ""));
    }

    @Test
    void gives_the_same_result_however_the_text_is_cut_and_never_lets_out_a_stop_string() {
        Random random = new Random(42);
        String alphabet = "ab<|>";
        for (int trial = 0; trial < 5_000; trial++) {
            List<String> stops = new ArrayList<>();
            for (int n = 1 + random.nextInt(3); n > 0; n--) {
                stops.add(randomString(random, alphabet, 1 + random.nextInt(4)));
            }
            String text = randomString(random, alphabet, random.nextInt(30));

            StopStringMatcher matcher = new StopStringMatcher(stops);
            StringBuilder shown = new StringBuilder();
            String stop = null;
            int at = 0;
            while (at < text.length() && stop == null) {
                int end = Math.min(text.length(), at + random.nextInt(6));
                Output output = matcher.feed(text.substring(at, end));
                shown.append(output.text());
                stop = output.stopString();
                at = end;
            }
            shown.append(matcher.flush());

            String[] expected = firstStop(text, stops);
            assertThat(shown.toString()).as("%s in %s", stops, text).isEqualTo(expected[0]);
            assertThat(stop).as("%s in %s", stops, text).isEqualTo(expected[1]);
        }
    }

    /** The plain definition: the first position where a stop string ends, the longest on a tie. */
    private static String[] firstStop(String text, List<String> stops) {
        for (int end = 1; end <= text.length(); end++) {
            String best = null;
            for (String stop : stops) {
                if (text.substring(0, end).endsWith(stop) && (best == null || stop.length() > best.length())) {
                    best = stop;
                }
            }
            if (best != null) {
                return new String[] {text.substring(0, end - best.length()), best};
            }
        }
        return new String[] {text, null};
    }

    private static String randomString(Random random, String alphabet, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void keeps_up_with_a_long_generation() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("<|prompter|>", "<|assistant|>", "\n\n\n\n"));
        long shown = 0;
        for (int i = 0; i < 1_000_000; i++) {
            shown += matcher.feed(i % 7 == 0 ? " <|" : "word\n").text().length();
        }
        shown += matcher.flush().length();

        assertThat(shown).isEqualTo(1_000_000 / 7 * 3 + 3 + (1_000_000 - 1_000_000 / 7 - 1) * 5L);
    }
}
