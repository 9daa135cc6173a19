package dev.airlock.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.drop.snapshot.Manifest;
import dev.airlock.scan.Scanner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token push over real HTTPS on loopback, and refusal without (or with a wrong) token. */
class HttpsPushTest {
    @TempDir
    Path tmp;

    @Test
    void pushWorksWithTheTokenAndFailsWithoutIt() throws Exception {
        Path origin = Workspaces.origin(tmp, Map.of("README.md", "# over https\n"));
        String secret = "ghs_" + "k".repeat(36);
        try (HttpsGitServer server = HttpsGitServer.start(origin, secret, tmp);
             Repository service = IsolatedGit.openBare(tmp.resolve("service.git"));
             GitToken token = GitToken.ofChars(secret.toCharArray());
             GitToken wrong = GitToken.ofChars("ghs_wrongwrongwrong".toCharArray())) {
            GitRemote remote = GitRemote.parse(server.url());

            assertThatThrownBy(() -> new MirrorCommand(service).remote(remote).call())
                    .isInstanceOf(GitServiceException.class).hasMessageContaining("Authentication is required");
            MirrorCommand.Result mirror = new MirrorCommand(service).remote(remote).token(token).call();
            assertThat(mirror.updatedRefs()).isEqualTo(1);

            ByteArrayOutputStream in = new ByteArrayOutputStream();
            ExportCommand.Result input = new ExportCommand(service).revision("refs/remotes/origin/main").output(in).call();
            Path ws = Workspaces.unpack(in.toByteArray(), tmp.resolve("agent"));
            Workspaces.write(ws, "README.md", "# changed over https\n");
            Manifest[] m = new Manifest[1];
            byte[] output = Workspaces.pack(ws, input.manifest(), m);
            ValidatedOutput out = ((OutputVerdict.Accepted) new ValidateOutputCommand(service).input(input)
                    .archive(new ByteArrayInputStream(output)).expectedOutputId(m[0].id())
                    .scanner(Scanner.builder().build()).call()).output();

            assertThatThrownBy(() -> new PublishCommand(service).output(out).runId("run-h").branch("airlock/run-h")
                    .remote(remote).call()).isInstanceOf(GitServiceException.class)
                    .hasMessageContaining("Authentication is required");
            assertThatThrownBy(() -> new PublishCommand(service).output(out).runId("run-h").branch("airlock/run-h")
                    .remote(remote).token(wrong).call()).isInstanceOf(GitServiceException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrongwrong"));
            try (Repository o = new FileRepositoryBuilder().setGitDir(origin.toFile()).build()) {
                assertThat(o.resolve("refs/heads/airlock/run-h")).isNull();
            }
            new PublishCommand(service).output(out).runId("run-h").branch("airlock/run-h").remote(remote)
                    .token(token).call();
            try (Repository o = new FileRepositoryBuilder().setGitDir(origin.toFile()).build()) {
                assertThat(o.resolve("refs/heads/airlock/run-h")).isNotNull();
            }
            assertThat(token.toString()).doesNotContain(secret);
        }
    }
}
