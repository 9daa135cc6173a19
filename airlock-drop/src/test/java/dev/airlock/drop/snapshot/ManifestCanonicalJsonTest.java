package dev.airlock.drop.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written canonical form is exactly what the mapper writes, and the order is UTF-8 byte order. */
class ManifestCanonicalJsonTest {
    /** Characters valid in snapshot paths, for manifests that also go through the writer. */
    private static final String PATH_ALPHABET = "aZ09-_ é€中\uD83D\uDE00\uE000\uFFFD";
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

    /**
     * A manifest derived from another (a delta applied to it, or a delta written against it) reuses the source's
     * bytes for the entries they share; its canonical form and order must be exactly those of the same entries
     * given to the public constructor, whatever was changed, removed or added, and the source's bytes unharmed.
     */
    @Test
    void derivedManifestsHaveTheSameCanonicalBytesAsFreshOnes() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            java.util.Map<String, ManifestEntry> byPath = new java.util.LinkedHashMap<>();
            for (int i = 0; i < 60; i++) {
                String path = "d" + (i % 4) + "/f" + text(random, PATH_ALPHABET);
                byPath.put(path, file(path, random));
            }
            Manifest base = new Manifest(Manifest.VERSION, null, List.copyOf(byPath.values()));
            byte[] baseBytes = base.canonicalJson();
            List<ManifestEntry> changed = new ArrayList<>();
            List<String> removed = new ArrayList<>();
            java.util.Map<String, ManifestEntry> after = new java.util.HashMap<>(byPath);
            for (ManifestEntry e : base.entries()) {
                switch (random.nextInt(6)) {
                    case 0 -> {
                        removed.add(e.path());
                        after.remove(e.path());
                    }
                    case 1 -> {
                        ManifestEntry now = file(e.path(), random);
                        changed.add(now);
                        after.put(e.path(), now);
                    }
                    default -> {
                    }
                }
            }
            for (int i = 0; i < 5; i++) {
                String path = "n" + i + text(random, PATH_ALPHABET);
                if (!after.containsKey(path)) {
                    ManifestEntry added = file(path, random);
                    changed.add(added);
                    after.put(path, added);
                }
            }
            java.util.Collections.shuffle(changed, random);
            Manifest fresh = new Manifest(Manifest.VERSION, base.id(), List.copyOf(after.values()));
            Manifest applied = new ManifestDelta(Manifest.VERSION, base.id(), changed, removed).applyTo(base, 10_000);
            assertThat(applied.entries()).isEqualTo(fresh.entries());
            assertThat(applied.canonicalJson()).isEqualTo(fresh.canonicalJson());
            assertThat(applied.id()).isEqualTo(fresh.id());

            Manifest written;
            try (SnapshotWriter w = SnapshotWriter.open(java.io.OutputStream.nullOutputStream(), SnapshotLimits.DEFAULT,
                    base)) {
                List<ManifestEntry> shuffled = new ArrayList<>(after.values());
                java.util.Collections.shuffle(shuffled, random);
                for (ManifestEntry e : shuffled) {
                    if (w.canCarry(e.path(), e.sha256())) {
                        w.carry(e.path(), e.executable(), e.size(), e.sha256());
                    } else {
                        w.file(e.path(), e.executable(), new byte[(int) e.size()], Sha256.hex(new byte[(int) e.size()]));
                    }
                }
                written = w.finish();
            }
            List<ManifestEntry> expected = new ArrayList<>();
            for (ManifestEntry e : fresh.entries()) {
                ManifestEntry before = base.byPath().get(e.path());
                expected.add(before != null && before.sha256().equals(e.sha256()) ? e
                        : ManifestEntry.file(e.path(), e.executable(), e.size(), Sha256.hex(new byte[(int) e.size()])));
            }
            Manifest writtenFresh = new Manifest(Manifest.VERSION, base.id(), expected);
            assertThat(written.canonicalJson()).isEqualTo(writtenFresh.canonicalJson());
            assertThat(base.canonicalJson()).isEqualTo(baseBytes);
        }
    }

    private static ManifestEntry file(String path, Random random) {
        int size = random.nextInt(3);
        return ManifestEntry.file(path, random.nextBoolean(), size, Sha256.hex(new byte[] {(byte) random.nextInt(4)}));
    }

    private static String text(Random random) {
        return text(random, ALPHABET);
    }

    private static String text(Random random, String alphabet) {
        StringBuilder b = new StringBuilder();
        int n = 1 + random.nextInt(8);
        for (int i = 0; i < n; i++) {
            int k = random.nextInt(alphabet.length());
            char c = alphabet.charAt(k);
            if (Character.isHighSurrogate(c)) {
                b.append(c).append(alphabet.charAt(k + 1));
            } else if (!Character.isLowSurrogate(c)) {
                b.append(c);
            }
        }
        return b.toString();
    }
}
