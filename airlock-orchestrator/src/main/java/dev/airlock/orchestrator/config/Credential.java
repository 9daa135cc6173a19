package dev.airlock.orchestrator.config;

/**
 * The credentials an operator provides, each with the one role whose environment it may reach (the trust diagram in
 * docs/security-model.md): LLM keys only to the egress guard, the git token only to the git role, the GitHub API token
 * and the webhook secret only to the orchestrator.
 */
public enum Credential {
    ANTHROPIC_API_KEY("anthropic_api_key", "guard", "env:ANTHROPIC_API_KEY"),
    OPENAI_API_KEY("openai_api_key", "guard", "env:OPENAI_API_KEY"),
    GIT_TOKEN("git_token", "git", "env:AIRLOCK_GIT_TOKEN"),
    GITHUB_TOKEN("github_token", "orchestrator", "env:AIRLOCK_GITHUB_TOKEN"),
    WEBHOOK_SECRET("webhook_secret", "orchestrator", "env:AIRLOCK_WEBHOOK_SECRET");

    private final String key;
    private final String holder;
    private final String defaultSource;

    Credential(String key, String holder, String defaultSource) {
        this.key = key;
        this.holder = holder;
        this.defaultSource = defaultSource;
    }

    /** The key in the {@code [credentials]} table. */
    public String key() {
        return key;
    }

    /** The only role that receives it. */
    public String holder() {
        return holder;
    }

    String defaultSource() {
        return defaultSource;
    }
}
