package dev.med42.hub;

import java.io.IOException;

/** {@link FakeHub} for tests outside this package (the CLI's). */
public final class FakeHubAccess implements AutoCloseable {
    private final FakeHub hub = new FakeHub();

    public FakeHubAccess() throws IOException {}

    public void add(String repo, String path, byte[] content) {
        hub.add(repo, path, content);
    }

    /** Makes {@code repo} want {@link #token()}. */
    public void gate(String repo) {
        hub.gated.add(repo);
    }

    public String endpoint() {
        return hub.endpoint().toString();
    }

    public String token() {
        return FakeHub.TOKEN;
    }

    public String commit() {
        return FakeHub.COMMIT;
    }

    @Override
    public void close() {
        hub.close();
    }
}
