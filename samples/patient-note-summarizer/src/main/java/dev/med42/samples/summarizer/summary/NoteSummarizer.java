package dev.med42.samples.summarizer.summary;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.med42.chat.Disclaimer;
import dev.med42.samples.summarizer.note.NoteChunker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Summarizes a note of any length within the model's context, by map-reduce: the note is cut into pieces that fit
 * with their prompt and answer, each piece is summarized into the sections (map), and the pieces' summaries are
 * merged, as many at a time as fit, until one is left (reduce; several rounds for a very long note). A note that
 * fits whole takes one step.
 *
 * <p>Every answer is at most {@code answerTokens} long, which is what makes the budget hold: a piece gets the
 * context less its prompt and the answer, and a merge takes as many answers as fit in the same room. Thread-safe.
 */
public final class NoteSummarizer {
    /** Tokens kept free in every prompt: text counted on its own can count a few differently inside the prompt. */
    static final int MARGIN = 16;

    private final StreamingChatModel model;
    private final NoteChunker chunker;
    private final Disclaimer disclaimer;
    private final int answerTokens;
    private final int pieceTokens;
    private final int mergeFanIn;

    /**
     * @param estimator counts the prompts' tokens as the model will see them
     * @param disclaimer the disclaimer the model puts into its answers, if any: taken out again, since the page and
     *     the API show it beside the summary
     * @param contextSize tokens per session
     * @param answerTokens the longest answer of any step
     * @throws IllegalArgumentException when the context cannot hold a piece of note or a merge of two answers
     */
    public NoteSummarizer(
            StreamingChatModel model,
            TokenCountEstimator estimator,
            NoteChunker chunker,
            Disclaimer disclaimer,
            int contextSize,
            int answerTokens) {
        this.model = model;
        this.chunker = chunker;
        this.disclaimer = disclaimer;
        this.answerTokens = answerTokens;
        int mapPrompt = estimator.estimateTokenCountInMessages(SummaryPrompts.summarize("", 999, 999));
        this.pieceTokens = contextSize - mapPrompt - answerTokens - MARGIN;
        int mergePrompt = estimator.estimateTokenCountInMessages(SummaryPrompts.merge(List.of()));
        int entryTokens = estimator.estimateTokenCountInText("\n\n" + SummaryPrompts.partialEntry("")) + answerTokens;
        this.mergeFanIn = (contextSize - mergePrompt - answerTokens - MARGIN) / entryTokens;
        if (pieceTokens < answerTokens || mergeFanIn < 2) {
            throw new IllegalArgumentException("a context of " + contextSize + " tokens is too small to summarize in"
                    + " answers of " + answerTokens + " tokens: lower med42.generation.max-tokens or raise"
                    + " med42.model.context-size");
        }
    }

    /** The most tokens of note in one step. */
    public int pieceTokens() {
        return pieceTokens;
    }

    /** How many answers one merge takes. */
    public int mergeFanIn() {
        return mergeFanIn;
    }

    /**
     * Summarizes {@code note}, telling {@code listener} each step and token as it goes.
     *
     * @throws CancellationException when the listener cancelled it
     * @throws SummaryFailedException when the model failed
     */
    public Summary summarize(String note, SummaryListener listener) {
        List<String> pieces = chunker.split(note, pieceTokens);
        if (pieces.isEmpty()) {
            pieces = List.of(note.strip());
        }
        int parts = pieces.size();
        int merges = merges(parts, mergeFanIn);
        int steps = parts + merges;
        int step = 0;
        List<String> partials = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            listener.onProgress(new Progress(Progress.Phase.SUMMARIZING, ++step, steps, i + 1, parts, parts == 1));
            partials.add(answer(SummaryPrompts.summarize(pieces.get(i), i + 1, parts), listener));
        }
        int merge = 0;
        while (partials.size() > 1) {
            boolean lastRound = partials.size() <= mergeFanIn;
            List<String> merged = new ArrayList<>();
            for (int from = 0; from < partials.size(); from += mergeFanIn) {
                List<String> group = partials.subList(from, Math.min(from + mergeFanIn, partials.size()));
                if (group.size() == 1) {
                    merged.add(group.getFirst()); // a lone answer goes on to the next round as it is
                    continue;
                }
                listener.onProgress(new Progress(Progress.Phase.MERGING, ++step, steps, ++merge, merges, lastRound));
                merged.add(answer(SummaryPrompts.merge(clipped(group)), listener));
            }
            partials = merged;
        }
        return Summary.of(partials.getFirst(), parts);
    }

    /** The merges that reduce {@code partials} answers to one, {@code fanIn} at a time. */
    static int merges(int partials, int fanIn) {
        int merges = 0;
        while (partials > 1) {
            merges += partials / fanIn + (partials % fanIn >= 2 ? 1 : 0);
            partials = (partials + fanIn - 1) / fanIn;
        }
        return merges;
    }

    /** The answers, each cut to the answer length: decoded text can count a token or two more than was generated. */
    private List<String> clipped(List<String> answers) {
        return answers.stream()
                .map(answer -> chunker.truncate(answer, answerTokens))
                .toList();
    }

    /** One step: the model's answer to {@code messages}, streamed to the listener, without the disclaimer. */
    private String answer(List<ChatMessage> messages, SummaryListener listener) {
        ChatRequest request = ChatRequest.builder()
                .messages(messages)
                .maxOutputTokens(answerTokens)
                .build();
        CompletableFuture<String> answer = new CompletableFuture<>();
        StreamingChatResponseHandler handler = new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                if (listener.isCancelled()) {
                    context.streamingHandle().cancel();
                    answer.completeExceptionally(new CancellationException("the summary is no longer wanted"));
                } else if (!isDisclaimer(partial.text())) {
                    listener.onToken(partial.text());
                }
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                answer.complete(disclaimer.strip(response.aiMessage().text()));
            }

            @Override
            public void onError(Throwable error) {
                answer.completeExceptionally(error);
            }
        };
        try {
            model.chat(request, handler);
        } catch (RuntimeException e) { // refused before streaming started
            throw new SummaryFailedException(e);
        }
        return await(answer, listener);
    }

    /** Waits for a step, and gives up when the listener cancels while the model reads the prompt (no tokens yet). */
    private static String await(CompletableFuture<String> answer, SummaryListener listener) {
        try {
            while (true) {
                try {
                    return answer.get(1, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    if (listener.isCancelled()) {
                        // The stream stops at its first token, when its handler sees the cancellation.
                        throw new CancellationException("the summary is no longer wanted");
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while summarizing");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CancellationException cancelled) {
                throw cancelled;
            }
            throw new SummaryFailedException(e.getCause());
        }
    }

    /** The disclaimer as the model streams it as a partial response of its own (see med42.disclaimer.position). */
    private boolean isDisclaimer(String text) {
        return !text.isEmpty() && (text.equals(disclaimer.opening()) || text.equals(disclaimer.closing()));
    }
}
