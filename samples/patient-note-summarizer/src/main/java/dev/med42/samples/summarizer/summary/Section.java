package dev.med42.samples.summarizer.summary;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The sections of a summary, in the order a clinician scans them, with the headings that introduce each in the
 * model's answer. {@link #OTHER} holds whatever comes under no known heading.
 */
public enum Section {
    CHIEF_COMPLAINT(
            "chiefComplaint",
            "Chief complaint",
            "presenting complaint",
            "reason for visit",
            "reason for admission",
            "cc"),
    HISTORY(
            "history",
            "History",
            "history of present illness",
            "hpi",
            "past medical history",
            "pmh",
            "medical history",
            "background"),
    MEDICATIONS(
            "medications",
            "Medications",
            "medication",
            "meds",
            "current medications",
            "discharge medications",
            "medications on discharge"),
    ALLERGIES("allergies", "Allergies", "allergy", "drug allergies"),
    ASSESSMENT("assessment", "Assessment", "impression", "diagnosis", "diagnoses", "assessment and plan"),
    PLAN("plan", "Plan", "treatment plan", "management"),
    FOLLOW_UP("followUp", "Follow-up", "follow up", "followup", "disposition"),
    OTHER("other", "Other");

    /** The seven sections the prompts ask for, in order. */
    public static final List<Section> ASKED =
            List.of(CHIEF_COMPLAINT, HISTORY, MEDICATIONS, ALLERGIES, ASSESSMENT, PLAN, FOLLOW_UP);

    private final String key;
    private final String heading;
    private final List<String> names;

    Section(String key, String heading, String... aliases) {
        this.key = key;
        this.heading = heading;
        this.names = Stream.concat(Stream.of(heading.toLowerCase(Locale.ROOT)), Stream.of(aliases))
                .toList();
    }

    /** The JSON key. */
    public String key() {
        return key;
    }

    /** The heading as the prompts write it and the page shows it. */
    public String heading() {
        return heading;
    }

    /** The headings (lower case) that open this section in an answer. */
    public List<String> names() {
        return names;
    }

    /** The section a heading names (ignoring case), if any. */
    static Optional<Section> named(String heading) {
        String name = heading.strip().toLowerCase(Locale.ROOT);
        for (Section section : values()) {
            if (section.names.contains(name)) {
                return Optional.of(section);
            }
        }
        return Optional.empty();
    }
}
