package dev.airlock.scan.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Matcher;
import dev.airlock.scan.Confidence;
import dev.airlock.scan.Finding;
import dev.airlock.scan.Rule;
import dev.airlock.scan.ScanResult;
import dev.airlock.scan.Scanner;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BuiltinRulesTest {
    private static final Scanner SCANNER = Scanner.builder().build();

    /** Every format the scanner issue lists, mapped to the rule that must detect it. */
    static final Map<String, List<String>> REQUIRED_FORMATS = Map.ofEntries(
            Map.entry("GitHub ghp_/gho_/ghu_/ghs_/ghr_", List.of("github-pat", "github-oauth", "github-user-to-server",
                    "github-server-to-server", "github-refresh")),
            Map.entry("GitHub github_pat_", List.of("github-fine-grained-pat")),
            Map.entry("GitLab glpat- legacy and routable", List.of("gitlab-pat", "gitlab-pat-routable")),
            Map.entry("npm_", List.of("npm-token")),
            Map.entry("PyPI", List.of("pypi-token")),
            Map.entry("Anthropic", List.of("anthropic-api-key", "anthropic-admin-key")),
            Map.entry("OpenAI", List.of("openai-api-key", "openai-legacy-api-key")),
            Map.entry("AWS", List.of("aws-access-key-id", "aws-secret-access-key", "aws-secret-access-key-paired")),
            Map.entry("Google API key", List.of("google-api-key")),
            Map.entry("GCP service account", List.of("gcp-service-account", "private-key")),
            Map.entry("Google OAuth client secret", List.of("google-oauth-client-secret")),
            Map.entry("Azure Entra client secret", List.of("azure-entra-client-secret")),
            Map.entry("Azure DevOps PAT", List.of("azure-devops-pat")),
            Map.entry("Azure storage account key", List.of("azure-storage-account-key")),
            Map.entry("Slack", List.of("slack-bot-token", "slack-user-token", "slack-app-token", "slack-webhook-url")),
            Map.entry("Stripe", List.of("stripe-secret-key", "stripe-restricted-key")),
            Map.entry("SendGrid", List.of("sendgrid-api-key")),
            Map.entry("Twilio", List.of("twilio-credentials")),
            Map.entry("Hugging Face", List.of("huggingface-token")),
            Map.entry("Databricks", List.of("databricks-token")),
            Map.entry("DigitalOcean", List.of("digitalocean-pat", "digitalocean-oauth", "digitalocean-refresh")),
            Map.entry("Cloudflare", List.of("cloudflare-global-api-key", "cloudflare-user-api-token",
                    "cloudflare-account-api-token")),
            Map.entry("Vault", List.of("vault-service-token", "vault-batch-token")),
            Map.entry("Terraform Cloud", List.of("terraform-cloud-token")),
            Map.entry("Docker Hub", List.of("docker-hub-pat")),
            Map.entry("Shopify", List.of("shopify-access-token", "shopify-shared-secret", "shopify-custom-app-token",
                    "shopify-private-app-token")),
            Map.entry("Groq", List.of("groq-api-key")),
            Map.entry("PEM private keys", List.of("private-key")),
            Map.entry("JWT", List.of("jwt")),
            Map.entry("URL credentials", List.of("url-credentials")),
            Map.entry("Authorization Basic/Bearer", List.of("http-basic-auth", "http-bearer-token")),
            Map.entry("age", List.of("age-secret-key")),
            Map.entry("Grafana", List.of("grafana-service-account-token")),
            Map.entry("Atlassian", List.of("atlassian-api-token")),
            Map.entry("Postman", List.of("postman-api-key")),
            Map.entry("Linear", List.of("linear-api-key")),
            Map.entry("Notion", List.of("notion-integration-token", "notion-api-token")),
            Map.entry("Doppler", List.of("doppler-token")),
            Map.entry("Sentry", List.of("sentry-org-token", "sentry-user-token")),
            Map.entry("Telegram", List.of("telegram-bot-token")));

    @Test
    void holdsAtLeastSixtyRulesCoveringEveryListedFormat() {
        List<String> ids = BuiltinRules.all().stream().map(Rule::id).toList();
        assertThat(ids).hasSizeGreaterThanOrEqualTo(60).doesNotHaveDuplicates();
        REQUIRED_FORMATS.forEach((format, ruleIds) -> assertThat(ids).as(format).containsAll(ruleIds));
    }

    @Test
    void everyRuleHasExamplesNegativesAndADescription() {
        for (Rule rule : BuiltinRules.all()) {
            assertThat(rule.examples()).as(rule.id()).isNotEmpty();
            assertThat(rule.negatives()).as(rule.id()).isNotEmpty();
            assertThat(rule.description()).as(rule.id()).isNotBlank();
        }
    }

    static Stream<Arguments> examples() {
        return BuiltinRules.all().stream().flatMap(rule -> rule.examples().stream()
                .map(example -> Arguments.of(rule.id(), rule, example)));
    }

    static Stream<Arguments> negatives() {
        return BuiltinRules.all().stream().flatMap(rule -> rule.negatives().stream()
                .map(negative -> Arguments.of(rule.id(), rule, negative)));
    }

    @ParameterizedTest(name = "{0}: example {index}")
    @MethodSource("examples")
    void findsEveryExampleWithTheRightRule(String id, Rule rule, String example) {
        List<Finding> findings = scan(example);
        assertThat(findings).as("findings of %s", id).anyMatch(f -> f.ruleId().equals(id));
        Confidence expected = rule.validators().stream().anyMatch(v -> v.verifiesChecksum())
                ? Confidence.CERTAIN : rule.confidence();
        assertThat(findings.stream().filter(f -> f.ruleId().equals(id)))
                .allMatch(f -> f.confidence() == expected);
    }

    @ParameterizedTest(name = "{0}: example {index}")
    @MethodSource("examples")
    void everyMatchContainsAKeywordAndFitsMaxLength(String id, Rule rule, String example) {
        Matcher m = rule.pattern().matcher(example);
        assertThat(m.find()).as("pattern of %s matches its example", id).isTrue();
        String match = example.substring(m.start(), m.end()).toLowerCase(Locale.ROOT);
        assertThat(rule.keywords()).as("keywords of %s within match", id).anyMatch(match::contains);
        assertThat(m.end() - m.start()).as("match length of %s", id).isLessThanOrEqualTo(rule.maxLength());
    }

    @ParameterizedTest(name = "{0}: negative {index}")
    @MethodSource("negatives")
    void reportsNoNegative(String id, Rule rule, String negative) {
        assertThat(scan(negative)).as("findings of %s", id).noneMatch(f -> f.ruleId().equals(id));
    }

    static List<Finding> scan(String text) {
        ScanResult result = SCANNER.scan(text.getBytes(StandardCharsets.UTF_8), "example.txt");
        assertThat(result).isInstanceOf(ScanResult.Complete.class);
        return result.findings();
    }
}
