package dev.med42.spring.autoconfigure;

/** Finds a cause in a startup failure, as Spring Boot's failure analyzers do. */
final class Failures {
    private Failures() {}

    /** The first {@code type} in the cause chain of {@code failure}; fails when there is none. */
    static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in the cause chain of " + failure, failure);
    }
}
