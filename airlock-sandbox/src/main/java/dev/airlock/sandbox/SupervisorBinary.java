package dev.airlock.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The native supervisor ({@code airlock-sandboxd.c} in this module's resources), compiled with the host's C compiler
 * on first use into a private cache directory named after the source's SHA-256, so a changed source is never run
 * stale and the compiler runs once per machine and version.
 */
final class SupervisorBinary {
    private static final String RESOURCE = "airlock-sandboxd.c";
    private static volatile Path cached;

    private SupervisorBinary() {
    }

    static Path get() throws SandboxUnavailableException {
        Path p = cached;
        if (p != null && Files.isExecutable(p)) {
            return p;
        }
        synchronized (SupervisorBinary.class) {
            if (cached == null || !Files.isExecutable(cached)) {
                cached = compile();
            }
            return cached;
        }
    }

    private static Path cacheRoot() {
        String override = System.getProperty("airlock.sandbox.cache");
        if (override != null) {
            return Path.of(override);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && xdg.startsWith("/") ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("airlock").resolve("sandboxd");
    }

    private static Path compile() throws SandboxUnavailableException {
        return compileInto(cacheRoot(), System.getProperty("airlock.sandbox.cc", "gcc"));
    }

    /** Compiles (or finds) the supervisor under {@code root} with compiler {@code cc}; visible for the fail-closed test. */
    static Path compileInto(Path root, String cc) throws SandboxUnavailableException {
        byte[] source;
        try (InputStream in = SupervisorBinary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new SandboxUnavailableException("the supervisor source " + RESOURCE + " is missing from the classpath; rebuild airlock-sandbox");
            }
            source = in.readAllBytes();
        } catch (IOException e) {
            throw new SandboxUnavailableException("cannot read the supervisor source: " + e.getMessage(), e);
        }
        String hash = sha256(source).substring(0, 16);
        Path dir = root.resolve(hash);
        Path binary = dir.resolve("airlock-sandboxd");
        if (Files.isExecutable(binary)) {
            return binary;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path src = Files.createTempFile(dir, "src", ".c");
            Files.write(src, source);
            Path out = Files.createTempFile(dir, "bin", ".tmp");
            Process p = new ProcessBuilder(List.of(cc, "-O2", "-Wall", "-pthread", "-o", out.toString(), src.toString()))
                    .redirectErrorStream(true).start();
            byte[] log = p.getInputStream().readNBytes(64 << 10);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new SandboxUnavailableException("compiling the sandbox supervisor with " + cc + " timed out");
            }
            Files.deleteIfExists(src);
            if (p.exitValue() != 0) {
                Files.deleteIfExists(out);
                throw new SandboxUnavailableException("compiling the sandbox supervisor with " + cc + " failed:\n"
                        + new String(log, StandardCharsets.UTF_8) + "\nInstall a C toolchain: apt-get install -y gcc libc6-dev");
            }
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwx------"));
            try {
                Files.move(out, binary, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(out, binary, StandardCopyOption.REPLACE_EXISTING);
            }
            return binary;
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("Cannot run program")) {
                throw new SandboxUnavailableException("no C compiler '" + cc + "' on this host; the sandbox supervisor is "
                        + "compiled on first use. Install one: apt-get install -y gcc libc6-dev (bin/install-prerequisites does this)", e);
            }
            throw new SandboxUnavailableException("cannot build the sandbox supervisor in " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxUnavailableException("interrupted while compiling the sandbox supervisor", e);
        }
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
