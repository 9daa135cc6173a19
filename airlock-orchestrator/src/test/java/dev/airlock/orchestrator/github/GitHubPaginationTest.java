package dev.airlock.orchestrator.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Lists longer than one page are read to the end (GitHub's Link: rel="next"), bounded, on the API's origin only. */
class GitHubPaginationTest {
    private static final RepoName REPO = new RepoName("octo", "widgets");
    private static final String TOKEN = "ghs_paginationTestToken000000000000000";
    private final ObjectMapper json = new ObjectMapper();

    private List<JsonNode> comments(int n, String author) {
        List<JsonNode> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ObjectNode c = json.createObjectNode().put("id", i).put("body", "comment " + i);
            c.putObject("user").put("login", author);
            out.add(c);
        }
        return out;
    }

    @Test
    void everyPageIsReadInOrderWithTheCredential() throws Exception {
        try (FakeGitHub github = new FakeGitHub()) {
            github.issueComments.put(3, comments(250, "someone"));
            github.reviewComments.put(4, comments(130, "reviewer"));
            List<JsonNode> runs = new ArrayList<>();
            for (int i = 1; i <= 120; i++) {
                ObjectNode r = json.createObjectNode().put("id", i).put("name", "check " + i)
                        .put("conclusion", i == 120 ? "failure" : "success");
                r.putObject("app").put("slug", "ci");
                runs.add(r);
            }
            github.checkRuns.put(9L, runs);
            GitHubApi api = new GitHubApi(github.uri(), TOKEN);

            GitHubApi.Listing<GitHubApi.Comment> issue = api.issueComments(REPO, 3);
            assertThat(issue.truncated()).isFalse();
            assertThat(issue.items()).extracting(GitHubApi.Comment::id)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 250).boxed().toList());
            assertThat(github.requests("GET", "/issues/3/comments")).hasSize(3)
                    .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN));

            assertThat(api.reviewComments(REPO, 4).items()).hasSize(130).last()
                    .satisfies(c -> assertThat(c.body()).isEqualTo("comment 130"));
            GitHubApi.Listing<GitHubApi.CheckRun> checks = api.checkRuns(REPO, 9);
            assertThat(checks.items()).hasSize(120);
            assertThat(checks.items().getLast().conclusion()).isEqualTo("failure");
        }
    }

    @Test
    void aListLongerThanThePageCapIsCutAndSaysSo() throws Exception {
        try (FakeGitHub github = new FakeGitHub()) {
            github.issueComments.put(5, comments(GitHubApi.MAX_PAGES * 100 + 50, "someone"));
            GitHubApi.Listing<GitHubApi.Comment> listing = new GitHubApi(github.uri(), TOKEN).issueComments(REPO, 5);
            assertThat(listing.truncated()).isTrue();
            assertThat(listing.items()).hasSize(GitHubApi.MAX_PAGES * 100);
            assertThat(github.requests("GET", "/issues/5/comments")).hasSize(GitHubApi.MAX_PAGES);
        }
    }

    @Test
    void theTaskHoldsWritersCommentsFromLaterPagesAndNotesACutList() throws Exception {
        try (FakeGitHub github = new FakeGitHub()) {
            github.issues.put(8, json.createObjectNode().put("title", "t").put("body", "b")
                    .set("user", json.createObjectNode().put("login", "maintainer")));
            List<JsonNode> all = new ArrayList<>(comments(120, "outsider"));
            ObjectNode late = json.createObjectNode().put("id", 121).put("body", "the writer's instructions on page 2");
            late.putObject("user").put("login", "maintainer");
            all.add(late);
            github.issueComments.put(8, all);
            github.permissions.put("maintainer", "write");
            GitHubApi api = new GitHubApi(github.uri(), TOKEN);
            String task = GitHubRunReporter.issueTask(api, REPO, 8);
            assertThat(task).contains("### @maintainer", "the writer's instructions on page 2")
                    .doesNotContain("outsider").doesNotContain("Note from Airlock");

            github.issueComments.put(8, comments(GitHubApi.MAX_PAGES * 100 + 1, "maintainer"));
            assertThat(GitHubRunReporter.issueTask(api, REPO, 8)).contains("Note from Airlock")
                    .contains("later comments are not included");
        }
    }

    @Test
    void aNextLinkToAnotherOriginIsRefusedBeforeTheCredentialGoesThere() throws Exception {
        try (FakeGitHub github = new FakeGitHub()) {
            github.issueComments.put(6, comments(150, "someone"));
            github.nextLinkOrigin = "http://127.0.0.2:9";
            assertThatThrownBy(() -> new GitHubApi(github.uri(), TOKEN).issueComments(REPO, 6))
                    .isInstanceOf(IOException.class).hasMessageContaining("refusing GitHub's next-page link")
                    .hasMessageNotContaining(TOKEN);
            assertThat(github.requests("GET", "/issues/6/comments")).hasSize(1);
        }
    }

    @Test
    void linkHeadersAreParsedAsGitHubSendsThem() {
        assertThat(LinkHeader.next("<https://api.github.com/repositories/1300192/issues?page=2>; rel=\"prev\", "
                + "<https://api.github.com/repositories/1300192/issues?page=4>; rel=\"next\", "
                + "<https://api.github.com/repositories/1300192/issues?page=515>; rel=\"last\""))
                .contains(URI.create("https://api.github.com/repositories/1300192/issues?page=4"));
        assertThat(LinkHeader.next("<https://x.test/a?page=2>; rel=\"next last\"")).contains(URI.create(
                "https://x.test/a?page=2"));
        assertThat(LinkHeader.next("<https://x.test/a?page=1>; rel=\"first\", <https://x.test/a?page=9>; rel=last"))
                .isEmpty();
        assertThat(LinkHeader.next(null)).isEmpty();
        assertThat(LinkHeader.next("<https://x.test/a b>; rel=\"next\"")).isEmpty();
        assertThat(LinkHeader.next("<https://x.test/a; rel=\"next\"")).isEmpty();
        assertThat(LinkHeader.next("<" + "a".repeat(LinkHeader.MAX_LENGTH) + ">; rel=\"next\"")).isEqualTo(Optional.empty());
    }
}
