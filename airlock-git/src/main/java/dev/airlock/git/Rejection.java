package dev.airlock.git;

import dev.airlock.drop.snapshot.Violation;
import dev.airlock.scan.Finding;
import java.util.List;

/** Why an output was refused. Every variant names what to look at; none carries a secret value. */
public sealed interface Rejection {

    String describe();

    /** The archive broke a snapshot rule (traversal, bomb, hash or id mismatch, forbidden entry...). */
    record ArchiveRefused(Violation violation) implements Rejection {
        public String describe() {
            return violation.describe();
        }
    }

    /** Protected paths changed and the policy says reject. */
    record ProtectedPathChanged(List<String> paths) implements Rejection {
        public ProtectedPathChanged {
            paths = List.copyOf(paths);
        }

        public String describe() {
            return "protected paths changed: " + String.join(", ", paths);
        }
    }

    /** The scanner found a certain or high-confidence secret in the diff. */
    record SecretFound(List<Finding> findings) implements Rejection {
        public SecretFound {
            findings = List.copyOf(findings);
        }

        public String describe() {
            StringBuilder b = new StringBuilder("secrets in the output diff:");
            for (Finding f : findings) {
                b.append(' ').append(f.path()).append(" [").append(f.ruleId()).append(' ').append(f.redacted())
                        .append(']');
            }
            return b.toString();
        }
    }

    /** The scanner could not finish a file; not known to be clean, so refused. */
    record ScanIncomplete(String path, String reason) implements Rejection {
        public String describe() {
            return "scan of " + path + " incomplete (" + reason + "); refusing";
        }
    }

    /** The output changes nothing. */
    record NoChanges() implements Rejection {
        public String describe() {
            return "the output changes nothing relative to the base commit";
        }
    }
}
