package dev.airlock.scan.rules;

import dev.airlock.scan.Rule;
import dev.airlock.scan.validate.Bech32Checksum;
import dev.airlock.scan.validate.PemKeyBody;
import java.util.List;

/** Private keys: PEM (PKCS#1, SEC1, PKCS#8, encrypted, OpenSSH), OpenPGP armor, age. */
final class PrivateKeyRules {
    /** The labels of PEM private keys; PUBLIC KEY and CERTIFICATE blocks never match. */
    private static final String LABEL = "(?:RSA |EC |DSA |OPENSSH |ENCRYPTED |SSH2 ENCRYPTED )?PRIVATE KEY";
    private static final int MAX_BODY = 12_000;

    private PrivateKeyRules() {
    }

    static List<Rule> all() {
        Fake f = new Fake("private-keys");
        byte[] notDer = f.bytes(600);
        notDer[0] = 0x31;
        byte[] pgpPacket = f.bytes(900);
        pgpPacket[0] = (byte) 0x95;
        byte[] pgpPublic = f.bytes(900);
        pgpPublic[0] = (byte) 0x99;
        return List.of(
                Rule.builder("private-key")
                        .description("PEM private key (RSA, EC, DSA, PKCS#8, encrypted, OpenSSH), raw or with literal \\n escapes")
                        .keywords("private key-----")
                        // The body class admits literal backslash escapes (JSON strings) and the headers of
                        // legacy encrypted PEM (Proc-Type, DEK-Info); the lazy body stops at the first END. RE2
                        // caps counted repeats at 1000, below a 4096-bit key, so the body is a lazy loop bounded by
                        // the window (maxLength) and by PemKeyBody's own size cap.
                        .regex("(-----BEGIN " + LABEL + "-----[A-Za-z0-9+/=\\s\\\\:,.-]+?-----END "
                                + LABEL + "-----)")
                        .secretGroup(1)
                        .validator(new PemKeyBody())
                        .maxLength(MAX_BODY + 80)
                        .example(Fake.pem("RSA PRIVATE KEY", "", f.derSequence(1190), "\n"))
                        .example(Fake.pem("EC PRIVATE KEY", "", f.derSequence(117), "\n"))
                        .example(Fake.pem("PRIVATE KEY", "", f.derSequence(1214), "\r\n"))
                        .example(Fake.pem("ENCRYPTED PRIVATE KEY", "", f.derSequence(1290), "\n"))
                        .example(Fake.pem("OPENSSH PRIVATE KEY", "", f.opensshBody(380), "\n"))
                        .example(Fake.pem("RSA PRIVATE KEY", "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"
                                + f.hex(32).toUpperCase(java.util.Locale.ROOT), f.bytes(1200), "\n"))
                        .example("{\"type\": \"service_account\", \"private_key\": \""
                                + Fake.pem("PRIVATE KEY", "", f.derSequence(1214), "\\n") + "\\n\"}")
                        .negative("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----")
                        .negative(Fake.pem("RSA PRIVATE KEY", "", notDer, "\n"))
                        .negative(Fake.pem("PUBLIC KEY", "", f.derSequence(290), "\n"))
                        .negative(Fake.pem("CERTIFICATE", "", f.derSequence(900), "\n"))
                        .negative("-----BEGIN PRIVATE KEY-----\n<your private key here, base64 encoded, about 1600 chars long>\n-----END PRIVATE KEY-----")
                        .build(),
                Rule.builder("pgp-private-key")
                        .description("OpenPGP armored private key block")
                        .keywords("pgp private key block")
                        .regex("(-----BEGIN PGP PRIVATE KEY BLOCK-----[ -~\\s]+?-----END PGP PRIVATE KEY BLOCK-----)")
                        .secretGroup(1)
                        .validator(new PemKeyBody())
                        .maxLength(MAX_BODY + 80)
                        .example(Fake.pem("PGP PRIVATE KEY BLOCK", "Version: GnuPG v2", pgpPacket, "\n")
                                .replace("\n-----END", "\n=" + f.alnum(4) + "\n-----END"))
                        .negative(Fake.pem("PGP PRIVATE KEY BLOCK", "Version: GnuPG v2", pgpPublic, "\n"))
                        .negative("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n... paste your exported key here ...\n-----END PGP PRIVATE KEY BLOCK-----")
                        .build(),
                Rule.builder("age-secret-key")
                        .description("age encryption secret key (bech32 checksum verified)")
                        .keywords("age-secret-key-1")
                        .regex("\\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\\b")
                        .secretGroup(1)
                        .validator(new Bech32Checksum("age-secret-key-"))
                        .maxLength(74)
                        .example("# created: 2024-01-01\n# public key: age1" + f.of("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58)
                                + "\n" + f.ageSecretKey() + "\n")
                        .negative(brokenBech32(f.ageSecretKey()))
                        .negative("AGE-SECRET-KEY-1" + f.of("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 40))
                        .build());
    }

    private static String brokenBech32(String key) {
        char last = key.charAt(key.length() - 1);
        return key.substring(0, key.length() - 1) + (last == 'Q' ? 'P' : 'Q');
    }
}
