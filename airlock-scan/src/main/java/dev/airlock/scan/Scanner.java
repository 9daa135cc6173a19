package dev.airlock.scan;

import dev.airlock.core.Redaction;
import dev.airlock.scan.rules.BuiltinRules;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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

    private Scanner(Builder b) {
        this.rules = List.copyOf(b.rules);
        this.knownSecrets = b.knownSecrets;
        this.limits = b.limits;
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

    /** Scans {@code data}; {@code path} (nullable) is reported in findings and checked against path allowlists. */
    public ScanResult scan(byte[] data, String path) {
        try (ScanStream stream = open(path)) {
            stream.write(data, 0, data.length);
            return stream.finish();
        }
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

    /** Starts an incremental scan. */
    public ScanStream open(String path) {
        return new BufferingStream(path);
    }

    /**
     * The reference path: every rule over the whole input. Obviously correct and slow; the fast engine must
     * report exactly what this reports.
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
        for (Map.Entry<String, String> known : knownSecrets.values().entrySet()) {
            String haystack = text.toString();
            String needle = new String(known.getValue().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            for (int at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
                findings.add(finding("known-secret:" + known.getKey(), Confidence.CERTAIN, path, data, at, needle));
            }
        }
        findings.sort(Comparator.comparingLong(Finding::offset).thenComparing(Finding::ruleId));
        return findings;
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

    /** Placeholder stream: buffers up to the byte limit and runs the reference path. */
    private final class BufferingStream implements ScanStream {
        private final String path;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private boolean truncated;
        private boolean finished;

        BufferingStream(String path) {
            this.path = path;
        }

        @Override
        public void write(byte[] chunk, int offset, int length) {
            Objects.checkFromIndexSize(offset, length, chunk.length);
            long room = limits.maxBytes() - buffer.size();
            if (length > room) {
                truncated = true;
                length = (int) Math.max(0, room);
            }
            buffer.write(chunk, offset, length);
        }

        @Override
        public ScanResult finish() {
            if (finished) {
                throw new IllegalStateException("finish() called twice");
            }
            finished = true;
            List<Finding> findings = referenceFindings(buffer.toByteArray(), path);
            return truncated
                    ? new ScanResult.Incomplete(findings, "input exceeds the scan limit of " + limits.maxBytes() + " bytes")
                    : new ScanResult.Complete(findings);
        }

        @Override
        public void close() {
            buffer.reset();
        }
    }

    public static final class Builder {
        private List<Rule> rules = BuiltinRules.all();
        private KnownSecrets knownSecrets = KnownSecrets.NONE;
        private ScanLimits limits = ScanLimits.DEFAULT;

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

        public Scanner build() {
            return new Scanner(this);
        }
    }
}
