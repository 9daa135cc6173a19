package dev.airlock.orchestrator.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GitHub App authentication against the fake: the JWT, the narrowed installation token, caching, over-grants. */
class InstallationTokensTest {
    private static final RepoName REPO = new RepoName("octo", "widgets");
    private static FakeGitHub github;
    private static KeyPair app;
    /** A key GitHub does not know for the App. */
    private static KeyPair stranger;
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        github = new FakeGitHub();
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        app = g.generateKeyPair();
        stranger = g.generateKeyPair();
        github.apps.put("101", app.getPublic());
    }

    @AfterAll
    static void stop() {
        github.close();
    }

    @BeforeEach
    void reset() {
        github.minted.clear();
        github.grantExtra.clear();
        github.requests.clear(); // tests assert on the requests they made, whatever ran before them
        github.tokenLifetime = Duration.ofHours(1);
    }

    /** The key as GitHub hands it out: PKCS#1 PEM ("BEGIN RSA PRIVATE KEY"), cut out of the JDK's PKCS#8 encoding. */
    private Path pkcs1Pem() throws IOException {
        byte[] pkcs8 = app.getPrivate().getEncoded();
        // SEQUENCE(len) { INTEGER 0 (3 bytes), AlgorithmIdentifier (15 bytes), OCTET STRING(len) { PKCS#1 } }
        int i = 1 + lengthBytes(pkcs8, 1) + 3 + 15;
        int octetHeader = 1 + lengthBytes(pkcs8, i + 1);
        byte[] pkcs1 = Arrays.copyOfRange(pkcs8, i + octetHeader, pkcs8.length);
        Path pem = dir.resolve("app.pem");
        Files.writeString(pem, "-----BEGIN RSA PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs1)
                + "\n-----END RSA PRIVATE KEY-----\n");
        return pem;
    }

    private static int lengthBytes(byte[] der, int at) {
        return (der[at] & 0x80) == 0 ? 1 : 1 + (der[at] & 0x7f);
    }

    @Test
    void jwtVerifiesWithTheAppPublicKeyAndCarriesTheDocumentedClaims() throws Exception {
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        String jwt = new AppJwt("101", AppJwt.readKey(pkcs1Pem()), Clock.fixed(now, ZoneOffset.UTC)).mint();
        String[] parts = jwt.split("\\.");
        assertThat(parts).hasSize(3);
        Signature v = Signature.getInstance("SHA256withRSA");
        v.initVerify(app.getPublic());
        v.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(v.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
        JsonNode header = json.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.path("alg").asText()).isEqualTo("RS256");
        assertThat(claims.path("iss").asText()).isEqualTo("101");
        assertThat(claims.path("iat").asLong()).isEqualTo(now.getEpochSecond() - 60);
        assertThat(claims.path("exp").asLong()).isEqualTo(now.getEpochSecond() + 540);
        // A different key's signature does not verify: the check above is not vacuous.
        v.initVerify(stranger.getPublic());
        v.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(v.verify(Base64.getUrlDecoder().decode(parts[2]))).isFalse();
    }

    @Test
    void installationTokenIsNarrowedToTheRepositoryAndTheRolePermissionsAndCached() throws Exception {
        github.tokenLifetime = Duration.ofMinutes(6);
        MutableClock clock = new MutableClock(Instant.now());
        InstallationTokens tokens = new InstallationTokens(github.uri(),
                new AppJwt("101", AppJwt.readKey(pkcs1Pem()), clock), REPO, InstallationTokens.ORCHESTRATOR, clock);
        String token = tokens.token();
        assertThat(github.minted).hasSize(1);
        FakeGitHub.MintedToken m = github.minted.getFirst();
        assertThat(m.token()).isEqualTo(token);
        assertThat(m.request().path("repositories")).extracting(JsonNode::asText).containsExactly("widgets");
        assertThat(json.convertValue(m.request().path("permissions"), Map.class)).isEqualTo(Map.of(
                "issues", "write", "pull_requests", "write", "checks", "read", "actions", "read"));
        // The fake only answers a JWT that verifies with the App's public key.
        assertThat(github.requests("POST", "/app/installations/" + FakeGitHub.INSTALLATION + "/access_tokens"))
                .singleElement().satisfies(r -> assertThat(r.authorization()).startsWith("Bearer ey"));
        assertThat(tokens.token()).isEqualTo(token);
        assertThat(github.minted).hasSize(1);
        assertThat(tokens.toString()).doesNotContain(token).contains("ghs_…");
        // Within five minutes of expiry (these tokens live six minutes) a new one is minted.
        clock.now = clock.now.plus(Duration.ofSeconds(90));
        assertThat(tokens.token()).isNotEqualTo(token);
        assertThat(github.minted).hasSize(2);
    }

    @Test
    void theGitRoleAsksForContentsOnly() throws Exception {
        InstallationTokens.forApp(github.uri(), "101", pkcs1Pem(), REPO, InstallationTokens.GIT).token();
        assertThat(json.convertValue(github.minted.getFirst().request().path("permissions"), Map.class))
                .isEqualTo(Map.of("contents", "write"));
    }

    @Test
    void aTokenGrantingMoreThanAskedIsRefused() throws Exception {
        github.grantExtra.put("contents", "write");
        InstallationTokens tokens = InstallationTokens.forApp(github.uri(), "101", pkcs1Pem(), REPO,
                InstallationTokens.ORCHESTRATOR);
        assertThatThrownBy(tokens::token).isInstanceOf(IOException.class).hasMessageContaining("contents:write")
                .hasMessageNotContaining(github.minted.getFirst().token());
    }

    @Test
    void aKeyTheAppDoesNotHaveIsRejectedByGitHub() throws Exception {
        Path pem = dir.resolve("stranger.pem");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                stranger.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        InstallationTokens tokens = InstallationTokens.forApp(github.uri(), "101", pem, REPO, InstallationTokens.GIT);
        assertThatThrownBy(tokens::token).isInstanceOf(IOException.class).hasMessageContaining("401");
        assertThat(github.minted).isEmpty();
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
