package dev.med42.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import dev.med42.sampling.Sampler.Candidate;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;
    private static final float POS_INF = Float.POSITIVE_INFINITY;

    /** Every stage off, temperature 1: the distribution is the plain softmax of the logits. */
    private static final SamplingParameters PLAIN = new SamplingParameters(1.0, 0, 1.0, 0.0, 1.0, 64, 0, 0, 42);

    private static final SamplingParameters GREEDY = PLAIN.withTemperature(0);

    private static Sampler sampler(SamplingParameters parameters, int vocabularySize) {
        return new Sampler(parameters, vocabularySize, 4096);
    }

    private static List<Candidate> distribution(SamplingParameters parameters, float... logits) {
        return sampler(parameters, logits.length).distribution(logits);
    }

    private static List<Integer> tokens(List<Candidate> candidates) {
        return candidates.stream().map(Candidate::token).toList();
    }

    private static double[] probabilities(List<Candidate> candidates) {
        return candidates.stream().mapToDouble(Candidate::probability).toArray();
    }

    private static float ln(double p) {
        return (float) Math.log(p);
    }

    @Nested
    class Greedy {
        @Test
        void takes_the_highest_logit() {
            Sampler sampler = sampler(GREEDY, 5);

            assertThat(sampler.sample(new float[] {0.1f, 2.5f, -1f, 2.4f, 0f})).isEqualTo(1);
        }

        @Test
        void breaks_ties_towards_the_lowest_id() {
            assertThat(sampler(GREEDY, 4).sample(new float[] {1f, 3f, 0f, 3f})).isEqualTo(1);
            assertThat(sampler(GREEDY, 3).sample(new float[] {0f, 0f, 0f})).isZero();
        }

        @Test
        void negative_temperature_is_greedy_too() {
            assertThat(sampler(PLAIN.withTemperature(-0.5), 3).sample(new float[] {0f, 5f, 4.9f}))
                    .isEqualTo(1);
        }

        @Test
        void ignores_top_k_top_p_and_min_p_which_always_keep_the_best_token() {
            SamplingParameters p =
                    SamplingParameters.DEFAULTS.withTemperature(0).withTopK(1);

            assertThat(sampler(p, 3).sample(new float[] {0f, 5f, 4.9f})).isEqualTo(1);
        }

        @Test
        void applies_the_penalties_first_as_llama_cpps_chain_does() {
            Sampler sampler = sampler(GREEDY.withRepeatPenalty(2), 3);
            sampler.accept(1);

            assertThat(sampler.sample(new float[] {0f, 4f, 3f})).isEqualTo(2); // 4 / 2 = 2 < 3
        }

        @Test
        void reports_the_single_candidate_with_probability_one() {
            assertThat(distribution(GREEDY, 1f, 7f, 3f)).containsExactly(new Candidate(1, 7f, 1.0));
        }
    }

    @Nested
    class Penalties {
        @Test
        void repeat_penalty_divides_positive_logits_and_multiplies_negative_ones() {
            Sampler sampler = sampler(PLAIN.withRepeatPenalty(2), 4);
            sampler.accept(new int[] {0, 1, 3});

            List<Candidate> candidates = sampler.distribution(new float[] {2f, -2f, 1f, 0f});

            assertThat(candidates).extracting(Candidate::logit).containsExactly(1f, -4f, 1f, 0f);
        }

        @Test
        void frequency_penalty_counts_every_occurrence_and_presence_penalty_counts_once() {
            Sampler sampler = sampler(PLAIN.withFrequencyPenalty(0.5).withPresencePenalty(0.25), 3);
            sampler.accept(new int[] {0, 0, 0, 1});

            List<Candidate> candidates = sampler.distribution(new float[] {3f, 3f, 3f});

            // 3 - (3 × 0.5 + 0.25), 3 - (1 × 0.5 + 0.25), untouched
            assertThat(candidates).extracting(Candidate::logit).containsExactly(1.25f, 2.25f, 3f);
        }

        @Test
        void all_three_combine_in_llama_cpps_order() {
            SamplingParameters p =
                    PLAIN.withRepeatPenalty(1.5).withFrequencyPenalty(0.1).withPresencePenalty(0.2);
            Sampler sampler = sampler(p, 2);
            sampler.accept(new int[] {0, 0, 1});

            List<Candidate> candidates = sampler.distribution(new float[] {3f, -1f});

            assertThat(candidates.get(0).logit()).isCloseTo(3f / 1.5f - (2 * 0.1f + 0.2f), within(1e-6f));
            assertThat(candidates.get(1).logit()).isCloseTo(-1f * 1.5f - (0.1f + 0.2f), within(1e-6f));
        }

        @Test
        void only_the_last_n_tokens_count() {
            Sampler sampler = sampler(PLAIN.withRepeatPenalty(2).withRepeatLastN(2), 4);
            sampler.accept(new int[] {0, 1, 2, 1});

            List<Candidate> candidates = sampler.distribution(new float[] {4f, 4f, 4f, 4f});

            assertThat(candidates)
                    .extracting(Candidate::logit)
                    .containsExactly(4f, 2f, 2f, 4f); // the window holds 2, 1
        }

        @Test
        void repeat_last_n_zero_switches_them_off() {
            Sampler sampler = sampler(PLAIN.withRepeatPenalty(2).withRepeatLastN(0), 2);
            sampler.accept(new int[] {0, 1});

            assertThat(sampler.distribution(new float[] {4f, -4f}))
                    .extracting(Candidate::logit)
                    .containsExactly(4f, -4f);
        }

        @Test
        void repeat_last_n_minus_one_covers_the_whole_context() {
            Sampler sampler = new Sampler(PLAIN.withRepeatPenalty(2).withRepeatLastN(-1), 4, 3);
            sampler.accept(new int[] {0, 1, 2});
            assertThat(sampler.distribution(new float[] {4f, 4f, 4f, 4f}))
                    .extracting(Candidate::logit)
                    .containsExactly(2f, 2f, 2f, 4f);

            sampler.accept(3); // the context holds 3 tokens: token 0 has left it

            assertThat(sampler.distribution(new float[] {4f, 4f, 4f, 4f}))
                    .extracting(Candidate::logit)
                    .containsExactly(4f, 2f, 2f, 2f);
        }

        @Test
        void a_window_longer_than_the_context_is_cut_to_it() {
            Sampler sampler = new Sampler(PLAIN.withRepeatPenalty(2).withRepeatLastN(Integer.MAX_VALUE), 3, 2);
            sampler.accept(new int[] {0, 1, 2});

            assertThat(sampler.distribution(new float[] {4f, 4f, 4f}))
                    .extracting(Candidate::logit)
                    .containsExactly(4f, 2f, 2f);
        }

        @Test
        void sampled_tokens_are_remembered() {
            Sampler sampler = sampler(GREEDY.withRepeatPenalty(10), 2);
            float[] logits = {2f, 1f};

            assertThat(sampler.sample(logits)).isZero();
            assertThat(sampler.sample(logits)).isEqualTo(1); // 2 / 10 < 1
        }

        @Test
        void apply_before_top_k() {
            Sampler sampler = sampler(PLAIN.withTopK(1).withRepeatPenalty(4), 3);
            sampler.accept(0);

            assertThat(tokens(sampler.distribution(new float[] {4f, 3f, 0f}))).containsExactly(1);
        }

        @Test
        void accept_rejects_a_token_outside_the_vocabulary() {
            Sampler sampler = sampler(PLAIN, 3);

            assertThatExceptionOfType(IndexOutOfBoundsException.class).isThrownBy(() -> sampler.accept(3));
        }
    }

    @Nested
    class TopK {
        @Test
        void keeps_the_k_highest_logits_and_renormalises() {
            List<Candidate> candidates = distribution(PLAIN.withTopK(2), 1f, 3f, 2f, 0f);

            assertThat(tokens(candidates)).containsExactly(1, 2);
            double e3 = Math.exp(3), e2 = Math.exp(2);
            assertThat(probabilities(candidates))
                    .containsExactly(new double[] {e3 / (e3 + e2), e2 / (e3 + e2)}, within(1e-6));
        }

        @Test
        void ties_at_the_cut_keep_the_lowest_ids() {
            assertThat(tokens(distribution(PLAIN.withTopK(2), 1f, 2f, 1f, 2f, 2f)))
                    .containsExactly(1, 3);
        }

        @Test
        void zero_keeps_every_token() {
            assertThat(distribution(PLAIN.withTopK(0), 1f, 3f, 2f)).hasSize(3);
        }

        @Test
        void k_beyond_the_vocabulary_keeps_every_token() {
            assertThat(distribution(PLAIN.withTopK(1000), 1f, 3f, 2f)).hasSize(3);
        }

        @Test
        void one_keeps_only_the_best_token() {
            assertThat(distribution(PLAIN.withTopK(1), 1f, 3f, 2f)).containsExactly(new Candidate(1, 3f, 1.0));
        }
    }

    @Nested
    class TopP {
        // probabilities 0.5, 0.3, 0.15, 0.05 (in scrambled token order)
        private final float[] logits = {ln(0.15), ln(0.5), ln(0.05), ln(0.3)};

        @Test
        void keeps_the_smallest_most_likely_set_that_reaches_p() {
            assertThat(tokens(distribution(PLAIN.withTopP(0.75), logits))).containsExactly(1, 3);
            assertThat(tokens(distribution(PLAIN.withTopP(0.81), logits))).containsExactly(1, 3, 0);
            assertThat(tokens(distribution(PLAIN.withTopP(0.96), logits))).containsExactly(1, 3, 0, 2);
        }

        @Test
        void renormalises_what_it_keeps() {
            assertThat(probabilities(distribution(PLAIN.withTopP(0.75), logits)))
                    .containsExactly(new double[] {0.5 / 0.8, 0.3 / 0.8}, within(1e-6));
        }

        @Test
        void zero_keeps_only_the_best_token() {
            assertThat(tokens(distribution(PLAIN.withTopP(0), logits))).containsExactly(1);
        }

        @Test
        void one_keeps_every_token_unsorted() {
            assertThat(tokens(distribution(PLAIN.withTopP(1), logits))).containsExactly(0, 1, 2, 3);
        }

        @Test
        void uses_the_probabilities_before_temperature() {
            // At T = 0.5 the best token alone would have 0.5² / (0.25 + 0.09 + ...) > 0.66; top-p runs first.
            assertThat(tokens(distribution(PLAIN.withTopP(0.6).withTemperature(0.5), logits)))
                    .containsExactly(1, 3);
        }

        @Test
        void on_a_long_flat_list_sorts_past_the_first_256() {
            float[] flat = new float[5000];
            Arrays.fill(flat, 1f);
            flat[4999] = 1.5f;

            List<Candidate> candidates = distribution(PLAIN.withTopP(0.5), flat);

            assertThat(candidates).hasSizeBetween(2490, 2510);
            assertThat(candidates.get(0).token()).isEqualTo(4999);
            assertThat(tokens(candidates).subList(1, 6)).containsExactly(0, 1, 2, 3, 4);
        }
    }

    @Nested
    class MinP {
        // probabilities 0.5, 0.26, 0.2, 0.04
        private final float[] logits = {ln(0.5), ln(0.2), ln(0.04), ln(0.26)};

        @Test
        void keeps_tokens_at_least_min_p_times_as_likely_as_the_best() {
            // 0.1 × 0.5 = 0.05: 0.04 goes
            assertThat(tokens(distribution(PLAIN.withMinP(0.1), logits))).containsExactly(0, 1, 3);
            // 0.45 × 0.5 = 0.225: only 0.5 and 0.26 stay
            assertThat(tokens(distribution(PLAIN.withMinP(0.45), logits))).containsExactly(0, 3);
        }

        @Test
        void is_relative_to_the_best_token_not_absolute() {
            // With an absolute cut at 0.3 only token 0 would stay; relative to 0.5 it is 0.15.
            assertThat(tokens(distribution(PLAIN.withMinP(0.3), logits))).containsExactly(0, 1, 3);
        }

        @Test
        void gives_the_same_set_after_top_k_sorted_the_list() {
            assertThat(tokens(distribution(PLAIN.withTopK(3).withMinP(0.45), logits)))
                    .containsExactly(0, 3);
        }

        @Test
        void one_keeps_only_the_tokens_tied_with_the_best() {
            assertThat(tokens(distribution(PLAIN.withMinP(1), 2f, 1f, 2f))).containsExactly(0, 2);
        }

        @Test
        void uses_the_logits_before_temperature() {
            // ln 0.1 ≈ -2.30: token 1 (-3) goes; at T = 2 first it would be -1.5 and stay.
            assertThat(tokens(distribution(PLAIN.withMinP(0.1).withTemperature(2), 0f, -3f)))
                    .containsExactly(0);
        }
    }

    @Nested
    class Temperature {
        @Test
        void divides_the_logits_before_the_softmax() {
            double[] expected = softmax(4, 2, 0); // logits 2, 1, 0 at T = 0.5

            assertThat(probabilities(distribution(PLAIN.withTemperature(0.5), 2f, 1f, 0f)))
                    .containsExactly(expected, within(1e-6));
            assertThat(probabilities(distribution(PLAIN.withTemperature(2), 2f, 1f, 0f)))
                    .containsExactly(softmax(1, 0.5, 0), within(1e-6));
        }

        @Test
        void reports_the_logits_before_it() {
            assertThat(distribution(PLAIN.withTemperature(0.5), 2f, 1f))
                    .extracting(Candidate::logit)
                    .containsExactly(2f, 1f);
        }

        private static double[] softmax(double... x) {
            double sum = Arrays.stream(x).map(Math::exp).sum();
            return Arrays.stream(x).map(v -> Math.exp(v) / sum).toArray();
        }
    }

    @Nested
    class Draws {
        private final float[] logits = {ln(0.2), ln(0.5), ln(0.3)};

        @Test
        void the_same_seed_gives_the_same_tokens() {
            Sampler a = sampler(PLAIN.withSeed(1234), 3);
            Sampler b = sampler(PLAIN.withSeed(1234), 3);

            int[] first = IntStream.range(0, 200).map(i -> a.sample(logits)).toArray();
            int[] second = IntStream.range(0, 200).map(i -> b.sample(logits)).toArray();

            assertThat(first).isEqualTo(second);
        }

        @Test
        void different_seeds_give_different_tokens() {
            Sampler a = sampler(PLAIN.withSeed(1), 3);
            Sampler b = sampler(PLAIN.withSeed(2), 3);

            int[] first = IntStream.range(0, 200).map(i -> a.sample(logits)).toArray();
            int[] second = IntStream.range(0, 200).map(i -> b.sample(logits)).toArray();

            assertThat(first).isNotEqualTo(second);
        }

        @Test
        void a_random_seed_is_reported_and_replays_the_run() {
            Sampler random = sampler(PLAIN, 3);
            Sampler replay = sampler(PLAIN.withSeed(random.seed()), 3);

            assertThat(random.seed()).isBetween(0L, 0xFFFF_FFFFL);
            assertThat(random.parameters()).isEqualTo(PLAIN);
            for (int i = 0; i < 100; i++) {
                assertThat(replay.sample(logits)).isEqualTo(random.sample(logits));
            }
        }

        @Test
        void follow_the_probabilities() {
            Sampler sampler = sampler(PLAIN.withSeed(7), 3);
            int[] counts = new int[3];
            int n = 20_000;
            for (int i = 0; i < n; i++) {
                counts[sampler.sample(logits)]++;
            }

            assertThat(counts[0] / (double) n).isCloseTo(0.2, within(0.015));
            assertThat(counts[1] / (double) n).isCloseTo(0.5, within(0.015));
            assertThat(counts[2] / (double) n).isCloseTo(0.3, within(0.015));
        }

        @Test
        void only_choose_among_the_candidates_left() {
            Sampler sampler = sampler(SamplingParameters.DEFAULTS.withSeed(3).withTopK(2), 4);
            for (int i = 0; i < 500; i++) {
                assertThat(sampler.sample(new float[] {0f, 5f, 1f, 5.5f})).isIn(1, 3);
            }
        }

        @Test
        void do_not_change_the_logits() {
            float[] logits = {3f, Float.NaN, POS_INF, -2f};
            float[] copy = logits.clone();
            Sampler sampler =
                    sampler(SamplingParameters.DEFAULTS.withRepeatPenalty(1.3).withSeed(1), 4);
            sampler.accept(new int[] {0, 3});

            sampler.sample(logits);
            sampler.distribution(logits);

            assertThat(logits).isEqualTo(copy);
        }
    }

    @Nested
    class OddLogits {
        @Test
        void nan_is_never_chosen() {
            float[] logits = {Float.NaN, -50f, Float.NaN};
            Sampler sampler = sampler(PLAIN.withSeed(5), 3);

            for (int i = 0; i < 100; i++) {
                assertThat(sampler.sample(logits)).isEqualTo(1);
            }
            assertThat(sampler(GREEDY, 3).sample(logits)).isEqualTo(1);
        }

        @Test
        void negative_infinity_is_never_chosen() {
            Sampler sampler = sampler(PLAIN.withSeed(5), 3);

            for (int i = 0; i < 100; i++) {
                assertThat(sampler.sample(new float[] {NEG_INF, -80f, NEG_INF})).isEqualTo(1);
            }
        }

        @Test
        void positive_infinity_takes_all_the_probability() {
            List<Candidate> candidates = distribution(SamplingParameters.DEFAULTS, 3f, POS_INF, 1e30f, POS_INF);

            assertThat(tokens(candidates)).containsExactly(1, 3);
            assertThat(probabilities(candidates)).containsExactly(0.5, 0.5);
            assertThat(sampler(GREEDY, 3).sample(new float[] {Float.MAX_VALUE, POS_INF, 0f}))
                    .isEqualTo(1);
        }

        @Test
        void huge_finite_logits_do_not_overflow() {
            List<Candidate> candidates = distribution(PLAIN.withTemperature(0.1), 3e38f, 3e38f, -3e38f);

            assertThat(probabilities(candidates)).containsExactly(0.5, 0.5, 0.0);
        }

        @Test
        void a_row_with_no_possible_token_is_rejected() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> sampler(PLAIN, 2).sample(new float[] {Float.NaN, NEG_INF}))
                    .withMessage("no token can be sampled: every logit is NaN or -Infinity");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> sampler(GREEDY, 2).sample(new float[] {Float.NaN, Float.NaN}));
        }

        @Test
        void a_row_of_the_wrong_length_is_rejected() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> sampler(PLAIN, 3).sample(new float[2]))
                    .withMessage("expected 3 logits (the vocabulary size), got 2");
        }

        @Test
        void an_empty_vocabulary_or_context_is_rejected() {
            assertThatIllegalArgumentException().isThrownBy(() -> new Sampler(PLAIN, 0, 10));
            assertThatIllegalArgumentException().isThrownBy(() -> new Sampler(PLAIN, 10, 0));
        }
    }

    @Nested
    class LikeLlamaCpp {
        /**
         * The whole chain against a literal transcription of llama.cpp's stages (full sorts, lists, doubles for
         * nothing), on a 32000-token vocabulary with random logits and settings.
         */
        @Test
        void keeps_the_same_candidates_as_a_straightforward_chain() {
            Random random = new Random(99);
            for (int trial = 0; trial < 30; trial++) {
                float[] logits = new float[32_000];
                float scale = 1 + random.nextInt(8);
                for (int i = 0; i < logits.length; i++) {
                    logits[i] = (float) random.nextGaussian() * scale;
                }
                SamplingParameters p = new SamplingParameters(
                        0.2 + random.nextDouble(),
                        new int[] {0, 1, 5, 40, 200, 40_000}[random.nextInt(6)],
                        new double[] {1.0, 0.95, 0.5, 0.1}[random.nextInt(4)],
                        new double[] {0.0, 0.05, 0.3}[random.nextInt(3)],
                        new double[] {1.0, 1.3}[random.nextInt(2)],
                        64,
                        new double[] {0.0, 0.4}[random.nextInt(2)],
                        new double[] {0.0, 0.7}[random.nextInt(2)],
                        1);
                int[] history = random.ints(100, 0, 300).toArray();
                Sampler sampler = new Sampler(p, logits.length, 4096);
                sampler.accept(history);

                List<Candidate> actual = sampler.distribution(logits);
                List<Candidate> expected = referenceChain(p, logits, history);

                assertThat(actual).as("trial %d, %s", trial, p).hasSameSizeAs(expected);
                assertThat(tokens(actual)).containsExactlyInAnyOrderElementsOf(tokens(expected));
                double[] expectedByToken = byToken(expected, logits.length);
                for (Candidate c : actual) {
                    assertThat(c.probability()).isCloseTo(expectedByToken[c.token()], within(1e-5));
                }
            }
        }

        private static double[] byToken(List<Candidate> candidates, int vocabularySize) {
            double[] p = new double[vocabularySize];
            candidates.forEach(c -> p[c.token()] = c.probability());
            return p;
        }

        /** llama.cpp's chain, stage by stage, without any of the shortcuts. */
        private static List<Candidate> referenceChain(SamplingParameters p, float[] logits, int[] history) {
            int[] counts = new int[logits.length];
            for (int t : Arrays.copyOfRange(history, Math.max(0, history.length - p.repeatLastN()), history.length)) {
                counts[t]++;
            }
            List<float[]> cur = new ArrayList<>(); // {id, logit}
            for (int id = 0; id < logits.length; id++) {
                float l = logits[id];
                if (counts[id] > 0) {
                    l = l <= 0 ? l * (float) p.repeatPenalty() : l / (float) p.repeatPenalty();
                    l -= counts[id] * (float) p.frequencyPenalty() + (float) p.presencePenalty();
                }
                cur.add(new float[] {id, l});
            }
            Comparator<float[]> best =
                    Comparator.<float[]>comparingDouble(c -> -c[1]).thenComparingDouble(c -> c[0]);
            if (p.topK() > 0) {
                cur.sort(best);
                cur = new ArrayList<>(cur.subList(0, Math.min(p.topK(), cur.size())));
            }
            if (p.topP() < 1) {
                cur.sort(best);
                double max = cur.get(0)[1];
                double sum = cur.stream().mapToDouble(c -> Math.exp(c[1] - max)).sum();
                double cumulative = 0;
                int keep = cur.size();
                for (int i = 0; i < cur.size(); i++) {
                    cumulative += Math.exp(cur.get(i)[1] - max) / sum;
                    if (cumulative >= p.topP()) {
                        keep = i + 1;
                        break;
                    }
                }
                cur = new ArrayList<>(cur.subList(0, keep));
            }
            if (p.minP() > 0) {
                double max = cur.stream().mapToDouble(c -> c[1]).max().orElseThrow();
                float threshold = (float) max + (float) Math.log(p.minP());
                cur.removeIf(c -> c[1] < threshold);
            }
            double max = cur.stream().mapToDouble(c -> c[1]).max().orElseThrow();
            double sum = cur.stream()
                    .mapToDouble(c -> Math.exp((c[1] - max) / p.temperature()))
                    .sum();
            return cur.stream()
                    .map(c -> new Candidate((int) c[0], c[1], Math.exp((c[1] - max) / p.temperature()) / sum))
                    .toList();
        }
    }

    @Test
    void sampling_allocates_nothing_once_warm() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Random random = new Random(1);
        float[] logits = new float[32_000];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextGaussian() * 3;
        }
        Sampler sampler =
                new Sampler(SamplingParameters.DEFAULTS.withRepeatPenalty(1.1).withSeed(1), 32_000, 4096);
        for (int i = 0; i < 2_000; i++) {
            sampler.sample(logits);
        }

        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 500; i++) {
            sampler.sample(logits);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).isLessThan(1_000);
    }
}
