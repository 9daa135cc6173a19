package dev.airlock.scan;

import dev.airlock.core.Redaction;
import dev.airlock.scan.rules.BuiltinRules;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The secret scanner. Thread-safe and reusable: build one per rule set and share it.
 *
 * <pre>{@code
 * Scanner scanner = Scanner.builder().knownSecrets(known).build();   // built-in rules
 * ScanResult result = scanner.scan(bytes, "src/App.java");
 * }</pre>
 */
public final class Scanner {
    private final List<Rule> rules;
    private final KnownSecrets knownSecrets;
    private final ScanLimits limits;
    private final Engine engine;

    private Scanner(Builder b) {
        this.rules = List.copyOf(b.rules);
        this.knownSecrets = b.knownSecrets;
        this.limits = b.limits;
        this.engine = new Engine(rules, knownSecrets, limits, b.inlineSuppression);
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Rule> rules() {
        return rules;
    }

    public ScanLimits limits() {
        return limits;
    }

    /** Which prefilter this JVM runs, {@code vector} or {@code scalar} (see the module README); for diagnostics. */
    public String prefilter() {
        return engine.prefilter instanceof VectorPrefilter ? "vector" : "scalar";
    }

    /** Scans {@code data}; {@code path} (nullable) is reported in findings and checked against path allowlists. */
    public ScanResult scan(byte[] data, String path) {
        return scan(data, data.length, path);
    }

    /** Scans {@code data[0, length)}: for a caller that fills a reused buffer. */
    public ScanResult scan(byte[] data, int length, String path) {
        Objects.checkFromIndexSize(0, length, data.length);
        if (length <= EngineStream.SEGMENT && length <= limits.maxBytes()) {
            // Small enough to be one segment: scanned in place, without copying into the stream's buffer.
            return new EngineStream(engine, path).scanWhole(data, length);
        }
        // Read in place, segment by segment as a stream would be fed: the caller's array is already in memory, and
        // copying it into the stream's buffer would cost a pass over every byte.
        return new EngineStream(engine, path).scanInPlace(data, length);
    }

    /** Scans a stream to its end without holding more than the scan's byte limit. */
    public ScanResult scan(InputStream in, String path) throws IOException {
        try (ScanStream stream = open(path)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                stream.write(buffer, 0, n);
            }
            return stream.finish();
        }
    }

    /** Starts an incremental scan; memory stays bounded however much is written. */
    public ScanStream open(String path) {
        return new EngineStream(engine, path);
    }

    /**
     * The reference path: every rule over the whole input, no decoding, no known secrets. Obviously correct and
     * slow; the fast engine's {@code plain} rule findings must be exactly what this reports (property-tested).
     */
    List<Finding> referenceFindings(byte[] data, String path) {
        Latin1View text = new Latin1View(data);
        List<Finding> findings = new ArrayList<>();
        for (Rule rule : rules) {
            if (rule.path() != null && (path == null || !rule.path().matcher(path).find())) {
                continue;
            }
            if (rule.allowlist().allowsPath(path)) {
                continue;
            }
            RuleMatcher.matchRegion(rule, text, 0, text.length(),
                    m -> findings.add(finding(m.rule().id(), m.confidence(), path, data, m.secretStart(), m.secret())));
        }
        findings.sort(Comparator.comparingLong(Finding::offset).thenComparing(Finding::ruleId));
        return MostSpecificFindingWins.apply(findings);
    }

    static Finding finding(String ruleId, Confidence confidence, String path, byte[] data, int offset, String secret) {
        long line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (data[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new Finding(ruleId, confidence, path, offset, line, offset - lineStart + 1,
                Redaction.redact(secret), Fingerprint.of(ruleId, secret), "plain");
    }

    public static final class Builder {
        private List<Rule> rules = BuiltinRules.all();
        private KnownSecrets knownSecrets = KnownSecrets.NONE;
        private ScanLimits limits = ScanLimits.DEFAULT;
        private boolean inlineSuppression;

        private Builder() {
        }

        /** Replaces the rule set (default: {@link BuiltinRules#all()}). */
        public Builder rules(List<Rule> rules) {
            this.rules = List.copyOf(rules);
            return this;
        }

        public Builder knownSecrets(KnownSecrets knownSecrets) {
            this.knownSecrets = Objects.requireNonNull(knownSecrets);
            return this;
        }

        public Builder limits(ScanLimits limits) {
            this.limits = Objects.requireNonNull(limits);
            return this;
        }

        /**
         * Honour {@code airlock:allow} on a line to suppress findings there. Off by default: only a human-owned
         * source tree may suppress; the egress guard must never let scanned traffic vouch for itself.
         */
        public Builder inlineSuppression(boolean enabled) {
            this.inlineSuppression = enabled;
            return this;
        }

        public Scanner build() {
            return new Scanner(this);
        }
    }
}
