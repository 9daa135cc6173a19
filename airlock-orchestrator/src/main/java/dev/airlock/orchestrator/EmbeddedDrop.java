package dev.airlock.orchestrator;

import dev.airlock.drop.s3.S3Settings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The dead drop as a role process ({@code airlock drop serve}) on a loopback ephemeral port. Its keys live in its
 * data directory's {@code credentials} file (mode 0600), which the orchestrator reads to presign; they never travel
 * in an environment or a command line.
 */
public final class EmbeddedDrop implements AutoCloseable {
    public static final String BUCKET = "airlock";
    private final Process process;
    private final URI endpoint;
    private final Path credentials;
    private final Thread reaper;

    private EmbeddedDrop(Process process, URI endpoint, Path credentials) {
        this.process = process;
        this.endpoint = endpoint;
        this.credentials = credentials;
        // An interrupted `airlock run` must not leave the store listening.
        this.reaper = new Thread(process::destroy, "airlock-drop-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    public static EmbeddedDrop start(RoleLauncher launcher, Path dataDir) throws IOException {
        Process p = launcher.start(Role.DROP, List.of("drop", "serve", "--data-dir", dataDir.toString(), "--port", "0",
                "--bucket", BUCKET, "--exit-with-parent"), java.util.Map.of());
        CompletableFuture<String> serving = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("airlock drop: serving ")) {
                        return line;
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        // Drain stderr so the store never blocks on a full pipe.
        Thread.ofVirtual().start(() -> {
            try {
                p.getErrorStream().transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // the process ended
            }
        });
        String line;
        try {
            line = serving.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            p.destroyForcibly();
            throw new IOException("the drop store did not start within 60 s");
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException("the drop store did not start: " + e.getMessage(), e);
        }
        if (line == null) {
            p.destroyForcibly();
            throw new IOException("the drop store exited before serving (run 'airlock drop serve --data-dir "
                    + dataDir + "' to see why)");
        }
        String url = line.substring("airlock drop: serving ".length()).split(" ", 2)[0];
        return new EmbeddedDrop(p, URI.create(url), dataDir.resolve("credentials"));
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The file holding the access and secret key; handed (as a path) to the git role. */
    public Path credentials() {
        return credentials;
    }

    public S3Settings settings() throws IOException {
        List<String> lines = Files.readAllLines(credentials, StandardCharsets.UTF_8);
        if (lines.size() < 2) {
            throw new IOException("drop credentials file " + credentials + " is incomplete");
        }
        return new S3Settings(endpoint, "us-east-1", BUCKET, true, lines.get(0).strip(), lines.get(1).strip());
    }

    public ProcessHandle process() {
        return process.toHandle();
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or will run; destroying twice is harmless
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
