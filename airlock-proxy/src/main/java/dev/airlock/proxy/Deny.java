package dev.airlock.proxy;

import dev.airlock.core.event.DenialKind;

/**
 * A refusal, safe to show the agent: every field is already redacted.
 *
 * @param status     HTTP status the client gets (403, 407, 413, 400, 502…)
 * @param error      short description
 * @param rule       the policy entry or scanner rule that refused
 * @param confidence scanner confidence for secret findings, otherwise {@code null}
 * @param where      which part of the request held the finding ({@code header:x-api-key}, {@code body}…)
 * @param hint       what the agent can do instead
 * @param kind       which boundary refused
 */
public record Deny(int status, String error, String rule, String confidence, String where, String hint, DenialKind kind)
        implements Verdict, RouteDecision {

    public static Deny network(String error, String rule, String hint) {
        return new Deny(403, error, rule, null, null, hint, DenialKind.NETWORK);
    }
}
