package dev.airlock.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesAuditLogTest {

    @Test
    void rotatesBySizeKeepingNFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (JsonLinesAuditLog log = new JsonLinesAuditLog(file, 2048, 2)) {
            for (int i = 0; i < 60; i++) {
                log.record(new AuditRecord(Instant.EPOCH, "s1", "r-" + i, "request", "GET", "api.test", 443,
                        AuditPaths.redact("/x?key=secretvalue" + i), 200, 1, 2, 3, "allow", null));
            }
        }
        assertThat(Files.size(file)).isLessThanOrEqualTo(2048);
        assertThat(dir.resolve("audit.jsonl.1")).exists();
        assertThat(dir.resolve("audit.jsonl.2")).exists();
        assertThat(dir.resolve("audit.jsonl.3")).doesNotExist();
        assertThat(Files.readString(file)).contains("\"path\":\"/x?key=…\"").doesNotContain("secretvalue");
    }

    @Test
    void queryValuesAreRedacted() {
        assertThat(AuditPaths.redact("/a/b?token=abc&x&y=2#frag")).isEqualTo("/a/b?token=…&…&y=…");
        assertThat(AuditPaths.redact("/plain")).isEqualTo("/plain");
    }
}
