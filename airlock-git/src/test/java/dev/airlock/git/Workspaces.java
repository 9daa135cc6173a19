package dev.airlock.git;

import dev.airlock.drop.snapshot.DirectorySink;
import dev.airlock.drop.snapshot.DirectorySnapshot;
import dev.airlock.drop.snapshot.Manifest;
import dev.airlock.drop.snapshot.SnapshotLimits;
import dev.airlock.drop.snapshot.SnapshotReader;
import dev.airlock.drop.snapshot.SnapshotSink;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.URIish;

/** Test fixtures: real repositories and the agent's side of a phase. */
final class Workspaces {
    private Workspaces() {
    }

    /** A bare "origin" with one commit on main holding {@code files}. */
    static Path origin(Path dir, Map<String, String> files) throws Exception {
        IsolatedGit.install();
        Path bare = dir.resolve("origin.git");
        Path work = dir.resolve("origin-work");
        try (Git g = Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call()) {
            // created
        }
        try (Git g = Git.init().setInitialBranch("main").setDirectory(work.toFile()).call()) {
            for (var e : files.entrySet()) {
                Path p = work.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, e.getValue());
            }
            g.add().addFilepattern(".").call();
            PersonIdent dev = new PersonIdent("Dev", "dev@example.invalid");
            g.commit().setMessage("initial").setAuthor(dev).setCommitter(dev).setNoVerify(true).call();
            g.remoteAdd().setName("origin").setUri(new URIish(bare.toUri().toString())).call();
            g.push().setRemote("origin").setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main")).call();
        }
        return bare;
    }

    /** The agent: unpacks the input into a fresh directory. */
    static Path unpack(byte[] input, Path into) throws Exception {
        Files.createDirectories(into);
        SnapshotReader.create().read(new ByteArrayInputStream(input), new DirectorySink(into));
        return into;
    }

    /** The agent: packs its workspace as a delta against the input. */
    static byte[] pack(Path workspace, Manifest base, Manifest[] manifestOut) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        manifestOut[0] = DirectorySnapshot.write(workspace, out, SnapshotLimits.DEFAULT, base);
        return out.toByteArray();
    }

    static Manifest verify(byte[] archive) throws Exception {
        return SnapshotReader.create().read(new ByteArrayInputStream(archive), SnapshotSink.discarding()).manifest();
    }

    static void write(Path root, String path, String content) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }
}
