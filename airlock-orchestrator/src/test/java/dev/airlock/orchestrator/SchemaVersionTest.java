package dev.airlock.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A current run database opens without Flyway; an older one is still migrated, a newer one refused. */
class SchemaVersionTest {
    @TempDir
    Path dir;

    @Test
    void latestIsTheHighestMigrationScript() throws Exception {
        Path scripts = Path.of(SchemaVersion.class.getResource("/db/migration").toURI());
        int highest;
        try (Stream<Path> files = Files.list(scripts)) {
            highest = files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("V") && n.contains("__"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
        }
        assertThat(SchemaVersion.LATEST).as("SchemaVersion.LATEST must name the newest db/migration script")
                .isEqualTo(highest);
    }

    @Test
    void aDatabaseLeftAtAnOlderVersionIsMigratedOnOpen() throws Exception {
        DatabaseSettings db = DatabaseSettings.embedded(dir);
        Flyway.configure().dataSource(db.url(), db.user(), "").locations("classpath:db/migration").target("3")
                .load().migrate();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), "")) {
            assertThat(SchemaVersion.applied(c)).isEqualTo(3);
        }
        try (RunStore store = RunStore.open(dir)) {
            store.create("old-1", "/repo", "main", "cmd:true", "ab".repeat(32));
            // run_budgets comes with V5: it exists only if the open migrated.
            store.recordBudget("old-1", new BudgetUsage(1, 2, 100, 0, Duration.ofMillis(3), Duration.ofMinutes(1),
                    null));
            assertThat(store.budget("old-1")).isPresent();
        }
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), "")) {
            assertThat(SchemaVersion.applied(c)).isEqualTo(SchemaVersion.LATEST);
        }
    }

    @Test
    void aFreshDatabaseHasNoVersionAndIsMigrated() throws Exception {
        DatabaseSettings db = DatabaseSettings.embedded(dir);
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), "")) {
            assertThat(SchemaVersion.applied(c)).isEqualTo(-1);
        }
        try (RunStore store = RunStore.open(dir)) {
            assertThat(store.list(10)).isEmpty();
        }
    }

    @Test
    void aDatabaseFromANewerAirlockIsRefused() throws Exception {
        try (RunStore store = RunStore.open(dir)) {
            store.create("new-1", "/repo", "main", "cmd:true", "ab".repeat(32));
        }
        DatabaseSettings db = DatabaseSettings.embedded(dir);
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), "");
             Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\", \"description\", "
                    + "\"type\", \"script\", \"checksum\", \"installed_by\", \"execution_time\", \"success\") VALUES "
                    + "(99, '" + (SchemaVersion.LATEST + 1) + "', 'from the future', 'SQL', 'V"
                    + (SchemaVersion.LATEST + 1) + "__future.sql', 0, 'airlock', 1, TRUE)");
        }
        assertThatThrownBy(() -> RunStore.open(dir)).isInstanceOf(java.sql.SQLException.class)
                .hasMessageContaining("schema version " + (SchemaVersion.LATEST + 1))
                .hasMessageContaining("newer than this Airlock's (" + SchemaVersion.LATEST + ")");
    }
}
