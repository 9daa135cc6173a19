package dev.airlock.scan.rules;

import com.google.re2j.Pattern;
import dev.airlock.scan.Allowlist;
import dev.airlock.scan.Confidence;
import dev.airlock.scan.Rule;
import dev.airlock.scan.SecretValidator;
import dev.airlock.scan.validate.GenericValueFilters;
import java.util.List;

/**
 * Heuristic detection: a value with enough entropy assigned to a credential-like name, in the syntaxes code and
 * configuration actually use. Confidence {@link Confidence#GENERIC}; every candidate passes
 * {@link GenericValueFilters} (templates, placeholders, UUIDs, digests, sequences, references, public material).
 *
 * <p>Four rules rather than one pattern because each syntax delimits the value differently: quotes, end of
 * line, a closing tag, or the next query parameter.
 */
final class GenericRules {
    /** Credential-like names; the suffix admits {@code secret_key_base}, {@code apiKeyValue}, {@code tokens}. */
    private static final String NAME = "(?i:pass(?:word|wd|phrase)|pwd|secret|token|api[_.-]?key|access[_.-]?key"
            + "|auth[_.-]?key|credential)(?i:[_.-]?(?:key|value|string|str|base)){0,2}(?i:s)?[0-9]?";
    private static final String[] NAME_KEYWORDS = {"password", "passwd", "passphrase", "pwd", "secret", "token",
        "apikey", "api_key", "api-key", "api.key", "accesskey", "access_key", "access-key", "access.key", "authkey",
        "auth_key", "auth-key", "auth.key", "credential"};
    private static final String VALUE_QUOTED = "([^\\s\"'`\\\\]{8,128})";
    /** Lockfiles and checksum lists are digests by construction. */
    private static final List<Pattern> DIGEST_FILES = List.of(Pattern.compile(
            "(?:^|/)(?:package-lock\\.json|npm-shrinkwrap\\.json|yarn\\.lock|pnpm-lock\\.yaml|go\\.sum|Cargo\\.lock"
                    + "|poetry\\.lock|Gemfile\\.lock|composer\\.lock|Pipfile\\.lock|uv\\.lock|[^/]*\\.sha(?:1|256|512)"
                    + "|SHA(?:1|256|512)SUMS)$"));

    private GenericRules() {
    }

    static List<Rule> all() {
        Fake f = new Fake("generic");
        return List.of(
                generic("generic-credential-assignment",
                        "Credential-named variable or key assigned a quoted high-entropy value (code, JSON, YAML)",
                        NAME + "[\\\\\"'\\]]{0,3}\\s{0,4}(?::=|=>|\\?=|=|:|,|\\()\\s{0,4}(?:[rbuf@])?\\\\?[\"'`]" + VALUE_QUOTED
                                + "\\\\?[\"'`]", 200)
                        .hitFilter(GenericNameFollowers.ASSIGNMENT)
                        .secretSpan(GenericValueSpans.QUOTED)
                        .maxKeywordOffset(0)
                        .example("db_password = \"" + f.alnum(14) + "\"")
                        .example("{\"api_key\": \"" + f.alnum(32) + "\"}")
                        .example("const clientSecret = '" + f.alnum(24) + "';")
                        .example("<add key=\"ApiKey\" value=\"x\"/> apiToken: \"" + f.alnum(20) + "\"")
                        .example("props.put(\"password\", \"" + f.alnum(12) + "\");")
                        .example("builder.setApiKey(\"" + f.alnum(32) + "\")")
                        .negative("password = \"${DB_PASSWORD}\"")
                        .negative("password: \"changeme\"")
                        .negative("token = \"550e8400-e29b-41d4-a716-446655440000\"")
                        .negative("\"token\": \"sha512-" + f.alnum(40) + "\"")
                        .negative("secret = \"abcdef123456\"")
                        .negative("commit_token = \"" + f.hex(40) + "\"")
                        .negative("String PASSWORD_PROPERTY = \"javax.net.ssl.keyStorePassword\";")
                        .negative("api_key = \"YOUR_API_KEY_HERE\"")
                        .negative("secret: \"{{ .Values.secret }}\"")
                        .negative("password = \"%(db_password)s\"")
                        .negative("token = \"<token>\"")
                        .negative("api_key = \"" + f.alnum(6) + "\"")
                        .build(),
                generic("generic-credential-line",
                        "Credential-named key with an unquoted value running to the end of the line (.env, YAML, properties, HTTP headers)",
                        NAME + "[\\\\\"']?[ \\t]{0,4}(?:=|:)[ \\t]{0,4}([^\\s\"'`\\\\,;&<>(){}\\[\\]]{8,128})[ \\t]{0,8}(?:\\r?\\n|\\z)",
                        200)
                        .hitFilter(GenericNameFollowers.LINE)
                        .secretSpan(GenericValueSpans.LINE_VALUE)
                        .anchoredMatch(GenericLineMatch.LINE)
                        .maxKeywordOffset(0)
                        .example("DB_PASSWORD=" + f.alnum(16) + "\n")
                        .example("  api_key: " + f.alnum(24) + "\n")
                        .example("X-Auth-Token: " + f.alnum(32) + "\r\n")
                        .negative("password = getPassword(user2);\n")
                        .negative("API_KEY=${API_KEY}\n")
                        .negative("token: process.env.GITHUB_TOKEN\n")
                        .negative("SECRET_KEY=change_me_in_production_1\n")
                        .negative("max_tokens: 4096\n")
                        .negative("password_file=/run/secrets/db_password\n")
                        .build(),
                generic("generic-credential-markup",
                        "Credential-named XML element holding a high-entropy value",
                        "<[A-Za-z0-9_.:-]{0,30}" + NAME + ">\\s{0,4}([^\\s<>\"']{8,128})\\s{0,4}</", 200)
                        .hitFilter(GenericNameFollowers.MARKUP)
                        .secretSpan(GenericValueSpans.ELEMENT_TEXT)
                        .maxKeywordOffset(31)
                        .example("<password>" + f.alnum(16) + "</password>")
                        .example("<server><id>corp</id><apiToken>" + f.alnum(20) + "</apiToken></server>")
                        .negative("<password>${env.MAVEN_PASSWORD}</password>")
                        .negative("<token>0000000000</token>")
                        .build(),
                generic("generic-credential-query-param",
                        "Credential-named URL query parameter with a high-entropy value",
                        "[?&][A-Za-z0-9_.-]{0,30}" + NAME + "=([A-Za-z0-9%._~+/=-]{8,128})(?:[&#\"'\\s<]|\\z)", 200)
                        .hitFilter(GenericNameFollowers.QUERY_PARAM)
                        .secretSpan(GenericValueSpans.QUERY_VALUE)
                        .maxKeywordOffset(31)
                        .example("https://api.corp.net/v1/items?limit=10&access_token=" + f.alnum(32) + "&x=1")
                        .example("GET /export?api_key=" + f.alnum(24) + " HTTP/1.1")
                        .negative("https://api.corp.net/v1/items?access_token=YOUR_TOKEN")
                        .negative("https://accounts.example/auth?token={token}")
                        .build());
    }

    private static Rule.Builder generic(String id, String description, String regex, int maxLength) {
        return withValueFilters(Rule.builder(id))
                .description(description)
                .keywords(NAME_KEYWORDS)
                .regex(regex)
                .secretGroup(1)
                .minEntropy(3.0)
                .confidence(Confidence.GENERIC)
                .allowlist(new Allowlist(List.of(), List.of(), DIGEST_FILES))
                .maxLength(maxLength);
    }

    /** Adds every generic false-positive filter to {@code builder}. */
    static Rule.Builder withValueFilters(Rule.Builder builder) {
        for (SecretValidator filter : GenericValueFilters.all()) {
            builder.validator(filter);
        }
        return builder;
    }
}
