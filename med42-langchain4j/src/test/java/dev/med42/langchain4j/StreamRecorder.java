package dev.med42.langchain4j;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Records everything a stream delivers, and on which threads. */
class StreamRecorder implements StreamingChatResponseHandler {
    final List<String> partials = new CopyOnWriteArrayList<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final AtomicInteger completions = new AtomicInteger();
    final Set<Thread> threads = new CopyOnWriteArraySet<>();
    final CompletableFuture<ChatResponse> response = new CompletableFuture<>();
    final CompletableFuture<Throwable> error = new CompletableFuture<>();

    @Override
    public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
        threads.add(Thread.currentThread());
        partials.add(partial.text());
    }

    @Override
    public void onCompleteResponse(ChatResponse completeResponse) {
        threads.add(Thread.currentThread());
        completions.incrementAndGet();
        response.complete(completeResponse);
    }

    @Override
    public void onError(Throwable e) {
        threads.add(Thread.currentThread());
        errors.add(e);
        error.complete(e);
    }

    ChatResponse get() throws Exception {
        return response.get(60, TimeUnit.SECONDS);
    }
}
