package dev.airlock.sandbox.redteam;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What the host kernel itself allows, asked with a plain host process outside any sandbox. A red-team case uses it
 * to tell "the sandbox refused this" from "this kernel has no such entry at all", so a case never passes on a
 * refusal nobody checked.
 */
final class HostKernel {
    private static volatile Boolean i386Entry;

    private HostKernel() {
    }

    /**
     * True when a host process can make a syscall through {@code int 0x80} (IA-32 emulation is built in and
     * enabled); false only when such a process is killed by SIGSEGV. Anything else (no compiler, a timeout) answers
     * true, which keeps the strict expectation of a seccomp kill.
     */
    static boolean hasI386SyscallEntry() {
        Boolean known = i386Entry;
        if (known == null) {
            known = i386Entry = probe();
        }
        return known;
    }

    private static boolean probe() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("airlock-i386");
            Path source = Files.writeString(dir.resolve("i386.c"), RedTeamSuite.I386_GETPID);
            Path binary = dir.resolve("i386");
            if (run(new ProcessBuilder("gcc", "-o", binary.toString(), source.toString())) != 0) {
                return true;
            }
            return run(new ProcessBuilder(binary.toString())) != 128 + 11;
        } catch (IOException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } finally {
            if (dir != null) {
                try (var files = Files.list(dir)) {
                    for (Path p : files.toList()) {
                        Files.deleteIfExists(p);
                    }
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a leftover temporary directory is harmless
                }
            }
        }
    }

    private static int run(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
