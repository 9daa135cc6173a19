package dev.airlock.proxy;

import dev.airlock.core.SessionId;
import dev.airlock.proxy.policy.GuardPolicy;

/** An authenticated sandbox session and the policy that governs it. */
public record Session(SessionId id, GuardPolicy policy) {
}
