package dev.airlock.orchestrator;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The run database's schema version as Flyway recorded it, read with one query so that a current database is opened
 * without starting Flyway. Anything this cannot vouch for — no history table, a failed or non-numeric migration row —
 * reads as "unknown" (-1), and Flyway then migrates or reports as before.
 */
final class SchemaVersion {
    /** The highest {@code db/migration/V<n>__*.sql}; {@code SchemaVersionTest} fails when a script outgrows it. */
    static final int LATEST = 5;

    private SchemaVersion() {
    }

    /** The highest successfully applied version, or -1 when Flyway has to look (fresh, failed, or unfamiliar). */
    static int applied(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT \"version\", \"success\" FROM \"flyway_schema_history\"")) {
            int highest = -1;
            while (r.next()) {
                String version = r.getString(1);
                if (version == null) {
                    continue; // a repeatable migration or the schema-creation marker: no version of its own
                }
                if (!r.getBoolean(2) || !version.chars().allMatch(ch -> ch >= '0' && ch <= '9')
                        || version.length() > 9) {
                    return -1;
                }
                highest = Math.max(highest, Integer.parseInt(version));
            }
            return highest;
        } catch (SQLException noHistoryYet) {
            if (!autoCommit) {
                c.rollback();
            }
            return -1;
        }
    }
}
