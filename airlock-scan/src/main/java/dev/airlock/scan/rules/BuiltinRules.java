package dev.airlock.scan.rules;

import dev.airlock.scan.Rule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The built-in rule set: vendor formats by family, then the heuristic rules. See {@code airlock-scan/RULES.md}
 * for the table; {@code BuiltinRulesTest} runs every rule's examples and negatives.
 */
public final class BuiltinRules {
    private static final List<Rule> ALL = build();

    private BuiltinRules() {
    }

    public static List<Rule> all() {
        return ALL;
    }

    private static List<Rule> build() {
        List<Rule> rules = new ArrayList<>();
        rules.addAll(SourceControlRules.all());
        rules.addAll(PackageRegistryRules.all());
        rules.addAll(CloudRules.all());
        rules.addAll(AiProviderRules.all());
        rules.addAll(PaymentAndMessagingRules.all());
        rules.addAll(DeveloperToolRules.all());
        rules.addAll(PrivateKeyRules.all());
        rules.addAll(HttpCredentialRules.all());
        rules.addAll(GenericRules.all());
        Set<String> ids = new HashSet<>();
        for (Rule rule : rules) {
            if (!ids.add(rule.id())) {
                throw new IllegalStateException("duplicate built-in rule id " + rule.id());
            }
        }
        return List.copyOf(rules);
    }
}
