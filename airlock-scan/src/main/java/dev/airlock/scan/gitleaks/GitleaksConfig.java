package dev.airlock.scan.gitleaks;

import com.google.re2j.Pattern;
import dev.airlock.scan.Allowlist;
import dev.airlock.scan.Confidence;
import dev.airlock.scan.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * Imports rules written for gitleaks (its TOML config format): {@code id}, {@code description}, {@code regex},
 * {@code keywords}, {@code entropy}, {@code secretGroup}, {@code path} and allowlists ({@code regexes},
 * {@code stopwords}, {@code paths}) in both the {@code [rules.allowlist]} and {@code [[rules.allowlists]]}
 * forms, plus the global {@code [allowlist]}.
 *
 * <p>Every rule is checked before the scanner accepts it; one the engine cannot run safely is refused with an
 * {@link GitleaksImportException} naming the rule and the reason: a regex RE2 cannot compile (lookaround,
 * backreferences), no keywords (the prefilter could not bound where it runs), a path-only rule, or an allowlist
 * with {@code condition = "AND"} (treating it as OR would hide findings).
 *
 * <p>A regex with an unbounded repeat ({@code *}, {@code +}, {@code {n,}}) is bounded by the engine: its window
 * is {@link Rule#MAX_MATCH_LENGTH} each side of a keyword, so a match longer than that is not found whole. The
 * import reports this as a warning per rule rather than refusing, because most of gitleaks' own rules end in
 * such a repeat and real credentials are far shorter.
 *
 * <p>Semantics that differ from gitleaks: keywords must occur inside the match (gitleaks only needs them
 * somewhere in the fragment); allowlist {@code regexTarget} is ignored (allowlist regexes test the secret).
 */
public final class GitleaksConfig {
    private GitleaksConfig() {
    }

    /** The imported rules and what the operator should know about them (never secrets). */
    public record Imported(List<Rule> rules, List<String> warnings) {
        public Imported {
            rules = List.copyOf(rules);
            warnings = List.copyOf(warnings);
        }
    }

    public static Imported load(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    /** Parses TOML text; {@code source} names it in errors. */
    public static Imported parse(String toml, String source) {
        TomlParseResult doc = Toml.parse(toml);
        if (doc.hasErrors()) {
            throw new GitleaksImportException(source + ": not valid TOML: " + doc.errors().getFirst().toString());
        }
        Allowlist global = doc.isTable("allowlist")
                ? allowlist(doc.getTable("allowlist"), source, "[allowlist]") : Allowlist.EMPTY;
        TomlArray rules = doc.getArray("rules");
        if (rules == null || rules.isEmpty()) {
            throw new GitleaksImportException(source + ": no [[rules]]");
        }
        List<Rule> out = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            out.add(rule(rules.getTable(i), global, source, i, warnings));
        }
        return new Imported(out, warnings);
    }

    private static Rule rule(TomlTable t, Allowlist global, String source, int index, List<String> warnings) {
        String id = t.getString("id");
        if (id == null || id.isBlank()) {
            throw new GitleaksImportException(source + ": rule #" + (index + 1) + " has no id");
        }
        String where = source + ": rule " + id;
        String regex = t.getString("regex");
        if (regex == null) {
            throw new GitleaksImportException(where + " is refused: it has no regex (path-only rules report file "
                    + "names, not content)");
        }
        try {
            Pattern.compile(regex);
        } catch (RuntimeException e) {
            throw new GitleaksImportException(where + " is refused: RE2 cannot compile its regex (lookaround and "
                    + "backreferences are not linear-time): " + e.getMessage());
        }
        List<String> keywords = strings(t, "keywords");
        if (keywords.isEmpty()) {
            throw new GitleaksImportException(where + " is refused: it has no keywords, so the prefilter cannot "
                    + "bound where its regex runs; add keywords that occur in every match");
        }
        long bound;
        try {
            bound = MatchLengthBound.of(regex);
        } catch (IllegalArgumentException e) {
            throw new GitleaksImportException(where + " is refused: cannot read its regex: " + e.getMessage());
        }
        if (bound > Rule.MAX_MATCH_LENGTH) {
            warnings.add(where + ": its regex has no usable upper bound on match length (*, + or {n,}); matches are "
                    + "searched within " + Rule.MAX_MATCH_LENGTH + " bytes of a keyword");
            bound = Rule.MAX_MATCH_LENGTH;
        }
        Rule.Builder b = Rule.builder(id)
                .description(t.getString("description") == null ? "" : t.getString("description"))
                .keywords(keywords.toArray(String[]::new))
                .regex(regex)
                .confidence(Confidence.HIGH)
                .maxLength((int) Math.max(1, bound));
        int groups = Pattern.compile(regex).groupCount();
        long secretGroup = t.get("secretGroup") instanceof Long g ? g : 0;
        if (secretGroup > groups) {
            throw new GitleaksImportException(where + " is refused: secretGroup " + secretGroup + " but the regex has "
                    + groups + " groups");
        }
        // gitleaks reports the first capture group when secretGroup is unset.
        b.secretGroup((int) (secretGroup == 0 && groups > 0 ? 1 : secretGroup));
        Object entropy = t.get("entropy");
        if (entropy instanceof Number n) {
            b.minEntropy(n.doubleValue());
        } else if (entropy != null) {
            throw new GitleaksImportException(where + " is refused: entropy must be a number");
        }
        if (t.getString("path") != null) {
            try {
                b.path(t.getString("path"));
                Pattern.compile(t.getString("path"));
            } catch (RuntimeException e) {
                throw new GitleaksImportException(where + " is refused: RE2 cannot compile its path: " + e.getMessage());
            }
        }
        List<Allowlist> lists = new ArrayList<>();
        lists.add(global);
        if (t.isTable("allowlist")) {
            lists.add(allowlist(t.getTable("allowlist"), source, "rule " + id + " [rules.allowlist]"));
        }
        if (t.isArray("allowlists")) {
            TomlArray arr = t.getArray("allowlists");
            for (int i = 0; i < arr.size(); i++) {
                lists.add(allowlist(arr.getTable(i), source, "rule " + id + " [[rules.allowlists]] #" + (i + 1)));
            }
        }
        b.allowlist(merge(lists));
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new GitleaksImportException(where + " is refused: " + e.getMessage());
        }
    }

    private static Allowlist allowlist(TomlTable t, String source, String where) {
        String condition = t.getString("condition");
        if (condition != null && condition.toUpperCase(Locale.ROOT).equals("AND")) {
            throw new GitleaksImportException(source + ": " + where + " is refused: condition = \"AND\" is not "
                    + "supported, and treating it as OR would hide findings");
        }
        List<Pattern> regexes = new ArrayList<>();
        for (String r : strings(t, "regexes")) {
            regexes.add(compile(r, source, where));
        }
        List<Pattern> paths = new ArrayList<>();
        for (String p : strings(t, "paths")) {
            paths.add(compile(p, source, where));
        }
        return new Allowlist(strings(t, "stopwords"), regexes, paths);
    }

    private static Pattern compile(String regex, String source, String where) {
        try {
            return Pattern.compile(regex);
        } catch (RuntimeException e) {
            throw new GitleaksImportException(source + ": " + where + " is refused: RE2 cannot compile allowlist "
                    + "regex: " + e.getMessage());
        }
    }

    private static Allowlist merge(List<Allowlist> lists) {
        List<String> stop = new ArrayList<>();
        List<Pattern> regexes = new ArrayList<>();
        List<Pattern> paths = new ArrayList<>();
        for (Allowlist a : lists) {
            stop.addAll(a.stopwords());
            regexes.addAll(a.regexes());
            paths.addAll(a.paths());
        }
        return new Allowlist(stop, regexes, paths);
    }

    private static List<String> strings(TomlTable t, String key) {
        TomlArray arr = t.getArray(key);
        if (arr == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            out.add(arr.getString(i));
        }
        return out;
    }
}
