package dev.airlock.scan;

import java.time.Duration;

/**
 * Hard bounds on one scan. Reaching any of them ends the scan as {@link ScanResult.Incomplete}, never as clean.
 *
 * @param maxBytes       bytes of input examined before giving up
 * @param maxTime        wall-clock time per scan
 * @param maxDecodeDepth how many nested encodings (JSON string → base64 → gzip …) are unwrapped
 * @param maxDecodedBytes total bytes produced by decoding, across all layers
 */
public record ScanLimits(long maxBytes, Duration maxTime, int maxDecodeDepth, long maxDecodedBytes) {
    public static final ScanLimits DEFAULT = new ScanLimits(256L << 20, Duration.ofSeconds(30), 4, 64L << 20);

    public ScanLimits {
        if (maxBytes <= 0 || maxDecodedBytes < 0 || maxDecodeDepth < 0) {
            throw new IllegalArgumentException("scan limits must be positive");
        }
        if (maxTime == null || maxTime.isNegative() || maxTime.isZero()) {
            throw new IllegalArgumentException("scan time limit must be positive");
        }
    }

    public ScanLimits withMaxBytes(long bytes) {
        return new ScanLimits(bytes, maxTime, maxDecodeDepth, maxDecodedBytes);
    }

    public ScanLimits withMaxTime(Duration time) {
        return new ScanLimits(maxBytes, time, maxDecodeDepth, maxDecodedBytes);
    }
}
