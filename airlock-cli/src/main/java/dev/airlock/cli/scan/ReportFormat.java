package dev.airlock.cli.scan;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.json.Json;
import dev.airlock.scan.Finding;
import dev.airlock.scan.Rule;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The output formats of {@code airlock scan}. None of them ever carries a secret: only redacted forms. */
enum ReportFormat {
    TEXT {
        @Override
        void write(ScanReport r, List<Rule> rules, PrintWriter out) {
            for (Finding f : r.findings) {
                out.printf("%s:%d:%d: %s [%s] %s%s%n", f.path(), f.line(), f.column(), f.ruleId(),
                        lower(f.confidence().name()), f.redacted(),
                        f.encoding().equals("plain") ? "" : " (encoded: " + f.encoding() + ")");
            }
            for (ScanTargets.Skipped s : r.skipped) {
                out.printf("skipped %s (%s)%n", s.path(), s.reason());
            }
            out.printf("%d finding(s) in %d file(s), %d bytes, %.2f s%n", r.findings.size(), r.files, r.bytes,
                    r.seconds);
        }
    },
    JSON {
        @Override
        void write(ScanReport r, List<Rule> rules, PrintWriter out) {
            ObjectNode root = Json.mapper().createObjectNode();
            ArrayNode findings = root.putArray("findings");
            for (Finding f : r.findings) {
                findings.addObject()
                        .put("rule", f.ruleId())
                        .put("confidence", lower(f.confidence().name()))
                        .put("path", f.path())
                        .put("line", f.line())
                        .put("column", f.column())
                        .put("redacted", f.redacted())
                        .put("fingerprint", f.fingerprint())
                        .put("encoding", f.encoding());
            }
            root.putObject("stats").put("files", r.files).put("bytes", r.bytes).put("seconds", r.seconds);
            ArrayNode skipped = root.putArray("skipped");
            r.skipped.forEach(s -> skipped.addObject().put("path", s.path()).put("reason", s.reason()));
            ArrayNode errors = root.putArray("errors");
            r.errors.forEach(errors::add);
            out.println(root.toPrettyString());
        }
    },
    SARIF {
        @Override
        void write(ScanReport r, List<Rule> rules, PrintWriter out) {
            ObjectNode root = Json.mapper().createObjectNode();
            root.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
            root.put("version", "2.1.0");
            ObjectNode run = root.putArray("runs").addObject();
            ObjectNode driver = run.putObject("tool").putObject("driver");
            driver.put("name", "airlock").put("version", "0.1.0-SNAPSHOT")
                    .put("informationUri", "https://github.com/airlock-dev/airlock");
            Map<String, Integer> index = new LinkedHashMap<>();
            ArrayNode ruleNodes = driver.putArray("rules");
            for (Finding f : r.findings) {
                index.computeIfAbsent(f.ruleId(), id -> {
                    ObjectNode node = ruleNodes.addObject().put("id", id);
                    String description = rules.stream().filter(x -> x.id().equals(id)).map(Rule::description)
                            .filter(d -> !d.isBlank()).findFirst()
                            .orElse(id.startsWith("known-secret:") ? "An operator-supplied known secret" : id);
                    node.putObject("shortDescription").put("text", description);
                    return ruleNodes.size() - 1;
                });
            }
            ArrayNode results = run.putArray("results");
            for (Finding f : r.findings) {
                ObjectNode res = results.addObject();
                res.put("ruleId", f.ruleId()).put("ruleIndex", index.get(f.ruleId()));
                res.put("level", switch (f.confidence()) {
                    case CERTAIN, HIGH -> "error";
                    case GENERIC -> "warning";
                });
                res.putObject("message").put("text", "Possible secret (" + lower(f.confidence().name()) + "): "
                        + f.redacted() + (f.encoding().equals("plain") ? "" : ", encoded as " + f.encoding()));
                ObjectNode loc = res.putArray("locations").addObject().putObject("physicalLocation");
                loc.putObject("artifactLocation").put("uri", uri(f.path()));
                loc.putObject("region").put("startLine", f.line()).put("startColumn", f.column());
                res.putObject("partialFingerprints").put("airlockFingerprint/v1", f.fingerprint());
                res.putObject("properties").put("confidence", lower(f.confidence().name()))
                        .put("encoding", f.encoding());
            }
            ObjectNode invocation = run.putArray("invocations").addObject();
            invocation.put("executionSuccessful", r.errors.isEmpty());
            ArrayNode notes = invocation.putArray("toolExecutionNotifications");
            r.errors.forEach(e -> notes.addObject().put("level", "error").putObject("message").put("text", e));
            r.skipped.forEach(s -> notes.addObject().put("level", "note").putObject("message")
                    .put("text", "skipped " + s.path() + " (" + s.reason() + ")"));
            out.println(root.toPrettyString());
        }

        private String uri(String path) {
            if (path == null || path.equals("-")) {
                return "stdin";
            }
            return path.replace('\\', '/').replace(" ", "%20");
        }
    };

    abstract void write(ScanReport report, List<Rule> rules, PrintWriter out);

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
