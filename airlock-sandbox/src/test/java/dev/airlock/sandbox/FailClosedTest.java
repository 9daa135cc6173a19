package dev.airlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sandbox that cannot be built refuses, says what is missing, and leaves nothing behind. */
class FailClosedTest {
    @TempDir
    Path ws;

    @Test
    void missingBubblewrapRefusesWithInstallHint() {
        SandboxPolicy p = SandboxPolicy.builder().bwrap("/nonexistent/bwrap").build();
        assertThatThrownBy(() -> SandboxSession.open(p, ws))
                .isInstanceOf(SandboxUnavailableException.class)
                .hasMessageContaining("/nonexistent/bwrap")
                .hasMessageContaining("apt-get install -y bubblewrap");
        assertThat(ws.resolve(".git")).doesNotExist();
    }

    @Test
    void bubblewrapNotOnPathRefuses() {
        SandboxPolicy p = SandboxPolicy.builder().bwrap("no-such-bwrap-binary").build();
        assertThatThrownBy(() -> SandboxSession.open(p, ws))
                .isInstanceOf(SandboxUnavailableException.class)
                .hasMessageContaining("is not installed");
    }

    @Test
    void bubblewrapThatFailsToBuildTheSandboxRefusesAndCleansUp() throws Exception {
        // /bin/false stands in for a bwrap that cannot create namespaces: it exits without starting the supervisor.
        SandboxPolicy p = SandboxPolicy.builder().bwrap("/bin/false").build();
        assertThatThrownBy(() -> SandboxSession.open(p, ws))
                .isInstanceOf(SandboxUnavailableException.class)
                .hasMessageContaining("bubblewrap could not build the sandbox");
        assertThat(ws.resolve(".git")).doesNotExist();
        assertThat(ws.resolve(".airlock")).doesNotExist();
    }

    @Test
    void missingCompilerRefusesWithInstallHint(@TempDir Path cache) {
        assertThatThrownBy(() -> SupervisorBinary.compileInto(cache, "/nonexistent/gcc"))
                .isInstanceOf(SandboxUnavailableException.class)
                .hasMessageContaining("apt-get install -y gcc");
    }

    @Test
    void missingWorkspaceRefuses() {
        assertThatThrownBy(() -> SandboxSession.open(SandboxPolicy.defaults(), ws.resolve("nope")))
                .isInstanceOf(SandboxException.class).hasMessageContaining("does not exist");
    }

    @Test
    void protectedPathThroughSymlinkRefuses() throws Exception {
        Files.createSymbolicLink(ws.resolve("conf"), Path.of("/etc"));
        SandboxPolicy p = SandboxPolicy.builder().addProtectedPath("conf/passwd").build();
        assertThatThrownBy(() -> SandboxSession.open(p, ws))
                .isInstanceOf(SandboxException.class).hasMessageContaining("symlink");
    }

    @Test
    void missingProtectedPathsArePlaceholdersThatCannotBeCreatedAndVanishAtClose() throws Exception {
        SandboxPolicy p = SandboxPolicy.builder().addProtectedPath("deploy/prod.env").build();
        try (SandboxSession s = SandboxSession.open(p, ws)) {
            ExecResult r = s.exec("sh", "-c", "echo hook > .git/hooks; mkdir -p .git/hooks; echo x > deploy/prod.env/x; mv deploy d2");
            assertThat(r.succeeded()).isFalse();
            assertThat(ws.resolve(".git")).isEmptyDirectory();
            assertThat(ws.resolve("deploy/prod.env")).isEmptyDirectory();
        }
        assertThat(ws.resolve(".git")).doesNotExist();
        assertThat(ws.resolve("deploy")).doesNotExist();
    }
}
