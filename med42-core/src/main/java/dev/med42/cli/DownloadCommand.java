package dev.med42.cli;

import dev.med42.hub.DownloadRequest;
import dev.med42.hub.DownloadedModel;
import dev.med42.hub.HuggingFaceHub;
import dev.med42.hub.ModelDownloader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * {@code med42 download --quant Q4_K_M [--repo REPO] [--revision REV] [--dir DIR] [--join]}: fetches a GGUF
 * model from Hugging Face (or the mirror in {@code HF_ENDPOINT}, with the token in {@code HF_TOKEN}) and
 * prints the path of each file on stdout. Progress goes to stderr. See {@link ModelDownloader} for resuming,
 * verification and locking.
 */
final class DownloadCommand implements Command {
    static final Option QUANT = Option.value(
            "QUANT", "quantization, e.g. Q4_K_M (any case); an unknown one lists those available", "-q", "--quant");
    static final Option REPO =
            Option.value("REPO", "model repository (default " + DownloadRequest.DEFAULT_REPO + ")", "--repo");
    static final Option REVISION = Option.value("REV", "branch, tag or commit (default main)", "--revision");
    static final Option DIR = Option.value("DIR", "where the files go (default: the current directory)", "--dir");
    static final Option JOIN =
            Option.flag("join raw parts (-split-a, -split-b) into one file, then delete the parts", "--join");
    static final Option TOKEN = Option.value(
            "TOKEN",
            "access token for gated repositories (default $HF_TOKEN, which other users cannot see)",
            "--token");

    private final Function<String, String> environment;
    private final BooleanSupplier terminal;

    DownloadCommand() {
        this(System::getenv, ProgressPrinter::stderrIsTerminal);
    }

    /** {@code environment} supplies HF_ENDPOINT and HF_TOKEN; {@code terminal} chooses a bar over lines. */
    DownloadCommand(Function<String, String> environment, BooleanSupplier terminal) {
        this.environment = environment;
        this.terminal = terminal;
    }

    @Override
    public String name() {
        return "download";
    }

    @Override
    public String summary() {
        return "download a GGUF model of Med42 from Hugging Face (uses HF_TOKEN and HF_ENDPOINT)";
    }

    @Override
    public List<Option> options() {
        return List.of(QUANT, REPO, REVISION, DIR, JOIN, TOKEN);
    }

    @Override
    public int run(Arguments args, PrintStream out, PrintStream err) throws Exception {
        if (!args.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + args.positional().getFirst() + "'");
        }
        DownloadRequest request;
        HuggingFaceHub.Builder settings;
        try {
            request = new DownloadRequest(
                    args.string(REPO, DownloadRequest.DEFAULT_REPO),
                    args.string(REVISION, DownloadRequest.DEFAULT_REVISION),
                    args.required(QUANT),
                    Path.of(args.string(DIR, "")),
                    args.has(JOIN));
            settings = HuggingFaceHub.builder().environment(environment);
            args.string(TOKEN).ifPresent(settings::token);
        } catch (IllegalArgumentException e) { // an InvalidPathException too
            throw new UsageException(e.getMessage());
        }
        try (HuggingFaceHub hub = settings.build()) {
            err.println("med42 download: " + request.repo() + " "
                    + request.quantization().toUpperCase(Locale.ROOT)
                    + " at " + request.revision() + " from " + hub.endpoint() + " into "
                    + request.directory().toAbsolutePath().normalize());
            DownloadedModel model;
            try {
                model = new ModelDownloader(hub, new ProgressPrinter(err, terminal.getAsBoolean(), System::nanoTime))
                        .download(request);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            model.files().forEach(out::println);
            if (!model.files().equals(List.of(model.model()))) {
                err.println("med42 download: the loader reads the parts as one model: -m " + model.model());
            }
        }
        return 0;
    }
}
