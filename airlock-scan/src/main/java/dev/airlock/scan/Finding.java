package dev.airlock.scan;

import java.util.Objects;

/**
 * One detected secret, safe to print: it carries the redacted form and a fingerprint, never the value.
 *
 * @param ruleId      the rule that matched, or {@code known-secret:NAME} for operator-supplied secrets
 * @param confidence  how sure the scanner is
 * @param path        the file or stream name, or {@code null} for anonymous input
 * @param offset      byte offset of the secret in the original (undecoded) input; for a secret found inside a
 *                    decoded layer, the offset of the encoded region that contained it
 * @param line        1-based line of {@code offset}
 * @param column      1-based column (in bytes) of {@code offset}
 * @param redacted    first four characters, an ellipsis and the length
 * @param fingerprint stable, non-reversible identifier of (rule, secret) for baselines and deduplication
 * @param encoding    how the secret appeared: {@code plain}, or the decoding chain, e.g. {@code json>base64}
 */
public record Finding(
        String ruleId,
        Confidence confidence,
        String path,
        long offset,
        long line,
        long column,
        String redacted,
        String fingerprint,
        String encoding) {

    public Finding {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(confidence, "confidence");
        Objects.requireNonNull(redacted, "redacted");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(encoding, "encoding");
    }
}
