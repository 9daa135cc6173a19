package dev.airlock.scan.rules;

import dev.airlock.scan.Rule;
import dev.airlock.scan.validate.BasicCredentials;
import dev.airlock.scan.validate.CharacterMix;
import dev.airlock.scan.validate.JwtHeader;
import dev.airlock.scan.validate.NotPlaceholder;
import dev.airlock.scan.validate.NotSequential;
import dev.airlock.scan.validate.NotTemplated;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** Credentials carried by HTTP itself: JWTs, passwords in URLs, Authorization header values. */
final class HttpCredentialRules {
    /** The header name, then a separator as written in raw HTTP, JSON, code or curl. */
    private static final String AUTHORIZATION = "(?i:authorization)[\\\\\"']{0,3}\\s{0,4}[:=,>]?\\s{0,4}[\\\\\"']{0,3}";

    private HttpCredentialRules() {
    }

    static List<Rule> all() {
        Fake f = new Fake("http");
        String jwt = f.jwt();
        Base64.Encoder b64 = Base64.getEncoder();
        return List.of(
                Rule.builder("jwt")
                        .description("JSON Web Token (header decodes to JSON with \"alg\")")
                        .keywords("eyj")
                        .hitFilter(KeywordFollowers.JWT_HEADER)
                        .regex("\\b(eyJ[A-Za-z0-9_-]{10,1000}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{16,1000})"
                                + "(?:[^A-Za-z0-9_.-]|\\z)")
                        .secretGroup(1)
                        .validator(new JwtHeader())
                        .maxLength(10_050)
                        .example("Authorization: Bearer " + jwt + "\r\n")
                        .example("{\"id_token\":\"" + f.jwt() + "\"}")
                        .negative("eyJ" + f.alnum(30) + ".eyJ" + f.alnum(40) + "." + f.alnum(43) + " ")
                        .negative(jwt.substring(0, jwt.lastIndexOf('.') + 5) + " ")
                        .build(),
                Rule.builder("url-credentials")
                        .description("Password in a URL's user-info (scheme://user:password@host)")
                        .keywords("://")
                        .hitFilter(KeywordFollowers.URL_USER_INFO)
                        .regex("\\b[A-Za-z][A-Za-z0-9+.-]{1,20}://[^\\s:@/\"'<>]{1,64}:([^\\s:@/\"'<>]{6,128})@"
                                + "[A-Za-z0-9][A-Za-z0-9.-]{0,252}")
                        .secretGroup(1)
                        .minEntropy(2.5)
                        .validator(CharacterMix.LETTER_AND_DIGIT)
                        .validator(new NotTemplated())
                        .validator(new NotPlaceholder())
                        .validator(new NotSequential())
                        .maxLength(480)
                        .example("DATABASE_URL=postgres://app:" + f.alnum(16) + "@db.internal:5432/app")
                        .example("git clone https://deploy:" + f.alnum(20) + "@git.corp.net/team/repo.git")
                        .negative("postgres://user:password@localhost/db")
                        .negative("redis://:${REDIS_PASSWORD}@cache:6379")
                        .negative("https://user:changeme1@example.com")
                        .negative("https://github.com/org/repo")
                        .build(),
                Rule.builder("http-basic-auth")
                        .description("HTTP Basic credentials in an Authorization value (decodes to user:password)")
                        .keywords("authorization")
                        .hitFilter(KeywordFollowers.authorizationScheme("basic"))
                        .regex(AUTHORIZATION + "(?i:basic)\\s{1,4}([A-Za-z0-9+/]{8,512}={0,2})(?:[^A-Za-z0-9+/=]|\\z)")
                        .secretGroup(1)
                        .validator(new BasicCredentials())
                        .maxLength(560)
                        .example("Authorization: Basic " + b64.encodeToString(("svc:" + f.alnum(18))
                                .getBytes(StandardCharsets.UTF_8)) + "\r\n")
                        .example("conn.setRequestProperty(\"Authorization\", \"Basic " + b64.encodeToString(("admin:"
                                + f.alnum(12)).getBytes(StandardCharsets.UTF_8)) + "\");")
                        .negative("Authorization: Basic " + b64.encodeToString("user:changeme".getBytes(StandardCharsets.UTF_8)) + "\r\n")
                        .negative("Authorization: Basic " + b64.encodeToString(f.bytes(24)) + "\r\n")
                        .build(),
                GenericRules.withValueFilters(Rule.builder("http-bearer-token"))
                        .description("Bearer token in an Authorization value")
                        .keywords("authorization")
                        .hitFilter(KeywordFollowers.authorizationScheme("bearer"))
                        .regex(AUTHORIZATION + "(?i:bearer)\\s{1,4}([A-Za-z0-9._~+/-]{20,1000}={0,2})(?:[^A-Za-z0-9._~+/=-]|\\z)")
                        .secretGroup(1)
                        .minEntropy(3.5)
                        .maxLength(1100)
                        .example("Authorization: Bearer " + f.alnum(40) + "\r\n")
                        .example("curl -H 'Authorization: Bearer " + f.urlsafe(64) + "' https://api.corp.net")
                        .negative("Authorization: Bearer <YOUR_ACCESS_TOKEN_HERE>\r\n")
                        .negative("Authorization: Bearer ${ACCESS_TOKEN}\r\n")
                        .negative("Authorization: Bearer xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n")
                        .build());
    }
}
