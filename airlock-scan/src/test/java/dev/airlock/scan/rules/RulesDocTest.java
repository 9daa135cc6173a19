package dev.airlock.scan.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.scan.Rule;
import dev.airlock.scan.SecretValidator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * airlock-scan/RULES.md lists every built-in rule with its current description, confidence and validators.
 * Regenerate with {@code mvn -pl airlock-scan test -Dtest=RulesDocTest -Dairlock.writeRulesDoc=true}.
 */
class RulesDocTest {
    private static final Path DOC = Path.of("RULES.md");
    private static final String HEADER = """
            # Built-in rules

            Generated from `BuiltinRules.all()` by `RulesDocTest` (run it with `-Dairlock.writeRulesDoc=true` to
            rewrite this file; the test fails when a rule is missing or out of date). Confidence `certain` means the
            rule has a checksum validator: a match that passes it is reported as certain, anything failing it is not
            reported at all. `generic` rules also apply the generic value filters (`GenericValueFilters`: templates,
            placeholders, UUIDs, digests, sequences, references, public keys/certificates, data URIs).

            | id | description | confidence | validators | keywords |
            |----|-------------|------------|------------|----------|
            """;

    private static final String FOOTER = """

            ## Known limits of the rules

            - Keywords are the prefilter's contract: every match of a rule contains one of its keywords
              (`BuiltinRulesTest` checks this on every example). A custom rule that breaks it loses matches.
            - `private-key` and `pgp-private-key` use a lazy unbounded body (RE2 caps counted repeats at 1000,
              below a 4096-bit key); the engine's window (`maxLength`, 12 080 characters) and `PemKeyBody`'s 64 KiB cap
              bound them. A key split by anything other than whitespace, `\\n`/`\\r` escapes or `\\/` is not found
              by the rule itself (the engine's decoders may still find it).
            - `PemKeyBody` checks structure, not the key: a DER SEQUENCE whose length covers the body exactly, the
              `openssh-key-v1` magic, whole cipher blocks for legacy encrypted PEM, or an OpenPGP secret-key packet tag.
              A truncated key (from a diff hunk, say) is not reported.
            - Formats without a published checksum (Slack, Stripe, AWS, most others) are `high`: prefix, length and
              alphabet, plus entropy and placeholder stopwords. Cloudflare's checksum scheme (CRC32 of the 40-character
              body as 8 lower-case hex) was confirmed against a real token format, not a vendor spec.
            - `twilio-credentials` and `mailgun-api-key` need the vendor's name within a few hundred characters,
              because their secrets are bare 32-hex strings; `aws-secret-access-key` needs a secret-key name or an
              access key id within 200 characters before it.
            - Generic rules need a credential-like name (`password`, `secret`, `token`, `api_key`, …) and a value of
              8–128 characters with a letter and a digit and ≥ 3 bits/char of entropy; a password made of letters only
              is not reported. Lockfiles and checksum lists (`package-lock.json`, `go.sum`, `*.sha256`, …) are skipped.
            """;

    static String row(Rule rule) {
        boolean checksum = rule.validators().stream().anyMatch(SecretValidator::verifiesChecksum);
        String confidence = checksum ? "certain" : rule.confidence().name().toLowerCase(Locale.ROOT);
        String validators = rule.validators().isEmpty() ? "—"
                : rule.validators().stream().map(SecretValidator::name).distinct().collect(Collectors.joining(", "));
        String keywords = rule.keywords().stream().map(k -> "`" + k + "`").collect(Collectors.joining(" "));
        return "| `" + rule.id() + "` | " + rule.description().replace("|", "\\|") + " | " + confidence + " | "
                + validators + " | " + keywords + " |";
    }

    static String render() {
        List<Rule> rules = BuiltinRules.all();
        return HEADER + rules.stream().map(RulesDocTest::row).collect(Collectors.joining("\n")) + "\n\n"
                + rules.size() + " rules.\n" + FOOTER;
    }

    @Test
    void rulesDocListsEveryRuleAsItIsNow() throws IOException {
        if (Boolean.getBoolean("airlock.writeRulesDoc")) {
            Files.writeString(DOC, render(), StandardCharsets.UTF_8);
        }
        assertThat(DOC).exists();
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        for (Rule rule : BuiltinRules.all()) {
            assertThat(doc).as("RULES.md row for %s", rule.id()).contains(row(rule));
        }
    }
}
