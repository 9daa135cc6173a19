package dev.airlock.orchestrator.github;

import com.fasterxml.jackson.databind.JsonNode;

/** What a webhook delivery asks for. Switch over it without a default. */
public sealed interface Trigger {
    /** Start a run for an issue; {@code task} is already stripped of hidden text. */
    record Start(RepoName repo, int issue, String sender, String task) implements Trigger {
    }

    /**
     * Revise an Airlock pull request after reviewers asked for changes: a review comment, a review requesting changes
     * or an {@code /airlock <instructions>} comment on the pull request. {@code request} (already stripped of hidden
     * text, may be empty) is what the delivery itself said; the review comments are fetched when the revision starts.
     */
    record Review(RepoName repo, int pull, String sender, String request) implements Trigger {
    }

    /** Fix an Airlock pull request whose check suite failed on {@code headSha}; the sender is CI, not a person. */
    record CheckFailure(RepoName repo, int pull, long suite, String headSha) implements Trigger {
    }

    /** Nothing to do, and why (logged, never echoed to GitHub). */
    record Ignore(String reason) implements Trigger {
    }

    String LABEL = "airlock";
    String COMMAND = "/airlock";

    /**
     * Reads an {@code issues} (action {@code labeled}, label {@code airlock}) or {@code issue_comment} (action
     * {@code created}, body starting with {@code /airlock}) delivery. Hidden text is stripped before the command is
     * looked for, so an invisible character cannot smuggle or disguise one.
     */
    static Trigger of(String event, JsonNode payload) {
        switch (event) {
            case "pull_request_review_comment", "pull_request_review", "check_suite" -> {
                return pullRequestEvent(event, payload);
            }
            default -> {
                // issues and issue_comment below
            }
        }
        JsonNode issue = payload.path("issue");
        String sender = payload.path("sender").path("login").asText("");
        String fullName = payload.path("repository").path("full_name").asText("");
        if (!issue.isObject() || sender.isEmpty() || fullName.isEmpty()) {
            return new Ignore("not an issue event");
        }
        RepoName repo;
        try {
            repo = RepoName.parse(fullName);
        } catch (IllegalArgumentException e) {
            return new Ignore("bad repository name");
        }
        int number = issue.path("number").asInt(-1);
        if (number <= 0) {
            return new Ignore("no issue number");
        }
        if (issue.has("pull_request")) {
            // On a pull request's conversation, /airlock asks for a revision (if it is an Airlock pull request).
            if (!event.equals("issue_comment") || !payload.path("action").asText("").equals("created")) {
                return new Ignore("pull request conversation event is not a new comment");
            }
            String instructions = command(payload.path("comment").path("body").asText(""));
            return instructions == null ? new Ignore("comment is not an " + COMMAND + " command")
                    : new Review(repo, number, sender, instructions);
        }
        String title = HiddenText.strip(issue.path("title").asText(""));
        String body = HiddenText.strip(issue.path("body").asText(""));
        String issueText = "# " + title.strip() + "\n\n" + body.strip() + "\n";
        return switch (event) {
            case "issues" -> {
                if (!payload.path("action").asText("").equals("labeled")) {
                    yield new Ignore("issues action is not labeled");
                }
                if (!payload.path("label").path("name").asText("").equals(LABEL)) {
                    yield new Ignore("label is not " + LABEL);
                }
                yield new Start(repo, number, sender, issueText);
            }
            case "issue_comment" -> {
                if (!payload.path("action").asText("").equals("created")) {
                    yield new Ignore("comment action is not created");
                }
                String instructions = command(payload.path("comment").path("body").asText(""));
                if (instructions == null) {
                    yield new Ignore("comment is not an " + COMMAND + " command");
                }
                yield new Start(repo, number, sender, issueText
                        + (instructions.isEmpty() ? "" : "\n## Instructions\n\n" + instructions + "\n"));
            }
            default -> new Ignore("event " + event + " is not handled");
        };
    }

    /** The instructions after {@code /airlock} (hidden text stripped first), or null if it is not the command. */
    private static String command(String rawComment) {
        String comment = HiddenText.strip(rawComment).strip();
        if (!comment.startsWith(COMMAND) || comment.length() > COMMAND.length()
                && !Character.isWhitespace(comment.charAt(COMMAND.length()))) {
            return null;
        }
        return comment.substring(COMMAND.length()).strip();
    }

    /**
     * Review comments, reviews requesting changes and completed check suites. Only pull requests whose head is in the
     * same repository (not a fork) are considered; whether one is an Airlock pull request is decided against the run
     * database, not the payload.
     */
    private static Trigger pullRequestEvent(String event, JsonNode payload) {
        String fullName = payload.path("repository").path("full_name").asText("");
        RepoName repo;
        try {
            repo = RepoName.parse(fullName);
        } catch (IllegalArgumentException e) {
            return new Ignore("bad repository name");
        }
        String sender = payload.path("sender").path("login").asText("");
        String action = payload.path("action").asText("");
        if (event.equals("check_suite")) {
            JsonNode suite = payload.path("check_suite");
            if (!action.equals("completed")) {
                return new Ignore("check suite action is not completed");
            }
            String conclusion = suite.path("conclusion").asText("");
            if (!conclusion.equals("failure") && !conclusion.equals("timed_out")) {
                return new Ignore("check suite concluded " + (conclusion.isEmpty() ? "nothing" : conclusion));
            }
            JsonNode pulls = suite.path("pull_requests");
            long id = suite.path("id").asLong(-1);
            String sha = suite.path("head_sha").asText("");
            if (pulls.size() != 1 || id <= 0 || !validSha(sha)) {
                return new Ignore("check suite is not on exactly one pull request");
            }
            int number = pulls.get(0).path("number").asInt(-1);
            return number <= 0 ? new Ignore("no pull request number") : new CheckFailure(repo, number, id, sha);
        }
        JsonNode pull = payload.path("pull_request");
        int number = pull.path("number").asInt(-1);
        if (number <= 0 || sender.isEmpty()) {
            return new Ignore("not a pull request event");
        }
        if (!pull.path("head").path("repo").path("full_name").asText("").equals(fullName)) {
            return new Ignore("pull request head is in another repository");
        }
        if (event.equals("pull_request_review_comment")) {
            return action.equals("created") ? new Review(repo, number, sender, "")
                    : new Ignore("review comment action is not created");
        }
        if (!action.equals("submitted")) {
            return new Ignore("review action is not submitted");
        }
        if (!payload.path("review").path("state").asText("").equalsIgnoreCase("changes_requested")) {
            return new Ignore("review does not request changes");
        }
        return new Review(repo, number, sender, HiddenText.strip(payload.path("review").path("body").asText(""))
                .strip());
    }

    private static boolean validSha(String sha) {
        return sha.length() == 40 && sha.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
    }
}
