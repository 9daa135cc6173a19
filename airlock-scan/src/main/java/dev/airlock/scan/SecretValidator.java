package dev.airlock.scan;

/**
 * A structural check on a candidate secret that a regular expression cannot express: a checksum, a decodable
 * header, a magic number. Validators run only on bounded candidates (never on whole inputs) and must be
 * linear-time and allocation-light.
 */
public interface SecretValidator {

    /** True when {@code secret} passes the check. */
    boolean accepts(CharSequence secret);

    /**
     * True when passing this check is cryptographic-quality evidence (a CRC or bech32 checksum), which lifts a
     * finding to {@link Confidence#CERTAIN}.
     */
    default boolean verifiesChecksum() {
        return false;
    }

    /** A short name for error messages and rule listings, e.g. {@code crc32-base62}. */
    String name();
}
