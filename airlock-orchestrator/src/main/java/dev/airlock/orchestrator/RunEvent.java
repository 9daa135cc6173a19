package dev.airlock.orchestrator;

import java.time.Instant;

/**
 * Something that happened in a run: a phase ending ({@code kind = "phase"}, with its duration), a denial, a refusal.
 * Messages are already redacted by their producer.
 */
public record RunEvent(long seq, Instant at, RunState state, String kind, Long millis, String message) {
}
