package dev.airlock.scan.rules;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * For every vendor rule: how to make a valid synthetic credential (checksums correct) and how to make near misses
 * that must not be reported (broken checksum, wrong length, wrong charset, placeholders, documentation examples).
 */
final class CredentialFormats {

    /**
     * @param ruleId     the rule that must find the credential
     * @param name       the variable / key / header name it is assigned to
     * @param valid      a generator of valid credentials (the value as written, possibly with its own context)
     * @param nearMisses generators of values that look close but must not be reported
     * @param excluded   syntaxes the value cannot sensibly appear in (e.g. a PEM block in a URL)
     */
    record Format(String ruleId, String name, Function<Fake, String> valid, List<Function<Fake, String>> nearMisses,
            Set<Syntax> excluded) {
    }

    private CredentialFormats() {
    }

    /** Changes the last character within its own class: same length and charset, broken checksum. */
    static String broken(String token) {
        char c = token.charAt(token.length() - 1);
        char replacement = Character.isDigit(c) ? (char) ('0' + (c - '0' + 1) % 10)
                : Character.isUpperCase(c) ? (char) ('A' + (c - 'A' + 1) % 26)
                : Character.isLowerCase(c) ? (char) ('a' + (c - 'a' + 1) % 26) : 'A';
        return token.substring(0, token.length() - 1) + replacement;
    }

    static Format simple(String ruleId, String name, Function<Fake, String> valid,
            List<Function<Fake, String>> nearMisses) {
        return new Format(ruleId, name, valid, nearMisses, Set.of());
    }

    static Format contextual(String ruleId, String name, Function<Fake, String> valid,
            List<Function<Fake, String>> nearMisses, Syntax... excluded) {
        return new Format(ruleId, name, valid, nearMisses,
                excluded.length == 0 ? Set.of() : EnumSet.copyOf(List.of(excluded)));
    }

    private static String basic(String userPass) {
        return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
    }

    static List<Format> all() {
        return List.of(
                github("github-pat", "ghp_"), github("github-oauth", "gho_"), github("github-user-to-server", "ghu_"),
                github("github-server-to-server", "ghs_"), github("github-refresh", "ghr_"),
                simple("github-fine-grained-pat", "GH_TOKEN", f -> "github_pat_" + f.alnum(22) + "_" + f.alnum(59), List.of(
                        f -> "github_pat_" + f.alnum(22) + "_" + f.alnum(50),
                        f -> "github_pat_" + "x".repeat(22) + "_" + "x".repeat(59))),
                simple("gitlab-pat", "GITLAB_TOKEN", f -> "glpat-" + f.alnum(20), List.of(
                        f -> "glpat-" + f.alnum(16), f -> "glpat-xxxxxxxxxxxxxxxxxxxx")),
                simple("gitlab-pat-routable", "GITLAB_TOKEN",
                        f -> "glpat-" + f.alnum(36) + ".01." + f.of(Fake.LOWER + Fake.DIGITS, 9), List.of(
                        f -> "glpat-" + f.alnum(12) + ".01." + f.of(Fake.LOWER + Fake.DIGITS, 9))),
                simple("gitlab-pipeline-trigger-token", "TRIGGER", f -> "glptt-" + f.hex(40), List.of(
                        f -> "glptt-" + f.hex(30))),
                simple("gitlab-runner-token", "RUNNER", f -> "glrt-" + f.alnum(20), List.of(f -> "glrt-" + f.alnum(10))),
                simple("gitlab-deploy-token", "DEPLOY", f -> "gldt-" + f.alnum(20), List.of(f -> "gldt-" + f.alnum(10))),
                simple("npm-token", "NPM_TOKEN", f -> f.crc32Base62("npm_"), List.of(
                        f -> broken(f.crc32Base62("npm_")), f -> "npm_" + f.alnum(36), f -> "npm_" + f.alnum(30))),
                simple("pypi-token", "TWINE_PASSWORD", f -> "pypi-AgEIcHlwaS5vcmc" + f.urlsafe(150), List.of(
                        f -> "pypi-AgEIcHlwaS5vcmc" + f.urlsafe(30), f -> "pypi-AgENdGVzdC5weXBp" + f.urlsafe(150))),
                simple("docker-hub-pat", "DOCKER_TOKEN", f -> "dckr_pat_" + f.alnum(27), List.of(
                        f -> "dckr_pat_" + f.alnum(20), f -> "dckr_pat_" + "x".repeat(27))),
                simple("aws-access-key-id", "AWS_ACCESS_KEY_ID", f -> "AKIA" + f.of(Fake.BASE32, 16), List.of(
                        f -> "AKIAIOSFODNN7EXAMPLE", f -> "AKIA" + f.of(Fake.BASE32, 12),
                        f -> "AKIA" + f.of(Fake.BASE32, 15) + "0", f -> "AKIB" + f.of(Fake.BASE32, 16))),
                contextual("aws-secret-access-key", "AWS_SECRET_ACCESS_KEY", f -> f.alnum(30) + "/" + f.alnum(9), List.of(
                        f -> "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", f -> f.alnum(30)), Syntax.URL),
                contextual("aws-secret-access-key-paired", "AWS_CREDENTIALS",
                        f -> "ASIA" + f.of(Fake.BASE32, 16) + ":" + f.alnum(31) + "+" + f.alnum(8), List.of(
                        f -> "AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")),
                simple("google-api-key", "GOOGLE_API_KEY", f -> "AIza" + f.urlsafe(35), List.of(
                        f -> "AIza" + f.urlsafe(25), f -> "AIza" + "x".repeat(35))),
                contextual("gcp-service-account", "GOOGLE_CREDENTIALS", f -> "{\"type\": \"service_account\", "
                        + "\"project_id\": \"p-" + f.digits(6) + "\", \"private_key_id\": \"" + f.hex(40) + "\"}", List.of(
                        f -> "{\"type\": \"service_account\", \"private_key_id\": \"" + f.hex(12) + "\"}"), Syntax.URL),
                simple("google-oauth-client-secret", "GOOGLE_CLIENT_SECRET", f -> "GOCSPX-" + f.urlsafe(28), List.of(
                        f -> "GOCSPX-" + f.urlsafe(12))),
                simple("azure-entra-client-secret", "AZURE_CLIENT_SECRET", f -> f.alnum(3) + "8Q~" + f.alnum(34), List.of(
                        f -> f.alnum(3) + "8Q~" + f.alnum(12), f -> f.alnum(3) + "8R~" + f.alnum(34))),
                simple("azure-devops-pat", "AZURE_DEVOPS_EXT_PAT",
                        f -> f.alnum(52) + "JQQJ99" + f.alnum(18) + "AZDO" + f.alnum(4), List.of(
                        f -> f.alnum(52) + "JQQJ99" + f.alnum(18) + "AZDX" + f.alnum(4), f -> f.alnum(52))),
                contextual("azure-storage-account-key", "AZURE_STORAGE", f -> "DefaultEndpointsProtocol=https;AccountName=st"
                        + f.digits(6) + ";AccountKey=" + Base64.getEncoder().encodeToString(f.bytes(64)), List.of(
                        f -> "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
                        f -> "AccountKey=" + Base64.getEncoder().encodeToString(f.bytes(30))), Syntax.URL),
                simple("digitalocean-pat", "DO_TOKEN", f -> "dop_v1_" + f.hex(64), List.of(f -> "dop_v1_" + f.hex(50))),
                simple("digitalocean-oauth", "DO_TOKEN", f -> "doo_v1_" + f.hex(64), List.of(f -> "doo_v1_" + f.hex(50))),
                simple("digitalocean-refresh", "DO_TOKEN", f -> "dor_v1_" + f.hex(64), List.of(f -> "dor_v1_" + f.hex(50))),
                cloudflare("cloudflare-global-api-key", "cfk_"), cloudflare("cloudflare-user-api-token", "cfut_"),
                cloudflare("cloudflare-account-api-token", "cfat_"),
                simple("databricks-token", "DATABRICKS_TOKEN", f -> "dapi" + f.hex(32), List.of(f -> "dapi" + f.hex(20))),
                simple("vault-service-token", "VAULT_TOKEN", f -> "hvs." + f.alnum(24), List.of(
                        f -> "hvs." + f.alnum(12), f -> "hvs." + "x".repeat(24))),
                simple("vault-batch-token", "VAULT_TOKEN", f -> "hvb." + f.alnum(140), List.of(f -> "hvb." + f.alnum(60))),
                simple("terraform-cloud-token", "TFE_TOKEN", f -> f.alnum(14) + ".atlasv1." + f.urlsafe(67), List.of(
                        f -> f.alnum(14) + ".atlasv1." + f.urlsafe(30))),
                simple("anthropic-api-key", "ANTHROPIC_API_KEY", f -> "sk-ant-api03-" + f.urlsafe(93) + "AA", List.of(
                        f -> "sk-ant-api03-" + f.urlsafe(93) + "AB", f -> "sk-ant-api03-" + f.urlsafe(50) + "AA",
                        f -> "sk-ant-api03-" + "x".repeat(93) + "AA")),
                simple("anthropic-admin-key", "ANTHROPIC_ADMIN_KEY", f -> "sk-ant-admin01-" + f.urlsafe(93) + "AA", List.of(
                        f -> "sk-ant-admin01-" + f.urlsafe(90) + "AA")),
                simple("openai-api-key", "OPENAI_API_KEY", f -> "sk-proj-" + f.urlsafe(74) + "T3BlbkFJ" + f.urlsafe(74), List.of(
                        f -> "sk-proj-" + f.urlsafe(74) + "T3BlbkFX" + f.urlsafe(74), f -> "sk-proj-" + f.urlsafe(10) + "T3BlbkFJ")),
                simple("openai-legacy-api-key", "OPENAI_API_KEY", f -> "sk-" + f.alnum(20) + "T3BlbkFJ" + f.alnum(20), List.of(
                        f -> "sk-" + f.alnum(20) + "T3BlbkFj" + f.alnum(20), f -> "sk-" + f.alnum(48))),
                simple("huggingface-token", "HF_TOKEN", f -> "hf_" + f.of(Fake.UPPER + Fake.LOWER, 34), List.of(
                        f -> "hf_" + f.of(Fake.UPPER + Fake.LOWER, 20), f -> "hf_" + f.of(Fake.LOWER, 34))),
                simple("groq-api-key", "GROQ_API_KEY", f -> "gsk_" + f.alnum(52), List.of(f -> "gsk_" + f.alnum(40))),
                simple("xai-api-key", "XAI_API_KEY", f -> "xai-" + f.alnum(80), List.of(f -> "xai-" + f.alnum(40))),
                simple("openrouter-api-key", "OPENROUTER_API_KEY", f -> "sk-or-v1-" + f.hex(64), List.of(
                        f -> "sk-or-v1-" + f.hex(40))),
                simple("replicate-api-token", "REPLICATE_API_TOKEN", f -> "r8_" + f.alnum(37), List.of(f -> "r8_" + f.alnum(20))),
                simple("perplexity-api-key", "PPLX_API_KEY", f -> "pplx-" + f.alnum(48), List.of(f -> "pplx-" + f.alnum(20))),
                simple("stripe-secret-key", "STRIPE_SECRET_KEY", f -> "sk_live_" + f.alnum(99), List.of(
                        f -> "sk_test_" + f.alnum(99), f -> "sk_live_" + f.alnum(12), f -> "sk_live_" + "x".repeat(24))),
                simple("stripe-restricted-key", "STRIPE_KEY", f -> "rk_live_" + f.alnum(24), List.of(
                        f -> "rk_test_" + f.alnum(24))),
                simple("stripe-webhook-secret", "STRIPE_WEBHOOK_SECRET", f -> "whsec_" + f.alnum(32), List.of(
                        f -> "whsec_" + f.alnum(16))),
                simple("sendgrid-api-key", "SENDGRID_API_KEY", f -> "SG." + f.urlsafe(22) + "." + f.urlsafe(43), List.of(
                        f -> "SG." + f.urlsafe(22) + "." + f.urlsafe(20))),
                simple("twilio-credentials", "TWILIO_CREDENTIALS", f -> "AC" + f.hex(32) + ":" + f.hex(32), List.of(
                        f -> "AC" + f.hex(32))),
                simple("slack-bot-token", "SLACK_BOT_TOKEN", f -> "xoxb-" + f.digits(12) + "-" + f.digits(13) + "-" + f.alnum(24),
                        List.of(f -> "xoxb-" + f.digits(12) + "-" + f.digits(13) + "-" + f.alnum(10))),
                simple("slack-user-token", "SLACK_TOKEN", f -> "xoxp-" + f.digits(11) + "-" + f.digits(12) + "-"
                        + f.digits(13) + "-" + f.hex(32), List.of(f -> "xoxp-" + f.digits(11) + "-" + f.hex(32))),
                simple("slack-app-token", "SLACK_APP_TOKEN", f -> "xapp-1-A" + f.of(Fake.UPPER + Fake.DIGITS, 10) + "-"
                        + f.digits(13) + "-" + f.hex(64), List.of(f -> "xapp-1-A" + f.of(Fake.UPPER, 10) + "-" + f.hex(64))),
                simple("slack-webhook-url", "SLACK_WEBHOOK", f -> "https://hooks.slack.com/services/T"
                        + f.of(Fake.UPPER + Fake.DIGITS, 8) + "/B" + f.of(Fake.UPPER + Fake.DIGITS, 8) + "/" + f.alnum(24), List.of(
                        f -> "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX")),
                simple("telegram-bot-token", "TELEGRAM_BOT_TOKEN", f -> f.digits(10) + ":AA" + f.urlsafe(33), List.of(
                        f -> f.digits(10) + ":AA" + f.urlsafe(20))),
                simple("mailgun-api-key", "MAILGUN_API_KEY", f -> "key-" + f.hex(32), List.of(f -> "key-" + f.hex(20))),
                simple("discord-webhook-url", "DISCORD_WEBHOOK", f -> "https://discord.com/api/webhooks/" + f.digits(19)
                        + "/" + f.urlsafe(68), List.of(f -> "https://discord.com/api/webhooks/" + f.digits(19) + "/" + f.urlsafe(20))),
                simple("grafana-service-account-token", "GRAFANA_TOKEN", f -> "glsa_" + f.alnum(32) + "_" + f.hex(8), List.of(
                        f -> "glsa_" + f.alnum(20) + "_" + f.hex(8))),
                simple("grafana-cloud-token", "GRAFANA_CLOUD_TOKEN", f -> "glc_" + Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(("{\"o\":\"" + f.digits(6) + "\",\"k\":\"" + f.alnum(32) + "\"}").getBytes(StandardCharsets.UTF_8)),
                        List.of(f -> "glc_eyJ" + f.alnum(12))),
                simple("atlassian-api-token", "JIRA_API_TOKEN", f -> "ATATT3xFfGF0" + f.urlsafe(171) + "="
                        + f.hex(8).toUpperCase(Locale.ROOT), List.of(f -> "ATATT3xFfGF0" + f.urlsafe(60))),
                simple("postman-api-key", "POSTMAN_API_KEY", f -> "PMAK-" + f.hex(24) + "-" + f.hex(34), List.of(
                        f -> "PMAK-" + f.hex(24) + "-" + f.hex(20))),
                simple("linear-api-key", "LINEAR_API_KEY", f -> "lin_api_" + f.alnum(40), List.of(f -> "lin_api_" + f.alnum(30))),
                simple("notion-integration-token", "NOTION_TOKEN", f -> "secret_" + f.alnum(43), List.of(
                        f -> "secret_" + f.alnum(30))),
                simple("notion-api-token", "NOTION_TOKEN", f -> "ntn_" + f.digits(11) + f.alnum(35), List.of(
                        f -> "ntn_" + f.digits(11) + f.alnum(20))),
                simple("doppler-token", "DOPPLER_TOKEN", f -> "dp.pt." + f.alnum(43), List.of(f -> "dp.pt." + f.alnum(20))),
                simple("sentry-org-token", "SENTRY_AUTH_TOKEN", f -> "sntrys_" + Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(("{\"iat\":" + f.digits(10) + ",\"org\":\"acme\",\"k\":\"" + f.alnum(20) + "\"}")
                                .getBytes(StandardCharsets.UTF_8)) + "_" + f.urlsafe(43), List.of(f -> "sntrys_eyJ" + f.alnum(20))),
                simple("sentry-user-token", "SENTRY_AUTH_TOKEN", f -> "sntryu_" + f.hex(64), List.of(f -> "sntryu_" + f.hex(40))),
                simple("shopify-access-token", "SHOPIFY_TOKEN", f -> "shpat_" + f.hex(32), List.of(f -> "shpat_" + f.hex(24))),
                simple("shopify-shared-secret", "SHOPIFY_SECRET", f -> "shpss_" + f.hex(32), List.of(f -> "shpss_" + f.hex(24))),
                simple("shopify-custom-app-token", "SHOPIFY_TOKEN", f -> "shpca_" + f.hex(32), List.of(f -> "shpca_" + f.hex(24))),
                simple("shopify-private-app-token", "SHOPIFY_TOKEN", f -> "shppa_" + f.hex(32), List.of(f -> "shppa_" + f.hex(24))),
                contextual("private-key", "PRIVATE_KEY", f -> Fake.pem("RSA PRIVATE KEY", "", f.derSequence(1190), "\n"), List.of(
                        f -> "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----",
                        f -> Fake.pem("PUBLIC KEY", "", f.derSequence(290), "\n"),
                        f -> Fake.pem("PRIVATE KEY", "", f.bytes(600), "\n")), Syntax.URL),
                contextual("pgp-private-key", "PGP_KEY", f -> {
                    byte[] packet = f.bytes(600);
                    packet[0] = (byte) 0xC5;
                    return Fake.pem("PGP PRIVATE KEY BLOCK", "Comment: build signing key", packet, "\n");
                }, List.of(f -> Fake.pem("PGP PUBLIC KEY BLOCK", "", f.bytes(600), "\n")), Syntax.URL),
                simple("age-secret-key", "SOPS_AGE_KEY", Fake::ageSecretKey, List.of(
                        f -> broken(f.ageSecretKey()), f -> "AGE-SECRET-KEY-1" + f.of("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 40))),
                simple("jwt", "ID_TOKEN", Fake::jwt, List.of(
                        f -> "eyJ" + f.alnum(30) + ".eyJ" + f.alnum(40) + "." + f.alnum(43))),
                simple("url-credentials", "DATABASE_URL", f -> "postgres://app:" + f.alnum(16) + "@db.internal:5432/app", List.of(
                        f -> "postgres://user:password@localhost:5432/app", f -> "postgres://app:${DB_PASSWORD}@db:5432/app")),
                contextual("http-basic-auth", "Authorization", f -> basic("svc:" + f.alnum(18)), List.of(
                        f -> basic("user:changeme"), f -> "Basic " + Base64.getEncoder().encodeToString(f.bytes(24))), Syntax.URL),
                contextual("http-bearer-token", "Authorization", f -> "Bearer " + f.alnum(40), List.of(
                        f -> "Bearer <token>", f -> "Bearer xxxxxxxxxxxxxxxxxxxxxxxxxxxx"), Syntax.URL));
    }

    private static Format github(String ruleId, String prefix) {
        return simple(ruleId, "GITHUB_TOKEN", f -> f.crc32Base62(prefix), List.of(
                f -> broken(f.crc32Base62(prefix)),
                f -> prefix + f.alnum(36),
                f -> prefix + f.alnum(30),
                f -> prefix + "x".repeat(36),
                f -> prefix + "16C7e42F292c6912E7710c838347Ae178B4a"));
    }

    private static Format cloudflare(String ruleId, String prefix) {
        return simple(ruleId, "CLOUDFLARE_API_TOKEN", f -> f.crc32Hex(prefix), List.of(
                f -> broken(f.crc32Hex(prefix)),
                f -> prefix + f.alnum(40) + "0123abcd",
                f -> prefix + f.alnum(40)));
    }
}
