package dev.airlock.proxy.policy;

/**
 * One allow/deny list entry: an exact host ({@code github.com}), a strict-suffix wildcard
 * ({@code *.github.com}, which matches {@code api.github.com} but neither {@code github.com} nor
 * {@code evilgithub.com}), or {@code *} alone ({@link #ANY}: every host name; what a {@code net:*} grant adds to an
 * allowlist; the denylist, port and address checks still apply).
 */
public record HostPattern(HostName host, boolean wildcard) {
    /** Matches every host name; {@code host} is {@code null}. */
    public static final HostPattern ANY = new HostPattern(null, true);

    public static HostPattern parse(String raw) {
        if (raw == null) {
            throw new IllegalArgumentException("null host pattern");
        }
        if (raw.equals("*")) {
            return ANY;
        }
        if (raw.startsWith("*.")) {
            return new HostPattern(HostName.parse(raw.substring(2)), true);
        }
        if (raw.indexOf('*') >= 0) {
            throw new IllegalArgumentException("host pattern '" + raw + "': '*' is only allowed as a leading '*.'");
        }
        return new HostPattern(HostName.parse(raw), false);
    }

    public boolean matches(HostName candidate) {
        if (host == null) {
            return true;
        }
        return wildcard ? candidate.isStrictSubdomainOf(host) : candidate.equals(host);
    }

    @Override
    public String toString() {
        return host == null ? "*" : wildcard ? "*." + host : host.toString();
    }
}
