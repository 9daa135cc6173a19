package dev.airlock.orchestrator.github;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * The JSON Web Token a GitHub App authenticates with (RS256, {@code iss} = the App id, valid for nine minutes, issued
 * a minute in the past against clock drift, as GitHub documents). It only serves to ask for an installation token;
 * it is never used for anything else and never printed.
 *
 * <p>The App's private key is read from a PEM file, in the PKCS#1 form GitHub hands out ({@code BEGIN RSA PRIVATE
 * KEY}) or PKCS#8 ({@code BEGIN PRIVATE KEY}); PKCS#1 is wrapped into PKCS#8 here so the JDK alone can load it.
 */
public final class AppJwt {
    static final long LIFETIME_SECONDS = 9 * 60;
    private static final long BACKDATE_SECONDS = 60;
    private final String appId;
    private final PrivateKey key;
    private final Clock clock;

    public AppJwt(String appId, PrivateKey key, Clock clock) {
        if (appId == null || appId.isEmpty() || !appId.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("a GitHub App id is a number, got '" + appId + "'");
        }
        this.appId = appId;
        this.key = Objects.requireNonNull(key);
        this.clock = Objects.requireNonNull(clock);
    }

    /** A fresh token. */
    public String mint() {
        long now = clock.instant().getEpochSecond();
        String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.US_ASCII));
        String claims = b64(("{\"iat\":" + (now - BACKDATE_SECONDS) + ",\"exp\":" + (now + LIFETIME_SECONDS)
                + ",\"iss\":\"" + appId + "\"}").getBytes(StandardCharsets.US_ASCII));
        String signingInput = header + "." + claims;
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the GitHub App token: " + e.getMessage(), e);
        }
    }

    Instant expiresAfter() {
        return clock.instant().plusSeconds(LIFETIME_SECONDS);
    }

    /** Reads an RSA private key from a PEM file; errors name the file, never its content. */
    public static PrivateKey readKey(Path pem) throws IOException {
        byte[] raw = Files.readAllBytes(pem);
        String text = new String(raw, StandardCharsets.US_ASCII);
        Arrays.fill(raw, (byte) 0);
        boolean pkcs1 = text.contains("-----BEGIN RSA PRIVATE KEY-----");
        String begin = pkcs1 ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN PRIVATE KEY-----";
        String end = pkcs1 ? "-----END RSA PRIVATE KEY-----" : "-----END PRIVATE KEY-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IOException(pem + " is not a PEM RSA private key (expected " + begin + ")");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new IOException(pem + ": the PEM body is not valid base64", e);
        }
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1 ? pkcs8Of(der) : der));
        } catch (GeneralSecurityException e) {
            throw new IOException(pem + " does not hold a usable RSA private key: " + e.getMessage(), e);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier rsaEncryption, OCTET STRING pkcs1 }. */
    static byte[] pkcs8Of(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] rsaAlgorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
                0x01, 0x01, 0x05, 0x00};
        byte[] octets = tlv(0x04, pkcs1);
        byte[] body = new byte[version.length + rsaAlgorithm.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(rsaAlgorithm, 0, body, version.length, rsaAlgorithm.length);
        System.arraycopy(octets, 0, body, version.length + rsaAlgorithm.length, octets.length);
        return tlv(0x30, body);
    }

    private static byte[] tlv(int tag, byte[] value) {
        byte[] length;
        if (value.length < 0x80) {
            length = new byte[] {(byte) value.length};
        } else {
            byte[] n = BigInteger.valueOf(value.length).toByteArray();
            int skip = n[0] == 0 ? 1 : 0;
            length = new byte[n.length - skip + 1];
            length[0] = (byte) (0x80 | (n.length - skip));
            System.arraycopy(n, skip, length, 1, n.length - skip);
        }
        byte[] out = new byte[1 + length.length + value.length];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(value, 0, out, 1 + length.length, value.length);
        return out;
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public String toString() {
        return "AppJwt[app " + appId + "]";
    }
}
