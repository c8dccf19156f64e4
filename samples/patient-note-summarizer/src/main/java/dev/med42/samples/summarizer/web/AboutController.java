package dev.med42.samples.summarizer.web;

import dev.med42.samples.summarizer.model.ModelInfo;
import dev.med42.samples.summarizer.model.ModelStatus;
import dev.med42.samples.summarizer.note.NotePolicy;
import dev.med42.samples.summarizer.summary.Section;
import dev.med42.spring.autoconfigure.Med42Properties;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/about}: what the page shows around the summary: the model, the disclaimer, the limits. */
@RestController
class AboutController {
    private final ModelStatus modelStatus;
    private final NotePolicy notes;
    private final String disclaimer;

    /**
     * @param model the loaded model; null while it is not loaded
     * @param disclaimer the notice shown beside every summary
     * @param maxNoteBytes the largest note accepted, in UTF-8 bytes
     * @param sections the sections of a summary, in order, with the headings that introduce each in an answer
     */
    record About(ModelInfo model, String disclaimer, long maxNoteBytes, List<SectionInfo> sections) {}

    /**
     * @param key the key in a summary's {@code sections}
     * @param heading the heading to show
     * @param names the headings (lower case) that open this section in the model's answer
     */
    record SectionInfo(String key, String heading, List<String> names) {}

    AboutController(ModelStatus modelStatus, NotePolicy notes, Med42Properties med42) {
        this.modelStatus = modelStatus;
        this.notes = notes;
        this.disclaimer = med42.getDisclaimer().getText();
    }

    @GetMapping("/api/about")
    About about() {
        List<SectionInfo> sections = Stream.of(Section.values())
                .map(s -> new SectionInfo(s.key(), s.heading(), s.names()))
                .toList();
        return new About(modelStatus.info().orElse(null), disclaimer, notes.maxBytes(), sections);
    }
}
