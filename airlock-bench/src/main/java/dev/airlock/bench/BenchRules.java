package dev.airlock.bench;

import dev.airlock.scan.Rule;
import dev.airlock.scan.gitleaks.GitleaksConfig;
import dev.airlock.scan.rules.BuiltinRules;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Rule sets to benchmark: the built-in rules, optionally plus an excerpt of gitleaks' config (incl. its generic rule). */
final class BenchRules {
    private BenchRules() {
    }

    static List<Rule> of(String name) throws IOException {
        List<Rule> rules = new ArrayList<>(BuiltinRules.all());
        if (name.equals("builtin+gitleaks")) {
            try (InputStream in = BenchRules.class.getResourceAsStream("/gitleaks-excerpt.toml")) {
                rules.addAll(GitleaksConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "excerpt").rules());
            }
        } else if (!name.equals("builtin")) {
            throw new IllegalArgumentException("rule set must be builtin or builtin+gitleaks");
        }
        return rules;
    }
}
