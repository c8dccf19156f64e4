package dev.med42.samples.summarizer.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.samples.summarizer.SummarizerProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class NotePolicyTest {
    private final NotePolicy policy = new NotePolicy(
            new SummarizerProperties(DataSize.ofBytes(20), 1, 0, Duration.ofSeconds(30), Duration.ofMinutes(1)));

    @Test
    void accepts_a_note_up_to_the_limit() {
        assertThat(policy.accept("Chest pain, 2 hours.")).isEqualTo("Chest pain, 2 hours.");
    }

    @Test
    void refuses_a_missing_empty_or_blank_note() {
        for (String note : new String[] {null, "", " \n\t "}) {
            assertThatThrownBy(() -> policy.accept(note))
                    .isInstanceOfSatisfying(
                            NoteException.class, e -> assertThat(e.problem()).isEqualTo(NoteException.Problem.EMPTY));
        }
    }

    @Test
    void counts_the_limit_in_utf8_bytes_and_never_quotes_the_note() {
        String note = "Ödem, Übelkeit, Schwäche"; // 24 characters, 27 bytes

        assertThatThrownBy(() -> policy.accept(note))
                .isInstanceOfSatisfying(
                        NoteException.class, e -> assertThat(e.problem()).isEqualTo(NoteException.Problem.TOO_LARGE))
                .hasMessage("The note is 27 bytes; the limit is 20 bytes.");
    }

    @Test
    void reads_an_upload_as_utf8_without_its_byte_order_mark() {
        byte[] upload = "\uFEFFBP 120/80 ✓".getBytes(StandardCharsets.UTF_8);

        assertThat(policy.accept(upload)).isEqualTo("BP 120/80 ✓");
    }

    @Test
    void refuses_an_upload_that_is_not_utf8_text() {
        byte[] latin1 = "Ödem".getBytes(StandardCharsets.ISO_8859_1);
        byte[] withNul = {'a', 0, 'b'};

        for (byte[] upload : new byte[][] {latin1, withNul}) {
            assertThatThrownBy(() -> policy.accept(upload))
                    .isInstanceOfSatisfying(
                            NoteException.class,
                            e -> assertThat(e.problem()).isEqualTo(NoteException.Problem.NOT_TEXT));
        }
    }

    @Test
    void refuses_a_large_upload_before_reading_it() {
        assertThatThrownBy(() -> policy.accept(new byte[21]))
                .isInstanceOfSatisfying(
                        NoteException.class, e -> assertThat(e.problem()).isEqualTo(NoteException.Problem.TOO_LARGE));
    }
}
