package dev.med42.samples.summarizer.summary;

import java.util.Map;

/**
 * A finished summary.
 *
 * @param sections the answer read into sections ({@link SummaryParser}); sections with no text are absent
 * @param raw the model's answer as it came, without the disclaimer
 * @param chunks how many pieces the note was summarized in (1 when it fitted the context whole)
 */
public record Summary(Map<Section, String> sections, String raw, int chunks) {
    public Summary {
        sections = Map.copyOf(sections);
    }

    /** The summary of a final answer. */
    public static Summary of(String raw, int chunks) {
        return new Summary(SummaryParser.parse(raw), raw, chunks);
    }
}
