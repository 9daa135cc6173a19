package dev.airlock.cli.git;

import dev.airlock.drop.transfer.PresignedTransfer;
import dev.airlock.drop.transfer.PresignedUrl;
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
import picocli.CommandLine.Option;

@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Validate an output snapshot against its base commit and push it as a bot commit.",
                "Reads the output from --in or through --output-url, a presigned GET URL the orchestrator made for this "
                        + "one object (this command holds no drop credentials; the URL is a bearer capability, passed "
                        + "on the git worker's stdin, never on a command line).",
                "Refuses (exit 1, with the precise reason) on: unsafe archive, id other than --expected-output-id, "
                        + "protected paths (per --on-protected), secrets in the diff, or a branch outside --branch-prefix."})
public final class GitPublishCommand implements Callable<Integer> {
    /** One byte more than the snapshot reader accepts, so that it is the reader that refuses, with its reason. */
    static final long MAX_OUTPUT_BYTES = dev.airlock.drop.snapshot.SnapshotLimits.DEFAULT.maxCompressedBytes() + 1;

    @ArgGroup(exclusive = false, multiplicity = "1")
    RepoOptions repo;

    @Option(names = "--base", required = true, description = "The commit the input was exported from.")
    String base;

    @Option(names = "--expected-output-id", required = true,
            description = "The output snapshot id the orchestrator recorded (sha256:…).")
    String expectedOutputId;

    @Option(names = "--in", description = "Read the output snapshot from this file.")
    Path in;

    @Option(names = "--output-url", paramLabel = "URL",
            description = "Read the output snapshot with this presigned GET URL (the run's output object).")
    String outputUrl;

    @Option(names = "--run", required = true, description = "Run id (named in the commit).")
    String run;

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

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((in == null) == (outputUrl == null)) {
            spec.commandLine().getErr().println("airlock git publish: give --in FILE or --output-url URL");
            return 2;
        }
        PresignedUrl output;
        try {
            output = outputUrl == null ? null : PresignedUrl.parse("GET", outputUrl, "output snapshot");
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("airlock git publish: " + e.getMessage());
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
            try (InputStream archive = open(output)) {
                verdict = new ValidateOutputCommand(cache).input(input).archive(archive)
                        .expectedOutputId(expectedOutputId).policy(policy).scanner(Scanner.builder().build()).call();
            } catch (java.io.IOException e) { // refused, unreachable, cut short or too large: one line, not a trace
                spec.commandLine().getErr().println("airlock git publish: the output could not be read: "
                        + e.getMessage());
                return 1;
            }
            ValidatedOutput validated;
            switch (verdict) {
                case OutputVerdict.Accepted a -> validated = a.output();
                case OutputVerdict.NeedsReview r -> {
                    if (!reviewApproved) {
                        spec.commandLine().getErr().println("airlock git publish: needs review, protected paths changed: "
                                + String.join(", ", r.protectedPaths()) + " (re-run with --review-approved after review)");
                        return 3;
                    }
                    validated = r.output();
                }
                case OutputVerdict.Rejected r -> {
                    spec.commandLine().getErr().println("airlock git publish: rejected: " + r.reason().describe());
                    return 1;
                }
            }
            PublishCommand.Result result = new PublishCommand(cache).output(validated).reviewApproved(reviewApproved)
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

    /**
     * The output archive, streamed (validation overlaps the transfer); at most {@link #MAX_OUTPUT_BYTES} are read.
     * Refusals of the store surface as {@link PresignedTransfer.TransferException} (at open); a transfer cut short
     * fails the read (the client holds the store to its Content-Length), and whatever bytes did arrive must still
     * hash to the expected output id: nothing unverified is ever published.
     */
    private InputStream open(PresignedUrl output) throws java.io.IOException {
        if (in != null) {
            return Files.newInputStream(in);
        }
        return new PresignedTransfer(GitExportCommand.TRANSFER_TIMEOUT).open(output, MAX_OUTPUT_BYTES);
    }
}
