package dev.airlock.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which class path a role's JVM gets, and that a packaged distribution never hands a role more than its list. */
class RoleClassPathTest {
    @TempDir
    Path tmp;

    @Test
    void aPackagedDistributionGivesEachRoleOnlyItsListedJars() throws Exception {
        Path dist = Files.createDirectories(tmp.resolve("dist"));
        Path main = ManifestOnlyJar.write(dist.resolve("airlock-cli.jar"), Attributes.Name.MAIN_CLASS, "dev.airlock.cli.Main");
        Files.createDirectories(dist.resolve("lib"));
        Files.createDirectories(dist.resolve("roles"));
        Files.write(dist.resolve("roles/airlock-cli-roles.jar"), new byte[] {1});
        Files.write(dist.resolve("lib/agent.jar"), new byte[] {1});
        Files.write(dist.resolve("lib/jgit.jar"), new byte[] {1});
        Files.writeString(dist.resolve("roles/agent.classpath"), "roles/airlock-cli-roles.jar\nlib/agent.jar\n");

        RoleClassPath classPath = RoleClassPath.of(main.toString());
        assertThat(classPath.of(Role.AGENT)).isEqualTo(dist.resolve("roles/airlock-cli-roles.jar")
                + File.pathSeparator + dist.resolve("lib/agent.jar"));
        // No list for a role: it does not start, rather than start with every jar of the distribution.
        assertThatThrownBy(() -> classPath.of(Role.GUARD)).isInstanceOf(IOException.class)
                .hasMessageContaining("no class path for the guard role");
        // A list naming a jar the distribution lacks, or one outside it, is refused as well.
        Files.writeString(dist.resolve("roles/git.classpath"), "lib/missing.jar\n");
        assertThatThrownBy(() -> classPath.of(Role.GIT)).isInstanceOf(IOException.class)
                .hasMessageContaining("lib/missing.jar");
        Files.write(tmp.resolve("outside.jar"), new byte[] {1});
        Files.writeString(dist.resolve("roles/drop.classpath"), "../outside.jar\n");
        assertThatThrownBy(() -> classPath.of(Role.DROP)).isInstanceOf(IOException.class);
    }

    @Test
    void anyOtherClassPathIsHandedOnWhole() throws Exception {
        // Tests run roles from class directories, or from surefire's manifest-only jar: every role gets it all.
        String dirs = tmp.resolve("classes") + File.pathSeparator + tmp.resolve("test-classes");
        assertThat(RoleClassPath.of(dirs).of(Role.AGENT)).isEqualTo(dirs);
        Path booter = ManifestOnlyJar.write(tmp.resolve("surefirebooter.jar"), Attributes.Name.MAIN_CLASS, "org.apache.maven.surefire.booter.ForkedBooter");
        assertThat(RoleClassPath.of(booter.toString()).of(Role.GUARD)).isEqualTo(booter.toString());
    }
}
