package dev.med42.hub;

import dev.med42.hub.DownloadException.Reason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the GGUF file(s) of one quantization among a repository's files, by name as llama.cpp's tools and
 * TheBloke's repositories write them:
 *
 * <ul>
 *   <li>one file {@code med42-70b.Q4_K_M.gguf} (also {@code model-q4_k_m.gguf}, {@code model-F16.gguf});
 *   <li>raw parts {@code med42-70b.Q6_K.gguf-split-a}, {@code -split-b}, … of one file too large for the
 *       hub, in letter order;
 *   <li>gguf-split shards {@code model-Q4_K_M-00001-of-00003.gguf}, …, in index order.
 * </ul>
 *
 * The quantization is the last {@code .} or {@code -} separated word of the name without those suffixes, when it
 * looks like one ({@code Q4_K_M}, {@code IQ2_XXS}, {@code Q8_0}, {@code F16}, {@code BF16}); it is compared
 * ignoring case and reported in upper case.
 */
public final class QuantSelector {
    private static final Pattern RAW_PART = Pattern.compile("(.+\\.gguf)-split-([a-z])");
    private static final Pattern SHARD = Pattern.compile("(.+)-(\\d{5})-of-(\\d{5})\\.gguf");
    private static final Pattern SINGLE = Pattern.compile("(.+)\\.gguf");
    private static final Pattern QUANT = Pattern.compile("(?i)I?Q\\d+(?:_[A-Z0-9]+)*|B?F16|F32");

    private QuantSelector() {}

    /** How the selected model is stored. */
    public enum Layout {
        SINGLE_FILE,
        /** Raw parts of one GGUF file; the loader reads them as one, or {@code --join} joins them. */
        RAW_PARTS,
        /** gguf-split shards, each a GGUF file; the loader opens the first and finds the others. */
        SHARDS
    }

    /**
     * The files of one quantization, in order.
     *
     * @param modelPath the path to open in the repository's layout: the file itself, the stem {@code X.gguf}
     *     of raw parts (which is also the name of the file they join into), or the first shard
     */
    public record Selection(String quantization, Layout layout, String modelPath, List<RepoFile> files) {
        public Selection {
            files = List.copyOf(files);
        }
    }

    /** What a file name says: the model it belongs to, how it is stored, the quantization, the part's place. */
    private record Name(String modelPath, Layout layout, String quantization, int index, int count) {}

    /** The quantization of a GGUF file, part or shard, in upper case; empty for other files. */
    public static Optional<String> quantizationOf(String fileName) {
        return parse(fileName).map(Name::quantization);
    }

    /** Every quantization the files offer, sorted. */
    public static SortedSet<String> available(List<RepoFile> files) {
        var result = new TreeSet<String>();
        files.forEach(f -> quantizationOf(f.path()).ifPresent(result::add));
        return result;
    }

    /**
     * The files of {@code quantization} (any case).
     *
     * @param repo and {@code revision} only name the repository in messages
     * @throws DownloadException {@link Reason#QUANTIZATION_NOT_FOUND} listing the available ones, {@link
     *     Reason#QUANTIZATION_AMBIGUOUS} when several models have it, {@link Reason#BAD_RESPONSE} when parts
     *     or shards are missing from the listing
     */
    public static Selection select(List<RepoFile> files, String quantization, String repo, String revision)
            throws DownloadException {
        String wanted = quantization.strip().toUpperCase(Locale.ROOT);
        Map<String, List<Map.Entry<Name, RepoFile>>> byModel = new LinkedHashMap<>();
        for (RepoFile file : files) {
            parse(file.path())
                    .filter(name -> name.quantization().equals(wanted))
                    .ifPresent(name -> byModel.computeIfAbsent(
                                    name.layout() + " " + name.modelPath(), k -> new ArrayList<>())
                            .add(Map.entry(name, file)));
        }
        if (byModel.isEmpty()) {
            SortedSet<String> available = available(files);
            throw new DownloadException(
                    Reason.QUANTIZATION_NOT_FOUND,
                    repo + " has no " + wanted + " GGUF file at revision " + revision + "; "
                            + (available.isEmpty()
                                    ? "it has no GGUF files at all"
                                    : "available: " + String.join(", ", available)));
        }
        if (byModel.size() > 1) {
            throw new DownloadException(
                    Reason.QUANTIZATION_AMBIGUOUS,
                    "several models of " + repo + " are " + wanted + ": "
                            + byModel.values().stream()
                                    .map(parts -> parts.getFirst().getKey().modelPath())
                                    .toList());
        }
        List<Map.Entry<Name, RepoFile>> parts =
                new ArrayList<>(byModel.values().iterator().next());
        parts.sort(Comparator.comparingInt(e -> e.getKey().index()));
        Name first = parts.getFirst().getKey();
        checkComplete(parts, repo);
        return new Selection(
                wanted,
                first.layout(),
                first.layout() == Layout.SHARDS ? parts.getFirst().getValue().path() : first.modelPath(),
                parts.stream().map(Map.Entry::getValue).toList());
    }

    /** Parts a, b, c… or shards 1…N, each once, none missing. */
    private static void checkComplete(List<Map.Entry<Name, RepoFile>> parts, String repo) throws DownloadException {
        Name first = parts.getFirst().getKey();
        for (int i = 0; i < parts.size(); i++) {
            Name name = parts.get(i).getKey();
            if (name.index() != i + (first.layout() == Layout.SHARDS ? 1 : 0) || name.count() != first.count()) {
                throw incomplete(parts, repo);
            }
        }
        if (first.layout() == Layout.SHARDS && parts.size() != first.count()) {
            throw incomplete(parts, repo);
        }
    }

    private static DownloadException incomplete(List<Map.Entry<Name, RepoFile>> parts, String repo) {
        return new DownloadException(
                Reason.BAD_RESPONSE,
                repo + " lists an incomplete set of parts of "
                        + parts.getFirst().getKey().modelPath() + ": "
                        + parts.stream().map(e -> e.getValue().name()).toList());
    }

    private static Optional<Name> parse(String path) {
        int slash = path.lastIndexOf('/');
        String folder = path.substring(0, slash + 1);
        String fileName = path.substring(slash + 1);
        Matcher m;
        if ((m = RAW_PART.matcher(fileName)).matches()) {
            return name(
                    folder + m.group(1),
                    Layout.RAW_PARTS,
                    stem(m.group(1)),
                    m.group(2).charAt(0) - 'a',
                    0);
        }
        if ((m = SHARD.matcher(fileName)).matches()) {
            return name(
                    folder + m.group(1),
                    Layout.SHARDS,
                    m.group(1),
                    Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)));
        }
        if ((m = SINGLE.matcher(fileName)).matches()) {
            return name(folder + fileName, Layout.SINGLE_FILE, m.group(1), 0, 0);
        }
        return Optional.empty();
    }

    private static String stem(String ggufName) {
        return ggufName.substring(0, ggufName.length() - ".gguf".length());
    }

    private static Optional<Name> name(String modelPath, Layout layout, String base, int index, int count) {
        String word = base.substring(Math.max(base.lastIndexOf('.'), base.lastIndexOf('-')) + 1);
        return QUANT.matcher(word).matches()
                ? Optional.of(new Name(modelPath, layout, word.toUpperCase(Locale.ROOT), index, count))
                : Optional.empty();
    }
}
