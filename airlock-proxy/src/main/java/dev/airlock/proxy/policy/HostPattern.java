package dev.airlock.proxy.policy;

/**
 * One allow/deny list entry: an exact host ({@code github.com}) or a strict-suffix wildcard
 * ({@code *.github.com}, which matches {@code api.github.com} but neither {@code github.com} nor
 * {@code evilgithub.com}).
 */
public record HostPattern(HostName host, boolean wildcard) {

    public static HostPattern parse(String raw) {
        if (raw == null) {
            throw new IllegalArgumentException("null host pattern");
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
        return wildcard ? candidate.isStrictSubdomainOf(host) : candidate.equals(host);
    }

    @Override
    public String toString() {
        return wildcard ? "*." + host : host.toString();
    }
}
