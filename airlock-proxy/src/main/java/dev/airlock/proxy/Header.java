package dev.airlock.proxy;

/** One request header as it will be forwarded. Names are compared case-insensitively. */
public record Header(String name, String value) {
    public boolean is(String other) {
        return name.equalsIgnoreCase(other);
    }
}
