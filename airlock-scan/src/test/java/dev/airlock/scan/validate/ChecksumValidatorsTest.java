package dev.airlock.scan.validate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Known-good values computed independently (Python {@code zlib.crc32} and the BIP-173 reference bech32 code),
 * not with the classes under test. Literals are split so that this file itself holds no scannable token.
 */
class ChecksumValidatorsTest {
    private static final String GH_BODY = "Ky9Pf34qY6Nb3wWD25RQ4F5ZR3qa7y";
    private static final String GH_CHECKSUM = "3gm1IL";
    private static final String CF_BODY = "Eeeby3abP3E2Zs8IQ9Y7aJZqhB6baeCN6Zj4a3dD";
    private static final String CF_CHECKSUM = "0a5f6f32";
    private static final String AGE = "AGE-SECRET-KEY-" + "107HGSMWX2PMETMR5T3XRLJEWKTRNU9YNFJR8ACZHHFEYNXL6ZG0QSNPG58";

    @Test
    void githubAndNpmChecksumAcceptsAValidTokenOfEachPrefix() {
        for (String prefix : new String[] {"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_"}) {
            assertThat(new Crc32Base62Checksum(prefix).accepts(prefix + GH_BODY + GH_CHECKSUM)).as(prefix).isTrue();
        }
        assertThat(Crc32Base62Checksum.checksumOf(GH_BODY)).isEqualTo(GH_CHECKSUM);
    }

    @Test
    void githubChecksumRejectsBrokenValues() {
        Crc32Base62Checksum v = new Crc32Base62Checksum("ghp_");
        assertThat(v.accepts("ghp_" + GH_BODY + "3gm1IM")).as("checksum off by one").isFalse();
        assertThat(v.accepts("ghp_" + GH_BODY.replace('K', 'L') + GH_CHECKSUM)).as("body changed").isFalse();
        assertThat(v.accepts("gho_" + GH_BODY + GH_CHECKSUM)).as("other prefix").isFalse();
        assertThat(v.accepts("ghp_" + GH_BODY + GH_CHECKSUM + "a")).as("too long").isFalse();
        assertThat(v.accepts("ghp_" + GH_BODY.substring(1) + GH_CHECKSUM)).as("too short").isFalse();
        assertThat(v.accepts("ghp_" + "16C7e42F292c6912E7710c838347Ae178B4a")).as("GitHub docs example").isFalse();
        assertThat(v.verifiesChecksum()).isTrue();
    }

    @Test
    void cloudflareChecksumAcceptsValidAndRejectsBroken() {
        for (String prefix : new String[] {"cfk_", "cfut_", "cfat_"}) {
            Crc32HexChecksum v = new Crc32HexChecksum(prefix);
            assertThat(v.accepts(prefix + CF_BODY + CF_CHECKSUM)).as(prefix).isTrue();
            assertThat(v.accepts(prefix + CF_BODY + "0a5f6f33")).isFalse();
            assertThat(v.accepts(prefix + CF_BODY.replace('E', 'F') + CF_CHECKSUM)).isFalse();
            assertThat(v.accepts(prefix + CF_BODY + CF_CHECKSUM.substring(1))).isFalse();
        }
        assertThat(Crc32HexChecksum.checksumOf(CF_BODY)).isEqualTo(CF_CHECKSUM);
    }

    @Test
    void bech32AcceptsTheReferenceAgeKeyInEitherCaseButNotMixed() {
        Bech32Checksum v = new Bech32Checksum("age-secret-key-");
        assertThat(v.accepts(AGE)).isTrue();
        assertThat(v.accepts(AGE.toLowerCase(java.util.Locale.ROOT))).isTrue();
        assertThat(v.accepts("age-secret-key-" + AGE.substring(15))).as("mixed case").isFalse();
    }

    @Test
    void bech32RejectsBrokenChecksumAndWrongPrefix() {
        Bech32Checksum v = new Bech32Checksum("age-secret-key-");
        assertThat(v.accepts(AGE.substring(0, AGE.length() - 1) + "9")).isFalse();
        assertThat(v.accepts(AGE.replace("107H", "108H"))).isFalse();
        assertThat(v.accepts("AGE-PUBLIC-KEY-" + AGE.substring(15))).isFalse();
        assertThat(v.accepts(AGE.replace('Q', 'B'))).as("b is not in the bech32 alphabet").isFalse();
    }

    @Test
    void bech32EncodeRoundTrips() {
        String encoded = Bech32Checksum.encode("age-secret-key-", Bech32Checksum.toFiveBit(new byte[32]));
        assertThat(new Bech32Checksum("age-secret-key-").accepts(encoded)).isTrue();
        assertThat(encoded).hasSize(15 + 1 + 52 + 6);
    }
}
