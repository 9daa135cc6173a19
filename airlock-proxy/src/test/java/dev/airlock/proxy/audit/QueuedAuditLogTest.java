package dev.airlock.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueuedAuditLogTest {
    @TempDir
    Path dir;

    @Test
    void writesEveryRecordInOrderFromSeveralThreadsAndFlushesOnClose() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        QueuedAuditLog log = new QueuedAuditLog(new JsonLinesAuditLog(file, 1 << 20, 2), 64);
        Thread[] writers = new Thread[4];
        for (int t = 0; t < writers.length; t++) {
            int id = t;
            writers[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 500; i++) {
                    log.record(new AuditRecord(Instant.EPOCH, "s" + id, "r-" + i, "request", "GET", "api.test", 443,
                            "/", 200, 0, 0, 1, "allow", null));
                }
            });
        }
        for (Thread w : writers) {
            w.join(TimeUnit.SECONDS.toMillis(20));
        }
        log.close();
        assertThat(log.accepting()).isFalse();
        assertThat(log.lost()).isZero();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2000);
        for (int t = 0; t < writers.length; t++) {
            String session = "\"session\":\"s" + t + "\"";
            List<String> mine = lines.stream().filter(l -> l.contains(session)).toList();
            assertThat(mine).hasSize(500);
            for (int i = 0; i < 500; i++) {
                assertThat(mine.get(i)).contains("\"requestId\":\"r-" + i + "\"");
            }
        }
    }
}
