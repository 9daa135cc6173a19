package dev.airlock.cli.roles;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Each role's class path, as the build wrote it (target/roles/ROLE.classpath, before the tests), holds its own
 * modules' code and none of the powers of another role: the agent worker and the guard cannot load JGit, the AWS
 * SDK, the S3 server or the GitHub client; the drop store no git, guard or GitHub code; the git role not the run
 * database.
 */
class RoleClassPathsTest {
    static final Path ROLES = Path.of("target", "roles");

    /** What another role's power looks like in a list of jar files. */
    static final List<String> GIT = List.of("lib/org.eclipse.jgit", "lib/airlock-git-");
    static final List<String> AWS_SDK = List.of("lib/s3-2", "lib/sdk-core-", "lib/aws-core-", "lib/url-connection-client-");
    static final List<String> S3_SERVER = List.of("lib/s3proxy-", "lib/jclouds-", "lib/airlock-drop-server-");
    static final List<String> GITHUB_AND_RUNS = List.of("lib/airlock-orchestrator-", "lib/h2-", "lib/flyway-",
            "lib/postgresql-");
    static final List<String> GUARD = List.of("lib/airlock-proxy-", "lib/bcprov-", "lib/netty-handler-");
    static final List<String> AGENT = List.of("lib/airlock-agent-", "lib/airlock-sandbox-");

    @Test
    void everyRoleGetsTheCliClassesAndItsOwnModules() throws Exception {
        for (String role : List.of("agent", "guard", "drop", "git")) {
            List<String> jars = list(role);
            assertThat(jars.getFirst()).as(role).isEqualTo("roles/airlock-cli-roles.jar");
            assertThat(jars).as(role).anyMatch(j -> j.startsWith("lib/picocli-"))
                    .anyMatch(j -> j.startsWith("lib/airlock-core-")).doesNotHaveDuplicates();
        }
        assertThat(list("agent")).anyMatch(j -> j.startsWith("lib/airlock-agent-"));
        assertThat(list("guard")).anyMatch(j -> j.startsWith("lib/airlock-proxy-"));
        assertThat(list("drop")).anyMatch(j -> j.startsWith("lib/s3proxy-"));
        assertThat(list("git")).anyMatch(j -> j.startsWith("lib/org.eclipse.jgit-"))
                .anyMatch(j -> j.startsWith("lib/airlock-drop-")).anyMatch(j -> j.startsWith("lib/airlock-orchestrator-"));
    }

    @Test
    void noRoleHoldsTheCodeOfAnotherRolesPower() throws Exception {
        assertHoldsNone("agent", GIT, AWS_SDK, S3_SERVER, GITHUB_AND_RUNS, GUARD);
        assertHoldsNone("guard", GIT, AWS_SDK, S3_SERVER, GITHUB_AND_RUNS, AGENT);
        // (The drop store's S3 server, s3proxy, brings an AWS SDK of its own for its S3-backed storage.)
        assertHoldsNone("drop", GIT, GITHUB_AND_RUNS, GUARD, AGENT);
        // Nor does the store load the cloud back ends s3proxy ships but the embedded drop (filesystem) never uses.
        assertHoldsNone("drop", List.of("lib/google-cloud-storage-", "lib/azure-storage-blob-", "lib/openstack4j-core-",
                "lib/sshd-sftp-", "lib/jimfs-"));
        // The git role needs the orchestrator's GitHub token client, not the run database behind it; it moves
        // snapshots through presigned URLs, so the credentialed S3 client is not there either.
        assertHoldsNone("git", AWS_SDK, S3_SERVER, GUARD, AGENT, List.of("lib/h2-", "lib/flyway-", "lib/postgresql-"));
    }

    /**
     * The lists resolved against this build's own jars (the test class path holds them under the same file names;
     * the modules as class directories): a JVM started with the agent's or the guard's class path can run the CLI
     * but cannot load JGit, the AWS SDK, the S3 server or the GitHub client.
     */
    @Test
    void aRoleJvmCannotLoadAnotherRolesCode() throws Exception {
        List<String> probes = List.of("org.eclipse.jgit.lib.Repository", "software.amazon.awssdk.services.s3.S3Client",
                "org.gaul.s3proxy.S3Proxy", "dev.airlock.orchestrator.github.InstallationTokens",
                "dev.airlock.git.PublishCommand", "dev.airlock.proxy.EgressGuard", "dev.airlock.agent.AgentWorker",
                "dev.airlock.cli.Main", "picocli.CommandLine");
        assertThat(probe("agent", probes)).containsExactly("dev.airlock.agent.AgentWorker", "dev.airlock.cli.Main",
                "picocli.CommandLine");
        assertThat(probe("guard", probes)).containsExactly("dev.airlock.proxy.EgressGuard", "dev.airlock.cli.Main",
                "picocli.CommandLine");
        assertThat(probe("git", probes)).containsExactly("org.eclipse.jgit.lib.Repository",
                "dev.airlock.orchestrator.github.InstallationTokens",
                "dev.airlock.git.PublishCommand", "dev.airlock.cli.Main", "picocli.CommandLine");
    }

    @SafeVarargs
    private static void assertHoldsNone(String role, List<String>... forbidden) throws Exception {
        List<String> jars = list(role);
        for (List<String> power : forbidden) {
            for (String prefix : power) {
                assertThat(jars).as(role + " must not hold " + prefix).noneMatch(j -> j.startsWith(prefix));
            }
        }
    }

    private static List<String> list(String role) throws Exception {
        return Files.readAllLines(ROLES.resolve(role + ".classpath"), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank()).toList();
    }

    /** Runs {@link ClassPathProbe} with the role's class path mapped onto this build's jars and class directories. */
    private static List<String> probe(String role, List<String> classes) throws Exception {
        List<String> testClassPath = Arrays.asList(System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")).split(File.pathSeparator));
        List<String> classPath = new ArrayList<>();
        classPath.add(Path.of("target", "test-classes").toAbsolutePath().toString()); // the probe only
        for (String entry : list(role)) {
            classPath.add(onTestClassPath(entry, testClassPath));
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", String.join(File.pathSeparator, classPath), ClassPathProbe.class.getName()));
        command.addAll(classes);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return out.lines().toList();
    }

    private static String onTestClassPath(String entry, List<String> testClassPath) {
        if (entry.equals("roles/airlock-cli-roles.jar")) {
            return Path.of("target", "classes").toAbsolutePath().toString();
        }
        String file = entry.substring("lib/".length());
        if (file.startsWith("airlock-") && file.endsWith("-0.1.0-SNAPSHOT.jar")) {
            String module = file.substring(0, file.length() - "-0.1.0-SNAPSHOT.jar".length());
            String classes = File.separator + module + File.separator + "target" + File.separator + "classes";
            return testClassPath.stream().filter(e -> e.endsWith(classes) || e.endsWith(classes + File.separator)
                            || e.endsWith(File.separator + file)).findFirst()
                    .orElseThrow(() -> new AssertionError(module + " is not on the test class path"));
        }
        return testClassPath.stream().filter(e -> e.endsWith(File.separator + file)).findFirst()
                .orElseThrow(() -> new AssertionError(file + " is not on the test class path"));
    }
}
