package dev.airlock.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A role must start whatever state its AOT cache is in: real JVMs with the options {@link ClassDataArchives} gives
 * them, against a cache that is fine, stale (its jar rebuilt), truncated, garbage or made for another class path.
 * Each must run the program to its end, print only the program's own output (stdout is a protocol for some roles)
 * and exit with the program's status.
 */
class AotCacheFallbackTest {
    @TempDir
    static Path tmp;
    static Path jar;
    static ClassDataArchives archives;
    static Path cache;

    /** A one-class program, its jar, and a cache assembled by a real training run, the way a role gets one. */
    @BeforeAll
    static void trainedCache() throws Exception {
        jar = writeJar(tmp.resolve("dist").resolve("hello.jar"), compileHello("hello", "v1"));
        archives = ClassDataArchives.forDistribution(jar.toString(), tmp.resolve("cache"));
        assertThat(archives).isNotNull();

        ClassDataArchives.Use training = archives.use("hello", List.of(java()), jar.toString());
        assertThat(training.fresh()).isNotNull();
        Run run = run(training.options(), jar);
        // Recording adds nothing to the output (the JVM says so on stdout unless silenced).
        assertThat(run.stdout()).isEqualTo("hello [2, 3]\n");
        assertThat(run.stderr()).isEmpty();
        assertThat(run.status()).isZero();
        assertThat(training.ended(run.status()).waitFor(120, TimeUnit.SECONDS)).isTrue();
        cache = training.archive();
        assertThat(cache).isNotEmptyFile();
    }

    @Test
    void aUsableCacheIsUsed() throws Exception {
        ClassDataArchives.Use use = archives.use("hello", List.of(java()), jar.toString());
        assertThat(use.fresh()).isNull();
        assertThat(use.options()).contains("-XX:AOTCache=" + cache);
        List<String> verbose = new ArrayList<>(use.options());
        verbose.add("-Xlog:aot=info:stderr");
        Run run = run(verbose, jar);
        assertThat(run.stdout()).isEqualTo("hello [2, 3]\n");
        assertThat(run.stderr()).contains("Using AOT-linked classes: true");
    }

    @Test
    void aTruncatedOrGarbageCacheIsIgnored() throws Exception {
        byte[] whole = Files.readAllBytes(cache);
        Path truncated = Files.write(tmp.resolve("truncated.aot"), java.util.Arrays.copyOf(whole, whole.length / 3));
        Path garbage = Files.write(tmp.resolve("garbage.aot"), "not a cache".repeat(1000).getBytes(StandardCharsets.UTF_8));
        Path empty = Files.write(tmp.resolve("empty.aot"), new byte[0]);
        for (Path bad : List.of(truncated, garbage, empty)) {
            Run run = run(optionsFor(bad), jar, "3");
            assertThat(run.stdout()).as(bad.getFileName().toString()).isEqualTo("hello [2, 3]\n");
            assertThat(run.stderr()).as(bad.getFileName().toString()).isEmpty();
            assertThat(run.status()).as(bad.getFileName().toString()).isEqualTo(3);
        }
    }

    @Test
    void aCacheOfAnotherBuildOrClassPathIsIgnored() throws Exception {
        // The jar rebuilt in place with a changed class. JDK 25 maps a cache made from the old jar and runs the OLD
        // class (checked by hand: it prints "hello"), so it is the archive set's fingerprint (path, size and
        // modification time of every jar) that must keep a rebuilt distribution from ever being handed the old cache.
        byte[] original = Files.readAllBytes(jar);
        FileTime built = Files.getLastModifiedTime(jar);
        try {
            writeJar(jar, compileHello("hello again", "v2"));
            Files.setLastModifiedTime(jar, FileTime.fromMillis(built.toMillis() + 60_000));
            ClassDataArchives rebuilt = ClassDataArchives.forDistribution(jar.toString(), tmp.resolve("cache"));
            ClassDataArchives.Use use = rebuilt.use("hello", List.of(java()), jar.toString());
            assertThat(use.fresh()).as("a rebuilt jar gets a new recording, not the old cache").isNotNull();
            assertThat(use.options()).noneMatch(o -> o.contains(cache.toString()));
            Run run = run(use.options(), jar);
            assertThat(run.stdout()).isEqualTo("hello again [2, 3]\n");
            assertThat(run.stderr()).isEmpty();
            assertThat(run.status()).isZero();
        } finally {
            Files.write(jar, original);
            Files.setLastModifiedTime(jar, built);
        }
        // A copy of the jar at another path, handed the cache anyway: it runs and prints nothing extra.
        // A copy of the jar at another path.
        Run elsewhere = run(optionsFor(cache), Files.copy(jar, tmp.resolve("elsewhere.jar")));
        assertThat(elsewhere.stdout()).isEqualTo("hello [2, 3]\n");
        assertThat(elsewhere.stderr()).isEmpty();
        assertThat(elsewhere.status()).isZero();
        // And a JVM with other options (the guard's collector) than the cache was made with.
        List<String> otherGc = new ArrayList<>(optionsFor(cache));
        otherGc.add("-XX:+UseSerialGC");
        assertThat(run(otherGc, jar).stdout()).isEqualTo("hello [2, 3]\n");
    }

    private static List<String> optionsFor(Path file) throws IOException {
        Path set = cache.getParent();
        Path named = set.resolve("probe.aot");
        Files.copy(file, named, StandardCopyOption.REPLACE_EXISTING);
        ClassDataArchives.Use use = archives.use("probe", List.of(java()), jar.toString());
        assertThat(use.fresh()).isNull();
        return use.options();
    }

    record Run(int status, String stdout, String stderr) { }

    private static Run run(List<String> options, Path classPath, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(options);
        command.addAll(List.of("-cp", classPath.toString(), "Hello"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Hello.class printing {@code greeting} and a list made by a lambda (so the cache holds linked lambda code). */
    private static Path compileHello(String greeting, String version) throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src-" + version)).resolve("Hello.java");
        Files.writeString(src, """
                public class Hello {
                    public static void main(String[] args) {
                        System.out.println("GREETING " + java.util.List.of(1, 2).stream().map(x -> x + 1).toList());
                        System.exit(args.length > 0 ? Integer.parseInt(args[0]) : 0);
                    }
                }
                """.replace("GREETING", greeting));
        Path classes = Files.createDirectories(tmp.resolve("classes-" + version));
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                src.toString())).isZero();
        return classes.resolve("Hello.class");
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Path writeJar(Path file, Path classFile) throws IOException {
        Files.createDirectories(file.getParent());
        try (var out = new JarOutputStream(Files.newOutputStream(file))) {
            out.putNextEntry(new JarEntry("Hello.class"));
            out.write(Files.readAllBytes(classFile));
            out.closeEntry();
        }
        return file;
    }
}
