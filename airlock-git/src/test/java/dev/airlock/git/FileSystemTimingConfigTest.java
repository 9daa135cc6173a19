package dev.airlock.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.util.FS;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one persisted piece of JGit config carries the file-system timings and nothing else, either way. */
class FileSystemTimingConfigTest {
    @TempDir
    Path tmp;

    @Test
    void loadKeepsOnlyTheFilesystemSectionAndFollowsNoInclude() throws Exception {
        Path file = tmp.resolve("filesystem.config");
        Path included = tmp.resolve("evil.config");
        Files.writeString(included, "[core]\n\thooksPath = /tmp/evil-hooks\n");
        Files.writeString(file, """
                [filesystem "Vendor|25|/dev/vda"]
                \ttimestampResolution = 4000 nanoseconds
                \tminRacyThreshold = 0 nanoseconds
                [core]
                \tfsmonitor = /tmp/evil
                [url "https://attacker.invalid/"]
                \tinsteadOf = https://github.com/
                [include]
                \tpath = %s
                """.formatted(included), StandardCharsets.UTF_8);
        FileSystemTimingConfig config = new FileSystemTimingConfig(null, file, FS.DETECTED);
        assertThat(config.isOutdated()).isTrue();
        config.load();
        assertThat(config.isOutdated()).isFalse();
        assertThat(config.getSections()).containsExactly("filesystem");
        assertThat(config.getString("filesystem", "Vendor|25|/dev/vda", "timestampResolution"))
                .isEqualTo("4000 nanoseconds");
        assertThat(config.getString("core", null, "hooksPath")).isNull();
        assertThat(config.getString("core", null, "fsmonitor")).isNull();
    }

    @Test
    void saveWritesOnlyTheFilesystemSectionAndADamagedFileIsMeasuredAgain() throws Exception {
        Path file = tmp.resolve("dir").resolve("filesystem.config");
        FileSystemTimingConfig config = new FileSystemTimingConfig(null, file, FS.DETECTED);
        config.load();
        config.setString("filesystem", "Vendor|25|/dev/vda", "timestampResolution", "4000 nanoseconds");
        config.setString("core", null, "hooksPath", "/tmp/evil-hooks");
        config.save();
        String saved = Files.readString(file);
        assertThat(saved).contains("[filesystem \"Vendor|25|/dev/vda\"]", "timestampResolution = 4000 nanoseconds")
                .doesNotContain("core").doesNotContain("hooksPath");
        try (var left = Files.list(file.getParent())) {
            assertThat(left).containsExactly(file); // no temporary file left behind
        }

        Files.writeString(file, "[filesystem \"unterminated");
        FileSystemTimingConfig damaged = new FileSystemTimingConfig(null, file, FS.DETECTED);
        damaged.load();
        assertThat(damaged.getSections()).isEmpty();
    }
}
