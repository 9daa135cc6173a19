package dev.airlock.scan;

import java.time.Duration;

/**
 * Hard bounds on one scan. Reaching any of them ends the scan as {@link ScanResult.Incomplete}, never as clean.
 *
 * <p>CPU time is that of the threads that run the scan (each {@link ScanStream#write} and
 * {@link ScanStream#finish} counts the CPU its own thread spends in the scanner), read from
 * {@code ThreadMXBean#getCurrentThreadCpuTime}. Reading that clock costs microseconds, so both clocks are read at
 * checkpoints about every {@value EngineStream#CHECK_EVERY} units of work (a byte examined, a byte decoded, or a
 * byte RE2 runs over, which weighs more): a scan overshoots a cap by at most one such interval, about a
 * millisecond. A JVM without thread CPU time measurement gets the wall-clock bound only.
 *
 * @param maxBytes        bytes of input examined before giving up
 * @param maxTime         wall-clock time per scan, from opening the stream: the outer bound, which also covers a
 *                        scanning thread starved by others
 * @param maxCpuTime      CPU time spent scanning, summed over the calls into the scan
 * @param maxDecodeDepth  how many nested encodings (JSON string → base64 → gzip …) are unwrapped
 * @param maxDecodedBytes total bytes produced by decoding, across all layers
 */
public record ScanLimits(long maxBytes, Duration maxTime, Duration maxCpuTime, int maxDecodeDepth,
                         long maxDecodedBytes) {
    public static final ScanLimits DEFAULT = new ScanLimits(256L << 20, Duration.ofSeconds(30), Duration.ofSeconds(10),
            4, 64L << 20);

    public ScanLimits {
        if (maxBytes <= 0 || maxDecodedBytes < 0 || maxDecodeDepth < 0) {
            throw new IllegalArgumentException("scan limits must be positive");
        }
        if (maxTime == null || maxTime.isNegative() || maxTime.isZero()) {
            throw new IllegalArgumentException("scan time limit must be positive");
        }
        if (maxCpuTime == null || maxCpuTime.isNegative() || maxCpuTime.isZero()) {
            throw new IllegalArgumentException("scan CPU time limit must be positive");
        }
    }

    /** Limits whose CPU-time cap equals the wall-clock one (CPU time of one thread never exceeds its wall time). */
    public ScanLimits(long maxBytes, Duration maxTime, int maxDecodeDepth, long maxDecodedBytes) {
        this(maxBytes, maxTime, maxTime, maxDecodeDepth, maxDecodedBytes);
    }

    public ScanLimits withMaxBytes(long bytes) {
        return new ScanLimits(bytes, maxTime, maxCpuTime, maxDecodeDepth, maxDecodedBytes);
    }

    public ScanLimits withMaxTime(Duration time) {
        return new ScanLimits(maxBytes, time, maxCpuTime, maxDecodeDepth, maxDecodedBytes);
    }

    public ScanLimits withMaxCpuTime(Duration cpuTime) {
        return new ScanLimits(maxBytes, maxTime, cpuTime, maxDecodeDepth, maxDecodedBytes);
    }
}
