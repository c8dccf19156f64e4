package dev.med42.cli;

import java.lang.management.ManagementFactory;

/** The machine's physical memory, from the JDK's management beans. */
final class PhysicalMemory {
    private PhysicalMemory() {}

    /** The total physical memory in bytes, or {@link Long#MAX_VALUE} when the JVM cannot tell. */
    static long bytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Long.MAX_VALUE;
    }
}
