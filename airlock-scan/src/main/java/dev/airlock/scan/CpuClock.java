package dev.airlock.scan;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/** The current thread's CPU time, for the CPU-time cap of a scan. */
final class CpuClock {
    /** What {@link #now()} returns when this JVM cannot measure thread CPU time. */
    static final long UNREAD = Long.MIN_VALUE;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean SUPPORTED = enable();

    private CpuClock() {
    }

    private static boolean enable() {
        try {
            if (!THREADS.isCurrentThreadCpuTimeSupported()) {
                return false;
            }
            if (!THREADS.isThreadCpuTimeEnabled()) {
                THREADS.setThreadCpuTimeEnabled(true);
            }
            return true;
        } catch (UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** CPU nanoseconds of the current thread, or {@link #UNREAD}. */
    static long now() {
        if (!SUPPORTED) {
            return UNREAD;
        }
        long t = THREADS.getCurrentThreadCpuTime();
        return t < 0 ? UNREAD : t;
    }
}
