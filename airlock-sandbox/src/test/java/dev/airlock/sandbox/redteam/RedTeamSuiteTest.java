package dev.airlock.sandbox.redteam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.sandbox.SandboxPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Runs the red-team suite once against real bubblewrap; one dynamic test per attack. */
class RedTeamSuiteTest {
    @TempDir
    static Path scratch;
    static List<RedTeamResult> results;

    @BeforeAll
    static void run() throws Exception {
        results = RedTeamSuite.run(scratch, SandboxPolicy.defaults());
    }

    @Test
    void coversAtLeastSixtyCasesInAllSixClasses() {
        assertThat(results).hasSizeGreaterThanOrEqualTo(60);
        assertThat(results.stream().map(r -> r.testCase().cls()).distinct()).containsExactlyInAnyOrder('A', 'B', 'C', 'D', 'E', 'F');
    }

    @TestFactory
    Stream<DynamicTest> everyAttackIsBlocked() {
        return results.stream().map(r -> DynamicTest.dynamicTest(r.testCase().cls() + ": " + r.testCase().name(), () ->
                assertThat(r.passed())
                        .as("%s %s: %s (%s)", r.testCase().cls(), r.testCase().name(), r.outcome(),
                                r.error() != null ? r.error() : r.verdict().detail())
                        .isTrue()));
    }
}
