package dev.airlock.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.core.CacheDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new embedded run database is a copy of a Flyway-migrated template, and Flyway cannot tell it from its own. */
class SchemaTemplateTest {
    @TempDir
    Path tmp;
    private String cacheBefore;

    @BeforeEach
    void privateCache() {
        cacheBefore = System.getProperty(CacheDirectory.PROPERTY);
        System.setProperty(CacheDirectory.PROPERTY, tmp.resolve("cache").toString());
    }

    @AfterEach
    void restoreCache() {
        if (cacheBefore == null) {
            System.clearProperty(CacheDirectory.PROPERTY);
        } else {
            System.setProperty(CacheDirectory.PROPERTY, cacheBefore);
        }
    }

    @Test
    void aNewDatabaseIsSeededFromTheTemplateAndValidatesAgainstTheScripts() throws Exception {
        for (String name : new String[] {"first", "second"}) { // the first makes the template, the second reuses it
            Path dir = Files.createDirectories(tmp.resolve(name));
            DatabaseSettings db = DatabaseSettings.embedded(dir);
            assertThat(SchemaTemplate.seed(db, "")).isNotNull();
            assertThat(dir.resolve("runs.mv.db")).isRegularFile();
            try (Connection c = DriverManager.getConnection(db.url(), db.user(), "")) {
                assertThat(SchemaVersion.applied(c)).isEqualTo(SchemaVersion.LATEST);
            }
            // Flyway's own check: every applied script's checksum matches this build's scripts, none is pending.
            Flyway flyway = Flyway.configure().dataSource(db.url(), db.user(), "").locations("classpath:db/migration")
                    .load();
            flyway.validate();
            assertThat(flyway.info().pending()).isEmpty();
            try (RunStore store = RunStore.open(dir)) {
                store.create("run-" + name, "/repo", "main", "cmd:true", "ab".repeat(32));
                assertThat(store.get("run-" + name)).isPresent();
            }
        }
        try (var templates = Files.list(tmp.resolve("cache").resolve("run-db"))) {
            assertThat(templates.map(p -> p.getFileName().toString()).toList())
                    .containsExactly("runs-" + SchemaTemplate.fingerprint() + ".mv.db");
        }
    }

    @Test
    void anExistingDatabaseOrAnOperatorsOwnSettingsAreLeftToFlyway() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("db"));
        try (RunStore store = RunStore.open(dir)) {
            store.create("kept", "/repo", "main", "cmd:true", "ab".repeat(32));
        }
        assertThat(SchemaTemplate.seed(DatabaseSettings.embedded(dir), "")).isNull();
        try (RunStore store = RunStore.open(dir)) {
            assertThat(store.get("kept")).isPresent();
        }
        Path other = Files.createDirectories(tmp.resolve("other"));
        DatabaseSettings ownUser = new DatabaseSettings("jdbc:h2:file:" + other.resolve("runs") + ";AUTO_SERVER=TRUE",
                "operator", null);
        assertThat(SchemaTemplate.seed(ownUser, "")).isNull();
        assertThat(SchemaTemplate.seed(DatabaseSettings.embedded(other), "secret")).isNull();
        assertThat(other.resolve("runs.mv.db")).doesNotExist();
    }

    @Test
    void aDamagedTemplateIsThrownAwayAndTheDatabaseMigratedInPlace() throws Exception {
        Path template = SchemaTemplate.template("airlock");
        Files.write(template, new byte[] {'n', 'o', 't', ' ', 'h', '2'});
        Path dir = Files.createDirectories(tmp.resolve("after-damage"));
        try (RunStore store = RunStore.open(dir)) {
            store.create("run-1", "/repo", "main", "cmd:true", "ab".repeat(32));
            assertThat(store.get("run-1")).isPresent();
        }
        assertThat(template).doesNotExist();
        DatabaseSettings db = DatabaseSettings.embedded(dir);
        Flyway.configure().dataSource(db.url(), db.user(), "").locations("classpath:db/migration").load().validate();
    }
}
