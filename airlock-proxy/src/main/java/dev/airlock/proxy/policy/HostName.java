package dev.airlock.proxy.policy;

import java.net.IDN;
import java.util.Locale;

/**
 * A destination host name in the one canonical form every policy comparison uses: ASCII (punycode), lower case,
 * no trailing dot. Construction refuses anything that is not a syntactically valid DNS name, including IP
 * literals, so a policy decision is never made on a string an attacker shaped to be read two ways.
 */
public record HostName(String value) {
    private static final int MAX_LENGTH = 253;

    public HostName {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
    }

    /** Parses and normalises {@code raw}; throws {@link IllegalArgumentException} with a reason on bad input. */
    public static HostName parse(String raw) {
        if (raw == null || raw.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c <= 0x20 || c == 0x7f || c == '/' || c == '\\' || c == '@' || c == '%') {
                throw new IllegalArgumentException("host contains a forbidden character (code " + (int) c + ")");
            }
        }
        if (isIpLiteral(raw)) {
            throw new IpLiteralException();
        }
        String host = raw.endsWith(".") ? raw.substring(0, raw.length() - 1) : raw;
        String ascii;
        if (isPlainLdh(host)) {
            ascii = host.toLowerCase(Locale.ROOT); // what IDN.toASCII returns for such a name, lower-cased
        } else {
            try {
                ascii = IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("host is not a valid internationalised domain name");
            }
        }
        if (ascii.isEmpty() || ascii.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("host length out of range");
        }
        for (String label : ascii.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                throw new IllegalArgumentException("host has an empty or overlong label");
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                    throw new IllegalArgumentException("host label holds a character outside [a-z0-9-]");
                }
            }
        }
        if (isIpLiteral(ascii)) {
            throw new IpLiteralException();
        }
        return new HostName(ascii);
    }

    /**
     * True when every label of {@code host} is 1–63 of {@code [A-Za-z0-9-]}, not starting or ending with a hyphen:
     * RFC 3490's ToASCII with the STD3 rules returns such a name unchanged, so the IDN machinery (whose first use
     * loads Unicode tables, a noticeable part of a guard's start) is needed only for any other name, which it then
     * converts or refuses exactly as before.
     */
    static boolean isPlainLdh(String host) {
        int labelStart = 0;
        for (int i = 0; i <= host.length(); i++) {
            char c = i < host.length() ? host.charAt(i) : '.';
            if (c == '.') {
                int length = i - labelStart;
                if (length == 0 || length > 63 || host.charAt(labelStart) == '-' || host.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
            } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /**
     * True for anything a resolver or socket library might read as an address rather than a name: IPv6 (any
     * colon or bracket), and any name whose last label starts with a digit or is hex ({@code 127.1},
     * {@code 2130706433}, {@code 0x7f.1}) — no real top-level domain starts with a digit.
     */
    static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0 || host.indexOf('[') >= 0 || host.indexOf(']') >= 0) {
            return true;
        }
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        int dot = h.lastIndexOf('.');
        String last = h.substring(dot + 1);
        if (last.isEmpty()) {
            return false;
        }
        char first = last.charAt(0);
        return (first >= '0' && first <= '9');
    }

    /** True when this name equals {@code other} or lies strictly below it (used by {@code *.suffix}). */
    public boolean isStrictSubdomainOf(HostName other) {
        return value.length() > other.value.length() + 1
                && value.endsWith(other.value)
                && value.charAt(value.length() - other.value.length() - 1) == '.';
    }

    @Override
    public String toString() {
        return value;
    }

    /** The host is an IP address literal; policy refuses those before any lookup. */
    public static final class IpLiteralException extends IllegalArgumentException {
        IpLiteralException() {
            super("IP-literal destinations are not allowed; use a host name on the allowlist");
        }
    }
}
