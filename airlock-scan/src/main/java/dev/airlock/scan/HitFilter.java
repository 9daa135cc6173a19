package dev.airlock.scan;

/**
 * A cheap, exact-by-construction test run at each keyword hit before a rule's window is handed to RE2.
 *
 * <p>Contract: {@link #admits} must return {@code true} whenever some match of the rule could contain the keyword
 * occurrence ending at {@code keywordEnd}. It may return {@code true} too often (RE2 then decides), never too
 * rarely: a filter is a necessary condition derived from the rule's pattern, so skipping the window cannot lose a
 * finding. It exists for rules whose keywords are common words in code ({@code token}, {@code secret}), where RE2
 * over every window dominated the scan.
 */
@FunctionalInterface
public interface HitFilter {
    /** Admits every hit: the default, for rules whose keywords are rare. */
    HitFilter ANY = (data, keywordEnd, limit) -> true;

    /**
     * @param data       the bytes being scanned
     * @param keywordEnd the index just past the keyword occurrence
     * @param limit      the end of the valid bytes in {@code data}
     */
    boolean admits(byte[] data, int keywordEnd, int limit);
}
