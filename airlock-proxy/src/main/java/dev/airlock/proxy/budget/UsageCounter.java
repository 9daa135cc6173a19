package dev.airlock.proxy.budget;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.json.Json;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds the token usage in the JSON documents of one LLM API response: the whole body of a JSON response, or each
 * event's data of a server-sent-event stream. Knows Anthropic ({@code usage}, {@code message.usage} in
 * {@code message_start}, {@code usage} in {@code message_delta}) and OpenAI ({@code usage} of chat completions, also
 * the last chunk of a stream; {@code response.usage} of the Responses API's {@code response.completed}).
 *
 * <p>Streamed counts are cumulative (Anthropic's {@code message_delta} repeats the running output count), so within one
 * response each field counts with its largest value, and only the growth is added to the ledger.
 */
final class UsageCounter {
    /** Values above this are not a token count but garbage; they are ignored. */
    private static final long MAX_COUNT = 1L << 40;
    private static final String[] INPUT = {"input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens",
            "prompt_tokens"};
    private static final String[] OUTPUT = {"output_tokens", "completion_tokens"};
    private static final byte[] USAGE = "\"usage\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Map<String, Long> max = new HashMap<>();
    private long countedIn;
    private long countedOut;

    /** Starts a new response. */
    void reset() {
        max.clear();
        countedIn = 0;
        countedOut = 0;
    }

    /**
     * Reads one JSON document; returns the growth {@code {input, output}} to add to the ledger, or null if the
     * document is not JSON (the response then counts as unmetered by the caller's choice).
     */
    long[] accept(byte[] doc, int length) {
        if (indexOf(doc, length, USAGE) < 0) {
            return new long[]{0, 0};
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(doc, 0, length);
        } catch (IOException e) {
            return null;
        }
        if (root == null || !root.isObject()) {
            return new long[]{0, 0};
        }
        for (JsonNode usage : new JsonNode[]{root.get("usage"), root.path("message").get("usage"),
                root.path("response").get("usage")}) {
            if (usage != null && usage.isObject()) {
                for (String f : INPUT) {
                    take(usage, f);
                }
                for (String f : OUTPUT) {
                    take(usage, f);
                }
            }
        }
        long in = 0;
        for (String f : INPUT) {
            in += max.getOrDefault(f, 0L);
        }
        long out = 0;
        for (String f : OUTPUT) {
            out += max.getOrDefault(f, 0L);
        }
        long[] growth = {Math.max(0, in - countedIn), Math.max(0, out - countedOut)};
        countedIn = Math.max(countedIn, in);
        countedOut = Math.max(countedOut, out);
        return growth;
    }

    private void take(JsonNode usage, String field) {
        JsonNode v = usage.get(field);
        if (v != null && v.canConvertToLong() && v.isIntegralNumber() && v.asLong() >= 0 && v.asLong() < MAX_COUNT) {
            max.merge(field, v.asLong(), Math::max);
        }
    }

    static int indexOf(byte[] hay, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
