package dev.airlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.core.event.DenialKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fs:write:PATH} at runtime with real bubblewrap and Landlock: a writable-on-grant directory is read-only to
 * commands and to the write tool until a grant, writable after it, read-only again after revocation or expiry, and a
 * process started before the grant keeps the rights it started with.
 */
class WritableOnGrantTest {
    @TempDir
    Path ws;
    /** Outside /tmp: the sandbox's own /tmp is always writable, so a grantable directory may not lie beneath it. */
    private Path cache;

    @BeforeEach
    void dir() throws Exception {
        // Outside every mount of the sandbox's own (/tmp, the workspace, $HOME…), wherever the checkout lies.
        cache = Files.createTempDirectory(Path.of("/var/tmp"), "airlock-grantable-");
    }

    @AfterEach
    void clean() throws Exception {
        try (Stream<Path> s = Files.walk(cache)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void readOnlyUntilGrantedWritableAfterAndAgainReadOnlyAfterRevocationOrExpiry() throws Exception {
        String dir = cache.toString();
        SandboxPolicy p = SandboxPolicy.builder().writableOnGrant(dir).grantTtl(Duration.ofSeconds(6))
                .autoGrant("fs:write:" + dir).autoGrant("exec:background").build();
        try (SandboxSession s = SandboxSession.builder(p, ws).open()) {
            ExecResult before = s.exec("sh", "-c", "echo x > " + dir + "/a");
            assertThat(before.succeeded()).isFalse();
            assertThat(before.stderrText()).contains("Permission denied");
            assertThat(cache.resolve("a")).doesNotExist();
            assertThatThrownBy(() -> s.writeFile(dir + "/tool", "x".getBytes()))
                    .isInstanceOfSatisfying(FileToolDeniedException.class, e -> {
                        assertThat(e.denial().kind()).isEqualTo(DenialKind.FILESYSTEM);
                        assertThat(e.denial().hint()).isEqualTo("request capability fs:write:" + dir + " if this is needed");
                    });
            assertThat(s.exec("sh", "-c", "echo ok > /workspace/w && echo ok > /tmp/t").succeeded()).isTrue();

            // A process started before the grant keeps its old rights; one started after gets the new ones.
            assertThat(s.requestCapability("exec:background", "r")).isInstanceOf(GrantDecider.Decision.Grant.class);
            s.exec("sh", "-c", "(for i in $(seq 1 40); do echo $i > /tmp/alive; echo e 2>/dev/null > " + dir + "/early && exit 0; sleep 0.05; done) >/dev/null 2>&1 &");
            assertThat(s.requestCapability("fs:write:" + dir, "build cache")).isEqualTo(new GrantDecider.Decision.Grant("policy:fs:write:" + dir));
            ExecResult after = s.exec("sh", "-c", "mkdir -p " + dir + "/sub && echo y > " + dir + "/sub/b");
            assertThat(after.succeeded()).as(after.stderrText()).isTrue();
            assertThat(awaitAlive(s, "40\n")).as("the early process tried to the end").isEqualTo("40\n");
            assertThat(cache.resolve("early")).as("written by a process started before the grant").doesNotExist();
            assertThat(s.revokeCapability("exec:background", "operator")).isTrue();
            assertThat(cache.resolve("sub/b")).hasContent("y");
            s.writeFile(dir + "/tool", "t".getBytes());
            assertThat(cache.resolve("tool")).hasContent("t");

            assertThat(s.revokeCapability("fs:write:" + dir, "operator")).isTrue();
            assertThat(s.exec("sh", "-c", "echo z > " + dir + "/c").succeeded()).isFalse();
            assertThatThrownBy(() -> s.writeFile(dir + "/tool", "u".getBytes())).isInstanceOf(FileToolDeniedException.class);
            assertThat(cache.resolve("tool")).hasContent("t");

            assertThat(s.requestCapability("fs:write:" + dir, "again")).isInstanceOf(GrantDecider.Decision.Grant.class);
            assertThat(s.exec("sh", "-c", "echo d > " + dir + "/d").succeeded()).isTrue();
            Thread.sleep(6100);
            assertThat(s.exec("sh", "-c", "echo e > " + dir + "/e").succeeded()).isFalse();
            assertThat(cache.resolve("e")).doesNotExist();
            assertThat(s.eventLog().events()).hasAtLeastOneElementOfType(SessionEvent.CapabilityRevoked.class)
                    .hasAtLeastOneElementOfType(SessionEvent.CapabilityExpired.class);
        }
    }

    @Test
    void onlyListedDirectoriesAreGrantable() throws Exception {
        SandboxPolicy p = SandboxPolicy.builder().writableOnGrant(cache.toString()).autoGrant("fs:write:*").build();
        try (SandboxSession s = SandboxSession.builder(p, ws).open()) {
            assertThat(s.requestCapability("fs:write:/usr", "r")).isInstanceOf(GrantDecider.Decision.Refuse.class);
            assertThat(s.requestCapability("fs:write:" + cache + "x", "prefix is not beneath")).isInstanceOf(GrantDecider.Decision.Refuse.class);
            assertThat(s.exec("sh", "-c", "echo x > /usr/x").succeeded()).isFalse();
        }
        assertThatThrownBy(() -> SandboxPolicy.builder().writableOnGrant("/tmp/x").build()).hasMessageContaining("overlaps");
        assertThatThrownBy(() -> SandboxPolicy.builder().writableOnGrant("/workspace").build()).hasMessageContaining("overlaps");
        assertThatThrownBy(() -> SandboxPolicy.builder().writableOnGrant("relative").build()).hasMessageContaining("absolute");
        assertThatThrownBy(() -> SandboxSession.open(SandboxPolicy.builder().writableOnGrant(cache + "/missing").build(), ws))
                .isInstanceOf(SandboxUnavailableException.class).hasMessageContaining("does not exist");
    }

    /** The early process's counter once it reads {@code expected}, or what it reads after 20 s (a loaded machine). */
    private static String awaitAlive(SandboxSession s, String expected) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        String seen = new String(s.readFile("/tmp/alive"));
        while (!seen.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            seen = new String(s.readFile("/tmp/alive"));
        }
        return seen;
    }
}
