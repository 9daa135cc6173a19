package dev.airlock.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.jar.Attributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where role class-data archives live and when a freshly dumped one may be used. */
class ClassDataArchivesTest {
    @TempDir
    Path tmp;

    @Test
    void archivesAreKeyedByEveryJarOfTheDistributionAndOnlyForJars() throws Exception {
        Path lib = Files.createDirectories(tmp.resolve("dist").resolve("lib"));
        Files.write(lib.resolve("a.jar"), new byte[] {1});
        Path main = ManifestOnlyJar.write(tmp.resolve("dist").resolve("airlock-cli.jar"), Attributes.Name.CLASS_PATH, "lib/a.jar");
        Path cache = tmp.resolve("cache");
        String before = ClassDataArchives.fingerprint(main);
        assertThat(ClassDataArchives.fingerprint(main)).isEqualTo(before);
        Files.write(lib.resolve("a.jar"), new byte[] {1, 2}); // a rebuilt dependency
        assertThat(ClassDataArchives.fingerprint(main)).isNotEqualTo(before);

        assertThat(ClassDataArchives.forDistribution(main.toString(), cache)).isNotNull();
        // Class directories (a test class path, surefire's manifest-only jar) cannot be archived.
        assertThat(ClassDataArchives.forDistribution(main + ":" + tmp.resolve("classes"), cache)).isNull();
        assertThat(ClassDataArchives.forDistribution(tmp.resolve("classes").toString(), cache)).isNull();
        Path booter = ManifestOnlyJar.write(tmp.resolve("surefirebooter.jar"), Attributes.Name.CLASS_PATH, "file:" + tmp.resolve("classes") + "/");
        assertThat(ClassDataArchives.forDistribution(booter.toString(), cache)).isNull();
    }

    /** Stands in for the assembling JVM: writes the cache its -XX:AOTCache option names, or fails. */
    static final List<String> ASSEMBLER = List.of("/bin/sh", "-c",
            "for a in \"$0\" \"$@\"; do case $a in -XX:AOTCache=*) printf cache > \"${a#-XX:AOTCache=}\";; esac; done");
    static final List<String> FAILING_ASSEMBLER = List.of("/bin/sh", "-c", "exit 1");

    @Test
    void aFreshCacheIsRecordedAndAssembledIntoTemporaryFilesAndUsedOnlyOnceComplete() throws Exception {
        Path lib = Files.createDirectories(tmp.resolve("dist").resolve("lib"));
        Files.write(lib.resolve("a.jar"), new byte[] {1});
        Path main = ManifestOnlyJar.write(tmp.resolve("dist").resolve("airlock-cli.jar"), Attributes.Name.CLASS_PATH, "lib/a.jar");
        ClassDataArchives archives = ClassDataArchives.forDistribution(main.toString(), tmp.resolve("cache"));

        ClassDataArchives.Use first = archives.use("git-worker", ASSEMBLER, "cp.jar");
        assertThat(first.options()).contains("-XX:AOTMode=record", "-XX:AOTConfiguration=" + first.fresh());
        assertThat(first.assemble()).contains("-XX:AOTMode=create", "-XX:AOTConfiguration=" + first.fresh(),
                "-XX:AOTCache=" + first.fresh() + ".aot", "cp.jar");
        assertThat(first.archive().getFileName().toString()).isEqualTo("git-worker.aot");
        assertThat(first.archive()).doesNotExist();
        Files.write(first.fresh(), new byte[] {42}); // what the recording JVM writes at exit
        assertThat(first.ended(0).waitFor()).isZero();
        assertThat(first.archive()).hasContent("cache");
        assertThat(first.fresh()).doesNotExist();
        assertThat(Path.of(first.fresh() + ".aot")).doesNotExist();

        ClassDataArchives.Use next = archives.use("git-worker", ASSEMBLER, "cp.jar");
        assertThat(next.fresh()).isNull();
        assertThat(next.options()).contains("-XX:AOTCache=" + first.archive());
        assertThat(next.ended(0)).isNull();

        // A process that died before recording leaves nothing to assemble; one that ended early (here: an agent
        // worker never told to go) recorded only part of its classes, which is not kept; a failed assembly leaves
        // nothing either.
        ClassDataArchives.Use died = archives.use("agent-run", ASSEMBLER, "cp.jar");
        assertThat(died.ended(137)).isNull();
        assertThat(died.archive()).doesNotExist();
        ClassDataArchives.Use early = archives.use("agent-run", ASSEMBLER, "cp.jar");
        Files.write(early.fresh(), new byte[] {7});
        assertThat(early.ended(3)).isNull();
        assertThat(early.archive()).doesNotExist();
        assertThat(early.fresh()).doesNotExist();
        ClassDataArchives.Use failed = archives.use("agent-run", FAILING_ASSEMBLER, "cp.jar");
        Files.write(failed.fresh(), new byte[] {7});
        failed.ended(0).waitFor();
        assertThat(failed.archive()).doesNotExist();
        assertThat(failed.fresh()).doesNotExist();
        ClassDataArchives.Use stopped = archives.use("proxy", ASSEMBLER, "cp.jar");
        Files.write(stopped.fresh(), new byte[] {7});
        stopped.ended(143).waitFor();
        assertThat(stopped.archive()).exists();

        // While an earlier run's record waits for its assembly, a new start runs without a cache instead of
        // recording once more; an abandoned record (older than ten minutes) no longer holds recording back.
        Path inAssembly = first.archive().resolveSibling("drop-serve.1.2.tmp");
        Files.write(inAssembly, new byte[] {7});
        ClassDataArchives.Use meanwhile = archives.use("drop-serve", ASSEMBLER, "cp.jar");
        assertThat(meanwhile.options()).isEmpty();
        assertThat(meanwhile.fresh()).isNull();
        Files.setLastModifiedTime(inAssembly, FileTime.fromMillis(System.currentTimeMillis() - 11 * 60_000));
        assertThat(archives.use("drop-serve", ASSEMBLER, "cp.jar").fresh()).isNotNull();
    }

    @Test
    void onlyTheNewestArchiveSetsAreKept() throws Exception {
        Path cds = Files.createDirectories(tmp.resolve("cds"));
        for (int i = 0; i < 5; i++) {
            Path set = Files.createDirectories(cds.resolve("set" + i));
            Files.write(set.resolve("x.aot"), new byte[] {1});
            Files.setLastModifiedTime(set, FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        ClassDataArchives.prune(cds, 2);
        try (var left = Files.list(cds)) {
            assertThat(left.map(p -> p.getFileName().toString()).sorted().toList()).isEqualTo(List.of("set3", "set4"));
        }
    }

    @Test
    void archiveNamesFollowTheRoleVerb() {
        assertThat(RoleLauncher.archiveName(Role.GIT, List.of("git", "worker"))).isEqualTo("git-worker");
        assertThat(RoleLauncher.archiveName(Role.GUARD, List.of("proxy", "--listen", "none"))).isEqualTo("proxy");
        assertThat(RoleLauncher.archiveName(Role.AGENT, List.of("agent", "run", "--task-file", "x")))
                .isEqualTo("agent-run");
        assertThat(RoleLauncher.archiveName(Role.DROP, List.of())).isEqualTo("drop");
    }
}
