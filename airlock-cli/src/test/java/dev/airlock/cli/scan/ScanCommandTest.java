package dev.airlock.cli.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.airlock.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ScanCommandTest {
    static final String AWS = "AKIAZ3MSJV4WWNKWW5FG";
    static final String GHP = "ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5";
    static final String KNOWN = "correct-horse-battery-staple-42";

    @TempDir
    Path dir;
    String out;
    String err;

    record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        cl.setOut(new PrintWriter(o));
        cl.setErr(new PrintWriter(e));
        int exit = cl.execute(args);
        return new Run(exit, o.toString(), e.toString());
    }

    @BeforeEach
    void tree() throws IOException {
        Files.writeString(dir.resolve("config.py"), "aws_access_key_id = \"" + AWS + "\"\nname = 'x'\n");
        Files.writeString(dir.resolve("clean.txt"), "nothing to see here\n");
        Files.writeString(dir.resolve("allowed.py"), "KEY = \"" + AWS + "\"  # airlock:allow test fixture\n");
        Files.write(dir.resolve("image.bin"), new byte[] {1, 0, 2, 'A', 'K', 'I', 'A'});
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve(".git/config"), "token = " + GHP + "\n");
        Files.writeString(dir.resolve("rules.toml"), """
                [[rules]]
                id = "github-pat"
                description = "GitHub personal access token"
                regex = '''ghp_[0-9a-zA-Z]{36}'''
                keywords = ["ghp_"]
                """);
        Files.writeString(dir.resolve("known.env"), "# operator secrets\nDEPLOY_PASSWORD=" + KNOWN + "\n");
    }

    @Test
    void textFormatReportsFindingsSkipsAndExitsOne() {
        Run r = run("scan", dir.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("config.py:1:22: aws-access-key-id [high] AKIA…20");
        assertThat(r.out()).doesNotContain("allowed.py:"); // suppressed inline
        assertThat(r.out()).contains("skipped " + dir.resolve(".git") + " (git metadata)");
        assertThat(r.out()).contains("skipped " + dir.resolve("image.bin") + " (binary)");
        assertThat(r.out() + r.err()).doesNotContain(AWS).doesNotContain(GHP);
    }

    @Test
    void cleanInputExitsZeroAndErrorsExitTwo() {
        assertThat(run("scan", dir.resolve("clean.txt").toString()).exit()).isEqualTo(0);
        Run missing = run("scan", dir.resolve("nope.txt").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.txt: no such file or directory");
        assertThat(run("scan", "--format", "xml", dir.toString()).exit()).isEqualTo(2);
        assertThat(run("scan", "--min-confidence", "sure", dir.toString()).exit()).isEqualTo(2);
    }

    @Test
    void jsonFormatHasTheDocumentedShape() throws IOException {
        Run r = run("scan", "--format", "json", "--rules", dir.resolve("rules.toml").toString(),
                "--known-secrets", dir.resolve("known.env").toString(), dir.toString());
        Files.writeString(dir.resolve("leak.json"), "{\"pw\":\"" + Base64.getEncoder().encodeToString(KNOWN.getBytes()) + "\"}");
        Run leak = run("scan", "--format", "json", "--known-secrets", dir.resolve("known.env").toString(),
                dir.resolve("leak.json").toString());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(r.exit()).isEqualTo(1);
        JsonNode f = root.get("findings").get(0);
        assertThat(f.get("rule").asText()).isEqualTo("aws-access-key-id");
        assertThat(f.get("confidence").asText()).isEqualTo("high");
        assertThat(f.get("path").asText()).endsWith("config.py");
        assertThat(f.get("line").asInt()).isEqualTo(1);
        assertThat(f.get("column").asInt()).isEqualTo(22);
        assertThat(f.get("redacted").asText()).isEqualTo("AKIA…20");
        assertThat(f.get("fingerprint").asText()).hasSize(20);
        assertThat(root.get("stats").get("files").asInt()).isEqualTo(5); // config, clean, allowed, rules, known
        assertThat(root.get("stats").get("bytes").asLong()).isGreaterThan(100);
        assertThat(root.get("stats").has("seconds")).isTrue();
        JsonNode leakRoot = new ObjectMapper().readTree(leak.out());
        assertThat(leak.exit()).isEqualTo(1);
        assertThat(leakRoot.get("findings").get(0).get("rule").asText()).isEqualTo("known-secret:DEPLOY_PASSWORD");
        assertThat(leakRoot.get("findings").get(0).get("confidence").asText()).isEqualTo("certain");
        assertThat(r.out() + leak.out()).doesNotContain(KNOWN).doesNotContain(AWS);
    }

    @Test
    void minConfidenceFilters() throws IOException {
        Files.writeString(dir.resolve("k.txt"), "p=" + KNOWN + "\n");
        Run certain = run("scan", "--min-confidence", "certain", "--known-secrets", dir.resolve("known.env").toString(),
                dir.resolve("k.txt").toString(), dir.resolve("config.py").toString());
        assertThat(certain.exit()).isEqualTo(1);
        assertThat(certain.out()).contains("known-secret:DEPLOY_PASSWORD").doesNotContain("aws-access-key-id");
    }

    @Test
    void stdinIsScanned() {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(("x=" + AWS + "\n").getBytes(StandardCharsets.US_ASCII)));
            Run r = run("scan", "-");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.out()).contains("-:1:3: aws-access-key-id");
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void badRulesFileIsRefusedWithTheRuleAndReason() throws IOException {
        Files.writeString(dir.resolve("bad.toml"), """
                [[rules]]
                id = "look-behind"
                regex = '''(?<=key=)[a-z]{20}'''
                keywords = ["key="]
                """);
        Run r = run("scan", "--rules", dir.resolve("bad.toml").toString(), dir.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("rule look-behind is refused: RE2 cannot compile");
    }

    @Test
    void knownSecretFromMissingEnvironmentVariableIsAnError() throws IOException {
        Files.writeString(dir.resolve("env.list"), "AIRLOCK_TEST_SURELY_UNSET_VARIABLE_1234\n");
        Run r = run("scan", "--known-secrets", dir.resolve("env.list").toString(), dir.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("AIRLOCK_TEST_SURELY_UNSET_VARIABLE_1234 has no value");
    }

    @Test
    void sarifOutputValidatesAgainstTheSarif210Schema() throws IOException {
        Run r = run("scan", "--format", "sarif", "--rules", dir.resolve("rules.toml").toString(), dir.toString());
        assertThat(r.exit()).isEqualTo(1);
        JsonNode sarif = new ObjectMapper().readTree(r.out());
        JsonSchema schema;
        try (InputStream in = getClass().getResourceAsStream("/sarif/sarif-schema-2.1.0.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
        Set<ValidationMessage> errors = schema.validate(sarif);
        assertThat(errors).isEmpty();
        assertThat(sarif.get("version").asText()).isEqualTo("2.1.0");
        JsonNode result = sarif.get("runs").get(0).get("results").get(0);
        assertThat(result.get("ruleId").asText()).isEqualTo("aws-access-key-id");
        assertThat(result.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(1);
        assertThat(r.out()).doesNotContain(AWS);
        // The validator is not vacuous: a log missing its required "version" fails.
        ((com.fasterxml.jackson.databind.node.ObjectNode) sarif).remove("version");
        assertThat(schema.validate(sarif)).isNotEmpty();
    }

    @Test
    void incompleteScanExitsTwoWithTheReason() throws IOException {
        String nested = "token=" + GHP;
        for (int i = 0; i < 8; i++) {
            nested = Base64.getEncoder().encodeToString(nested.getBytes(StandardCharsets.US_ASCII));
        }
        Files.writeString(dir.resolve("nested.txt"), nested);
        Run r = run("scan", dir.resolve("nested.txt").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("scan incomplete, not known to be clean: encodings nested deeper than 4 layers");
    }
}
