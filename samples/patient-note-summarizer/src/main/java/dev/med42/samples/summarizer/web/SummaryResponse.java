package dev.med42.samples.summarizer.web;

import dev.med42.samples.summarizer.model.ModelInfo;
import dev.med42.samples.summarizer.summary.Section;
import dev.med42.samples.summarizer.summary.Summary;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A summary as the API returns it.
 *
 * @param sections every section by its key ({@code chiefComplaint}, {@code history}, {@code medications},
 *     {@code allergies}, {@code assessment}, {@code plan}, {@code followUp}, {@code other}), in that order; "" for
 *     one the answer has no text for
 * @param raw the model's answer as it came
 * @param disclaimer the notice that goes with every summary
 * @param model the model that wrote it
 * @param chunks how many pieces the note was summarized in
 */
public record SummaryResponse(
        Map<String, String> sections, String raw, String disclaimer, ModelInfo model, int chunks) {

    static SummaryResponse of(Summary summary, String disclaimer, ModelInfo model) {
        Map<String, String> sections = new LinkedHashMap<>();
        for (Section section : Section.values()) {
            sections.put(section.key(), summary.sections().getOrDefault(section, ""));
        }
        return new SummaryResponse(sections, summary.raw(), disclaimer, model, summary.chunks());
    }

    @Override
    public String toString() {
        return "SummaryResponse[chunks=" + chunks + "]"; // never the text
    }
}
