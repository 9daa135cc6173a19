package dev.airlock.scan.rules;

import dev.airlock.scan.Rule;
import dev.airlock.scan.validate.CharacterMix;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** SaaS developer tools: Grafana, Atlassian, Postman, Linear, Notion, Doppler, Sentry, Shopify. */
final class DeveloperToolRules {
    private DeveloperToolRules() {
    }

    static List<Rule> all() {
        Fake f = new Fake("developer-tools");
        List<Rule> rules = new ArrayList<>();
        rules.add(Rule.builder("grafana-service-account-token")
                .description("Grafana service account token")
                .keywords("glsa_")
                .regex("\\b(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})\\b")
                .secretGroup(1)
                .minEntropy(3.5)
                .allowlist(Stopwords.placeholders())
                .maxLength(46)
                .example("GRAFANA_TOKEN=glsa_" + f.alnum(32) + "_" + f.hex(8))
                .negative("glsa_" + f.alnum(32) + "_" + f.alnum(8).replaceAll("[0-9a-fA-F]", "z"))
                .build());
        rules.add(Rule.builder("grafana-cloud-token")
                .description("Grafana Cloud access-policy / API token")
                .keywords("glc_")
                .regex("\\b(glc_eyJ[A-Za-z0-9+/_-]{32,400}={0,2})(?:[^A-Za-z0-9+/=_-]|\\z)")
                .secretGroup(1)
                .minEntropy(4.0)
                .allowlist(Stopwords.placeholders())
                .maxLength(410)
                .example("GRAFANA_CLOUD_TOKEN=glc_" + Base64.getEncoder().encodeToString(("{\"o\":\"" + f.digits(6)
                        + "\",\"n\":\"stack-" + f.digits(6) + "\",\"k\":\"" + f.alnum(24) + "\",\"m\":{\"r\":\"eu\"}}")
                        .getBytes(StandardCharsets.UTF_8)) + "\n")
                .negative("glc_eyJ" + f.alnum(10) + "\n")
                .build());
        rules.add(Rule.builder("atlassian-api-token")
                .description("Atlassian (Jira, Confluence) API token")
                .keywords("atatt3")
                .regex("\\b(ATATT3[A-Za-z0-9_=-]{186})(?:[^A-Za-z0-9_=-]|\\z)")
                .secretGroup(1)
                .minEntropy(4.0)
                .allowlist(Stopwords.placeholders())
                .maxLength(193)
                .example("JIRA_API_TOKEN=ATATT3xFfGF0" + f.urlsafe(171) + "=" + f.hex(8).toUpperCase(java.util.Locale.ROOT) + "\n")
                .negative("ATATT3xFfGF0" + f.urlsafe(100) + "\n")
                .build());
        rules.add(Rule.builder("postman-api-key")
                .description("Postman API key")
                .keywords("pmak-")
                .regex("\\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34})\\b")
                .secretGroup(1)
                .minEntropy(3.0)
                .maxLength(64)
                .example("X-Api-Key: PMAK-" + f.hex(24) + "-" + f.hex(34))
                .negative("PMAK-" + f.hex(24) + "-" + f.hex(20))
                .build());
        rules.add(Rule.builder("linear-api-key")
                .description("Linear personal API key")
                .keywords("lin_api_")
                .regex("\\b(lin_api_[A-Za-z0-9]{40})\\b")
                .secretGroup(1)
                .minEntropy(3.5)
                .validator(CharacterMix.MIXED_CASE_AND_DIGIT)
                .allowlist(Stopwords.placeholders())
                .maxLength(48)
                .example("LINEAR_API_KEY=lin_api_" + f.alnum(40))
                .negative("lin_api_" + f.alnum(32))
                .build());
        rules.add(Rule.builder("notion-integration-token")
                .description("Notion internal integration token (secret_ legacy form)")
                .keywords("secret_")
                .regex("\\b(secret_[A-Za-z0-9]{43})\\b")
                .secretGroup(1)
                .minEntropy(4.0)
                .validator(CharacterMix.MIXED_CASE_AND_DIGIT)
                .allowlist(Stopwords.placeholders())
                .maxLength(50)
                .example("NOTION_TOKEN=secret_" + f.alnum(43))
                .negative("secret_" + f.alnum(30))
                .negative("SECRET_KEY_BASE_FOR_THE_APPLICATION_CONTROLLER_V2")
                .build());
        rules.add(Rule.builder("notion-api-token")
                .description("Notion API token (ntn_ form)")
                .keywords("ntn_")
                .regex("\\b(ntn_[0-9]{11}[A-Za-z0-9]{35})\\b")
                .secretGroup(1)
                .minEntropy(3.5)
                .validator(CharacterMix.MIXED_CASE_AND_DIGIT)
                .allowlist(Stopwords.placeholders())
                .maxLength(50)
                .example("NOTION_API_KEY=ntn_" + f.digits(11) + f.alnum(35))
                .negative("ntn_" + f.digits(11) + f.alnum(20))
                .build());
        rules.add(Rule.builder("doppler-token")
                .description("Doppler personal, service, service-account, CLI, SCIM or audit token")
                .keywords("dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit.")
                .regex("\\b(dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9_.-]{40,64})(?:[^A-Za-z0-9_.-]|\\z)")
                .secretGroup(1)
                .minEntropy(3.5)
                .validator(CharacterMix.MIXED_CASE_AND_DIGIT)
                .allowlist(Stopwords.placeholders())
                .maxLength(74)
                .example("DOPPLER_TOKEN=dp.pt." + f.alnum(43) + "\n")
                .example("DOPPLER_TOKEN=dp.st.prd." + f.alnum(40) + "\n")
                .negative("dp.pt." + f.alnum(20) + "\n")
                .build());
        rules.add(Rule.builder("sentry-org-token")
                .description("Sentry organisation auth token")
                .keywords("sntrys_")
                .regex("\\b(sntrys_eyJ[A-Za-z0-9+/=_-]{60,400})(?:[^A-Za-z0-9+/=_-]|\\z)")
                .secretGroup(1)
                .minEntropy(4.0)
                .allowlist(Stopwords.placeholders())
                .maxLength(410)
                .example("SENTRY_AUTH_TOKEN=sntrys_" + Base64.getEncoder().withoutPadding().encodeToString(
                        ("{\"iat\":" + f.digits(10) + ",\"url\":\"https://sentry.io\",\"org\":\"acme\"}")
                                .getBytes(StandardCharsets.UTF_8)) + "_" + f.urlsafe(43) + "\n")
                .negative("sntrys_eyJ" + f.alnum(20) + "\n")
                .build());
        rules.add(Rule.builder("sentry-user-token")
                .description("Sentry user auth token")
                .keywords("sntryu_")
                .regex("\\b(sntryu_[a-f0-9]{64})\\b")
                .secretGroup(1)
                .minEntropy(3.0)
                .maxLength(71)
                .example("SENTRY_AUTH_TOKEN=sntryu_" + f.hex(64))
                .negative("sntryu_" + f.hex(40))
                .build());
        rules.add(shopify(f, "shopify-access-token", "shpat_", "Shopify Admin API access token"));
        rules.add(shopify(f, "shopify-shared-secret", "shpss_", "Shopify app shared secret"));
        rules.add(shopify(f, "shopify-custom-app-token", "shpca_", "Shopify custom app access token"));
        rules.add(shopify(f, "shopify-private-app-token", "shppa_", "Shopify private app access token"));
        return rules;
    }

    private static Rule shopify(Fake f, String id, String prefix, String description) {
        return Rule.builder(id)
                .description(description)
                .keywords(prefix)
                .regex("\\b(" + prefix + "[a-fA-F0-9]{32})\\b")
                .secretGroup(1)
                .minEntropy(3.0)
                .maxLength(38)
                .example("SHOPIFY_TOKEN=" + prefix + f.hex(32))
                .negative(prefix + f.hex(31))
                .negative(prefix + f.hex(28) + "wxyz")
                .build();
    }
}
