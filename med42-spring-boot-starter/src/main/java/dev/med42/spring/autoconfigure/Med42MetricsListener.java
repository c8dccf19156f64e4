package dev.med42.spring.autoconfigure;

import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.output.TokenUsage;
import dev.med42.generate.Timings;
import dev.med42.langchain4j.Med42ChatResponseMetadata;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Micrometer metrics of the Med42 chat models, recorded as a LangChain4j listener:
 *
 * <ul>
 *   <li>{@code med42.requests}: a timer of requests from call to answer (waiting for a session included), tagged
 *       {@code outcome} ({@code success} or {@code error}) and {@code exception} (the exception's simple class name,
 *       or {@code none});
 *   <li>{@code med42.requests.active}: a gauge of requests begun and not yet answered;
 *   <li>{@code med42.tokens.prompt} and {@code med42.tokens.generated}: counters of the tokens of the prompts and of
 *       the answers;
 *   <li>{@code med42.tokens.prompt.rate} and {@code med42.tokens.generated.rate}: distribution summaries of each
 *       request's prompt processing and generation speed, in tokens per second.
 * </ul>
 *
 * <p>Only counts and times are recorded: no prompt or answer text ever goes into a tag or a log.
 */
public class Med42MetricsListener implements ChatModelListener {
    /** Where a request's timer sample waits for its answer, in the request's listener attributes. */
    private static final String SAMPLE = Med42MetricsListener.class.getName() + ".sample";

    private final MeterRegistry registry;
    private final AtomicInteger active = new AtomicInteger();
    private final Counter promptTokens;
    private final Counter generatedTokens;
    private final DistributionSummary promptRate;
    private final DistributionSummary generationRate;

    public Med42MetricsListener(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("med42.requests.active", active, AtomicInteger::get)
                .description("Med42 chat requests begun and not yet answered")
                .register(registry);
        this.promptTokens = Counter.builder("med42.tokens.prompt")
                .baseUnit("tokens")
                .description("Tokens of the prompts Med42 evaluated")
                .register(registry);
        this.generatedTokens = Counter.builder("med42.tokens.generated")
                .baseUnit("tokens")
                .description("Tokens Med42 generated")
                .register(registry);
        this.promptRate = DistributionSummary.builder("med42.tokens.prompt.rate")
                .baseUnit("tokens/s")
                .description("Prompt processing speed of each request")
                .register(registry);
        this.generationRate = DistributionSummary.builder("med42.tokens.generated.rate")
                .baseUnit("tokens/s")
                .description("Generation speed of each request")
                .register(registry);
    }

    @Override
    public void onRequest(ChatModelRequestContext context) {
        context.attributes().put(SAMPLE, Timer.start(registry));
        active.incrementAndGet();
    }

    @Override
    public void onResponse(ChatModelResponseContext context) {
        finish(context.attributes(), "success", "none");
        TokenUsage usage = context.chatResponse().tokenUsage();
        if (usage != null) {
            promptTokens.increment(count(usage.inputTokenCount()));
            generatedTokens.increment(count(usage.outputTokenCount()));
        }
        if (context.chatResponse().metadata() instanceof Med42ChatResponseMetadata metadata
                && metadata.timings() != null) {
            Timings timings = metadata.timings();
            if (timings.promptTokens() > 0 && timings.promptNanos() > 0) {
                promptRate.record(timings.promptTokensPerSecond());
            }
            if (timings.generatedTokens() > 0 && timings.generationNanos() > 0) {
                generationRate.record(timings.generationTokensPerSecond());
            }
        }
    }

    @Override
    public void onError(ChatModelErrorContext context) {
        finish(context.attributes(), "error", context.error().getClass().getSimpleName());
    }

    private void finish(Map<Object, Object> attributes, String outcome, String exception) {
        if (!(attributes.remove(SAMPLE) instanceof Timer.Sample sample)) {
            return; // never began here (refused before the request was sent to the listeners)
        }
        active.decrementAndGet();
        sample.stop(Timer.builder("med42.requests")
                .description("Med42 chat requests, from call to answer")
                .tag("outcome", outcome)
                .tag("exception", exception)
                .register(registry));
    }

    private static double count(Integer tokens) {
        return tokens != null ? tokens : 0;
    }
}
