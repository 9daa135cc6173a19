package dev.airlock.cli.git;

import dev.airlock.drop.snapshot.Sha256;
import dev.airlock.drop.transfer.PresignedTransfer;
import dev.airlock.drop.transfer.PresignedUrl;
import dev.airlock.git.ExportCommand;
import dev.airlock.git.GitServiceException;
import dev.airlock.git.HistoryCommand;
import dev.airlock.git.GitToken;
import dev.airlock.git.IsolatedGit;
import dev.airlock.git.MirrorCommand;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.Repository;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Fetch the remote and export a snapshot of a branch (no .git, no checkout, no filters).",
                "Writes it to --out and/or uploads it through --input-url, a presigned PUT URL the orchestrator made for "
                        + "this one object (this command holds no drop credentials).",
                "Prints the commit and the input snapshot id for the orchestrator to record.",
                "With --history, also writes a sanitized, shallow, read-only git history of the branch (objects, HEAD, "
                        + "one branch ref; no remotes, credentials, hooks or config) through --history-url (with "
                        + "--input-url) and/or to --history-out, and prints its SHA-256 for the chain of custody.",
                "Presigned URLs are bearer capabilities: the orchestrator passes them on the git worker's stdin, "
                        + "never on a command line."})
public final class GitExportCommand implements Callable<Integer> {
    /** Per request to the drop store; the snapshot is built before the first byte is sent. */
    static final java.time.Duration TRANSFER_TIMEOUT = java.time.Duration.ofMinutes(2);

    @ArgGroup(exclusive = false, multiplicity = "1")
    RepoOptions repo;

    @Option(names = "--ref", defaultValue = "main", description = "Branch to export (default: ${DEFAULT-VALUE}).")
    String ref;

    @Option(names = "--out", description = "Write the snapshot to this file.")
    Path out;

    @Option(names = "--input-url", paramLabel = "URL",
            description = "Upload the snapshot with this presigned PUT URL (the run's input object).")
    String inputUrl;

    @Option(names = "--history-url", paramLabel = "URL",
            description = "Upload the history bundle with this presigned PUT URL (with --history and --input-url).")
    String historyUrl;

    @Option(names = "--history", arity = "0..1", paramLabel = "DEPTH",
            fallbackValue = "" + HistoryCommand.DEFAULT_DEPTH,
            description = "Also export read-only history, DEPTH commits deep (default when given: ${FALLBACK-VALUE}).")
    Integer historyDepth;

    @Option(names = "--history-out", description = "Write the history bundle to this file (with --history).")
    Path historyOut;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (historyDepth != null && (historyDepth < 1 || historyDepth > 1_000_000)) {
            spec.commandLine().getErr().println("airlock git export: --history depth must be 1..1000000");
            return 2;
        }
        if (historyOut != null && historyDepth == null) {
            spec.commandLine().getErr().println("airlock git export: --history-out needs --history");
            return 2;
        }
        if (out == null && inputUrl == null) {
            spec.commandLine().getErr().println("airlock git export: give --out FILE and/or --input-url URL");
            return 2;
        }
        if ((historyUrl != null) != (historyDepth != null && inputUrl != null)) {
            spec.commandLine().getErr().println("airlock git export: --history with --input-url needs --history-url, "
                    + "and --history-url needs both");
            return 2;
        }
        PresignedUrl input;
        PresignedUrl historyTarget;
        try {
            input = inputUrl == null ? null : PresignedUrl.parse("PUT", inputUrl, "input snapshot");
            historyTarget = historyUrl == null ? null : PresignedUrl.parse("PUT", historyUrl, "history bundle");
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("airlock git export: " + e.getMessage());
            return 2;
        }
        try (var cacheHeld = repo.lockCache(); Repository cache = IsolatedGit.openBare(repo.cache);
             GitToken token = repo.token()) {
            new MirrorCommand(cache).remote(repo.remote()).token(token).call();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ExportCommand.Result result = new ExportCommand(cache).revision("refs/remotes/origin/" + ref)
                    .output(bytes).call();
            if (out != null) {
                Files.write(out, bytes.toByteArray());
            }
            byte[] historyBytes = null;
            HistoryCommand.Result h = null;
            if (historyDepth != null) {
                ByteArrayOutputStream history = new ByteArrayOutputStream();
                h = new HistoryCommand(cache).revision(result.commit().name()).branch(ref)
                        .depth(historyDepth).output(history).call();
                historyBytes = history.toByteArray();
                if (historyOut != null) {
                    Files.write(historyOut, historyBytes);
                }
            }
            if (input != null) {
                PresignedTransfer transfer = new PresignedTransfer(TRANSFER_TIMEOUT);
                try {
                    transfer.upload(input, bytes.toByteArray());
                    if (historyTarget != null) {
                        transfer.upload(historyTarget, historyBytes);
                    }
                } catch (java.io.IOException e) {
                    // Nothing is reported as exported: the orchestrator records no input and the run fails here.
                    spec.commandLine().getErr().println("airlock git export: upload refused or failed: "
                            + e.getMessage());
                    return 1;
                }
            }
            if (h != null) {
                spec.commandLine().getOut().println("history " + Sha256.hex(historyBytes) + " commits " + h.commits());
            }
            spec.commandLine().getOut().println("commit " + result.commit().name());
            spec.commandLine().getOut().println("snapshot " + result.snapshotId());
            spec.commandLine().getOut().println("files " + result.manifest().entries().size() + " bytes " + bytes.size());
            spec.commandLine().getOut().flush();
            return 0;
        } catch (GitServiceException e) {
            spec.commandLine().getErr().println("airlock git export: " + e.getMessage());
            return 1;
        }
    }
}
