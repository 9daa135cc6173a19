package dev.airlock.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.orchestrator.BudgetUsage;
import dev.airlock.orchestrator.GuardRole;
import dev.airlock.orchestrator.RoleLauncher;
import dev.airlock.orchestrator.RunState;
import dev.airlock.orchestrator.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Ref;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Budgets through the real pipeline: configuration file → run → the orchestrator stops the agent → recorded. */
class BudgetEndToEndTest {
    @TempDir
    Path tmp;

    @Test
    void anAgentOverItsWallTimeBudgetIsStoppedAndTheRunFailsWithTheBudgetRecorded() throws Exception {
        Path repo = tmp.resolve("repo");
        DemoCommand.createRepository(repo);
        Path config = tmp.resolve("airlock.toml");
        Files.writeString(config, """
                data_dir = "data"
                [budgets]
                wall_time = "4s"
                tokens = 50000
                """);
        long start = System.nanoTime();
        CliCapture ran = CliCapture.execute("run", "--config", config.toString(), "--repo", repo.toString(),
                "--task", "loop forever", "--agent", "cmd:echo started; sleep 120; echo 'never' > calc.sh");
        int code = ran.code();
        String printed = ran.out();
        assertThat(code).as(printed).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("stopped at the budget, not at the agent's end")
                .isLessThan(Duration.ofSeconds(100));
        assertThat(printed).contains("failed in coding, nothing pushed").contains("budget exceeded: wall-time");
        try (Git git = Git.open(repo.toFile())) {
            assertThat(git.branchList().call()).extracting(Ref::getName).containsExactly("refs/heads/main");
        }
        Path data = tmp.resolve("data");
        String run;
        try (RunStore store = RunStore.open(data.resolve("db"))) {
            var r = store.list(1).getFirst();
            run = r.id();
            assertThat(r.state()).isEqualTo(RunState.FAILED);
            assertThat(r.reason()).startsWith("budget exceeded: wall-time");
            BudgetUsage used = store.budget(run).orElseThrow();
            assertThat(used.exceeded()).isEqualTo(BudgetUsage.WALL_TIME);
            assertThat(used.wallBudget()).isEqualTo(Duration.ofSeconds(4));
            assertThat(used.wallTime()).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(30));
            assertThat(used.tokenBudget()).isEqualTo(50000);
            assertThat(used.totalTokens()).isZero();
        }
        CliCapture shown = CliCapture.execute("show", "--config", config.toString(), run);
        assertThat(shown.code()).as(shown.out()).isZero();
        assertThat(shown.out()).contains("budget       tokens 0 of 50000")
                .contains("wall-time budget exceeded");
    }

    @Test
    void theGuardRoleReportsItsTokenCountOnTheControlSocket() throws Exception {
        RoleLauncher launcher = RoleLauncher.sameDistribution(tmp.resolve("roles"));
        try (GuardRole guard = GuardRole.start(launcher, tmp.resolve("run"), tmp.resolve("ca"), null, Map.of(), 5000)) {
            assertThat(guard.usage()).isEqualTo(new GuardRole.TokenCount(0, 0, 0));
        }
    }
}
