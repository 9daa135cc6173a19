package dev.airlock.orchestrator.github;

import com.fasterxml.jackson.databind.JsonNode;

/** What a webhook delivery asks for. Switch over it without a default. */
public sealed interface Trigger {
    /** Start a run for an issue; {@code task} is already stripped of hidden text. */
    record Start(RepoName repo, int issue, String sender, String task) implements Trigger {
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
        JsonNode issue = payload.path("issue");
        String sender = payload.path("sender").path("login").asText("");
        String fullName = payload.path("repository").path("full_name").asText("");
        if (!issue.isObject() || sender.isEmpty() || fullName.isEmpty()) {
            return new Ignore("not an issue event");
        }
        if (issue.has("pull_request")) {
            return new Ignore("comments on pull requests do not start runs yet");
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
                String comment = HiddenText.strip(payload.path("comment").path("body").asText("")).strip();
                if (!comment.startsWith(COMMAND) || comment.length() > COMMAND.length()
                        && !Character.isWhitespace(comment.charAt(COMMAND.length()))) {
                    yield new Ignore("comment is not an " + COMMAND + " command");
                }
                String instructions = comment.substring(COMMAND.length()).strip();
                yield new Start(repo, number, sender, issueText
                        + (instructions.isEmpty() ? "" : "\n## Instructions\n\n" + instructions + "\n"));
            }
            default -> new Ignore("event " + event + " is not handled");
        };
    }
}
