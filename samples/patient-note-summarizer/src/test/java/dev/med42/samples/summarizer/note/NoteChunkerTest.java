package dev.med42.samples.summarizer.note;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.model.LlamaModel;
import dev.med42.samples.summarizer.DemoModel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** On the demo model's tokenizer, which is Llama-2's and so Med42's. */
class NoteChunkerTest {
    static LlamaModel model;
    static NoteChunker chunker;

    @BeforeAll
    static void load() {
        model = DemoModel.load();
        chunker = new NoteChunker(model.tokenizer());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void a_note_that_fits_is_one_piece() {
        String note = "Chief complaint: cough for 3 days.\nPlan: review in 1 week.";

        assertThat(chunker.split(note, 100)).containsExactly(note);
    }

    @Test
    void every_piece_fits_and_together_they_are_the_whole_note() {
        String note = DemoModel.example("chest-pain-admission");

        List<String> pieces = chunker.split(note, 200);

        assertThat(pieces).hasSizeGreaterThan(3);
        assertThat(pieces).allSatisfy(piece -> assertThat(chunker.count(piece)).isLessThanOrEqualTo(200));
        assertThat(words(String.join(" ", pieces))).isEqualTo(words(note));
    }

    @Test
    void pieces_end_at_line_breaks_else_at_sentence_ends() {
        String note = DemoModel.example("diabetes-follow-up");

        List<String> pieces = chunker.split(note, 150);

        assertThat(pieces).hasSizeGreaterThan(3);
        int lineBreaks = 0;
        for (String piece : pieces.subList(0, pieces.size() - 1)) {
            int end = note.indexOf(piece) + piece.length();
            boolean atLineBreak = note.startsWith("\n", end);
            assertThat(atLineBreak || piece.endsWith("."))
                    .as("piece ends: ...%s", piece.substring(piece.length() - 20))
                    .isTrue();
            lineBreaks += atLineBreak ? 1 : 0;
        }
        assertThat(lineBreaks).isPositive();
    }

    @Test
    void a_long_line_is_cut_at_the_end_of_a_sentence() {
        String note =
                "Blood pressure was high at the last three visits. ".repeat(20).strip();

        List<String> pieces = chunker.split(note, 50);

        assertThat(pieces)
                .hasSizeGreaterThan(1)
                .allSatisfy(piece -> assertThat(piece).endsWith("."));
    }

    @Test
    void a_piece_never_ends_inside_a_character() {
        // CJK characters and emoji are spelled with byte tokens: a cut between them would break the character.
        String note = "患者は胸痛を訴えている🫀".repeat(40);

        List<String> pieces = chunker.split(note, 17);

        assertThat(pieces)
                .hasSizeGreaterThan(1)
                .allSatisfy(piece -> assertThat(piece).doesNotContain("\uFFFD"));
        assertThat(String.join("", pieces)).isEqualTo(note);
    }

    @Test
    void truncate_keeps_the_start_within_the_limit() {
        String text = "Medications: metformin 1 g twice daily, lisinopril 20 mg once daily.";

        String start = chunker.truncate(text, 8);

        assertThat(chunker.count(start)).isLessThanOrEqualTo(8);
        assertThat(text).startsWith(start);
        assertThat(chunker.truncate(text, 1000)).isEqualTo(text);
    }

    private static List<String> words(String text) {
        return List.of(text.strip().split("\\s+"));
    }
}
