package dev.airlock.orchestrator;

import dev.airlock.core.CacheDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;

/**
 * A new embedded run database as a copy of one that Flyway migrated once, kept in Airlock's cache directory: Flyway's
 * start-up and H2 running the scripts were ~0.4 s of CPU of every run on a new data directory. The template is keyed
 * by the H2 version and the migration scripts (names and contents), so a changed script or engine makes a new one;
 * its {@code flyway_schema_history} is Flyway's own, so later scripts migrate the copy as usual. Speed only: when
 * anything here fails, the database is created and migrated in place as before.
 */
final class SchemaTemplate {
    private static final String SCRIPTS = "db/migration";

    private SchemaTemplate() {
    }

    /**
     * Puts a migrated copy at {@code db}'s file if {@code db} is the embedded default and its file does not exist
     * yet; the caller holds the data directory's migration lock. Returns what it did (see {@link #discard}), or null
     * when it did nothing.
     */
    static Seeded seed(DatabaseSettings db, String password) {
        Path lock = db.migrationLock();
        if (lock == null || !password.isEmpty()) {
            return null;
        }
        Path dir = lock.getParent();
        if (!db.equals(DatabaseSettings.embedded(dir))) {
            return null; // an operator's own H2 settings (other user, options): Flyway makes it as configured
        }
        Path file = dir.resolve("runs.mv.db");
        if (Files.exists(file)) {
            return null;
        }
        try {
            Path template = template(db.user());
            Path copy = Files.createTempFile(dir, "runs-", ".mv.db.tmp");
            try {
                Files.copy(template, copy, StandardCopyOption.REPLACE_EXISTING);
                Files.createLink(file, copy); // never over a database that appeared meanwhile
            } finally {
                Files.deleteIfExists(copy);
            }
            return new Seeded(file, template);
        } catch (IOException | SQLException | RuntimeException e) {
            return null;
        }
    }

    /** A database file made from a template. */
    record Seeded(Path database, Path template) {
    }

    /**
     * Removes a seeded database that would not open, and the template it came from: the next new database is
     * migrated by Flyway, and a good template made again.
     */
    static void discard(Seeded seeded) {
        try {
            Files.deleteIfExists(seeded.database());
            Files.deleteIfExists(seeded.template());
        } catch (IOException e) {
            // the open that follows reports what is wrong with the database file, if anything
        }
    }

    /** The migrated template for this build's scripts and H2, made now if it is not there yet. */
    static Path template(String user) throws IOException, SQLException {
        Path templates = CacheDirectory.root().resolve("run-db");
        Path template = templates.resolve("runs-" + fingerprint() + ".mv.db");
        if (Files.isRegularFile(template)) {
            return template;
        }
        Files.createDirectories(templates);
        Path work = Files.createTempDirectory(templates, "new-");
        try {
            String url = "jdbc:h2:file:" + work.resolve("runs");
            Flyway.configure().dataSource(url, user, "").locations("classpath:" + SCRIPTS).load().migrate();
            try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN"); // the file complete and closed before it is copied
            }
            // Whole or not at all: concurrent makers each move a complete file into place.
            Files.move(work.resolve("runs.mv.db"), template, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            return template;
        } finally {
            try (Stream<Path> left = Files.walk(work)) {
                for (Path p : left.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** A hash of the H2 version and every migration script's name and bytes. */
    static String fingerprint() throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update(org.h2.engine.Constants.FULL_VERSION.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (String script : scripts()) {
            sha.update(("\0" + script + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try (InputStream in = SchemaTemplate.class.getClassLoader().getResourceAsStream(SCRIPTS + "/" + script)) {
                if (in == null) {
                    throw new IOException("migration script " + script + " vanished");
                }
                sha.update(in.readAllBytes());
            }
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 8);
    }

    /** The script names under {@value #SCRIPTS}, sorted, from the jar or directory that holds them. */
    private static List<String> scripts() throws IOException {
        URL where = SchemaTemplate.class.getClassLoader().getResource(SCRIPTS);
        if (where == null) {
            throw new IOException("no " + SCRIPTS + " on the class path");
        }
        List<String> names = new ArrayList<>();
        if (where.getProtocol().equals("jar")) {
            JarURLConnection connection = (JarURLConnection) where.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
                for (JarEntry e : java.util.Collections.list(jar.entries())) {
                    String name = e.getName();
                    if (name.startsWith(SCRIPTS + "/") && !e.isDirectory()) {
                        names.add(name.substring(SCRIPTS.length() + 1));
                    }
                }
            }
        } else {
            try (Stream<Path> files = Files.list(Path.of(java.net.URI.create(where.toString())))) {
                files.forEach(f -> names.add(f.getFileName().toString()));
            }
        }
        names.sort(null);
        return names;
    }
}
