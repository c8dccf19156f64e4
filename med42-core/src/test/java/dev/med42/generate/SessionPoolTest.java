package dev.med42.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.model.KVCacheType;
import dev.med42.model.LlamaModel;
import dev.med42.model.LlamaSession;
import dev.med42.testing.TestData;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SessionPoolTest {
    private static LlamaModel model;

    @BeforeAll
    static void load() throws Exception {
        model = LlamaModel.load(TestData.modelFile("stories260K"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static SessionPool pool(int maxSessions) {
        return new SessionPool(model, maxSessions, 64, KVCacheType.F32);
    }

    /** A session that holds {@code tokens}, given back to the pool. */
    private static LlamaSession cached(SessionPool pool, int... tokens) throws InterruptedException {
        try (SessionPool.Lease lease = pool.acquire(tokens)) {
            lease.session().reset();
            lease.session().evaluate(tokens);
            return lease.session();
        }
    }

    @Test
    void makes_sessions_only_when_they_are_first_needed() throws Exception {
        try (SessionPool pool = pool(2)) {
            assertThat(pool.sessions()).isZero();

            try (SessionPool.Lease lease = pool.acquire(new int[] {1, 5})) {
                assertThat(lease.session().contextSize()).isEqualTo(64);
                assertThat(pool.sessions()).isEqualTo(1);
            }
        }
    }

    @Test
    void lends_the_free_session_whose_cache_shares_the_longest_prefix() throws Exception {
        try (SessionPool pool = pool(2)) {
            SessionPool.Lease a = pool.acquire(new int[] {1});
            SessionPool.Lease b = pool.acquire(new int[] {1}); // both busy: a second session
            a.session().evaluate(new int[] {1, 5, 6, 7});
            b.session().evaluate(new int[] {1, 8, 9});
            LlamaSession first = a.session();
            LlamaSession second = b.session();
            a.close();
            b.close();

            try (SessionPool.Lease lease = pool.acquire(new int[] {1, 8, 9, 10})) {
                assertThat(lease.session()).isSameAs(second);
            }
            try (SessionPool.Lease lease = pool.acquire(new int[] {1, 5, 6, 7, 3})) {
                assertThat(lease.session()).isSameAs(first);
            }
            assertThat(pool.sessions()).isEqualTo(2);
        }
    }

    @Test
    void makes_a_new_session_rather_than_discard_a_cache_while_below_the_limit() throws Exception {
        try (SessionPool pool = pool(2)) {
            LlamaSession conversation = cached(pool, 1, 5, 6);

            try (SessionPool.Lease lease = pool.acquire(new int[] {1, 9})) {
                assertThat(lease.session()).isNotSameAs(conversation);
                assertThat(pool.sessions()).isEqualTo(2);
            }
            assertThat(conversation.tokens()).containsExactly(1, 5, 6);
        }
    }

    @Test
    void reuses_a_session_when_its_cache_can_be_extended() throws Exception {
        try (SessionPool pool = pool(2)) {
            LlamaSession conversation = cached(pool, 1, 5, 6);

            try (SessionPool.Lease lease = pool.acquire(new int[] {1, 5, 6, 7})) {
                assertThat(lease.session()).isSameAs(conversation);
                assertThat(pool.sessions()).isEqualTo(1);
            }
        }
    }

    @Test
    void overwrites_the_best_free_session_once_the_pool_is_full() throws Exception {
        try (SessionPool pool = pool(1)) {
            LlamaSession only = cached(pool, 1, 5, 6);

            try (SessionPool.Lease lease = pool.acquire(new int[] {1, 9})) {
                assertThat(lease.session()).isSameAs(only);
            }
        }
    }

    @Test
    void a_caller_waits_while_every_session_is_busy() throws Exception {
        try (SessionPool pool = pool(1)) {
            SessionPool.Lease held = pool.acquire(new int[] {1});
            LlamaSession session = held.session();

            CompletableFuture<LlamaSession> waiter = CompletableFuture.supplyAsync(() -> {
                try (SessionPool.Lease lease = pool.acquire(new int[] {1})) {
                    return lease.session();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(200);
            assertThat(waiter).isNotDone();
            assertThat(pool.sessions()).isEqualTo(1);

            held.close();
            assertThat(waiter.get(10, TimeUnit.SECONDS)).isSameAs(session);
        }
    }

    @Test
    void an_interrupted_caller_stops_waiting() throws Exception {
        try (SessionPool pool = pool(1);
                SessionPool.Lease held = pool.acquire(new int[] {1})) {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    pool.acquire(new int[] {1}).close();
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            });
            Thread.sleep(200);

            waiter.interrupt();

            assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
            assertThat(held.session()).isNotNull();
        }
    }

    @Test
    void closing_the_pool_fails_waiting_and_later_callers_and_closes_lent_sessions_on_return() throws Exception {
        SessionPool pool = pool(1);
        SessionPool.Lease held = pool.acquire(new int[] {1});
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
            try {
                pool.acquire(new int[] {1});
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);

        pool.close();

        assertThatThrownBy(() -> waiter.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatIllegalStateException().isThrownBy(() -> pool.acquire(new int[] {1}));
        held.close();
        assertThat(pool.sessions()).isZero();
    }

    @Test
    void a_lease_gives_its_session_back_once() throws Exception {
        try (SessionPool pool = pool(2)) {
            SessionPool.Lease lease = pool.acquire(new int[] {1});
            lease.close();
            lease.close();

            assertThatIllegalStateException().isThrownBy(lease::session);
            try (SessionPool.Lease first = pool.acquire(new int[] {1});
                    SessionPool.Lease second = pool.acquire(new int[] {1})) {
                assertThat(first.session()).isNotSameAs(second.session());
                assertThat(pool.sessions()).isEqualTo(2);
            }
        }
    }

    @Test
    void rejects_sizes_that_make_no_pool() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SessionPool(model, 0, 64, KVCacheType.F32))
                .withMessageContaining("maxSessions");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SessionPool(model, 1, 0, KVCacheType.F32))
                .withMessageContaining("contextSize");
    }
}
