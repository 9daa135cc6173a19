package dev.airlock.scan.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM bodies from real key generators, JWTs signed with a real HMAC, real Basic credentials. */
class StructureValidatorsTest {
    private final PemKeyBody pem = new PemKeyBody();

    static String pem(String label, byte[] der, String newline) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                .replace("\n", newline);
        return "-----BEGIN " + label + "-----" + newline + b64 + newline + "-----END " + label + "-----";
    }

    @Test
    void acceptsRealPkcs8RsaAndEcKeysRawAndJsonEscaped() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        byte[] rsaDer = rsa.generateKeyPair().getPrivate().getEncoded();
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        byte[] ecDer = ec.generateKeyPair().getPrivate().getEncoded();
        assertThat(pem.accepts(pem("PRIVATE KEY", rsaDer, "\n"))).isTrue();
        assertThat(pem.accepts(pem("PRIVATE KEY", ecDer, "\r\n"))).isTrue();
        assertThat(pem.accepts(pem("PRIVATE KEY", rsaDer, "\\n"))).as("JSON-escaped newlines").isTrue();
        assertThat(pem.accepts(pem("PRIVATE KEY", rsaDer, "\\n").replace("/", "\\/"))).as("escaped slashes").isTrue();
    }

    @Test
    void acceptsARealOpenSshKey(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh-keygen")), "ssh-keygen is not installed");
        Path key = dir.resolve("id_ed25519");
        Process p = new ProcessBuilder("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        String text = Files.readString(key);
        assertThat(pem.accepts(text)).isTrue();
        assertThat(pem.accepts(text.replace("-----BEGIN OPENSSH", "-----BEGIN RSA").replace("-----END OPENSSH",
                "-----END RSA"))).as("OpenSSH body under a DER label").isFalse();
    }

    @Test
    void rejectsStubsTruncatedBodiesAndNonDer() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        byte[] der = ec.generateKeyPair().getPrivate().getEncoded();
        byte[] truncated = java.util.Arrays.copyOf(der, der.length - 8);
        byte[] notSequence = der.clone();
        notSequence[0] = 0x31;
        assertThat(pem.accepts(pem("PRIVATE KEY", truncated, "\n"))).isFalse();
        assertThat(pem.accepts(pem("PRIVATE KEY", notSequence, "\n"))).isFalse();
        assertThat(pem.accepts("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----"))
                .isFalse();
        assertThat(pem.accepts("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----")).isFalse();
    }

    @Test
    void acceptsLegacyEncryptedPemOnlyInWholeCipherBlocks() {
        byte[] body = new byte[1200];
        new java.util.Random(1).nextBytes(body);
        String headers = "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n";
        String good = "-----BEGIN RSA PRIVATE KEY-----\n" + headers
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(body)
                + "\n-----END RSA PRIVATE KEY-----";
        String bad = "-----BEGIN RSA PRIVATE KEY-----\n" + headers
                + Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(body, 1201)) + "\n-----END RSA PRIVATE KEY-----";
        assertThat(pem.accepts(good)).isTrue();
        assertThat(pem.accepts(bad)).isFalse();
    }

    @Test
    void jwtHeaderAcceptsASignedTokenAndRejectsLookalikes() throws Exception {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String signingInput = url.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + url.encodeToString("{\"sub\":\"42\"}".getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
        String jwt = signingInput + "." + url.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        JwtHeader v = new JwtHeader();
        assertThat(v.accepts(jwt)).isTrue();
        String noAlg = url.encodeToString("{\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + url.encodeToString("{\"sub\":\"42\"}".getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJlc2lnbmF0dXJl";
        assertThat(v.accepts(noAlg)).as("header without alg").isFalse();
        assertThat(v.accepts("eyJhbGciOiJIUzI1NiJ9garbage.eyJzdWIiOiI0MiJ9.sig")).as("undecodable header").isFalse();
        String arrayHeader = url.encodeToString("[\"alg\"]".getBytes(StandardCharsets.UTF_8)) + "."
                + url.encodeToString("{}".getBytes(StandardCharsets.UTF_8)) + ".sig";
        assertThat(v.accepts(arrayHeader)).as("header not an object").isFalse();
        assertThat(v.accepts(jwt.substring(0, jwt.indexOf('.')))).as("one segment").isFalse();
    }

    @Test
    void basicCredentialsNeedUserColonRealPassword() {
        Base64.Encoder b64 = Base64.getEncoder();
        BasicCredentials v = new BasicCredentials();
        assertThat(v.accepts(b64.encodeToString("deploy:Zr8pQ2vX9tLm".getBytes(StandardCharsets.UTF_8)))).isTrue();
        assertThat(v.accepts(b64.encodeToString("deploy-no-colon".getBytes(StandardCharsets.UTF_8)))).isFalse();
        assertThat(v.accepts(b64.encodeToString("user:changeme".getBytes(StandardCharsets.UTF_8)))).isFalse();
        assertThat(v.accepts(b64.encodeToString("user:${PASSWORD}".getBytes(StandardCharsets.UTF_8)))).isFalse();
        assertThat(v.accepts(b64.encodeToString(new byte[] {1, 2, ':', 3, 4, 5, 6}))).as("binary").isFalse();
        assertThat(v.accepts("not*base64")).isFalse();
    }
}
