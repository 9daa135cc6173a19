package dev.airlock.cli.git;

import dev.airlock.cli.drop.DropOptions;
import dev.airlock.drop.s3.S3ObjectStore;
import dev.airlock.drop.store.DropKeys;
import dev.airlock.git.BotIdentity;
import dev.airlock.git.BranchPolicy;
import dev.airlock.git.ExportCommand;
import dev.airlock.git.GitServiceException;
import dev.airlock.git.GitToken;
import dev.airlock.git.IsolatedGit;
import dev.airlock.git.MirrorCommand;
import dev.airlock.git.OutputPolicy;
import dev.airlock.git.OutputVerdict;
import dev.airlock.git.ProtectedPaths;
import dev.airlock.git.PublishCommand;
import dev.airlock.git.ValidateOutputCommand;
import dev.airlock.git.ValidatedOutput;
import dev.airlock.scan.Scanner;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.Repository;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Validate an output snapshot against its base commit and push it as a bot commit.",
                "Refuses (exit 1, with the precise reason) on: unsafe archive, id other than --expected-output-id, "
                        + "protected paths (per --on-protected), secrets in the diff, or a branch outside --branch-prefix."})
public final class GitPublishCommand implements Callable<Integer> {
    @ArgGroup(exclusive = false, multiplicity = "1")
    RepoOptions repo;

    @Option(names = "--base", required = true, description = "The commit the input was exported from.")
    String base;

    @Option(names = "--expected-output-id", required = true,
            description = "The output snapshot id the orchestrator recorded (sha256:…).")
    String expectedOutputId;

    @Option(names = "--in", description = "Read the output snapshot from this file (else from the drop).")
    Path in;

    @Option(names = "--run", required = true, description = "Run id.")
    String run;

    @Option(names = "--phase", defaultValue = "0", description = "Phase number (default: ${DEFAULT-VALUE}).")
    int phase;

    @Option(names = "--branch", required = true, description = "Target branch, e.g. airlock/run-42.")
    String branch;

    @Option(names = "--branch-prefix", defaultValue = "airlock/", description = "Allowed prefix (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--on-protected", defaultValue = "REJECT",
            description = "REJECT or REVIEW when protected paths change (default: ${DEFAULT-VALUE}).")
    OutputPolicy.OnProtected onProtected;

    @Option(names = "--protected", split = ",", description = "Protected path globs (default: workflows, "
            + ".gitmodules, .gitattributes, CODEOWNERS, build wrappers).")
    List<String> protectedGlobs;

    @Option(names = "--review-approved", description = "A human approved the protected-path changes.")
    boolean reviewApproved;

    @Option(names = "--bot-name", defaultValue = "airlock[bot]") String botName;

    @Option(names = "--bot-email", defaultValue = "airlock-bot@users.noreply.localhost") String botEmail;

    @Option(names = "--message", defaultValue = "Changes made by an Airlock run") String message;

    @Option(names = "--commit-time", description = "Author and committer time in seconds since the epoch (default: "
            + "now). The orchestrator records it before publishing, so a resumed publish makes the identical commit "
            + "and pushing it again is a no-op.")
    Long commitTime;

    @Mixin
    DropOptions drop;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (in == null && !drop.configured()) {
            spec.commandLine().getErr().println("airlock git publish: give --in FILE or --drop-endpoint URL");
            return 2;
        }
        OutputPolicy policy = new OutputPolicy(protectedGlobs == null ? ProtectedPaths.DEFAULT
                : new ProtectedPaths(protectedGlobs), onProtected);
        try (var cacheHeld = repo.lockCache(); Repository cache = IsolatedGit.openBare(repo.cache);
             GitToken token = repo.token()) {
            MirrorCommand.Result mirror = new MirrorCommand(cache).remote(repo.remote()).token(token).call();
            ExportCommand.Result input = new ExportCommand(cache).revision(base)
                    .output(java.io.OutputStream.nullOutputStream()).call();
            OutputVerdict verdict;
            try (InputStream archive = open()) {
                verdict = new ValidateOutputCommand(cache).input(input).archive(archive)
                        .expectedOutputId(expectedOutputId).policy(policy).scanner(Scanner.builder().build()).call();
            }
            ValidatedOutput output;
            switch (verdict) {
                case OutputVerdict.Accepted a -> output = a.output();
                case OutputVerdict.NeedsReview r -> {
                    if (!reviewApproved) {
                        spec.commandLine().getErr().println("airlock git publish: needs review, protected paths changed: "
                                + String.join(", ", r.protectedPaths()) + " (re-run with --review-approved after review)");
                        return 3;
                    }
                    output = r.output();
                }
                case OutputVerdict.Rejected r -> {
                    spec.commandLine().getErr().println("airlock git publish: rejected: " + r.reason().describe());
                    return 1;
                }
            }
            PublishCommand.Result result = new PublishCommand(cache).output(output).reviewApproved(reviewApproved)
                    .runId(run).branch(branch).summary(message).identity(new BotIdentity(botName, botEmail))
                    .policy(new BranchPolicy(prefix, Set.of("main", "master"))).remote(repo.remote()).token(token)
                    .remoteDefaultBranch(mirror.defaultBranch())
                    .clock(commitTime == null ? java.time.Clock.systemUTC()
                            : java.time.Clock.fixed(java.time.Instant.ofEpochSecond(commitTime), java.time.ZoneOffset.UTC))
                    .call();
            spec.commandLine().getOut().println("pushed " + result.commit().name() + " to " + result.ref());
            spec.commandLine().getOut().flush();
            return 0;
        } catch (GitServiceException e) {
            spec.commandLine().getErr().println("airlock git publish: " + e.getMessage());
            return 1;
        }
    }

    private InputStream open() throws Exception {
        if (in != null) {
            return Files.newInputStream(in);
        }
        S3ObjectStore store = S3ObjectStore.open(drop.settings());
        InputStream s = store.get(DropKeys.output(run, phase));
        return new java.io.FilterInputStream(s) {
            @Override
            public void close() throws java.io.IOException {
                super.close();
                store.close();
            }
        };
    }
}
