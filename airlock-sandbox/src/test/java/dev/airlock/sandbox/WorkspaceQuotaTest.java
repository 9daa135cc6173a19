package dev.airlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.core.event.DenialKind;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Red-team class B "filling disk or inodes" for the workspace, with real bubblewrap: the supervisor ends a call that
 * grows the workspace beyond the policy's quota and reports a resource denial; a call that shrinks it may run.
 */
class WorkspaceQuotaTest {
    @TempDir
    Path ws;

    @Test
    void fillingTheWorkspaceBeyondItsByteQuotaEndsTheCall() throws Exception {
        try (SandboxSession s = SandboxSession.open(SandboxPolicy.builder().workspaceQuota(8L << 20, 0).build(), ws)) {
            // Unbounded except by the 20 s timeout (about 2 GB at this pace): only the quota can stop it early.
            ExecResult r = s.exec(ExecRequest.shell("i=0; while :; do dd if=/dev/zero of=/workspace/f$i bs=1M count=1 status=none; "
                    + "i=$((i+1)); sleep 0.01; done").withTimeout(Duration.ofSeconds(20)));
            assertThat(r.timedOut()).isFalse();
            assertThat(r.signal()).isEqualTo(9);
            assertThat(r.denials()).anySatisfy(d -> {
                assertThat(d.kind()).isEqualTo(DenialKind.RESOURCE);
                assertThat(d.rule()).startsWith("workspace quota (8388608 bytes");
            });
            long written = Arrays.stream(ws.toFile().listFiles()).mapToLong(File::length).sum();
            assertThat(written).isGreaterThan(8L << 20).isLessThan(64L << 20);
            ExecResult clean = s.exec("sh", "-c", "rm -f /workspace/f*");
            assertThat(clean.succeeded()).isTrue();
            assertThat(clean.denials()).noneMatch(d -> d.kind() == DenialKind.RESOURCE);
            assertThat(s.exec("sh", "-c", "echo small > /workspace/ok").succeeded()).isTrue();
        }
    }

    @Test
    void fillingTheWorkspaceWithFilesBeyondItsInodeQuotaEndsTheCall() throws Exception {
        try (SandboxSession s = SandboxSession.open(SandboxPolicy.builder().workspaceQuota(0, 500).build(), ws)) {
            ExecResult r = s.exec(ExecRequest.shell("for i in $(seq 1 200000); do : > /workspace/n$i; done")
                    .withTimeout(Duration.ofSeconds(60)));
            assertThat(r.signal()).isEqualTo(9);
            assertThat(r.denials()).anyMatch(d -> d.kind() == DenialKind.RESOURCE && d.rule().startsWith("workspace quota"));
            assertThat(ws.toFile().list()).hasSizeGreaterThan(500).hasSizeLessThan(200000);
        }
    }
}
