package dev.airlock.cli.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.cli.Main;
import dev.airlock.core.json.Json;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The git worker answers exactly as `airlock git export|publish` would, and serves nothing else. */
class GitWorkerCommandTest {
    @TempDir
    Path tmp;

    @Test
    void anExportRequestAnswersWhatTheCommandItselfPrints() throws Exception {
        Path repo = tmp.resolve("repo");
        createRepository(repo);
        String request = Json.mapper().writeValueAsString(Json.mapper().createObjectNode().set("args",
                Json.mapper().valueToTree(List.of("export", "--remote", repo.toString(), "--cache",
                        tmp.resolve("cache-a").toString(), "--out", tmp.resolve("a.tar.zst").toString()))));
        ObjectNode answer = GitWorkerCommand.answer(request);

        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        int code = cli.execute("git", "export", "--remote", repo.toString(), "--cache", tmp.resolve("cache-b").toString(),
                "--out", tmp.resolve("b.tar.zst").toString());

        assertThat(answer.get("exit").asInt()).isZero().isEqualTo(code);
        assertThat(answer.get("stdout").asText()).startsWith("commit ").contains("snapshot sha256:")
                .isEqualTo(out.toString());
        assertThat(Files.readAllBytes(tmp.resolve("a.tar.zst"))).isEqualTo(Files.readAllBytes(tmp.resolve("b.tar.zst")));

        // A refusal keeps its exit status and its reason on stderr.
        ObjectNode refused = GitWorkerCommand.answer("{\"args\":[\"export\",\"--remote\",\"" + repo
                + "\",\"--cache\",\"" + tmp.resolve("cache-a") + "\"]}");
        assertThat(refused.get("exit").asInt()).isEqualTo(2);
        assertThat(refused.get("stderr").asText()).contains("give --out FILE and/or --input-url URL");
    }

    @Test
    void onlyExportAndPublishAreServedAndRequestsAreBounded() {
        assertThat(GitWorkerCommand.parse("{\"args\":[\"publish\",\"--help\"]}")).containsExactly("publish", "--help");
        for (String bad : List.of("{\"args\":[\"worker\"]}", "{\"args\":[\"--help\"]}", "{\"args\":[]}",
                "{\"args\":[\"export\", 1]}", "{\"args\":[\"export\"],\"env\":{}}", "[\"export\"]", "not json",
                "{\"args\":[" + "\"export\",".repeat(GitWorkerCommand.MAX_ARGS) + "\"export\"]}")) {
            assertThatThrownBy(() -> GitWorkerCommand.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        ObjectNode answer = GitWorkerCommand.answer("{\"args\":[\"worker\"]}");
        assertThat(answer.get("exit").asInt()).isEqualTo(2);
        assertThat(answer.get("stderr").asText()).contains("only").contains("not 'worker'");
    }

    @Test
    void anAnswerNeverRepeatsAPresignedUrlOfItsRequest() {
        String url = "http://127.0.0.1:9/airlock/runs/r/input/0.tar.zst?X-Amz-Date=20260101T000000Z"
                + "&X-Amz-Expires=60&X-Amz-Signature=" + "5".repeat(64);
        // picocli quotes arguments it cannot place; the answer (recorded as a run's reason) must not carry the URL.
        ObjectNode answer = GitWorkerCommand.answer(Json.mapper().createObjectNode().set("args",
                Json.mapper().valueToTree(List.of("export", "--no-such-option", url))).toString());
        assertThat(answer.get("exit").asInt()).isEqualTo(2);
        assertThat(answer.get("stderr").asText()).contains("<presigned URL>").doesNotContain("5".repeat(64));
    }

    private static void createRepository(Path repo) throws Exception {
        Files.createDirectories(repo);
        Files.writeString(repo.resolve("README.md"), "# worker\n");
        try (var git = org.eclipse.jgit.api.Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            var who = new org.eclipse.jgit.lib.PersonIdent("Dev", "dev@example.invalid");
            git.commit().setMessage("init").setAuthor(who).setCommitter(who).setSign(false).call();
        }
    }

    @Test
    void linesAreReadUpToTheBound() throws Exception {
        var in = new ByteArrayInputStream("one\n\ntwo".getBytes(StandardCharsets.UTF_8));
        assertThat(GitWorkerCommand.readLine(in)).isEqualTo("one");
        assertThat(GitWorkerCommand.readLine(in)).isEmpty();
        assertThat(GitWorkerCommand.readLine(in)).isEqualTo("two");
        assertThat(GitWorkerCommand.readLine(in)).isNull();
        var huge = new ByteArrayInputStream(new byte[GitWorkerCommand.MAX_REQUEST_BYTES + 1]);
        assertThatThrownBy(() -> GitWorkerCommand.readLine(huge)).hasMessageContaining("longer than");
    }
}
