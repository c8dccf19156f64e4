package dev.med42.samples.summarizer.summary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.med42.chat.Disclaimer;
import dev.med42.langchain4j.Med42TokenCountEstimator;
import dev.med42.model.LlamaModel;
import dev.med42.samples.summarizer.DemoModel;
import dev.med42.samples.summarizer.note.NoteChunker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The map-reduce on a fake model (so that the answers are known), with the real tokenizer and token counts of the
 * demo model, which are Med42's.
 */
class NoteSummarizerTest {
    static final String ANSWER = "Chief complaint: chest pain\nPlan: primary PCI";

    static LlamaModel model;
    static Med42TokenCountEstimator estimator;
    static NoteChunker chunker;

    @BeforeAll
    static void load() {
        model = DemoModel.load();
        estimator = new Med42TokenCountEstimator(model);
        chunker = new NoteChunker(model.tokenizer());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Records what a listener is told. */
    static class Recorder implements SummaryListener {
        final List<Progress> progress = new CopyOnWriteArrayList<>();
        final StringBuilder tokens = new StringBuilder();

        @Override
        public void onProgress(Progress p) {
            progress.add(p);
        }

        @Override
        public synchronized void onToken(String text) {
            tokens.append(text);
        }
    }

    private static NoteSummarizer summarizer(FakeStreamingModel fake, int contextSize, int answerTokens) {
        return new NoteSummarizer(fake, estimator, chunker, Disclaimer.OFF, contextSize, answerTokens);
    }

    @Test
    void a_note_that_fits_takes_one_step() {
        var fake = new FakeStreamingModel(request -> ANSWER);
        var recorder = new Recorder();

        Summary summary = summarizer(fake, 512, 64).summarize("Chest pain for 2 hours. Plan: PCI.", recorder);

        assertThat(fake.requests).hasSize(1);
        assertThat(userText(fake.requests.getFirst())).startsWith("Clinical note:\n\nChest pain for 2 hours.");
        assertThat(fake.requests.getFirst().maxOutputTokens()).isEqualTo(64);
        assertThat(recorder.progress).containsExactly(new Progress(Progress.Phase.SUMMARIZING, 1, 1, 1, 1, true));
        assertThat(recorder.tokens).hasToString(ANSWER);
        assertThat(summary.chunks()).isEqualTo(1);
        assertThat(summary.raw()).isEqualTo(ANSWER);
        assertThat(summary.sections())
                .containsEntry(Section.CHIEF_COMPLAINT, "chest pain")
                .containsEntry(Section.PLAN, "primary PCI");
    }

    @Test
    void a_long_note_is_summarized_piece_by_piece_then_merged_within_the_context() {
        var fake = new FakeStreamingModel(request -> "Plan: part answer " + "word ".repeat(40));
        var recorder = new Recorder();
        NoteSummarizer summarizer = summarizer(fake, 512, 64);
        String note = DemoModel.example("chest-pain-admission");

        Summary summary = summarizer.summarize(note, recorder);

        int pieces = chunker.split(note, summarizer.pieceTokens()).size();
        assertThat(pieces).isGreaterThan(1);
        assertThat(summary.chunks()).isEqualTo(pieces);
        assertThat(fake.requests).hasSize(pieces + 1); // the answers are short enough to merge in one step
        for (int i = 0; i < pieces; i++) {
            assertThat(userText(fake.requests.get(i)))
                    .startsWith("Part " + (i + 1) + " of " + pieces + " of a clinical note:");
        }
        assertThat(userText(fake.requests.getLast())).startsWith("Partial summaries, in the order of the note:");
        assertThat(fake.requests)
                .allSatisfy(request -> assertThat(estimator.estimateTokenCountInMessages(request.messages()) + 64)
                        .as("prompt and answer fit the context")
                        .isLessThanOrEqualTo(512));

        assertThat(recorder.progress).hasSize(pieces + 1);
        assertThat(recorder.progress.getLast())
                .isEqualTo(new Progress(Progress.Phase.MERGING, pieces + 1, pieces + 1, 1, 1, true));
        assertThat(recorder.progress.subList(0, pieces))
                .allSatisfy(p -> assertThat(p.phase()).isEqualTo(Progress.Phase.SUMMARIZING))
                .allSatisfy(p -> assertThat(p.last()).isFalse());
    }

    @Test
    void merges_in_rounds_when_the_answers_do_not_fit_one_merge() {
        // A context of 420 holds about two answers of 64 tokens in a merge: eleven pieces need rounds of merges.
        List<String> merged = new CopyOnWriteArrayList<>();
        var fake = new FakeStreamingModel(request -> {
            String text = userText(request);
            if (text.startsWith("Partial summaries")) {
                merged.add(text);
            }
            return "Plan: " + "word ".repeat(50);
        });
        var recorder = new Recorder();
        NoteSummarizer summarizer = summarizer(fake, 420, 64);
        String note = DemoModel.example("post-op-discharge") + DemoModel.example("paediatric-asthma");

        Summary summary = summarizer.summarize(note, recorder);

        int pieces = summary.chunks();
        int fanIn = summarizer.mergeFanIn();
        int merges = NoteSummarizer.merges(pieces, fanIn);
        assertThat(pieces).isGreaterThan(fanIn * fanIn);
        assertThat(merged).hasSize(merges);
        assertThat(fake.requests).hasSize(pieces + merges);
        assertThat(fake.requests)
                .allSatisfy(request -> assertThat(estimator.estimateTokenCountInMessages(request.messages()) + 64)
                        .isLessThanOrEqualTo(420));
        assertThat(recorder.progress.stream().filter(Progress::last)).hasSize(1);
        assertThat(recorder.progress.getLast().last()).isTrue();
        assertThat(recorder.progress.stream().map(Progress::step)).isSorted().doesNotHaveDuplicates();
        assertThat(recorder.progress.getLast().step()).isEqualTo(pieces + merges);
    }

    @Test
    void counts_merges_a_lone_answer_going_on_to_the_next_round() {
        assertThat(NoteSummarizer.merges(1, 2)).isZero();
        assertThat(NoteSummarizer.merges(2, 2)).isEqualTo(1);
        assertThat(NoteSummarizer.merges(3, 2)).isEqualTo(2); // (1 2) 3 -> (12 3)
        assertThat(NoteSummarizer.merges(5, 2)).isEqualTo(4); // (12)(34)5 -> (1234)5 -> (12345)
        assertThat(NoteSummarizer.merges(9, 4)).isEqualTo(3); // (1234)(5678)9 -> (A B 9)
        assertThat(NoteSummarizer.merges(4, 4)).isEqualTo(1);
    }

    @Test
    void takes_the_disclaimer_out_of_the_answer_and_the_stream() {
        var disclaimer = new Disclaimer("Not medical advice.", Disclaimer.Position.AFTER_ANSWER);
        var fake = new FakeStreamingModel(request -> ANSWER, disclaimer);
        var recorder = new Recorder();

        Summary summary =
                new NoteSummarizer(fake, estimator, chunker, disclaimer, 512, 64).summarize("Chest pain.", recorder);

        assertThat(summary.raw()).isEqualTo(ANSWER);
        assertThat(recorder.tokens).hasToString(ANSWER);
    }

    @Test
    void stops_when_the_listener_cancels() {
        var fake = new FakeStreamingModel(request -> "Plan: " + "word ".repeat(50));
        var recorder = new Recorder() {
            @Override
            public boolean isCancelled() {
                return tokens.length() > 0;
            }
        };

        assertThatThrownBy(() -> summarizer(fake, 512, 64).summarize(DemoModel.example("paediatric-asthma"), recorder))
                .isInstanceOf(CancellationException.class);
        assertThat(fake.cancelled).isTrue();
        assertThat(fake.requests).hasSize(1);
    }

    @Test
    void reports_a_model_failure_as_a_failed_summary() {
        var fake = new FakeStreamingModel(request -> {
            throw new IllegalStateException("the session broke");
        });

        assertThatThrownBy(() -> summarizer(fake, 512, 64).summarize("Chest pain.", SummaryListener.NONE))
                .isInstanceOf(SummaryFailedException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void refuses_a_context_too_small_for_its_answers() {
        var fake = new FakeStreamingModel(request -> ANSWER);

        assertThatThrownBy(() -> summarizer(fake, 256, 64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("med42.generation.max-tokens")
                .hasMessageContaining("med42.model.context-size");
    }

    private static String userText(ChatRequest request) {
        List<String> texts = new ArrayList<>();
        request.messages().stream()
                .filter(UserMessage.class::isInstance)
                .map(m -> ((UserMessage) m).singleText())
                .forEach(texts::add);
        return String.join("\n", texts);
    }
}
