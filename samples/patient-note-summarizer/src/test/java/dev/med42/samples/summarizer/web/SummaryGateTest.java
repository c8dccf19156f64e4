package dev.med42.samples.summarizer.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.samples.summarizer.SummarizerProperties;
import dev.med42.samples.summarizer.summary.Progress;
import dev.med42.samples.summarizer.summary.SummaryListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class SummaryGateTest {
    private final SummaryGate gate = new SummaryGate(
            new SummarizerProperties(DataSize.ofKilobytes(100), 1, 2, Duration.ofSeconds(30), Duration.ofMinutes(1)));

    @Test
    void admits_the_running_and_the_queued_then_refuses() {
        gate.admit();
        gate.admit();
        gate.admit();

        assertThatThrownBy(gate::admit).isInstanceOf(ModelBusyException.class);
    }

    @Test
    void a_closed_ticket_frees_its_place_once() {
        SummaryGate.Ticket first = gate.admit();
        gate.admit();
        gate.admit();

        first.close();
        first.close();

        gate.admit();
        assertThatThrownBy(gate::admit).isInstanceOf(ModelBusyException.class);
    }

    @Test
    void a_ticket_waits_its_turn_and_says_so() throws Exception {
        SummaryGate.Ticket running = gate.admit();
        running.awaitTurn(SummaryListener.NONE);
        List<Progress> told = new CopyOnWriteArrayList<>();
        SummaryGate.Ticket queued = gate.admit();

        CompletableFuture<Void> turn = CompletableFuture.runAsync(() -> {
            try {
                queued.awaitTurn(new SummaryListener() {
                    @Override
                    public void onProgress(Progress progress) {
                        told.add(progress);
                    }
                });
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        Thread.sleep(200);
        assertThat(turn).isNotDone();
        running.close();
        turn.get(5, TimeUnit.SECONDS);
        assertThat(told).containsExactly(Progress.queued());
    }

    @Test
    void a_queued_ticket_gives_up_when_its_listener_cancels() throws Exception {
        gate.admit().awaitTurn(SummaryListener.NONE);
        SummaryGate.Ticket queued = gate.admit();

        assertThatThrownBy(() -> queued.awaitTurn(new SummaryListener() {
                    @Override
                    public boolean isCancelled() {
                        return true;
                    }
                }))
                .isInstanceOf(CancellationException.class);
    }
}
