package dev.airlock.orchestrator;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

/**
 * The class path a role's JVM gets. From the packaged distribution ({@code airlock-cli.jar}, whose manifest names
 * every jar of {@code lib/}) a role gets only the jars its build listed in {@code roles/<role>.classpath}: its own
 * modules' dependency closure plus the CLI's classes. The agent worker and the guard then cannot even load JGit, the
 * AWS SDK or the GitHub client, and each role JVM opens a fraction of the ~200 jars. Anywhere else (tests run from
 * class directories) every role gets this JVM's own class path.
 */
final class RoleClassPath {
    /** The distribution's main class: a class path that is one jar with this main class is the packaged CLI. */
    static final String MAIN_CLASS = "dev.airlock.cli.Main";
    private final String whole;
    private final Path distribution;
    private final Map<Role, String> perRole = new EnumMap<>(Role.class);

    private RoleClassPath(String whole, Path distribution) {
        this.whole = whole;
        this.distribution = distribution;
    }

    /** For a JVM started with {@code javaClassPath}. */
    static RoleClassPath of(String javaClassPath) {
        return new RoleClassPath(javaClassPath, packagedDistribution(javaClassPath));
    }

    static RoleClassPath ofThisJvm() {
        return of(System.getProperty("java.class.path", ""));
    }

    /** The directory holding the packaged distribution, or null when {@code classPath} is not its main jar. */
    static Path packagedDistribution(String classPath) {
        if (classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
            return null;
        }
        Path jar = Path.of(classPath).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            return null;
        }
        try (JarFile jf = new JarFile(jar.toFile(), false)) {
            var manifest = jf.getManifest();
            String main = manifest == null ? null : manifest.getMainAttributes().getValue("Main-Class");
            return MAIN_CLASS.equals(main) ? jar.getParent() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The class path for {@code role}. Fails closed on a packaged distribution without that role's list, or whose
     * list names a jar that is missing: rather no role than one holding every jar, or one that dies half-way.
     */
    synchronized String of(Role role) throws IOException {
        if (distribution == null) {
            return whole;
        }
        String cached = perRole.get(role);
        if (cached != null) {
            return cached;
        }
        Path list = listFile(distribution, role);
        if (!Files.isRegularFile(list)) {
            throw new IOException("the distribution has no class path for the " + role.label() + " role (" + list
                    + "); rebuild it (mvn -pl airlock-cli -am package)");
        }
        List<String> jars = new ArrayList<>();
        for (String entry : Files.readAllLines(list, StandardCharsets.UTF_8)) {
            if (entry.isBlank()) {
                continue;
            }
            Path jar = distribution.resolve(entry.strip()).normalize();
            if (!jar.startsWith(distribution) || !Files.isRegularFile(jar)) {
                throw new IOException("the " + role.label() + " role's class path names " + entry
                        + ", which the distribution does not hold; rebuild it (mvn -pl airlock-cli -am package)");
            }
            jars.add(jar.toString());
        }
        String classPath = String.join(File.pathSeparator, jars);
        perRole.put(role, classPath);
        return classPath;
    }

    static Path listFile(Path distribution, Role role) {
        return distribution.resolve("roles").resolve(role.label() + ".classpath");
    }
}
