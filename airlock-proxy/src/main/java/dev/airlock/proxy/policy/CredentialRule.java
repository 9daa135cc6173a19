package dev.airlock.proxy.policy;

import dev.airlock.core.Redaction;
import java.util.Locale;

/**
 * Swap {@code placeholder} for the real {@code value} in {@code header}, only on requests to exactly {@code host}.
 * For {@code Authorization: Basic} the placeholder is looked for in the decoded {@code user:password}.
 */
public record CredentialRule(HostName host, String header, String placeholder, String source, String value) {
    public CredentialRule {
        header = header.toLowerCase(Locale.ROOT);
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                throw new PolicyException("credential header '" + header + "' must be a plain header name [a-z0-9-]");
            }
        }
        if (placeholder.length() < 8) {
            throw new PolicyException("credential placeholder for " + host + " must be at least 8 characters");
        }
        if (value.contains(placeholder) || placeholder.contains(value)) {
            throw new PolicyException("credential placeholder for " + host + " overlaps its real value");
        }
    }

    /** The rule's name in known-secret findings: {@code credential.HOST.HEADER} (the scanner's name alphabet). */
    public String name() {
        return "credential." + host + "." + header;
    }

    @Override
    public String toString() {
        return "CredentialRule[" + host + " " + header + " " + placeholder + " <- " + source + " (" + Redaction.redact(value) + ")]";
    }
}
