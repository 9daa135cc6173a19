package dev.airlock.scan.rules;

import dev.airlock.scan.Rule;
import dev.airlock.scan.validate.CharacterMix;
import dev.airlock.scan.validate.Crc32HexChecksum;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Cloud and infrastructure providers: AWS, Google Cloud, Azure, DigitalOcean, Cloudflare, Databricks, HashiCorp. */
final class CloudRules {
    /** Quote that may arrive JSON-escaped (inside a string inside an LLM request). */
    private static final String Q = "\\\\?\"";

    private CloudRules() {
    }

    static List<Rule> all() {
        Fake f = new Fake("cloud");
        List<Rule> rules = new ArrayList<>();
        String keyId = "AKIA" + f.of(Fake.BASE32, 16);
        String secret = f.alnum(30) + "/" + f.alnum(4) + "+" + f.alnum(4);
        rules.add(Rule.builder("aws-access-key-id")
                .description("AWS access key id (long-term AKIA, temporary ASIA, ABIA, ACCA)")
                .keywords("akia", "asia", "abia", "acca")
                .hitFilter(KeywordFollowers.AWS_KEY_ID)
                .maxKeywordOffset(0)
                .regex("\\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\\b")
                .secretGroup(1)
                .minEntropy(3.0)
                .allowlist(Stopwords.placeholders())
                .maxLength(20)
                .example("aws_access_key_id = " + keyId)
                .example("export AWS_ACCESS_KEY_ID=ASIA" + f.of(Fake.BASE32, 16))
                .negative("AKIAIOSFODNN7EXAMPLE")
                .negative("AKIA" + f.of(Fake.BASE32, 15) + " ")
                .negative("akia" + f.of(Fake.BASE32, 16).toLowerCase(java.util.Locale.ROOT))
                .negative("AKIA" + f.of(Fake.BASE32, 15) + "1")
                .build());
        rules.add(Rule.builder("aws-secret-access-key")
                .description("AWS secret access key assigned to a secret-key name")
                .keywords("secret")
                .hitFilter(KeywordFollowers.SECRET_KEY_NAME)
                .maxKeywordOffset(0)
                .regex("(?i:secret[_.-]?(?:access[_.-]?)?key)[\"'\\\\]{0,2}\\s{0,4}(?::=|=>|=|:|>)\\s{0,4}[\"'\\\\]{0,2}"
                        + "([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|\\z)")
                .secretGroup(1)
                .minEntropy(4.0)
                .validator(CharacterMix.MIXED_CASE_AND_DIGIT)
                .allowlist(Stopwords.placeholders())
                .maxLength(100)
                .example("aws_secret_access_key = " + secret + "\n")
                .example("{\"SecretAccessKey\": \"" + f.alnum(40) + "\"}")
                .negative("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
                .negative("secret_key = " + f.hex(40) + "\n")
                .build());
        rules.add(Rule.builder("aws-secret-access-key-paired")
                .description("AWS secret access key within 200 characters after an access key id")
                .keywords("akia", "asia", "abia", "acca")
                .hitFilter(KeywordFollowers.AWS_KEY_ID_THEN_SECRET)
                .maxKeywordOffset(0)
                .regex("(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?s:.{0,200}?)[^A-Za-z0-9/+]([A-Za-z0-9/+]{40})"
                        + "(?:[^A-Za-z0-9/+=]|\\z)")
                .secretGroup(1)
                .minEntropy(4.0)
                .validator(CharacterMix.MIXED_CASE_AND_DIGIT)
                .allowlist(Stopwords.placeholders())
                .maxLength(270)
                .example("AccessKeyId: " + keyId + "\nSecretKey: " + secret + "\n")
                .example("new BasicAWSCredentials(\"" + keyId + "\", \"" + f.alnum(40) + "\")")
                .negative("AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY ")
                .negative(keyId + " commit " + f.hex(40) + " ")
                .build());
        rules.add(Rule.builder("google-api-key")
                .description("Google API key")
                .keywords("aiza")
                .regex("\\b(AIza[0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|\\z)")
                .secretGroup(1)
                .minEntropy(3.5)
                .allowlist(Stopwords.placeholders())
                .maxLength(40)
                .example("const key = 'AIza" + f.urlsafe(35) + "';")
                .negative("AIza" + f.urlsafe(30) + "'")
                .negative("AIzaxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'")
                .build());
        rules.add(Rule.builder("gcp-service-account")
                .description("Google Cloud service-account key file (its private_key_id; the key itself is private-key)")
                .keywords("service_account")
                .regex(Q + "type" + Q + "\\s{0,4}:\\s{0,4}" + Q + "service_account" + Q + "(?s:.{0,300}?)" + Q
                        + "private_key_id" + Q + "\\s{0,4}:\\s{0,4}" + Q + "([0-9a-f]{40})" + Q)
                .secretGroup(1)
                .minEntropy(3.0)
                .maxLength(420)
                .example("{\n  \"type\": \"service_account\",\n  \"project_id\": \"demo-" + f.digits(6)
                        + "\",\n  \"private_key_id\": \"" + f.hex(40) + "\",\n")
                .negative("{\"type\": \"service_account\", \"private_key_id\": \"" + f.hex(20) + "\"}")
                .negative("{\"type\": \"authorized_user\", \"private_key_id\": \"" + f.hex(40) + "\"}")
                .build());
        rules.add(Rule.builder("google-oauth-client-secret")
                .description("Google OAuth client secret")
                .keywords("gocspx-")
                .regex("\\b(GOCSPX-[A-Za-z0-9_-]{28})(?:[^A-Za-z0-9_-]|\\z)")
                .secretGroup(1)
                .minEntropy(3.5)
                .allowlist(Stopwords.placeholders())
                .maxLength(36)
                .example("\"client_secret\":\"GOCSPX-" + f.urlsafe(28) + "\"")
                .negative("GOCSPX-" + f.urlsafe(20) + "\"")
                .build());
        rules.add(Rule.builder("azure-entra-client-secret")
                .description("Azure Entra ID (AAD) application client secret")
                .keywords("q~")
                .regex("(?:^|[\\\\'\"`\\s>=:(,)])([A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})(?:$|[\\\\'\"`\\s<),;&])")
                .secretGroup(1)
                .minEntropy(3.5)
                .validator(CharacterMix.LETTER_AND_DIGIT)
                .allowlist(Stopwords.placeholders())
                .maxLength(42)
                .example("AZURE_CLIENT_SECRET=\"" + f.alnum(3) + "8Q~" + f.alnum(34) + "\"")
                .negative("\"" + f.alnum(3) + "8Q~" + f.alnum(20) + "\"")
                .build());
        rules.add(Rule.builder("azure-devops-pat")
                .description("Azure DevOps personal access token (84-character identifiable format)")
                .keywords("azdo")
                .regex("\\b([A-Za-z0-9]{52}JQQJ9[9DH][A-Za-z0-9]{18}AZDO[A-Za-z0-9]{4})\\b")
                .secretGroup(1)
                .minEntropy(3.5)
                .maxLength(84)
                .example("AZURE_DEVOPS_EXT_PAT=" + f.alnum(52) + "JQQJ99" + f.alnum(18) + "AZDO" + f.alnum(4))
                .negative(f.alnum(52) + "JQQJ99" + f.alnum(18) + "AZDX" + f.alnum(4))
                .build());
        rules.add(Rule.builder("azure-storage-account-key")
                .description("Azure storage account key in a connection string")
                .keywords("accountkey")
                .regex("(?i:AccountKey)=([A-Za-z0-9+/]{86}==)")
                .secretGroup(1)
                .minEntropy(4.5)
                // The storage emulator's published well-known key.
                .allowlist(Stopwords.placeholders("eby8vdm02xnocqflquwjpllmetlcdxj1"))
                .maxLength(100)
                .example("DefaultEndpointsProtocol=https;AccountName=demo;AccountKey="
                        + Base64.getEncoder().encodeToString(f.bytes(64)) + ";EndpointSuffix=core.windows.net")
                .negative("AccountKey=" + Base64.getEncoder().encodeToString(f.bytes(32)) + ";")
                .negative("AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==")
                .build());
        rules.add(digitalOcean(f, "digitalocean-pat", "dop_v1_", "DigitalOcean personal access token"));
        rules.add(digitalOcean(f, "digitalocean-oauth", "doo_v1_", "DigitalOcean OAuth access token"));
        rules.add(digitalOcean(f, "digitalocean-refresh", "dor_v1_", "DigitalOcean OAuth refresh token"));
        rules.add(cloudflare(f, "cloudflare-global-api-key", "cfk_", "Cloudflare global API key"));
        rules.add(cloudflare(f, "cloudflare-user-api-token", "cfut_", "Cloudflare user API token"));
        rules.add(cloudflare(f, "cloudflare-account-api-token", "cfat_", "Cloudflare account API token"));
        rules.add(Rule.builder("databricks-token")
                .description("Databricks personal access token")
                .keywords("dapi")
                .regex("\\b(dapi[a-f0-9]{32}(?:-[0-9])?)\\b")
                .secretGroup(1)
                .minEntropy(3.0)
                .validator(CharacterMix.LETTER_AND_DIGIT)
                .maxLength(38)
                .example("DATABRICKS_TOKEN=dapi" + f.hex(32))
                .negative("dapi" + f.hex(31) + " ")
                .negative("dapi" + f.hex(32) + "0")
                .build());
        rules.add(Rule.builder("vault-service-token")
                .description("HashiCorp Vault service token")
                .keywords("hvs.")
                .regex("\\b(hvs\\.[A-Za-z0-9_-]{24,120})(?:[^A-Za-z0-9_-]|\\z)")
                .secretGroup(1)
                .minEntropy(3.5)
                .validator(CharacterMix.MIXED_CASE_AND_DIGIT)
                .allowlist(Stopwords.placeholders())
                .maxLength(125)
                .example("VAULT_TOKEN=hvs." + f.alnum(24))
                .example("X-Vault-Token: hvs.CAESI" + f.alnum(86) + "\r\n")
                .negative("hvs." + f.alnum(16) + " ")
                .negative("hvs.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx ")
                .build());
        rules.add(Rule.builder("vault-batch-token")
                .description("HashiCorp Vault batch token")
                .keywords("hvb.")
                .regex("\\b(hvb\\.[A-Za-z0-9_-]{100,300})(?:[^A-Za-z0-9_-]|\\z)")
                .secretGroup(1)
                .minEntropy(3.5)
                .validator(CharacterMix.MIXED_CASE_AND_DIGIT)
                .allowlist(Stopwords.placeholders())
                .maxLength(305)
                .example("token=hvb.AAAAAQ" + f.urlsafe(150) + " ")
                .negative("hvb." + f.alnum(40) + " ")
                .build());
        rules.add(Rule.builder("terraform-cloud-token")
                .description("Terraform Cloud / Enterprise API token")
                .keywords(".atlasv1.")
                .regex("\\b([A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70})(?:[^A-Za-z0-9_=-]|\\z)")
                .secretGroup(1)
                .minEntropy(3.5)
                .allowlist(Stopwords.placeholders())
                .maxLength(95)
                .example("credentials \"app.terraform.io\" { token = \"" + f.alnum(14) + ".atlasv1." + f.urlsafe(67) + "\" }")
                .negative(f.alnum(14) + ".atlasv1." + f.urlsafe(30) + "\"")
                .build());
        return rules;
    }

    private static Rule digitalOcean(Fake f, String id, String prefix, String description) {
        return Rule.builder(id)
                .description(description)
                .keywords(prefix)
                .regex("\\b(" + prefix.replace(".", "\\.") + "[a-f0-9]{64})\\b")
                .secretGroup(1)
                .minEntropy(3.0)
                .maxLength(71)
                .example("DIGITALOCEAN_TOKEN=" + prefix + f.hex(64))
                .negative(prefix + f.hex(63) + " ")
                .negative(prefix + f.hex(60) + "ghij")
                .build();
    }

    private static Rule cloudflare(Fake f, String id, String prefix, String description) {
        String valid = f.crc32Hex(prefix);
        String broken = valid.substring(0, valid.length() - 1) + (valid.endsWith("0") ? "1" : "0");
        return Rule.builder(id)
                .description(description + " (CRC32 checksum verified)")
                .keywords(prefix)
                .regex("\\b(" + prefix + "[A-Za-z0-9]{40}[0-9a-f]{8})\\b")
                .secretGroup(1)
                .validator(new Crc32HexChecksum(prefix))
                .maxLength(prefix.length() + 48)
                .example("CLOUDFLARE_API_TOKEN=" + valid)
                .negative("CLOUDFLARE_API_TOKEN=" + broken)
                .negative(prefix + f.alnum(40) + "0123abcd")
                .build();
    }
}
