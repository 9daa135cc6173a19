package dev.airlock.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** The benchmark inputs: a directory of real files (the JDK's java.base sources) or a synthetic mix. */
final class Corpus {
    private Corpus() {
    }

    /** Every regular file under {@code root}, read into memory so the benchmark measures scanning, not disk. */
    static List<byte[]> files(Path root) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                out.add(Files.readAllBytes(p));
            }
        }
        return out;
    }

    /**
     * A synthetic mix shaped like agent traffic: source code, JSON request bodies with escaped newlines, base64
     * blobs, lockfile-style hashes, UUIDs, and a planted credential every ~64 KiB.
     */
    static byte[] synthetic(int size, long seed) {
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder(size + 4096);
        String alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        int nextSecret = 65536;
        while (sb.length() < size) {
            switch (rnd.nextInt(6)) {
                case 0 -> sb.append("    public static int compute(int value, String name) {\n        return value * 31 + name.hashCode(); // key lookup\n    }\n");
                case 1 -> sb.append("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Please refactor:\\n  int x = 1;\\n  return x;\\n\"}],\"max_tokens\":1024}\n");
                case 2 -> {
                    byte[] blob = new byte[48 + rnd.nextInt(200)];
                    rnd.nextBytes(blob);
                    sb.append("data: ").append(Base64.getEncoder().encodeToString(blob)).append('\n');
                }
                case 3 -> sb.append("  \"integrity\": \"sha512-").append(Base64.getEncoder().encodeToString(new byte[64]).substring(0, 86))
                        .append("==\",\n  \"resolved\": \"https://registry.npmjs.org/pkg/-/pkg-1.2.3.tgz\"\n");
                case 4 -> sb.append("id=").append(java.util.UUID.nameUUIDFromBytes(new byte[] {(byte) rnd.nextInt()}))
                        .append(" commit ").append(Long.toHexString(rnd.nextLong())).append(Long.toHexString(rnd.nextLong())).append('\n');
                default -> sb.append("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.\n");
            }
            if (sb.length() > nextSecret) {
                nextSecret += 65536;
                sb.append("export AWS_ACCESS_KEY_ID=AKIA");
                for (int i = 0; i < 16; i++) {
                    sb.append("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".charAt(rnd.nextInt(32)));
                }
                sb.append("\nGITHUB_TOKEN=ghp_");
                for (int i = 0; i < 36; i++) {
                    sb.append(alnum.charAt(rnd.nextInt(alnum.length())));
                }
                sb.append('\n');
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
