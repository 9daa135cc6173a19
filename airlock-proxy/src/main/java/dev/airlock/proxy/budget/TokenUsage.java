package dev.airlock.proxy.budget;

/**
 * LLM tokens one session used, as counted by the guard from the API responses.
 *
 * @param inputTokens  input tokens (Anthropic {@code input_tokens} + cache creation + cache read; OpenAI
 *                     {@code prompt_tokens} or {@code input_tokens})
 * @param outputTokens output tokens ({@code output_tokens} or {@code completion_tokens})
 * @param unmetered    LLM responses that could not be counted (compressed, too large, not parseable)
 * @param budget       the session's token budget, 0 = unlimited
 */
public record TokenUsage(long inputTokens, long outputTokens, long unmetered, long budget) {
    public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0);

    public long total() {
        return inputTokens + outputTokens;
    }

    /** True once the budget is used up: further LLM requests are refused. */
    public boolean exhausted() {
        return budget > 0 && total() >= budget;
    }

    public TokenUsage plus(TokenUsage o) {
        return new TokenUsage(inputTokens + o.inputTokens, outputTokens + o.outputTokens, unmetered + o.unmetered,
                Math.max(budget, o.budget));
    }
}
