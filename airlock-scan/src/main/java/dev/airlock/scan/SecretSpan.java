package dev.airlock.scan;

/**
 * Where a rule's secret group lies inside one of its matches, computed from the match's text alone.
 *
 * <p>Why: RE2/J reports a match's bounds in one pass but a capture group's bounds only by running the pattern over
 * the match a second time, which for a rule like {@code generic-credential-line} is most of what a finding costs.
 * When the pattern's shape pins the group down (a value between the only operator and the line end, a value
 * between two quotes), a few byte comparisons give the same bounds. A rule without one, or a span that returns
 * {@link #UNKNOWN}, gets the bounds from RE2; the engine-versus-reference tests compare the two.
 */
@FunctionalInterface
public interface SecretSpan {
    /** "Ask RE2": the shape did not decide it. */
    long UNKNOWN = -1;

    /**
     * The secret group's bounds in the match {@code text[matchStart, matchEnd)} as {@code start << 32 | end}
     * (indexes into {@code text}), or {@link #UNKNOWN}. Must equal RE2's leftmost-first group whenever it answers.
     */
    long locate(CharSequence text, int matchStart, int matchEnd);

    static long of(int start, int end) {
        return (long) start << 32 | end;
    }
}
