package dev.airlock.drop.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives written by hand, as an attacker inside the sandbox would, bypassing {@link SnapshotWriter}. */
class MaliciousArchiveTest {
    @TempDir
    Path tmp;

    /** Builds a raw tar.zst; each entry is (name, type, mode, content/linkname) and a manifest listing them. */
    private static final class Forge {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final TarArchiveOutputStream tar;
        final List<ManifestEntry> entries = new ArrayList<>();

        Forge() throws IOException {
            tar = new TarArchiveOutputStream(new ZstdOutputStream(bytes, 3), "UTF-8");
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
        }

        Forge file(String name, byte[] content) throws IOException {
            return file(name, content, true);
        }

        Forge file(String name, byte[] content, boolean list) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
            e.setMode(0100644);
            e.setSize(content.length);
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
            if (list) {
                entries.add(new ManifestEntry(name, EntryType.FILE, 0644, content.length, Sha256.hex(content), null));
            }
            return this;
        }

        Forge link(String name, String target, byte type) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, type, true);
            e.setLinkName(target);
            e.setMode(0120777);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
            if (type == TarConstants.LF_SYMLINK) {
                entries.add(ManifestEntry.symlink(name, target, Sha256.hex(target.getBytes(StandardCharsets.UTF_8))));
            }
            return this;
        }

        Forge special(String name, byte type) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, type, true);
            e.setMode(0600);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
            return this;
        }

        byte[] finish(Manifest manifest) throws IOException {
            return finish(SnapshotPaths.MANIFEST_ENTRY, manifest.canonicalJson());
        }

        byte[] finish(String manifestName, byte[] json) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(manifestName, TarConstants.LF_NORMAL, true);
            e.setMode(0100644);
            e.setSize(json.length);
            tar.putArchiveEntry(e);
            tar.write(json);
            tar.closeArchiveEntry();
            tar.close();
            return bytes.toByteArray();
        }

        byte[] finish() throws IOException {
            return finish(new Manifest(1, null, entries));
        }
    }

    @Test
    void deltaManifestsApplyOnlyToTheBaseTheyNameAndOnlyRemoveWhatItHas() throws Exception {
        Manifest base = new Manifest(1, null, List.of(ManifestEntry.file("a.txt", false, 1, Sha256.hex(new byte[] {'a'}))));
        Manifest other = new Manifest(1, null, List.of(ManifestEntry.file("b.txt", false, 1, Sha256.hex(new byte[] {'b'}))));
        byte[] removesAbsent = new Forge().finish(SnapshotPaths.MANIFEST_DELTA_ENTRY, ("{\"version\":1,\"base\":\""
                + base.id() + "\",\"changed\":[],\"removed\":[\"b.txt\"]}").getBytes(StandardCharsets.UTF_8));
        assertThat(refuse(removesAbsent, SnapshotReader.create().base(base, h -> true)).describe())
                .contains("does not list");
        byte[] valid = new Forge().finish(SnapshotPaths.MANIFEST_DELTA_ENTRY, ("{\"version\":1,\"base\":\""
                + base.id() + "\",\"changed\":[],\"removed\":[\"a.txt\"]}").getBytes(StandardCharsets.UTF_8));
        assertThat(refuse(valid).describe()).contains("no base snapshot");
        assertThat(refuse(valid, SnapshotReader.create().base(other, h -> true)).describe())
                .contains("delta against " + base.id());
        Manifest empty = SnapshotReader.create().base(base, h -> true)
                .read(new ByteArrayInputStream(valid), SnapshotSink.discarding()).manifest();
        assertThat(empty.entries()).isEmpty();
        assertThat(empty.base()).isEqualTo(base.id());
        byte[] traversal = new Forge().finish(SnapshotPaths.MANIFEST_DELTA_ENTRY, ("{\"version\":1,\"base\":\""
                + base.id() + "\",\"changed\":[{\"path\":\"../x\",\"type\":\"FILE\",\"mode\":420,\"size\":1,"
                + "\"sha256\":\"" + Sha256.hex(new byte[] {'a'}) + "\"}],\"removed\":[]}")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(refuse(traversal, SnapshotReader.create().base(base, h -> true)))
                .isInstanceOf(Violation.UnsafePath.class);
    }

    private Violation refuse(byte[] archive, SnapshotReader reader) throws IOException {
        SnapshotException e = catchThrowableOfType(SnapshotException.class,
                () -> reader.read(new ByteArrayInputStream(archive), new DirectorySink(Files.createTempDirectory(tmp, "x"))));
        assertThat(e).as("archive must be refused").isNotNull();
        return e.violation();
    }

    private Violation refuse(byte[] archive) throws IOException {
        return refuse(archive, SnapshotReader.create());
    }

    @Test
    void zipSlipTraversalIsRefusedBeforeAnythingIsWritten() throws IOException {
        byte[] a = new Forge().file("../../escaped.txt", "x".getBytes()).finish();
        assertThat(refuse(a)).isEqualTo(new Violation.UnsafePath("../../escaped.txt", Violation.PathProblem.TRAVERSAL));
        assertThat(tmp.getParent().resolve("escaped.txt")).doesNotExist();
        assertThat(refuse(new Forge().file("/etc/cron.d/x", "x".getBytes()).finish()))
                .isEqualTo(new Violation.UnsafePath("/etc/cron.d/x", Violation.PathProblem.ABSOLUTE));
        assertThat(refuse(new Forge().file("src/.git/hooks/pre-commit", "x".getBytes()).finish()))
                .isInstanceOf(Violation.UnsafePath.class);
    }

    @Test
    void nonNfcAndCaseCollisionsAreRefused() throws IOException {
        String decomposed = "cafe\u0301.txt";
        assertThat(refuse(new Forge().file(decomposed, "x".getBytes()).finish()))
                .isEqualTo(new Violation.UnsafePath(decomposed, Violation.PathProblem.NOT_NFC));
        assertThat(refuse(new Forge().file("Makefile", "a".getBytes()).file("makefile", "b".getBytes()).finish()))
                .isEqualTo(new Violation.CaseCollision("Makefile", "makefile"));
    }

    @Test
    void symlinkSwapIsRefusedBeforeTheSecondEntryReachesTheSink() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        byte[] a = new Forge().link("docs", ".", TarConstants.LF_SYMLINK)
                .file("docs/pwned.txt", "x".getBytes()).finish();
        assertThat(refuse(a)).isInstanceOf(Violation.SymlinkEscape.class);
        assertThat(refuse(new Forge().link("up", "../outside", TarConstants.LF_SYMLINK).finish()))
                .isEqualTo(new Violation.SymlinkEscape("up", "../outside"));
        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void hardlinksDevicesAndFifosAreRefused() throws IOException {
        assertThat(refuse(new Forge().file("a", "x".getBytes()).link("b", "a", TarConstants.LF_LINK).finish()))
                .isEqualTo(new Violation.ForbiddenType("b", "hardlink"));
        assertThat(refuse(new Forge().special("dev", TarConstants.LF_CHR).finish()))
                .isEqualTo(new Violation.ForbiddenType("dev", "character device"));
        assertThat(refuse(new Forge().special("fifo", TarConstants.LF_FIFO).finish()))
                .isEqualTo(new Violation.ForbiddenType("fifo", "FIFO"));
    }

    @Test
    void decompressionBombHitsTheRatioCapWhileStreaming() throws IOException {
        byte[] zeros = new byte[64 << 20];
        byte[] a = new Forge().file("bomb.bin", zeros).finish();
        assertThat(a.length).isLessThan(64 << 10);
        Violation v = refuse(a, SnapshotReader.create().limits(SnapshotLimits.DEFAULT.withMaxFileBytes(1L << 30)));
        assertThat(v).isInstanceOfSatisfying(Violation.LimitExceeded.class,
                l -> assertThat(l.limit()).isEqualTo(Violation.Limit.RATIO));
        // And the plain caps: file size and total.
        assertThat(refuse(a)).isInstanceOfSatisfying(Violation.LimitExceeded.class,
                l -> assertThat(l.limit()).isIn(Violation.Limit.FILE_SIZE, Violation.Limit.RATIO));
        byte[] big = new Forge().file("x", new byte[3 << 20]).finish();
        assertThat(refuse(big, SnapshotReader.create().limits(SnapshotLimits.DEFAULT.withMaxTotalBytes(1 << 20))))
                .isInstanceOfSatisfying(Violation.LimitExceeded.class,
                        l -> assertThat(l.limit()).isEqualTo(Violation.Limit.TOTAL_SIZE));
    }

    @Test
    void tamperedContentOrManifestIsRefused() throws IOException {
        Forge f = new Forge().file("a.txt", "evil".getBytes(), false);
        byte[] honestHash = "good".getBytes();
        Manifest lie = new Manifest(1, null, List.of(ManifestEntry.file("a.txt", false, 4, Sha256.hex(honestHash))));
        assertThat(refuse(f.finish(lie))).isEqualTo(new Violation.HashMismatch("a.txt", Sha256.hex(honestHash),
                Sha256.hex("evil".getBytes())));

        byte[] honest = new Forge().file("a.txt", "good".getBytes()).finish();
        Violation idv = refuse(honest, SnapshotReader.create().expectedId("sha256:" + "0".repeat(64)));
        assertThat(idv).isInstanceOf(Violation.IdMismatch.class);

        // A file in the archive that the manifest does not list.
        byte[] extra = new Forge().file("a.txt", "a".getBytes()).file("hidden", "b".getBytes(), false).finish();
        assertThat(refuse(extra)).isInstanceOf(Violation.BadManifest.class);

        // Manifest missing, or not JSON.
        Forge noManifest = new Forge().file("a.txt", "a".getBytes());
        noManifest.tar.close();
        assertThat(refuse(noManifest.bytes.toByteArray())).isEqualTo(new Violation.BadManifest("no manifest entry"));
    }

    @Test
    void garbageIsACorruptArchiveNotACrash() throws IOException {
        assertThat(refuse("this is not zstd".getBytes())).isInstanceOf(Violation.CorruptArchive.class);
    }
}
