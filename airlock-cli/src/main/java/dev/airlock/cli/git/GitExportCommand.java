package dev.airlock.cli.git;

import dev.airlock.cli.drop.DropOptions;
import dev.airlock.drop.s3.S3ObjectStore;
import dev.airlock.drop.store.DropKeys;
import dev.airlock.git.ExportCommand;
import dev.airlock.drop.snapshot.Sha256;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Fetch the remote and export a snapshot of a branch (no .git, no checkout, no filters).",
                "Writes it to --out and/or uploads it to the dead drop at runs/<run>/input/<phase>.tar.zst.",
                "Prints the commit and the input snapshot id for the orchestrator to record.",
                "With --history, also writes a sanitized, shallow, read-only git history of the branch (objects, HEAD, "
                        + "one branch ref; no remotes, credentials, hooks or config) to runs/<run>/history/<phase>.tar.zst "
                        + "and/or --history-out, and prints its SHA-256 for the chain of custody."})
public final class GitExportCommand implements Callable<Integer> {
    @ArgGroup(exclusive = false, multiplicity = "1")
    RepoOptions repo;

    @Option(names = "--ref", defaultValue = "main", description = "Branch to export (default: ${DEFAULT-VALUE}).")
    String ref;

    @Option(names = "--out", description = "Write the snapshot to this file.")
    Path out;

    @Option(names = "--run", description = "Run id (required with --drop-endpoint).")
    String run;

    @Option(names = "--phase", defaultValue = "0", description = "Phase number (default: ${DEFAULT-VALUE}).")
    int phase;

    @Option(names = "--history", arity = "0..1", paramLabel = "DEPTH",
            fallbackValue = "" + HistoryCommand.DEFAULT_DEPTH,
            description = "Also export read-only history, DEPTH commits deep (default when given: ${FALLBACK-VALUE}).")
    Integer historyDepth;

    @Option(names = "--history-out", description = "Write the history bundle to this file (with --history).")
    Path historyOut;

    @Mixin
    DropOptions drop;

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
        if (out == null && !drop.configured()) {
            spec.commandLine().getErr().println("airlock git export: give --out FILE and/or --drop-endpoint URL");
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
            if (drop.configured()) {
                // One client for both objects: opening one costs more than a small put.
                try (S3ObjectStore store = S3ObjectStore.open(drop.settings())) {
                    store.put(DropKeys.input(run, phase), bytes.toByteArray());
                    if (historyBytes != null) {
                        store.put(DropKeys.history(run, phase), historyBytes);
                    }
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
