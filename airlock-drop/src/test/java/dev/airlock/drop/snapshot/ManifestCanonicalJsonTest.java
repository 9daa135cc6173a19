package dev.airlock.drop.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written canonical form is exactly what the mapper writes, and the order is UTF-8 byte order. */
class ManifestCanonicalJsonTest {
    private static final String ALPHABET = "aZ09-_./\"\\ é€中\uD83D\uDE00\uE000\uFFFD\u007F\b\t\n\f\r\u0001\u001F";

    @Test
    void canonicalBytesEqualTheMappersOutput() throws Exception {
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            List<ManifestEntry> entries = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String path = "p" + i + "/" + text(random);
                entries.add(switch (i % 3) {
                    case 0 -> ManifestEntry.file(path, random.nextBoolean(), random.nextLong(1L << 40),
                            Sha256.hex(path.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                    case 1 -> ManifestEntry.directory(path);
                    default -> ManifestEntry.symlink(path, text(random), Sha256.hex(new byte[] {(byte) i}));
                });
            }
            Manifest m = new Manifest(Manifest.VERSION, round % 2 == 0 ? null : "sha256:" + text(random), entries);
            assertThat(new String(m.canonicalJson(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(new String(Json.mapper().writeValueAsBytes(m), java.nio.charset.StandardCharsets.UTF_8));
            assertThat(m.canonicalJson()).isEqualTo(Json.mapper().writeValueAsBytes(m));
            for (int i = 1; i < m.entries().size(); i++) {
                assertThat(java.util.Arrays.compareUnsigned(SnapshotPaths.utf8(m.entries().get(i - 1).path()),
                        SnapshotPaths.utf8(m.entries().get(i).path()))).isNegative();
            }
        }
    }

    private static String text(Random random) {
        StringBuilder b = new StringBuilder();
        int n = 1 + random.nextInt(8);
        for (int i = 0; i < n; i++) {
            int k = random.nextInt(ALPHABET.length());
            char c = ALPHABET.charAt(k);
            if (Character.isHighSurrogate(c)) {
                b.append(c).append(ALPHABET.charAt(k + 1));
            } else if (!Character.isLowSurrogate(c)) {
                b.append(c);
            }
        }
        return b.toString();
    }
}
