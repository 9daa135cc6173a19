package dev.airlock.scan.rules;

import com.google.re2j.Pattern;
import dev.airlock.scan.Allowlist;
import java.util.ArrayList;
import java.util.List;

/** Allowlists shared by the structured rules: values that announce themselves as documentation or placeholders. */
final class Stopwords {
    /**
     * Long enough (five or more letters) that a random 40-character token contains one with probability well
     * below one in ten thousand.
     */
    static final List<String> PLACEHOLDERS = List.of("xxxxx", "example", "placeholder", "changeme", "redacted",
            "your_", "your-", "dummy", "00000000", "insert", "replace");

    private Stopwords() {
    }

    static Allowlist placeholders(String... extra) {
        List<String> words = new ArrayList<>(PLACEHOLDERS);
        words.addAll(List.of(extra));
        return new Allowlist(words, List.of(), List.of());
    }

    static Allowlist placeholdersAnd(List<String> regexes) {
        return new Allowlist(PLACEHOLDERS, regexes.stream().map(Pattern::compile).toList(), List.of());
    }
}
