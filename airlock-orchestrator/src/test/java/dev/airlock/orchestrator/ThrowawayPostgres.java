package dev.airlock.orchestrator;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL cluster for one test class: {@code initdb} into a temp directory (password auth, SCRAM), then
 * {@code pg_ctl start} listening on 127.0.0.1 only, on a free port, without a Unix socket. PostgreSQL refuses to run
 * as root, so as root the binaries run as uid/gid 65534 ({@code setpriv}).
 */
final class ThrowawayPostgres implements AutoCloseable {
    static final String USER = "airlock";
    private final Path dir;
    private final Path bin;
    private final int port;
    final Path passwordFile;

    private ThrowawayPostgres(Path bin, Path dir, int port, Path passwordFile) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.passwordFile = passwordFile;
    }

    /** The directory holding {@code initdb} and {@code pg_ctl}, if PostgreSQL is installed. */
    static Optional<Path> binaries() {
        List<Path> candidates = new ArrayList<>();
        Path versions = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(versions)) {
            try (Stream<Path> s = Files.list(versions)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(v -> candidates.add(v.resolve("bin")));
            } catch (IOException ignored) {
                // fall through to PATH
            }
        }
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!p.isEmpty()) {
                candidates.add(Path.of(p));
            }
        }
        return candidates.stream().filter(d -> Files.isExecutable(d.resolve("initdb"))
                && Files.isExecutable(d.resolve("pg_ctl"))).findFirst();
    }

    static ThrowawayPostgres start(Path bin) throws Exception {
        Path dir = Files.createTempDirectory("airlock-pg-");
        Path data = dir.resolve("data");
        Path pw = dir.resolve("password");
        Files.writeString(pw, "pw-" + Long.toHexString(new java.security.SecureRandom().nextLong()) + "\n");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ThrowawayPostgres pg = new ThrowawayPostgres(bin, dir, port, pw);
        if (isRoot()) {
            run(List.of("chown", "-R", "65534:65534", dir.toString()));
        }
        pg.pg(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--auth=scram-sha-256",
                "--pwfile=" + pw, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"));
        pg.pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories= "
                        + "-c fsync=off", "start"));
        return pg;
    }

    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    private void pg(List<String> command) throws Exception {
        List<String> argv = new ArrayList<>();
        if (isRoot()) {
            argv.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
        }
        argv.addAll(command);
        run(argv);
    }

    private static void run(List<String> argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " failed:\n" + out);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Override
    public void close() throws Exception {
        try {
            pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w",
                    "stop"));
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
