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
    private final CompletableFuture<String> serving;
    private final Path dataDir;
    private final StringBuffer lastError;
    private final Path credentials;
    private final Thread reaper;
    private volatile URI endpoint;

    private EmbeddedDrop(Process process, CompletableFuture<String> serving, Path dataDir, StringBuffer lastError) {
        this.process = process;
        this.lastError = lastError;
        this.serving = serving;
        this.dataDir = dataDir;
        this.credentials = dataDir.resolve("credentials");
        // An interrupted `airlock run` must not leave the store listening.
        this.reaper = new Thread(process::destroy, "airlock-drop-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** Starts the store and waits until it serves. */
    public static EmbeddedDrop start(RoleLauncher launcher, Path dataDir) throws IOException {
        return launch(launcher, dataDir).awaitReady();
    }

    /**
     * Starts the store's process without waiting: the caller opens its run database meanwhile. {@link #endpoint()}
     * and {@link #settings()} wait for it; {@link #awaitReady()} says why it did not start.
     */
    public static EmbeddedDrop launch(RoleLauncher launcher, Path dataDir) throws IOException {
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
        }, RoleOutput::ownThread);
        // Drain stderr so the store never blocks on a full pipe; its last line says why a store did not start.
        StringBuffer lastError = new StringBuffer();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.isBlank()) {
                        lastError.setLength(0);
                        lastError.append(line, 0, Math.min(line.length(), 500));
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        return new EmbeddedDrop(p, serving, dataDir, lastError);
    }

    /** Waits until the store serves (at most 60 s from now); a store that does not is stopped. */
    public EmbeddedDrop awaitReady() throws IOException {
        if (endpoint != null) {
            return this;
        }
        String line;
        try {
            line = serving.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("the drop store did not start within 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while the drop store started", e);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException("the drop store did not start: " + e.getMessage(), e);
        }
        if (line == null) {
            process.destroyForcibly();
            try {
                process.waitFor(2, TimeUnit.SECONDS); // its stderr reaches its end
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("the drop store exited before serving" + (lastError.isEmpty() ? "" : ": " + lastError)
                    + " (run 'airlock drop serve --data-dir " + dataDir + "' to see more)");
        }
        endpoint = URI.create(line.substring("airlock drop: serving ".length()).split(" ", 2)[0]);
        return this;
    }

    /** The store's URL, once it serves (waits for it; unchecked if it did not start — see {@link #awaitReady()}). */
    public URI endpoint() {
        try {
            return awaitReady().endpoint;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public S3Settings settings() throws IOException {
        URI endpoint = awaitReady().endpoint;
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
