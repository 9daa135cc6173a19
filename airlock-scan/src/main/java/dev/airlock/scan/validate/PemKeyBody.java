package dev.airlock.scan.validate;

import dev.airlock.scan.SecretValidator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Checks that an armored private-key block really holds key material: the base64 body must decode to a DER
 * {@code SEQUENCE} whose length covers the body exactly (PKCS#1, SEC1, PKCS#8 and encrypted PKCS#8), to the
 * {@code openssh-key-v1\0} magic (OpenSSH), to whole cipher blocks (legacy {@code Proc-Type: 4,ENCRYPTED}
 * PEM), or to an OpenPGP secret-key packet (PGP armor). Documentation stubs such as {@code MIIE...} or
 * {@code <your key here>} fail.
 *
 * <p>The block may carry literal {@code \n}, {@code \r}, {@code \t} and {@code \/} escapes, as it does inside a
 * JSON string (a GCP service-account file, an LLM request), so the rule finds those without a decoding pass.
 */
public final class PemKeyBody implements SecretValidator {
    private static final byte[] OPENSSH_MAGIC = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_BLOCK = 64 * 1024;

    @Override
    public boolean accepts(CharSequence secret) {
        if (secret.length() > MAX_BLOCK) {
            return false;
        }
        String block = unescape(secret.toString());
        int labelStart = block.indexOf("-----BEGIN ");
        if (labelStart < 0) {
            return false;
        }
        int labelEnd = block.indexOf("-----", labelStart + 11);
        int end = block.indexOf("-----END ", labelEnd + 5);
        if (labelEnd < 0 || end < 0) {
            return false;
        }
        String label = block.substring(labelStart + 11, labelEnd);
        boolean pgp = label.startsWith("PGP ");
        boolean legacyEncrypted = false;
        StringBuilder base64 = new StringBuilder(end - labelEnd);
        for (String line : block.substring(labelEnd + 5, end).split("\n")) {
            String trimmed = line.strip();
            if (trimmed.indexOf(':') >= 0) {
                legacyEncrypted |= trimmed.startsWith("Proc-Type:") && trimmed.contains("ENCRYPTED");
                continue;
            }
            if (pgp && trimmed.startsWith("=") && trimmed.length() <= 5) {
                continue; // the armor's CRC-24 line
            }
            for (int i = 0; i < trimmed.length(); i++) {
                char c = trimmed.charAt(i);
                if (!Character.isWhitespace(c)) {
                    base64.append(c);
                }
            }
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64.toString());
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        if (der.length < 32) {
            return false;
        }
        if (pgp) {
            return isSecretKeyPacket(der[0]);
        }
        if (label.contains("OPENSSH")) {
            return startsWith(der, OPENSSH_MAGIC);
        }
        if (legacyEncrypted) {
            return der.length % 8 == 0;
        }
        return isDerSequenceSpanning(der);
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s.replace("\r", "");
        }
        return s.replace("\\r", "").replace("\\n", "\n").replace("\\t", " ").replace("\\/", "/").replace("\r", "");
    }

    private static boolean isDerSequenceSpanning(byte[] der) {
        if (der[0] != 0x30) {
            return false;
        }
        int first = der[1] & 0xFF;
        long length;
        int header;
        if (first < 0x80) {
            length = first;
            header = 2;
        } else {
            int octets = first & 0x7F;
            if (octets == 0 || octets > 3) {
                return false;
            }
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (der[2 + i] & 0xFF);
            }
            header = 2 + octets;
        }
        return header + length == der.length;
    }

    private static boolean isSecretKeyPacket(byte tagByte) {
        int b = tagByte & 0xFF;
        if ((b & 0x80) == 0) {
            return false;
        }
        int tag = (b & 0x40) != 0 ? b & 0x3F : (b >> 2) & 0x0F;
        return tag == 5;
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String name() {
        return "pem-key-body";
    }
}
