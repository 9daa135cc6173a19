package dev.airlock.orchestrator.github;

/**
 * Removes text a reader of the issue on GitHub does not see but an agent would: HTML comments (not rendered),
 * zero-width and invisible formatting characters, bidirectional overrides and isolates (which make displayed text
 * differ from its bytes), and Unicode tag characters (invisible ASCII look-alikes). A single hand-written pass over
 * code points: no regular expression ever runs on attacker text.
 */
public final class HiddenText {
    private HiddenText() {
    }

    public static String strip(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            if (text.startsWith("<!--", i)) {
                int end = text.indexOf("-->", i + 4);
                // An unterminated comment hides everything after it on GitHub, so it hides it here too.
                i = end < 0 ? n : end + 3;
                continue;
            }
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (!hidden(cp)) {
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }

    /** Invisible or direction-changing code points. */
    static boolean hidden(int cp) {
        return cp >= 0x200B && cp <= 0x200F        // zero-width space/joiners, LRM, RLM
                || cp >= 0x202A && cp <= 0x202E    // bidi embeddings and overrides
                || cp >= 0x2060 && cp <= 0x2064    // word joiner, invisible operators
                || cp >= 0x2066 && cp <= 0x2069    // bidi isolates
                || cp == 0xFEFF                    // zero-width no-break space / BOM
                || cp == 0x00AD                    // soft hyphen
                || cp == 0x061C                    // Arabic letter mark
                || cp >= 0xE0000 && cp <= 0xE007F; // tag characters
    }
}
