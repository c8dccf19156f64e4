package dev.med42.samples.summarizer.summary;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.List;

/**
 * The prompts of both steps. They are short on purpose: every token they take is a token less for the note, and the
 * demo model has a context of 512. They ask for the headings that {@link SummaryParser} reads.
 */
final class SummaryPrompts {
    /** The map step: one piece of a note to a summary in sections. */
    static final String SUMMARIZE = """
            You summarize clinical notes for a busy clinician. Use only facts stated in the note; never invent \
            any. Answer with these headings, each on its own line, in this order:
            Chief complaint:
            History:
            Medications:
            Allergies:
            Assessment:
            Plan:
            Follow-up:
            Under each, give short facts with doses and dates as written. Write "Not documented" when the note \
            says nothing.""";

    /** The reduce step: summaries of consecutive pieces to one summary in the same sections. */
    static final String MERGE = """
            You merge partial summaries of one clinical note into a single summary for a busy clinician. Keep every \
            medication, allergy, result and plan item; drop repeats; never invent facts. Answer with the same \
            headings, each on its own line, in this order:
            Chief complaint:
            History:
            Medications:
            Allergies:
            Assessment:
            Plan:
            Follow-up:""";

    private SummaryPrompts() {}

    /** The request text for one piece: which piece it is, then the piece. */
    static List<ChatMessage> summarize(String piece, int part, int parts) {
        String header = parts == 1 ? "Clinical note:" : "Part " + part + " of " + parts + " of a clinical note:";
        return List.of(SystemMessage.from(SUMMARIZE), UserMessage.from(header + "\n\n" + piece));
    }

    /** The request text for a merge of consecutive partial summaries. */
    static List<ChatMessage> merge(List<String> partials) {
        StringBuilder text = new StringBuilder("Partial summaries, in the order of the note:");
        for (String partial : partials) {
            text.append("\n\n").append(partialEntry(partial));
        }
        return List.of(SystemMessage.from(MERGE), UserMessage.from(text.toString()));
    }

    /** How one partial summary appears in a merge request. */
    static String partialEntry(String partial) {
        return "---\n" + partial;
    }
}
