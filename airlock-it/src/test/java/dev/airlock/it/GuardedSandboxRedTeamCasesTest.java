package dev.airlock.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.sandbox.SandboxPolicy;
import dev.airlock.sandbox.redteam.RedTeamResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard cases {@code airlock redteam} prints: every one blocked, with a denial event where one is expected. */
class GuardedSandboxRedTeamCasesTest {
    @Test
    void everyGuardCaseIsBlocked(@TempDir Path dir) throws Exception {
        List<RedTeamResult> results = GuardRedTeam.run(dir, SandboxPolicy.defaults());
        assertThat(results).hasSizeGreaterThanOrEqualTo(10);
        assertThat(results).allSatisfy(r -> assertThat(r.passed())
                .as(r.testCase().name() + ": " + r.outcome() + " " + r.verdict().detail() + " " + r.error()).isTrue());
        assertThat(results).allMatch(r -> r.testCase().cls() == GuardRedTeam.CLS || r.testCase().cls() == 'F');
        assertThat(results).filteredOn(r -> r.testCase().cls() == 'F').hasSize(2);
    }

    @Test
    void aCaseThatReachesTheUpstreamCountsAsAnEscape(@TempDir Path dir) throws Exception {
        try (GuardRedTeam t = GuardRedTeam.start(Files.createDirectories(dir.resolve("h")), SandboxPolicy.defaults())) {
            // The allowed request is the control: the same verdict logic must call it an escape, or it proves nothing.
            assertThat(t.control().blocked()).isFalse();
        }
    }
}
