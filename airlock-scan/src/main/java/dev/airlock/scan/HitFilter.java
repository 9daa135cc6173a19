package dev.airlock.scan;

/**
 * A cheap, exact-by-construction test run at each keyword hit before a rule's window is handed to RE2.
 *
 * <p>Contract: every match of the rule's pattern must contain at least one keyword occurrence that the filter
 * admits. The simplest way to keep it is to admit every occurrence that some match could contain; a filter may
 * also reject occurrences that can only lie <em>inside</em> a match whose leading literal it admits (the AWS
 * key id filters do). That suffices because a window reaches {@code maxLength + 1} bytes on both sides of an
 * admitted hit, so it holds every match containing that hit, and overlapping windows are merged, so every match
 * of the whole-input walk that could overlap it is walked in the same window. A filter may return {@code true} too
 * often (RE2 then decides), never too rarely. It exists for rules whose keywords are common words in code
 * ({@code token}, {@code secret}), where RE2 over every window dominated the scan.
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
