package dev.airlock.scan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A stable identifier of (rule, secret) for baselines and deduplication. Truncated SHA-256 over a domain-separated
 * input: it identifies a secret without revealing it; it is not meant to resist brute force of a low-entropy
 * secret, which is why generic findings of short passwords should not be published alongside it.
 */
public final class Fingerprint {
    private static final byte[] DOMAIN = "airlock-fingerprint-v1\0".getBytes(StandardCharsets.US_ASCII);

    private Fingerprint() {
    }

    public static String of(String ruleId, CharSequence secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(DOMAIN);
            sha.update(ruleId.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(secret.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(), 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
