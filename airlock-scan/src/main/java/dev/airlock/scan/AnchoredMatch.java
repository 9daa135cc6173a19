package dev.airlock.scan;

/**
 * A rule's pattern matched at one given start without RE2: what RE2/J's anchored {@code lookingAt} would report
 * there, written by hand (or derived from a simple pattern) for rules whose matches are frequent enough that the
 * NFA's per-byte cost shows (a {@code TOKEN=} line in every {@code .env}).
 *
 * <p>Contract: exactly RE2's leftmost-first match at {@code start}, seeing only {@code text[from, to)}: at
 * {@code from} and {@code to} the text begins and ends ({@code \b}, {@code \z} and the like see a boundary there).
 * The engine-versus-reference property tests compare the two.
 */
@FunctionalInterface
public interface AnchoredMatch {
    /** The end of the match starting at {@code start}, or -1 if none starts there. */
    int endOf(CharSequence text, int start, int from, int to);
}
