package dev.airlock.scan.gitleaks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.scan.Finding;
import dev.airlock.scan.Rule;
import dev.airlock.scan.ScanResult;
import dev.airlock.scan.Scanner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GitleaksConfigTest {
    private static GitleaksConfig.Imported imported;
    private static Scanner scanner;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = GitleaksConfigTest.class.getResourceAsStream("/gitleaks/gitleaks-excerpt.toml")) {
            imported = GitleaksConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "gitleaks-excerpt.toml");
        }
        scanner = Scanner.builder().rules(imported.rules()).build();
    }

    private static List<String> ruleIds(String text, String path) {
        ScanResult r = scanner.scan(text.getBytes(StandardCharsets.UTF_8), path);
        assertThat(r).isInstanceOf(ScanResult.Complete.class);
        return r.findings().stream().map(Finding::ruleId).toList();
    }

    @Test
    void importsEveryRuleOfTheExcerptWithItsFields() {
        assertThat(imported.rules()).extracting(Rule::id).containsExactly("adafruit-api-key", "aws-access-token",
                "generic-api-key", "github-pat", "gitlab-pat", "npm-access-token", "slack-bot-token",
                "stripe-access-token", "private-key", "terraform-tfvars-aws");
        Rule aws = imported.rules().get(1);
        assertThat(aws.minEntropy()).isEqualTo(3.0);
        assertThat(aws.keywords()).contains("akia", "a3t");
        assertThat(aws.secretGroup()).isEqualTo(1);
        assertThat(aws.maxLength()).isEqualTo(20); // \b is zero-width; the window adds one byte of context each side
        Rule generic = imported.rules().get(2);
        assertThat(generic.allowlist().stopwords()).contains("changeme", "014df517-39d1-4453-b7b3-9930c563627c");
        assertThat(generic.allowlist().regexes()).hasSize(2);
        assertThat(imported.rules().get(9).path()).isNotNull();
        assertThat(imported.warnings()).hasSize(3).allSatisfy(w -> assertThat(w).contains("no usable upper bound"));
        assertThat(imported.warnings()).anySatisfy(w -> assertThat(w).contains("rule private-key"));
    }

    @Test
    void importedRulesFindWhatGitleaksWouldFind() {
        assertThat(ruleIds("export TOKEN=ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5\n", "a.sh")).contains("github-pat");
        assertThat(ruleIds("aws_key = AKIAZ3MSJV4WWNKWW5FG\n", "a.py")).contains("aws-access-token");
        assertThat(ruleIds("aws_key = AKIAIOSFODNN7EXAMPLE\n", "a.py")).doesNotContain("aws-access-token");
        assertThat(ruleIds("slack: xoxb-1234567890123-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx\n", "s.yml"))
                .contains("slack-bot-token");
        String key = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ".repeat(4)
                + "\n-----END OPENSSH PRIVATE KEY-----\n";
        assertThat(ruleIds(key, "id_ed25519")).contains("private-key");
        String tf = "aws_secret_access_key = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9kLmN3pR\"\n";
        assertThat(ruleIds(tf, "prod.tfvars")).contains("terraform-tfvars-aws");
        assertThat(ruleIds(tf, "prod.txt")).doesNotContain("terraform-tfvars-aws");
        // global allowlist path
        assertThat(ruleIds("ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5", "web/node_modules/x/index.js")).isEmpty();
        // generic rule: stopword and allowlist regex
        assertThat(ruleIds("api_key = \"Zx8mQ2wL9pR4vT7yBq3K\"\n", "c.env")).contains("generic-api-key");
        assertThat(ruleIds("api_key = \"changeme-Zx8mQ2wL9pR4\"\n", "c.env")).doesNotContain("generic-api-key");
    }

    @Test
    void refusesRulesItCannotRunSafelyNamingRuleAndReason() {
        String lookaround = """
                [[rules]]
                id = "look-ahead"
                regex = '''(?=secret)secret_[a-z]{10}'''
                keywords = ["secret_"]
                """;
        assertThatThrownBy(() -> GitleaksConfig.parse(lookaround, "f.toml"))
                .isInstanceOf(GitleaksImportException.class)
                .hasMessageContaining("rule look-ahead is refused: RE2 cannot compile");
        String backref = """
                [[rules]]
                id = "same-twice"
                regex = '''(abc)\\1'''
                keywords = ["abc"]
                """;
        assertThatThrownBy(() -> GitleaksConfig.parse(backref, "f.toml"))
                .hasMessageContaining("rule same-twice is refused: RE2 cannot compile");
        String noKeywords = """
                [[rules]]
                id = "hex-anything"
                regex = '''[a-f0-9]{40}'''
                """;
        assertThatThrownBy(() -> GitleaksConfig.parse(noKeywords, "f.toml"))
                .hasMessageContaining("rule hex-anything is refused: it has no keywords");
        String pathOnly = """
                [[rules]]
                id = "pkcs12-file"
                path = '''(?i)(?:^|/)[^/]+\\.p(?:12|fx)$'''
                """;
        assertThatThrownBy(() -> GitleaksConfig.parse(pathOnly, "f.toml"))
                .hasMessageContaining("rule pkcs12-file is refused: it has no regex");
        String and = """
                [[rules]]
                id = "with-and"
                regex = '''tok_[a-z]{10}'''
                keywords = ["tok_"]
                [[rules.allowlists]]
                condition = "AND"
                regexes = ['''x''']
                paths = ['''y''']
                """;
        assertThatThrownBy(() -> GitleaksConfig.parse(and, "f.toml"))
                .hasMessageContaining("rule with-and [[rules.allowlists]] #1 is refused: condition = \"AND\"");
        assertThatThrownBy(() -> GitleaksConfig.parse("[[rules]\nid=", "broken.toml"))
                .hasMessageContaining("broken.toml: not valid TOML");
    }

    @Test
    void matchLengthBoundReadsRe2Syntax() {
        assertThat(MatchLengthBound.of("abc")).isEqualTo(3);
        assertThat(MatchLengthBound.of("(?i)a[bc]{2,5}(?:x|yz)?\\b")).isEqualTo(8);
        assertThat(MatchLengthBound.of("\\x41\\p{Greek}\\Qab\\E")).isEqualTo(4);
        assertThat(MatchLengthBound.of("a+")).isEqualTo(MatchLengthBound.UNBOUNDED);
        assertThat(MatchLengthBound.of("a{3,}")).isEqualTo(MatchLengthBound.UNBOUNDED);
        assertThat(MatchLengthBound.of("(a{0,0})*")).isEqualTo(0);
        assertThat(MatchLengthBound.of("[]a]{2}")).isEqualTo(2);
    }
}
