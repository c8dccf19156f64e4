package dev.med42.quant;

import java.lang.System.Logger.Level;

/**
 * Decides once whether the Vector API kernels run. The incubator module must be added to the JVM ({@code
 * --add-modules jdk.incubator.vector}); without it everything runs on the scalar kernels and one warning is logged.
 * {@code -Dmed42.kernels=scalar} chooses the scalar kernels on purpose (tests, benchmarks).
 */
final class VectorSupport {
    static final String PROPERTY = "med42.kernels";
    static final boolean ENABLED = detect();

    private VectorSupport() {}

    private static boolean detect() {
        if ("scalar".equals(System.getProperty(PROPERTY))) {
            return false;
        }
        System.Logger log = System.getLogger(Kernels.class.getName());
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            log.log(
                    Level.WARNING,
                    "The Vector API is not available: start the JVM with --add-modules jdk.incubator.vector."
                            + " Falling back to the scalar kernels, which are more than ten times slower.");
            return false;
        }
        if (!VectorKernels.hardwareSupported()) {
            log.log(Level.WARNING, "This CPU has no 256-bit vectors; falling back to scalar kernels.");
            return false;
        }
        return true;
    }
}
