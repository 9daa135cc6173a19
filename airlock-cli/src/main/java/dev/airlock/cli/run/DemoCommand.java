package dev.airlock.cli.run;

import dev.airlock.git.IsolatedGit;
import dev.airlock.orchestrator.RunOutcome;
import dev.airlock.orchestrator.config.OperatorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Create a small example repository with a failing test and take a scripted agent that fixes "
                + "it through the whole pipeline on embedded defaults (drop store, git role, sandboxed agent role, "
                + "validation, push), ending with the diff of the pushed branch.",
                "The operator configuration (--config) applies as for airlock run, except agent.default: the demo "
                        + "always runs its own scripted agent."})
public final class DemoCommand implements Callable<Integer> {
    static final List<String> REPO_FILES = List.of("README.md", "calc.sh", "test.sh");
    static final String TASK = "The test in test.sh fails: `add 2 3` should print 5. Fix calc.sh.";

    @Mixin
    DataDirOption data;

    @Mixin
    ConfigOption config;

    @Mixin
    BudgetOptions budgetFlags;

    @Override
    public Integer call() throws Exception {
        OperatorConfig cfg = config.loadOrReport(data, budgetFlags, "demo");
        if (cfg == null) {
            return 2;
        }
        Path dataDir = cfg.dataDir();
        Path demo = dataDir.resolve("demo").resolve(Long.toString(Instant.now().toEpochMilli()));
        Path repo = demo.resolve("repo");
        Path agent = demo.resolve("fix-agent.sh");
        System.out.println("demo repo    " + repo + " (test.sh fails on main)");
        System.out.println("agent        script:" + agent + " (runs inside the sandbox)");
        // The demo brings its own agent (agent.default is not used); everything else is the operator's configuration.
        RunOutcome outcome = LocalPipeline.configured(cfg, System.out).whileStarting(() -> {
            createRepository(repo);
            copyResource("demo/fix-agent.sh", agent);
        }).run(repo.toString(), "main", TASK, "script:" + agent, null);
        int code = LocalPipeline.report(outcome, System.out, System.err);
        Path log = dataDir.resolve("runs").resolve(outcome.run()).resolve("agent.log");
        if (Files.isRegularFile(log)) {
            System.out.println();
            System.out.println("agent log (inside the sandbox)");
            Files.readAllLines(log).forEach(l -> System.out.println("  " + l));
        }
        if (outcome instanceof RunOutcome.Published p) {
            BranchDiff.patch(repo, p.branch(), System.out);
        }
        return code;
    }

    static void createRepository(Path repo) throws Exception {
        Files.createDirectories(repo);
        for (String name : REPO_FILES) {
            copyResource("demo/repo/" + name, repo.resolve(name));
        }
        Files.setPosixFilePermissions(repo.resolve("test.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        // The demo's repository is the same on every machine: no system or user git config takes part (finding the
        // system one made JGit run `git` twice), and JGit's file-system timing comes from Airlock's cache.
        IsolatedGit.install();
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            PersonIdent who = new PersonIdent("Airlock Demo", "demo@airlock.invalid");
            git.commit().setMessage("Calculator with a failing test").setAuthor(who).setCommitter(who)
                    .setSign(false).call();
        }
    }

    static void copyResource(String name, Path to) throws IOException {
        try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("the distribution lacks the resource " + name);
            }
            Files.copy(in, to);
        }
    }
}
