package dev.med42.samples.summarizer.summary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

class SummaryParserTest {
    @Test
    void reads_the_headings_the_prompt_asks_for() {
        String answer = """
                Chief complaint: chest pain for 2 hours
                History: hypertension, type 2 diabetes
                Medications:
                - metformin 1 g twice daily
                - lisinopril 20 mg once daily
                Allergies: penicillin (rash)
                Assessment: inferior STEMI
                Plan: primary PCI
                Follow-up: cardiac rehabilitation
                """;

        assertThat(SummaryParser.parse(answer))
                .containsExactly(
                        entry(Section.CHIEF_COMPLAINT, "chest pain for 2 hours"),
                        entry(Section.HISTORY, "hypertension, type 2 diabetes"),
                        entry(Section.MEDICATIONS, "- metformin 1 g twice daily\n- lisinopril 20 mg once daily"),
                        entry(Section.ALLERGIES, "penicillin (rash)"),
                        entry(Section.ASSESSMENT, "inferior STEMI"),
                        entry(Section.PLAN, "primary PCI"),
                        entry(Section.FOLLOW_UP, "cardiac rehabilitation"));
    }

    @Test
    void reads_markdown_numbered_and_synonym_headings_ignoring_case() {
        String answer = """
                ## Presenting complaint
                wheeze
                **HPI:** viral illness for 3 days
                1. Meds: salbutamol
                **Allergies**: peanut
                Impression: acute severe asthma
                TREATMENT PLAN: admit
                * Follow up: asthma clinic in 6 weeks
                """;

        assertThat(SummaryParser.parse(answer))
                .containsEntry(Section.CHIEF_COMPLAINT, "wheeze")
                .containsEntry(Section.HISTORY, "viral illness for 3 days")
                .containsEntry(Section.MEDICATIONS, "salbutamol")
                .containsEntry(Section.ALLERGIES, "peanut")
                .containsEntry(Section.ASSESSMENT, "acute severe asthma")
                .containsEntry(Section.PLAN, "admit")
                .containsEntry(Section.FOLLOW_UP, "asthma clinic in 6 weeks");
    }

    @Test
    void keeps_text_under_no_known_heading() {
        String answer = """
                Here is the summary.
                Plan: start metformin
                Note: the patient asked about driving
                """;

        assertThat(SummaryParser.parse(answer))
                .containsEntry(Section.OTHER, "Here is the summary.")
                .containsEntry(Section.PLAN, "start metformin\nNote: the patient asked about driving");
    }

    @Test
    void a_sentence_that_starts_like_a_heading_is_not_one() {
        assertThat(SummaryParser.parse("Plan to review the medications tomorrow."))
                .containsOnly(entry(Section.OTHER, "Plan to review the medications tomorrow."));
    }

    @Test
    void an_answer_in_no_expected_shape_is_kept_whole() {
        String gibberish = "ttemberg七 t }); Copy droiba dro∘ weiter\nnerbrités fixesPol Sr";

        assertThat(SummaryParser.parse(gibberish)).containsOnly(entry(Section.OTHER, gibberish));
        assertThat(SummaryParser.parse("")).isEmpty();
    }

    @Test
    void a_heading_that_comes_twice_collects_both() {
        assertThat(SummaryParser.parse("Plan: admit\nAllergies: none\nPlan: oxygen"))
                .containsEntry(Section.PLAN, "admit\noxygen");
    }
}
