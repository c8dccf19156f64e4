package dev.med42.samples.summarizer.summary;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the model's answer into sections. A line that starts with a known heading ("Plan:", "**Allergies**",
 * "## Follow-up", "3. Medications: none") opens that section, and the rest of the line belongs to it; every other
 * line goes to the section opened last, or to {@link Section#OTHER} before any heading. Nothing is dropped, so an
 * answer in no expected shape (a small demo model's, for one) is still shown whole. The page has the same rules in
 * JavaScript for the text as it streams in; this parse is the one the final summary shows.
 */
public final class SummaryParser {
    // Decoration around a heading: list markers, numbering, Markdown emphasis and header marks.
    private static final Pattern HEADING = Pattern.compile(
            "^[\\s#>*_\\-•]*(?:\\d{1,2}[.)]\\s*)?[*_]*([A-Za-z][A-Za-z \\-]{1,40}?)[*_]*\\s*(?::\\s*[*_]*|$)(.*)$");

    private SummaryParser() {}

    /** The sections of {@code answer}, trimmed, in {@link Section} order; sections with no text are left out. */
    public static Map<Section, String> parse(String answer) {
        Map<Section, StringBuilder> text = new EnumMap<>(Section.class);
        Section current = Section.OTHER;
        for (String line : answer.split("\\R", -1)) {
            Optional<Heading> heading = heading(line);
            String content = line;
            if (heading.isPresent()) {
                current = heading.get().section();
                content = heading.get().rest();
            }
            text.computeIfAbsent(current, s -> new StringBuilder())
                    .append(content)
                    .append('\n');
        }
        Map<Section, String> sections = new EnumMap<>(Section.class);
        text.forEach((section, lines) -> {
            String value = lines.toString().strip();
            if (!value.isEmpty()) {
                sections.put(section, value);
            }
        });
        return sections;
    }

    private record Heading(Section section, String rest) {}

    private static Optional<Heading> heading(String line) {
        Matcher m = HEADING.matcher(line);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Section.named(m.group(1))
                .map(section -> new Heading(section, m.group(2).strip()));
    }
}
