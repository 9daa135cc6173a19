package dev.airlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapabilityGrantTest {
    @TempDir
    Path ws;

    @Test
    void parsesOnlyKnownShapes() {
        assertThat(Capability.parse("net:Example.COM").name()).isEqualTo("net:example.com");
        assertThat(Capability.parse("budget:time:+30").name()).isEqualTo("budget:time:+30");
        assertThat(Capability.parse("exec:background").name()).isEqualTo("exec:background");
        assertThatThrownBy(() -> Capability.parse("root:all")).hasMessageContaining("valid:");
        assertThatThrownBy(() -> Capability.parse("net:a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Capability.parse("fs:write:../etc")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void autoGrantTtlRevocationAndEventsFromOutsideOnly() throws Exception {
        SandboxPolicy p = SandboxPolicy.builder().autoGrant("budget:time:+*").grantTtl(Duration.ofMillis(300)).build();
        try (SandboxSession s = SandboxSession.builder(p, ws)
                .grantDecider((id, c, r) -> c.name().equals("exec:background")
                        ? new GrantDecider.Decision.Grant("test-operator")
                        : new GrantDecider.Decision.Refuse("test-operator", "no"))
                .open()) {
            assertThat(s.requestCapability("budget:time:+5", "slow build")).isInstanceOf(GrantDecider.Decision.Grant.class);
            assertThat(s.grants().holds("budget:time:+5")).isTrue();
            assertThat(s.requestCapability("net:pastebin.com", "upload")).isInstanceOf(GrantDecider.Decision.Refuse.class);
            assertThat(s.grants().holds("net:pastebin.com")).isFalse();

            // exec:background lets a daemon survive its call; revoking it restores the cleanup.
            assertThat(s.requestCapability("exec:background", "dev server")).isInstanceOf(GrantDecider.Decision.Grant.class);
            s.exec("sh", "-c", "sleep 50 >/dev/null 2>&1 &");
            assertThat(s.exec("sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '").stdoutText()).contains("sleep 50");
            assertThat(s.revokeCapability("exec:background", "test-operator")).isTrue();
            s.exec("true");
            assertThat(s.exec("sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '").stdoutText()).doesNotContain("sleep 50");

            Thread.sleep(400);
            assertThat(s.grants().holds("budget:time:+5")).isFalse();
            assertThat(s.eventLog().events()).hasAtLeastOneElementOfType(SessionEvent.CapabilityRequested.class)
                    .hasAtLeastOneElementOfType(SessionEvent.CapabilityGranted.class)
                    .hasAtLeastOneElementOfType(SessionEvent.CapabilityRefused.class)
                    .hasAtLeastOneElementOfType(SessionEvent.CapabilityRevoked.class)
                    .hasAtLeastOneElementOfType(SessionEvent.CapabilityExpired.class);
        }
    }

    @Test
    void applyPatchRunsInsideAndCannotTouchProtectedPaths() throws Exception {
        Files.writeString(ws.resolve("a.txt"), "one\n");
        Files.createDirectories(ws.resolve(".git"));
        Files.writeString(ws.resolve(".git/config"), "[core]\n");
        try (SandboxSession s = SandboxSession.open(SandboxPolicy.defaults(), ws)) {
            ExecResult ok = s.applyPatch("--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-one\n+two\n");
            assertThat(ok.succeeded()).as(ok.stderrText() + ok.stdoutText()).isTrue();
            assertThat(Files.readString(ws.resolve("a.txt"))).isEqualTo("two\n");
            ExecResult bad = s.applyPatch("--- a/.git/config\n+++ b/.git/config\n@@ -1 +1,2 @@\n [core]\n+\thooksPath = /tmp\n");
            assertThat(bad.succeeded()).isFalse();
            assertThat(Files.readString(ws.resolve(".git/config"), StandardCharsets.UTF_8)).isEqualTo("[core]\n");
        }
    }

    @Test
    void policyFileRejectsUnknownFields(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("p.json");
        Files.writeString(f, "{\"memoryBytes\": 1073741824, \"autoGrants\": [\"budget:time:+*\"], \"callTimeout\": \"PT30S\"}");
        SandboxPolicy p = SandboxPolicy.load(f);
        assertThat(p.memoryBytes()).isEqualTo(1L << 30);
        assertThat(p.callTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.protectedPaths()).contains(".git", ".airlock");
        Files.writeString(f, "{\"memoryByte\": 1}");
        assertThatThrownBy(() -> SandboxPolicy.load(f)).hasMessageContaining("memoryByte");
    }

    @Test
    void examplePolicyLoads() throws Exception {
        SandboxPolicy p = SandboxPolicy.load(Path.of("../examples/sandbox/policy.json"));
        assertThat(p.protectedPaths()).containsExactly(".git", ".airlock", "deploy/prod.env");
        assertThat(p.autoGrants()).containsExactly("budget:time:+*");
        assertThat(p.seccompNotify()).isTrue();
    }
}
