package dev.med42.samples.summarizer.web;

import dev.med42.samples.summarizer.SummarizerProperties;
import dev.med42.samples.summarizer.model.ModelInfo;
import dev.med42.samples.summarizer.model.ModelStatus;
import dev.med42.samples.summarizer.note.NoteException;
import dev.med42.samples.summarizer.note.NotePolicy;
import dev.med42.samples.summarizer.summary.NoteSummarizer;
import dev.med42.samples.summarizer.summary.Summary;
import dev.med42.samples.summarizer.summary.SummaryListener;
import dev.med42.spring.autoconfigure.Med42Properties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code POST /api/summaries}: a note in (JSON {@code {"note": "..."}}, or a {@code .txt} file uploaded as the
 * multipart part {@code file}), its summary out as JSON. {@code POST /api/summaries/stream} takes the same and
 * answers with server-sent events (see {@link SseSummaryListener}).
 *
 * <p>Checks come before any work, so that they answer as plain HTTP errors: the note (400, 413, 415), the model
 * (503) and the queue (429).
 */
@RestController
@RequestMapping("/api/summaries")
class SummaryController {
    private final ObjectProvider<NoteSummarizer> summarizer;
    private final NotePolicy notes;
    private final SummaryGate gate;
    private final ModelStatus modelStatus;
    private final String disclaimer;
    private final SummarizerProperties properties;
    private final AsyncTaskExecutor executor;

    SummaryController(
            ObjectProvider<NoteSummarizer> summarizer, // made on first use: it needs the loaded model
            NotePolicy notes,
            SummaryGate gate,
            ModelStatus modelStatus,
            Med42Properties med42,
            SummarizerProperties properties,
            AsyncTaskExecutor executor) {
        this.summarizer = summarizer;
        this.notes = notes;
        this.gate = gate;
        this.modelStatus = modelStatus;
        this.disclaimer = med42.getDisclaimer().getText();
        this.properties = properties;
        this.executor = executor;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    SummaryResponse summarize(@RequestBody NoteRequest request) throws InterruptedException {
        return summarizeNow(notes.accept(request.note()));
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    SummaryResponse summarizeUpload(@RequestParam("file") MultipartFile file) throws InterruptedException {
        return summarizeNow(read(file));
    }

    @PostMapping(
            path = "/stream",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(@RequestBody NoteRequest request) {
        return streamNow(notes.accept(request.note()));
    }

    @PostMapping(
            path = "/stream",
            consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter streamUpload(@RequestParam("file") MultipartFile file) {
        return streamNow(read(file));
    }

    private SummaryResponse summarizeNow(String note) throws InterruptedException {
        modelStatus.requireReady();
        try (SummaryGate.Ticket ticket = gate.admit()) {
            ticket.awaitTurn(SummaryListener.NONE);
            return response(summarizer.getObject().summarize(note, SummaryListener.NONE));
        }
    }

    private SseEmitter streamNow(String note) {
        modelStatus.requireReady();
        SummaryGate.Ticket ticket = gate.admit();
        SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
        SseSummaryListener listener = new SseSummaryListener(emitter);
        try {
            executor.execute(() -> run(ticket, note, listener));
        } catch (RejectedExecutionException e) {
            ticket.close();
            throw new ModelBusyException();
        }
        return emitter;
    }

    private void run(SummaryGate.Ticket ticket, String note, SseSummaryListener listener) {
        try (ticket) {
            ticket.awaitTurn(listener);
            listener.complete(response(summarizer.getObject().summarize(note, listener)));
        } catch (CancellationException e) {
            // The client went away: nobody to tell.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            listener.fail(ApiExceptionHandler.problem(e));
        }
    }

    private SummaryResponse response(Summary summary) {
        ModelInfo model = modelStatus.info().orElse(null);
        return SummaryResponse.of(summary, disclaimer, model);
    }

    /** An uploaded note: a .txt file of plain text. */
    private String read(MultipartFile file) {
        notes.requireSize(file.getSize());
        String name = file.getOriginalFilename() == null ? "" : file.getOriginalFilename();
        String type = file.getContentType() == null ? "" : file.getContentType();
        boolean textType = type.isEmpty()
                || type.startsWith(MediaType.TEXT_PLAIN_VALUE)
                || type.equals(MediaType.APPLICATION_OCTET_STREAM_VALUE); // what some clients send for any file
        if (!name.toLowerCase(Locale.ROOT).endsWith(".txt") || !textType) {
            throw new NoteException(
                    NoteException.Problem.NOT_TEXT, "Only plain-text notes can be uploaded: choose a .txt file.");
        }
        try {
            return notes.accept(file.getBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the upload", e);
        }
    }
}
