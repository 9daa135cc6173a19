package dev.airlock.scan.rules;

import dev.airlock.scan.Rule;
import java.util.List;

/** The built-in rule set. */
public final class BuiltinRules {
    private static final List<Rule> ALL = List.of(
            Rule.builder("aws-access-key-id")
                    .description("AWS access key id")
                    .keywords("akia", "asia", "abia", "acca")
                    .regex("\\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\\b")
                    .secretGroup(1)
                    .maxLength(24)
                    .example("aws_access_key_id = AKIAZ3MSJV4WWNKWW5FG")
                    .negative("AKIAIOSFODNN7EXAMPLE")
                    .build());

    private BuiltinRules() {
    }

    public static List<Rule> all() {
        return ALL;
    }
}
