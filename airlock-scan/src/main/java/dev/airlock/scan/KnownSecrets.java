package dev.airlock.scan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exact secret values that must never leave (the operator's real credentials, per-session canaries), each with a
 * name that is safe to print. Findings for them are {@link Confidence#CERTAIN} with rule id
 * {@code known-secret:NAME}.
 */
public final class KnownSecrets {
    public static final KnownSecrets NONE = new KnownSecrets(Map.of());

    private final Map<String, String> byName;

    private KnownSecrets(Map<String, String> byName) {
        this.byName = byName;
    }

    /** {@code values}: name → secret value. Values shorter than 8 characters are refused: they would match noise. */
    public static KnownSecrets of(Map<String, String> values) {
        Map<String, String> copy = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            if (value == null || value.length() < 8) {
                throw new ScanException("known secret " + name + " is shorter than 8 characters; "
                        + "it would match ordinary text, so it cannot be protected by exact matching");
            }
            copy.put(name, value);
        });
        return new KnownSecrets(Map.copyOf(copy));
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }

    Map<String, String> values() {
        return byName;
    }
}
